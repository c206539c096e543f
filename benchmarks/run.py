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
   and the whole against its own rendering floor. Target: whole <= 1.3 x floor.

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

from benchmarks.make_inputs import make_entity, make_pdm  # noqa: E402
from pipeline.app.service import free_port, prefect_server  # noqa: E402


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- 1 and 5: one report, in process ------------------------------------------------------------


def stages(folder: Path, repeat: int) -> dict[str, float]:
    """Median seconds of each stage of one entity's report, the whole, and the floor."""
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
    out["indicators"] = len(plan.indicators)
    out["slides"] = len(report.slides)
    return out


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

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
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


def command(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes) of `pei-report ARGS`, which must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen([str(BIN / "pei-report"), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
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


def verdict(ok: bool) -> str:
    return "✅ sí" if ok else "❌ no"


def main() -> None:
    parser = argparse.ArgumentParser(description="benchmarks of pei-report")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=60, help="entities in the batch")
    parser.add_argument("--batch-repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--label", default="", help="a note for the heading (e.g. before/after a change)")
    parser.add_argument("--sections", default="1,2,3,4,5,6", help="which sections to measure, e.g. 1,6")
    args = parser.parse_args()
    sections = {int(n) for n in args.sections.split(",") if n.strip()}
    work = Path(tempfile.mkdtemp(prefix="pei-bench-"))
    lines: list[str] = []
    say = lambda text="": (print(text, flush=True), lines.append(text))  # noqa: E731

    say(f"# pei-report benchmarks{' · ' + args.label if args.label else ''}")
    say()
    say(f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `benchmarks/run.py --repeat {args.repeat} --batch {args.batch}`; "
        f"times are medians of {args.repeat} runs (batches: {args.batch_repeat}).")
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
        pdm = stages(folder, args.repeat)
        _stages_section(say, f"## 6. A municipal plan of {pdm['indicators']} indicators under ejes ({pdm['slides']} slides)", pdm)
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


if __name__ == "__main__":
    main()
