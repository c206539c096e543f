"""Measure the report side by side with its floor and its peer; write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--repeat 5] [--batch 60] [--out benchmarks/RESULTS.md]

Everything is measured in this one run, on this machine, so the ratios compare like with like:

1. Per report (the sample, warm, in one process): ingest, attainment and tables, content model,
   charts, deck, PDF; the whole against the rendering floor (WeasyPrint on the same HTML and
   stylesheet, plus python-pptx saving the same deck, nothing else). Target: whole <= 1.3 x floor.
2. The peer: LibreOffice headless converting our own deck to PDF, against our whole deck + PDF +
   tables from the inputs. Target: ours <= 0.5 x LibreOffice.
3. Cold `pei-report run` on the sample in a new process: with the embedded Prefect server and
   with a running Prefect server. Targets on a 2-core machine: 12 s and 4 s.
4. A batch of seed-sized entities: one worker against a process pool over every core.
   Target: >= 1.7 x on 2 cores; peak memory of the whole process tree.
5. Growth: the whole report for plans of 15, 150 and 500 indicators, time per indicator.
   Target: at 500 within 1.2 x of that at 150.
6. A 300-indicator municipal plan (PDM: ejes, units, levels; `make_inputs.py --pdm`): its stages,
   and the whole against its own rendering floor. Target: whole <= 1.3 x floor. And the whole as
   a run renders it (`steps.render_outputs`), one output after another and with the PDF in a
   second process (`pipeline.runs.render_pool`), against its slowest output, the PDF.
   Target: the whole close to the slowest output, not the sum.
7. A district (`make_inputs.py --district`: 15 sectors, 60 entities of 20 to 300 indicators,
   sectores.yaml; `--district-entities N` for fewer) reported whole by `pei-report run` with one
   worker, the process pool over every core and a Dask LocalCluster reached through its
   scheduler address, side by side: wall time, time per entity (median, max, from the Prefect
   server's task runs), peak memory of the process tree (the command's and the cluster's), and
   the share of the sectors' consolidation step. Targets on 2 cores: pool >= 1.85 x one worker;
   consolidation < 5 %; peak < 3 GiB. The load average is recorded beside it.

`--sections 1,6` measures only those sections (all by default).

Times are medians of `--repeat` runs (batches: `--batch-repeat`, default 1).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "inputs" / "secretaria-general"
BIN = Path(sys.executable).parent
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from benchmarks.make_inputs import make_district, make_entity, make_pdm  # noqa: E402
from pipeline.app.service import free_port, prefect_server  # noqa: E402


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- 1 and 5: one report, in process ------------------------------------------------------------


def stages(folder: Path, repeat: int, as_run: bool = False) -> dict[str, float]:
    """Median seconds of each stage of one entity's report, the whole, and the floor; `as_run`:
    also the whole as a run renders it, one output after another and with the PDF in a second
    process, and the child's start (the first cut a process renders pays it)."""
    from pptx import Presentation

    from pipeline.core.attainment import plan_series
    from pipeline.outputs.charts import chart_svg
    from pipeline.ingest import load_execution, load_plan, load_settings
    from pipeline.ingest.execution import reported_quarters
    from pipeline.core.periods import default_cut
    from pipeline.delivery.publish import csv_bytes
    from pipeline.outputs.pdf import report_css, report_html, write_pdf
    from pipeline.outputs.deck import render_deck
    from pipeline.outputs.datapackage import datapackage_bytes
    from pipeline.report.document import build_document
    from pipeline.outputs.web import render_web
    from pipeline.report.layout import ChartSlide, build_report, lay_out
    from pipeline.report.changes import compare
    from pipeline.outputs.registry import cut_tables

    def ingest():
        plan = load_plan(folder)
        settings = load_settings(folder)
        execution = load_execution(folder, plan).table
        return plan, settings, execution

    def compute(plan, settings, execution):
        """As the flow does: the plan at every quarter up to the cut once, its comparison with the
        previous cut (recomputed: a benchmark has no published cut) and the cut's tables."""
        cut = default_cut(plan.vigencia, reported_quarters(execution))
        series = plan_series(plan, execution, cut, settings.bands)
        result = series[-1]
        frames = cut_tables(plan, series, compare(plan, execution, cut, settings.bands, current=result))
        tables = {f"{key}.csv": csv_bytes(frame) for key, frame in frames.items()}
        return result, tables, series

    def web(document, report, tables, deck, pdf):
        """The web page and the data package, linking to the other files (as the registry does)."""
        package = datapackage_bytes("bench", plan, report_cut, tables)
        files = {"deck": ("d.pptx", deck), "pdf": ("r.pdf", pdf), "avance": ("avance.csv", tables["avance.csv"]),
                 "objetivos": ("objetivos.csv", tables["objetivos.csv"]), "serie": ("serie.csv", tables["serie.csv"]),
                 "datapackage": ("datapackage.json", package)}
        return render_web(document, settings.theme, {k: n for k, (n, _) in files.items()}, {k: len(b) for k, (_, b) in files.items()})

    def whole():
        plan, settings, execution = ingest()
        result, tables, series = compute(plan, settings, execution)
        document = build_document(plan, execution, result, settings.bands, series=series)
        report = lay_out(document, settings.theme)
        deck = render_deck(report)
        pdf = write_pdf(report_html(report), report_css(report), report.period, report.created, {"avance.csv": tables["avance.csv"]})
        return deck, pdf, web(document, report, tables, deck, pdf)

    plan, settings, execution = ingest()
    result, tables, _ = compute(plan, settings, execution)
    report_cut = result.cut
    whole()  # warm: imports, font caches
    report = build_report(plan, execution, result, settings.bands, settings.theme)
    theme = report.theme
    charts = [s.chart for s in report.slides if isinstance(s, ChartSlide)]
    html, css = report_html(report), report_css(report)
    deck = render_deck(report)
    attachments = {"avance.csv": tables["avance.csv"]}

    def floor():
        write_pdf(html, css, report.period, report.created, attachments)
        Presentation(io.BytesIO(deck)).save(io.BytesIO())

    out = {
        "ingest": median_time(ingest, repeat),
        "attainment + tables": median_time(lambda: compute(plan, settings, execution), repeat),
        "content model": median_time(lambda: build_report(plan, execution, result, settings.bands, settings.theme), repeat),
        "web page + data package": median_time(lambda: web(build_document(plan, execution, result, settings.bands), report, tables, deck, b"%PDF"), repeat),
        "charts (SVG)": median_time(lambda: [chart_svg(c, 880, 380, theme.color("texto"), theme.color("borde")) for c in charts], repeat),
        "deck": median_time(lambda: render_deck(report), repeat),
        "PDF (HTML + WeasyPrint)": median_time(lambda: write_pdf(report_html(report), css, report.period, report.created, attachments), repeat),
        "whole": median_time(whole, repeat),
        "floor": median_time(floor, repeat),
    }
    if as_run:
        out.update(_as_run(folder, repeat))
    out["indicators"] = len(plan.indicators)
    out["slides"] = len(report.slides)
    return out


