"""An on-demand run on a running `pei-report serve` against the same work warm in one process;
writes benchmarks/RESULTS-served.md.

    .venv/bin/python benchmarks/served.py [--repeat 3] [--set NAME=VALUE ...] [--out PATH]

`pei-report serve` is started on the sample (its own Prefect server on a free port). Each round:

- served: a run of the `trimestral` deployment for the sample's entity and cut is created through
  the API (what the UI's «Run» or `prefect deployment run` does), and timed from that request until
  its published files appear (the cut's manifest.json and the publication folder's copy), and
  until the run is Completed. The run's state history splits the time: the request until the
  runner picked it up (Pending: the runner's poll), until the engine ran the flow (Running: the
  new process's imports and engine start), and the flow itself.
- warm: the same flow function with the same parameters, called in this process, which already
  ran it once, against the same server: the work itself with Prefect's per-run costs, nothing
  cold. Target (issue 23): served <= 2 x warm.

Run with another checkout's interpreter (`/other/.venv/bin/python benchmarks/served.py --label ...`)
to measure that checkout's `serve` (its `pei-report`) against the same warm work.
`--set NAME=VALUE` sets a variable in serve's environment (e.g. `PREFECT_RUNNER_POLL_FREQUENCY=10`,
Prefect's own default, to measure without serve's setting). Times are medians of `--repeat` rounds;
the load average is recorded with them (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "inputs" / "secretaria-general"
BIN = Path(sys.executable).parent
ENTITY, PERIOD = "secretaria-general", "2024-T4"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from pipeline.app.service import free_port, healthy  # noqa: E402  (imports no Prefect)


def _wait(predicate, timeout: float, what: str, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise SystemExit(f"timed out waiting for {what}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _published(output: Path, publication: Path) -> bool:
    return (output / ENTITY / PERIOD / "manifest.json").is_file() and (publication / ENTITY / PERIOD / "avance.csv").is_file()


def _clear(output: Path, publication: Path) -> None:
    for folder in (output / ENTITY / PERIOD, publication / ENTITY / PERIOD):
        shutil.rmtree(folder, ignore_errors=True)


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def served_round(api, deployment: dict, output: Path, publication: Path) -> dict[str, float]:
    """One on-demand run through the API: seconds to published files and to Completed, and its parts."""
    _clear(output, publication)
    start, wall = time.perf_counter(), time.time()
    for _ in range(20):  # a busy SQLite answers 503, which Prefect's own clients retry too
        created = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": {"entity": ENTITY, "period": PERIOD}})
        if created.status_code != 503:
            break
        time.sleep(0.1)
    created.raise_for_status()
    run_id = created.json()["id"]
    _wait(lambda: _published(output, publication), 300, "the published files")
    published = time.perf_counter() - start

    def final():
        state = api.get(f"/flow_runs/{run_id}").json()["state"]
        return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    state = _wait(final, 120, "the run to end", 0.05)
    completed = time.perf_counter() - start
    if state["type"] != "COMPLETED":
        raise SystemExit(f"the served run ended {state['type']}: {state.get('message')}")
    states = api.get("/flow_run_states/", params={"flow_run_id": run_id}).json()
    at = {s["type"]: _seconds(s["timestamp"]) for s in sorted(states, key=lambda s: s["timestamp"], reverse=True)}
    return {
        "published": published, "completed": completed,
        "picked up": at["PENDING"] - wall, "process start": at["RUNNING"] - at["PENDING"],
        "flow": (wall + published) - at["RUNNING"],
    }


def warm_round(flow, inputs: Path, output: Path, publication: Path) -> float:
    _clear(output, publication)
    start = time.perf_counter()
    flow(input_dir=str(inputs), output_dir=str(output), period=PERIOD, entity=ENTITY)
    assert _published(output, publication)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a variable of serve's environment")
    parser.add_argument("--label", default="", help="what is measured, for the heading (e.g. the code's branch)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (serve.log) and say where")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS-served.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pei-bench-served-"))
    served_in, served_out = work / "served" / "inputs", work / "served" / "outputs"
    shutil.copytree(SAMPLE, served_in / ENTITY)
    warm_out = work / "warm" / "outputs"
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(work / "prefect-home")
    env.update(dict(item.split("=", 1) for item in args.set))
    load_before = _load()
    log = open(work / "serve.log", "wb")
    serve = subprocess.Popen(
        [str(BIN / "pei-report"), "serve", "--input", str(served_in), "--output", str(served_out), "--port", str(port)],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait(lambda: healthy(url), 180, "the server", 0.5)
        # This process: the same server, set before Prefect is imported.
        os.environ.update(PREFECT_API_URL=url, PREFECT_HOME=str(work / "warm-home"))
        import httpx

        api = httpx.Client(base_url=url, timeout=30)
        import uuid

        client = str(uuid.uuid4())  # serve checks a CSRF token on every change
        api.headers.update({"Prefect-Csrf-Token": api.get("/csrf-token", params={"client": client}).json()["token"],
                            "Prefect-Csrf-Client": client})
        deployment = _wait(lambda: (r := api.get("/deployments/name/quarterly_report/trimestral")).status_code == 200 and r.json(),
                           120, "the deployment", 0.5)
        import flows

        warm_round(flows.quarterly_report, served_in, warm_out, work / "warm" / "publicacion")  # the first call: imports, engine
        served, warm, loads = [], [], []
        for _ in range(args.repeat):
            served.append(served_round(api, deployment, served_out, work / "served" / "publicacion"))
            warm.append(warm_round(flows.quarterly_report, served_in, warm_out, work / "warm" / "publicacion"))
            loads.append(_load())
        api.close()
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)  # this process's run logs, while the server still answers
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGINT)
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
        log.close()
    if args.keep:
        print(f"work folder: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)

    median = {key: statistics.median(r[key] for r in served) for key in served[0]}
    warm_median = statistics.median(warm)
    ratio = median["published"] / warm_median
    settings = ", ".join(f"`{s}`" for s in args.set) or "serve's own (pipeline/app/service.py)"
    lines = [
        "# An on-demand run on a running `pei-report serve` (benchmarks/served.py)"
        + (f": {args.label}" if args.label else ""), "",
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, shared; serve's settings: {settings}; "
        f"medians of {args.repeat} rounds (sample, {ENTITY} {PERIOD}).", "",
        "| | s |", "|---|---:|",
        f"| served: API request to published files | {median['published']:.2f} |",
        f"| served: API request to Completed | {median['completed']:.2f} |",
        f"| · request until the runner picked it up (Pending) | {median['picked up']:.2f} |",
        f"| · Pending until the flow ran (new process: imports, engine) | {median['process start']:.2f} |",
        f"| · the flow until its published files | {median['flow']:.2f} |",
        f"| warm: the flow function in a process that already ran it | {warm_median:.2f} |",
        f"| **served / warm** (target <= 2) | **{ratio:.2f}** |", "",
        f"Load average (1, 5, 15 min): before {load_before}; after each round {'; '.join(loads)}.", "",
        "Each round: " + "; ".join(f"served {r['published']:.2f} s, warm {w:.2f} s" for r, w in zip(served, warm)) + ".",
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