def _as_run(folder: Path, repeat: int) -> dict[str, float]:
    """The whole cut as `report_entity` makes it (read, compute, render every registered output),
    one output after another and with the PDF in a second process."""
    from pipeline.ingest import Entity
    from pipeline.outputs.registry import Rendering
    from pipeline.runs import render_pool
    from pipeline.runs.steps import compute_report, read_inputs, render_outputs

    def cut(concurrently: bool) -> None:
        inputs = read_inputs.fn(Entity(folder.name, folder), None)
        if concurrently:
            render_pool.warm()
        computed = compute_report.fn(inputs)
        rendering = Rendering(folder.name, inputs.cut, inputs.settings, inputs.plan, computed.result, computed.report,
                              computed.tables, computed.document)
        render_outputs(lambda step: step.fn, rendering, concurrently)

    render_pool.shutdown()
    start = time.perf_counter()
    cut(True)  # the first: the child starts (a spawned interpreter importing the renderers)
    cold = time.perf_counter() - start
    return {
        "whole as a run, one output after another": median_time(lambda: cut(False), repeat),
        "whole as a run, PDF in a second process": median_time(lambda: cut(True), repeat),
        "whole as a run, PDF in a second process, first cut (child starts)": cold,
    }


# --- 2: LibreOffice --------------------------------------------------------------------------


def libreoffice(deck: bytes, repeat: int) -> float | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.pptx"
        path.write_bytes(deck)
        profile = Path(tmp) / "profile"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(path)]
        subprocess.run(command, capture_output=True, timeout=300, check=True)  # first start builds the profile
        return median_time(lambda: subprocess.run(command, capture_output=True, timeout=300, check=True), repeat)


# --- 3 and 4: the command, in new processes ----------------------------------------------------


class PeakMemory:
    """Peak resident memory of a process and all its descendants, sampled every 0.1 s."""

    def __init__(self, pid: int, also: list[int] = ()):
        import psutil

        self.roots = [psutil.Process(p) for p in (pid, *also)]
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                processes = [p for root in self.roots for p in (root, *root.children(recursive=True))]
                total = 0
                for process in processes:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def command(args: list[str], env: dict[str, str], also: list[int] = ()) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes) of `pei-report ARGS`, which must succeed; `also`:
    other processes whose trees count in the peak (a Dask cluster's)."""
    start = time.perf_counter()
    process = subprocess.Popen([str(BIN / "pei-report"), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid, also)
    _, err = process.communicate(timeout=3600)
    elapsed = time.perf_counter() - start
    peak = memory.stop()
    if process.returncode != 0:
        raise RuntimeError(f"pei-report {' '.join(args)} failed ({process.returncode}):\n{err}")
    return elapsed, peak


# --- the report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = {name: metadata.version(name) for name in ("weasyprint", "python-pptx", "prefect", "prefect-dask", "pandas")}
    soffice = shutil.which("soffice")
    if soffice:
        versions["LibreOffice"] = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", **versions}


def load() -> str:
    """The machine's load average (1, 5 and 15 minutes): these machines are shared."""
    return " / ".join(f"{n:.2f}" for n in os.getloadavg())


def verdict(ok: bool) -> str:
    return "✅ sí" if ok else "❌ no"


def main() -> None:
    parser = argparse.ArgumentParser(description="benchmarks of pei-report")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=60, help="entities in the batch")
    parser.add_argument("--batch-repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--label", default="", help="a note for the heading (e.g. before/after a change)")
    parser.add_argument("--sections", default="1,2,3,4,5,6,7", help="which sections to measure, e.g. 1,6")
    parser.add_argument("--district-entities", type=int, default=60, help="entities of the district (section 7), 4 per sector")
    args = parser.parse_args()
    sections = {int(n) for n in args.sections.split(",") if n.strip()}
    work = Path(tempfile.mkdtemp(prefix="pei-bench-"))
    lines: list[str] = []
    say = lambda text="": (print(text, flush=True), lines.append(text))  # noqa: E731

    say(f"# pei-report benchmarks{' · ' + args.label if args.label else ''}")
    say()
    say(f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `benchmarks/run.py {' '.join(sys.argv[1:])}`; "
        f"times are medians of {args.repeat} runs (batches: {args.batch_repeat}). Load average at the start "
        f"(1, 5, 15 min): {load()}.")
    say()
    say("| machine | |")
    say("|---|---|")
    for key, value in machine().items():
        say(f"| {key} | {value} |")

    if 1 in sections or 2 in sections:
        sample = stages(SAMPLE, args.repeat)
    if 1 in sections:
        _stages_section(say, f"## 1. One report (the sample: {sample['indicators']} indicators, {sample['slides']} slides)", sample)
    if 2 in sections:
        _peer_section(say, sample, args.repeat)
    if 3 in sections or 4 in sections:
        _command_sections(say, work, args)
    if 5 in sections:
        _growth_section(say, work, args.repeat)
    if 6 in sections:
        folder = work / "pdm-300"
        make_pdm(folder, 300, seed=300)
        pdm = stages(folder, args.repeat, as_run=True)
        _stages_section(say, f"## 6. A municipal plan of {pdm['indicators']} indicators under ejes ({pdm['slides']} slides)", pdm)
        _slowest_section(say, pdm)
    if 7 in sections:
        _district_section(say, work, args)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nwritten {args.out}")


def _stages_section(say, heading: str, sample: dict) -> None:
    say()
    say(heading)
    say()
    say("| stage | s |")
    say("|---|---:|")
    for key in ("ingest", "attainment + tables", "content model", "charts (SVG)", "deck", "PDF (HTML + WeasyPrint)",
                "web page + data package", "whole", "floor"):
        if key in sample:
            say(f"| {key} | {sample[key]:.3f} |")
    ratio = sample["whole"] / sample["floor"]
    say()
    say(f"Whole / floor (WeasyPrint on the same HTML + saving the same deck): **{ratio:.2f} x** "
        f"(target <= 1.3 x: {verdict(ratio <= 1.3)}). The charts (SVG) are part of the HTML, so they count in the whole, not in the floor; "
        "so do the web page and the data package, which have no floor of their own.")


def _peer_section(say, sample: dict, repeat: int) -> None:
    from pipeline.ingest import load_execution, load_plan, load_settings  # noqa: F401 (warm)
    from pipeline.core.attainment import plan_attainment
    from pipeline.ingest.execution import reported_quarters
    from pipeline.core.periods import default_cut
    from pipeline.outputs.deck import render_deck
    from pipeline.report.layout import build_report

    plan = load_plan(SAMPLE)
    settings = load_settings(SAMPLE)
    execution = load_execution(SAMPLE, plan).table
    cut = default_cut(plan.vigencia, reported_quarters(execution))
    deck = render_deck(build_report(plan, execution, plan_attainment(plan, execution, cut, settings.bands), settings.bands, settings.theme))
    office = libreoffice(deck, repeat)
    say()
    say("## 2. The peer: LibreOffice converting our deck to PDF")
    say()
    if office is None:
        say("LibreOffice is not installed here; not measured.")
    else:
        peer = sample["whole"] / office
        say(f"| | s |\n|---|---:|\n| LibreOffice headless, our deck to PDF | {office:.3f} |\n| ours: deck + PDF + tables from the inputs | {sample['whole']:.3f} |")
        say()
        say(f"Ours / LibreOffice: **{peer:.2f} x** (target <= 0.5 x: {verdict(peer <= 0.5)}). "
            f"WeasyPrint's part alone (its time on our finished HTML, charts included) is "
            f"{sample['PDF (HTML + WeasyPrint)'] / office:.2f} x LibreOffice.")


def _command_sections(say, work: Path, args) -> None:
    home = work / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    out = work / "out"
    run = ["run", "--input", str(SAMPLE), "--output", str(out), "--no-distribute"]
    command(run, env)  # creates the embedded server's database once, as a first run does
    embedded = statistics.median(command(run, env)[0] for _ in range(args.repeat))
    server_env = {**env, "PREFECT_HOME": str(work / "server-home")}
    with prefect_server(None, free_port(), work / "server.log", timeout=180, env=server_env) as url:
        served_env = {**env, "PREFECT_API_URL": url}
        command(run, served_env)
        served = statistics.median(command(run, served_env)[0] for _ in range(args.repeat))

        # 4. batch
        batch_dir = work / "batch"
        for n in range(1, args.batch + 1):
            make_entity(batch_dir / f"entidad-{n:02d}", 13, seed=n * 1000 + 13)
        batch = ["run", "--input", str(batch_dir), "--output", str(work / "batch-out"), "--no-distribute"]
        one = [command([*batch, "--task-runner", "threads", "--workers", "1"], served_env) for _ in range(args.batch_repeat)]
        pool = [command([*batch, "--task-runner", "processes"], served_env) for _ in range(args.batch_repeat)]
    say()
    say("## 3. Cold `pei-report run` on the sample (a new process each time)")
    say()
    say(f"| Prefect | s | target | met |\n|---|---:|---:|---|\n| embedded (no server) | {embedded:.2f} | 12 | {verdict(embedded <= 12)} |\n"
        f"| running server (`PREFECT_API_URL`) | {served:.2f} | 4 | {verdict(served <= 4)} |")
    one_t, one_m = statistics.median(t for t, _ in one), max(m for _, m in one)
    pool_t, pool_m = statistics.median(t for t, _ in pool), max(m for _, m in pool)
    speedup = one_t / pool_t
    say()
    say(f"## 4. A batch of {args.batch} seed-sized entities (running Prefect server)")
    say()
    say("| task runner | s | s per entity | peak memory (process tree) |\n|---|---:|---:|---:|")
    say(f"| threads, 1 worker | {one_t:.1f} | {one_t / args.batch:.2f} | {one_m / 2**20:.0f} MiB |")
    say(f"| processes, {os.cpu_count()} workers | {pool_t:.1f} | {pool_t / args.batch:.2f} | {pool_m / 2**20:.0f} MiB |")
    say()
    say(f"Speed-up: **{speedup:.2f} x** on {os.cpu_count()} cores (target >= 1.7 x: {verdict(speedup >= 1.7)}). "
        "In a batch each entity is one Prefect task run; the Prefect server runs on the same two cores.")


def _growth_section(say, work: Path, repeat: int) -> None:
    growth = {}
    for size in (15, 150, 500):
        folder = work / "growth" / f"plan-{size}"
        make_entity(folder, size, seed=size)
        growth[size] = stages(folder, max(1, repeat // 2))
    say()
    say("## 5. Growth with the plan's size (whole report, in process)")
    say()
    say("| indicators | slides | whole s | ms per indicator |\n|---:|---:|---:|---:|")
    for size, row in growth.items():
        say(f"| {size} | {row['slides']} | {row['whole']:.2f} | {1000 * row['whole'] / size:.1f} |")
    per = (growth[500]["whole"] / 500) / (growth[150]["whole"] / 150)
    say()
    say(f"Time per indicator at 500 / at 150: **{per:.2f} x** (target <= 1.2 x: {verdict(per <= 1.2)}).")


def _slowest_section(say, pdm: dict) -> None:
    slowest = pdm["PDF (HTML + WeasyPrint)"]
    sequential = pdm["whole as a run, one output after another"]
    concurrent = pdm["whole as a run, PDF in a second process"]
    say()
    say("Whole as a run renders it (read, compute, every registered output), against its slowest output:")
    say()
    say("| | s | / slowest output |\n|---|---:|---:|")
    say(f"| slowest output: the PDF (HTML + WeasyPrint) | {slowest:.2f} | 1.00 |")
    for key in ("whole as a run, one output after another", "whole as a run, PDF in a second process",
                "whole as a run, PDF in a second process, first cut (child starts)"):
        say(f"| {key} | {pdm[key]:.2f} | {pdm[key] / slowest:.2f} |")
    say()
    say(f"The PDF in a second process takes the whole from {sequential:.1f} s to {concurrent:.1f} s "
        f"({sequential / concurrent:.2f} x), {concurrent / slowest:.2f} x its slowest output "
        f"(the sum of the outputs was {sequential / slowest:.2f} x). Load average now: {load()}.")


# --- 7: a district ------------------------------------------------------------------------------


def _district_size(entities: int) -> tuple[int, int]:
    """Sectors and entities per sector: 4 per sector, as the district of issue 22."""
    per_sector = min(4, max(1, entities))
    return max(1, entities // per_sector), per_sector


def _cluster(env: dict[str, str], workers: int):
    """A Dask LocalCluster in a process of its own (so its memory is measured apart from ours),
    and its scheduler's address on loopback; ends when its standard input closes."""
    code = (
        "import sys\n"
        "from dask.distributed import LocalCluster\n"
        f"cluster = LocalCluster(n_workers={workers}, threads_per_worker=1, processes=True, host='127.0.0.1', "
        "dashboard_address=None)\n"
        "print(cluster.scheduler_address, flush=True)\n"
        "sys.stdin.read()\n"
        "cluster.close()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = process.stdout.readline().strip()
    if not address.startswith("tcp://"):
        process.kill()
        raise RuntimeError("the Dask LocalCluster did not start")
    return process, address


def _task_runs(url: str) -> dict[str, float]:
    """Seconds of each task run of the latest flow run on the server at `url`, by name."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        (latest,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        runs, page = [], None
        while page is None or len(page) == 200:  # the server gives at most 200 a call
            page = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[latest.id])), limit=200,
                                         offset=len(runs), sort=TaskRunSort.EXPECTED_START_TIME_ASC)
            runs += page
    return {run.name: (run.end_time - run.start_time).total_seconds() for run in runs if run.start_time and run.end_time}


def _district_section(say, work: Path, args) -> None:
    sectors, per_sector = _district_size(args.district_entities)
    folder = work / "district"
    sizes = make_district(folder, sectors, per_sector)
    entities = len(sizes)
    cores = os.cpu_count() or 1
    home = work / "district-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))
    rows = {}
    with prefect_server(None, free_port(), work / "district-server.log", timeout=180, env=env) as url:
        served = {**env, "PREFECT_API_URL": url}
        base = ["run", "--input", str(folder), "--no-distribute"]
        modes = [("one worker (threads, 1)", ["--task-runner", "threads", "--workers", "1"], None),
                 (f"process pool ({cores} workers)", ["--task-runner", "processes"], None),
                 (f"Dask LocalCluster ({cores} workers) by its address", None, cores)]
        for name, extra, dask_workers in modes:
            out = work / f"district-out-{len(rows)}"
            cluster = None
            if dask_workers:
                cluster, address = _cluster(served, dask_workers)
                extra = ["--dask-address", address]
            try:
                loads = os.getloadavg()[0]
                elapsed, peak = command([*base, "--output", str(out), *extra], served,
                                        also=[cluster.pid] if cluster else [])
            finally:
                if cluster is not None:
                    cluster.stdin.close()
                    cluster.wait(timeout=60)
            runs = _task_runs(url)
            per_entity = [s for n, s in runs.items() if n.startswith("reportar-")]
            consolidation = sum(s for n, s in runs.items() if n.startswith("consolidar-sectores") or n.startswith("Consolidar"))
            rows[name] = (elapsed, per_entity, peak, consolidation, loads)
            shutil.rmtree(out, ignore_errors=True)
    say()
    say(f"## 7. A district: {sectors} sectors, {entities} entities of {min(sizes)} to {max(sizes)} indicators "
        f"({sum(sizes)} in all), `pei-report run` (running Prefect server)")
    say()
    say("| task runner | wall s | speed-up | s per entity: median | max | peak memory (process tree) | consolidation s | share | load (1 min) |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    one = next(iter(rows.values()))[0]
    for name, (elapsed, per_entity, peak, consolidation, loads) in rows.items():
        say(f"| {name} | {elapsed:.1f} | {one / elapsed:.2f} x | {statistics.median(per_entity):.1f} | {max(per_entity):.1f} | "
            f"{peak / 2**20:.0f} MiB | {consolidation:.1f} | {100 * consolidation / elapsed:.1f} % | {loads:.2f} |")
    pool = list(rows.values())[1]
    speedup = one / pool[0]
    share = max(100 * r[3] / r[0] for r in rows.values())
    peak = max(r[2] for r in rows.values())
    say()
    say(f"Process pool / one worker: **{speedup:.2f} x** on {cores} cores (target >= 1.85 x: {verdict(speedup >= 1.85)}); "
        f"consolidation at most **{share:.1f} %** of the batch (target < 5 %: {verdict(share < 5)}); "
        f"peak memory at most **{peak / 2**30:.2f} GiB** (target < 3 GiB: {verdict(peak < 3 * 2**30)}). "
        f"Time per entity is its task run's (`reportar-<entidad>`) on the Prefect server; the consolidation is the "
        f"«Consolidar sectores» task run (every sector and the district, after the entities). Load average now: {load()}.")


if __name__ == "__main__":
    main()
