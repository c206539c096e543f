"""pipeline/app/cli.py as a user runs it: a signal stops a run promptly (its process settings are
tests/app/test_runtime.py's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


# --- a signal stops a run promptly ---------------------------------------------------------


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".logs" not in p.parts}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_run_promptly_and_leaves_the_earlier_outputs_as_they_were(tmp_path, signum):
    """A real `pei-report run` of a 500-indicator entity (about 20 s of rendering), signalled
    while it renders. Measured in docs/ti/limites.md: it exits 0,02 to 0,13 s later."""
    from benchmarks.make_inputs import make_entity
    from tests.app.test_service import _alive, _descendants

    entity = tmp_path / "inputs" / "grande"
    make_entity(entity, 500, seed=5)
    out = tmp_path / "outputs"
    earlier = out / "grande" / "2024-T3"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"period": "2024-T3"}\n', encoding="utf-8")
    (earlier / "avance.csv").write_bytes(b"objetivo,indicador\n1,IND-0001\n")
    before = _tree(out)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    exe = str(Path(sys.executable).with_name("pei-report"))
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as handle:
        process = subprocess.Popen(
            [exe, "run", "--input", str(entity), "--output", str(out), "--period", "2024-T3", "--no-distribute"],
            env=env, stdout=subprocess.DEVNULL, stderr=handle, cwd=tmp_path,
        )
    server: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while "Generando la presentación" not in stderr.read_text(encoding="utf-8", errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, stderr.read_text(encoding="utf-8")
            time.sleep(0.2)
        server = _descendants(process.pid)
        assert server, "the embedded server runs below the command"
        process.send_signal(signum)
        code = process.wait(timeout=15)  # a bound, not a measurement: rendering alone takes longer
        message = stderr.read_text(encoding="utf-8")
        assert code == 128 + signum, message
        assert "Ejecución interrumpida" in message and "Traceback" not in message, message
        assert _tree(out) == before
        assert not [p for p in (out / "grande").iterdir() if p.name != "2024-T3" and not p.name.endswith(".lock")]
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in server):
            assert time.monotonic() < deadline, "the embedded server stops with the command"
            time.sleep(0.2)
    finally:
        for pid in [process.pid, *server]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def test_in_a_log_each_message_stays_on_one_line(tmp_path):
    """Run as `make report > log` or in CI (stderr is not a terminal): Rich must not wrap a
    message at 80 columns, splitting a path or an option in two."""
    from tests.conftest import SAMPLE

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), COLUMNS="80")
    exe = str(Path(sys.executable).with_name("pei-report"))
    out = tmp_path / "una-carpeta-de-resultados-con-un-nombre-largo" / "outputs"
    done = subprocess.run([exe, "run", "--input", str(SAMPLE), "--output", str(out), "--no-distribute"],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.endswith("Generando la presentación, el PDF, las tablas y la página web") for line in lines), lines
    assert any(line.endswith(f"Publicando en {out / 'secretaria-general' / '2024-T4'}") for line in lines), lines


# --- output folders a run cannot, or must not, write in ---------------------------------------


@pytest.fixture
def read_only_outputs(tmp_path):
    """An output folder, with its .logs, that even root cannot write in (`chattr +i`)."""
    out = tmp_path / "outputs"
    (out / ".logs").mkdir(parents=True)
    folders = [str(out / ".logs"), str(out)]
    if subprocess.run(["chattr", "+i", *folders], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        yield out
    finally:
        subprocess.run(["chattr", "-i", *folders], check=True)


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_read_only_output_folder_is_a_spanish_message_not_a_traceback(tmp_path, read_only_outputs, command):
    from tests.conftest import SAMPLE

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    exe = str(Path(sys.executable).with_name("pei-report"))
    extra = ["--no-distribute"] if command == "run" else ["--port", "1"]
    done = subprocess.run([exe, command, "--input", str(SAMPLE), "--output", str(read_only_outputs), *extra],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    message = " ".join(done.stderr.split())
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "PermissionError" not in done.stderr, done.stderr
    assert message.startswith(f"Error: No se puede escribir en la carpeta de resultados {read_only_outputs}:"), message


@pytest.mark.parametrize("where", ["the input folder", "inside an entity's folder"])
def test_run_refuses_results_inside_its_inputs_as_validar_does(tmp_path, where):
    import shutil

    from typer.testing import CliRunner

    from pipeline.app.cli import app
    from tests.conftest import SAMPLE

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    before = _digest_tree(inputs)
    output = inputs if where == "the input folder" else inputs / "secretaria-general" / "resultados"
    done = CliRunner().invoke(app, ["run", "--input", str(inputs), "--output", str(output)], env={"COLUMNS": "300"})
    message = " ".join(done.stderr.split())
    assert done.exit_code == 2, done.stderr
    assert (
        f"La carpeta de resultados {output} está dentro de la carpeta de entrada {inputs}: run no escribe en las "
        "entradas. Indique otra con --output."
    ) in message
    assert _digest_tree(inputs) == before  # not even a log file


# --- pei-report validar ----------------------------------------------------------------------------


def _validar(*args: str):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    return CliRunner().invoke(app, ["validar", *args], prog_name="pei-report", env={"COLUMNS": "200"})


def _digest_tree(folder: Path) -> str:
    """One hash of every file's path and bytes under `folder`."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_validar_on_the_sample_is_clean_and_writes_nothing(tmp_path):
    import shutil

    from tests.conftest import SAMPLE

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    out = tmp_path / "outputs"
    published = out / "secretaria-general" / "2024-T4"
    published.mkdir(parents=True)
    (published / "manifest.json").write_text('{"period": "2024-T4"}\n', encoding="utf-8")
    before, outputs_before = _digest_tree(inputs), _tree(out)
    result = _validar("--input", str(inputs), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "plan.yaml: sin problemas" in result.stdout and "seguimiento.xlsx: sin problemas" in result.stdout
    assert "Nada que revisar" in result.stdout
    from pipeline.core.command import suggest

    assert result.stdout.rstrip().endswith(f"Todo listo para `{suggest(f'run --input {inputs} --output {out} --period 2024-T4')}`.")
    assert _digest_tree(inputs) == before
    assert _tree(out) == outputs_before and sorted(p.name for p in (out / "secretaria-general").iterdir()) == ["2024-T4"]


def test_validar_lists_the_problems_of_every_file_and_marks_a_copy(tmp_path):
    from tests.workbooks.test_validation import broken_entity

    inputs = tmp_path / "inputs"
    broken_entity(inputs / "ejemplo")
    out = tmp_path / "outputs"
    before = _digest_tree(inputs)
    result = _validar("--input", str(inputs), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 2, result.output
    text = result.stdout
    assert "ejemplo (ejemplo) · corte 2024-T3" in text
    plan, seguimiento = text.index("plan.yaml: 1 problema"), text.index("seguimiento.xlsx (hoja «Seguimiento»): 8 problemas")
    assert plan < text.index("«sumas»") < seguimiento < text.index("«N/A»")
    assert f"Copia marcada para revisar: {out / 'ejemplo' / 'revision' / 'seguimiento.xlsx'}" in text
    assert "Hay 9 problemas por corregir" in text and "Traceback" not in result.output
    assert (out / "ejemplo" / "revision" / "seguimiento.xlsx").is_file()
    assert _digest_tree(inputs) == before


def test_validar_says_who_has_not_reported_by_responsable(tmp_path):
    from tests.plans import write_pdm

    folder = write_pdm(tmp_path / "pdm", 2024)
    result = _validar("--input", str(folder), "--output", str(tmp_path / "out"), "--period", "2024-T3")
    assert result.exit_code == 0, result.output
    assert "Sin el dato de 2024-T3: 1 de 3 indicadores" in result.stdout
    assert "    Secretaría de Ambiente (1):\n      - H-1 Hectáreas en restauración\n" in result.stdout
    assert "Todos los indicadores tienen reporte en 2024 al corte 2024-T3" in result.stdout and "saldrá" not in result.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", ["missing-input", "unknown-entity", "output-inside-input", "bad-period"])
def test_validar_refuses_what_it_cannot_check_with_exit_2(tmp_path, case):
    from tests.conftest import SAMPLE

    args = {
        "missing-input": ["--input", str(tmp_path / "no-existe")],
        "unknown-entity": ["--input", str(SAMPLE.parent), "--entity", "otra"],
        "output-inside-input": ["--input", str(tmp_path), "--output", str(tmp_path / "out")],
        "bad-period": ["--input", str(SAMPLE), "--period", "2024-T5"],
    }[case]
    result = _validar(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error") and "Error: Error" not in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_validar_names_each_file_of_a_seguimiento_folder_and_its_copy(tmp_path):
    from tests.plans import write_pdm
    from tests.ingest.test_execution import write_xlsx

    folder = write_pdm(tmp_path / "inputs" / "pdm", 2024)
    (folder / "seguimiento.csv").unlink()
    (folder / "seguimiento").mkdir()
    write_xlsx(folder / "seguimiento", [["V-1", 2024, 1, 1, None]], name="infraestructura.xlsx")
    write_xlsx(folder / "seguimiento", [["H-1", 2024, 1, "veinte", None]], name="ambiente.xlsx")
    before = _digest_tree(tmp_path / "inputs")
    out = tmp_path / "outputs"
    result = _validar("--input", str(tmp_path / "inputs"), "--output", str(out), "--period", "2024-T1")
    assert result.exit_code == 2, result.output
    assert "seguimiento/ambiente.xlsx (hoja «Seguimiento»): 1 problema" in result.stdout
    assert "seguimiento/infraestructura.xlsx: sin problemas" in result.stdout
    copy = out / "pdm" / "revision" / "seguimiento" / "ambiente.xlsx"
    assert f"Copia marcada para revisar: {copy}" in result.stdout and copy.is_file()
    assert _digest_tree(tmp_path / "inputs") == before


def test_validar_needs_no_prefect(tmp_path):
    """A check is quick: no flow, no server, Prefect not even imported."""
    from tests.conftest import ROOT, SAMPLE

    code = (
        "import sys; from typer.testing import CliRunner; from pipeline.app.cli import app; "
        f"r = CliRunner().invoke(app, ['validar', '--input', {str(SAMPLE)!r}, '--output', {str(tmp_path / 'out')!r}]); "
        "assert r.exit_code == 0, r.output; assert 'prefect' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# --- aprobar and rechazar: what is missing is said before anything starts --------------------


@pytest.mark.parametrize(("command", "missing"), [("aprobar", "Falta el acta"), ("rechazar", "Falta el motivo")])
def test_a_decision_without_its_acta_or_motivo_is_refused_before_prefect_starts(tmp_path, command, missing):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    out = tmp_path / "outputs"
    result = CliRunner().invoke(app, [command, "--input", str(tmp_path / "inputs"), "--output", str(out),
                                      "--period", "2024-T3", "--nombre", "Ana Pérez"])
    assert result.exit_code == 2 and missing in result.stderr and "No se cambió nada" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()  # no log file, no server: nothing written


def test_validar_lists_the_problems_of_sectores_yaml(tmp_path):
    import shutil

    from tests.conftest import SAMPLE

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    (inputs / "sectores.yaml").write_text(
        "sectores:\n  - id: gestion-publica\n    nombre: Sector Gestión Pública\n    cabeza: dascd\n"
        "    entidades: [secretaria-generl]\n", encoding="utf-8")
    result = _validar("--input", str(inputs), "--output", str(tmp_path / "outputs"), "--period", "2024-T3")
    assert result.exit_code == 2, result.output
    text = result.stdout
    assert "sectores.yaml" in text and "línea 5" in text and "¿Quiso decir «secretaria-general»?" in text
    assert "«dascd», que no está en «entidades»" in text
    assert "la entidad «secretaria-general» (carpeta de --input) en ningún sector" in text
    assert "Todo listo" not in text and "Traceback" not in result.output


def test_a_new_entity_s_first_validar_with_only_its_plan_checks_the_plan_and_names_the_next_step(tmp_path, monkeypatch):
    """The office's first steps (docs/oficina/index.md): plan.xlsx or plan.yaml in a new folder, then
    `validar`. The plan is checked and said to be valid; the missing seguimiento is the next step
    (the templates' command, runnable as printed, and where the filled books go), not a problem «to
    fix in the original files». Still exit 2, as `run` (nothing to report yet)."""
    import shlex

    from pipeline.core.command import suggest
    from tests.conftest import SAMPLE

    monkeypatch.chdir(tmp_path)
    folder = Path("inputs") / "mi-entidad"
    folder.mkdir(parents=True)
    (folder / "plan.yaml").write_bytes((SAMPLE / "plan.yaml").read_bytes())
    result = _validar("--input", str(folder), "--period", "2024-T3")
    assert result.exit_code == 2, result.output
    text = result.stdout
    assert "plan.yaml: sin problemas" in text
    command = suggest(f"plantilla --input {folder} --period 2024-T3 --por-responsable")
    assert "Aún no hay seguimiento: genere las plantillas" in text and command in text
    assert f"{folder / 'seguimiento'}/" in text
    assert "corríj" not in text and "por corregir" not in text and "Traceback" not in result.output
    assert suggest(f"validar --input {folder} --period 2024-T3") in text.splitlines()[-1]
    assert not (Path("outputs") / "mi-entidad" / "revision").exists()

    # The step as printed works: the templates are written, one per responsable.
    made = _cli(*shlex.split(command)[1:])
    assert made.exit_code == 0, made.output
    assert list((Path("outputs") / "mi-entidad" / "plantillas" / "2024-T3").glob("*.xlsx"))


def test_run_without_a_seguimiento_says_how_to_make_one(tmp_path, monkeypatch):
    """`run` has no data to report: exit 2, with the same next step (no period: `plantilla` picks
    the cut `run` would)."""
    from pipeline.core.command import suggest
    from pipeline.errors import InputError
    from pipeline.ingest import load_inputs
    from tests.conftest import SAMPLE

    folder = tmp_path / "mi-entidad"
    folder.mkdir()
    (folder / "plan.yaml").write_bytes((SAMPLE / "plan.yaml").read_bytes())
    with pytest.raises(InputError) as info:
        load_inputs(folder)
    message = str(info.value)
    assert "aún no hay seguimiento" in message
    assert suggest(f"plantilla --input {folder} --por-responsable") in message
    assert f"{folder / 'seguimiento'}/" in message and "corríj" not in message


def _cli(*args: str):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    return CliRunner().invoke(app, list(args), prog_name="pei-report", env={"COLUMNS": "200"})


def test_consolidar_rewrites_the_sectors_from_published_cuts_alone(tmp_path):
    from tests.sectors import publish_district, write_district

    inputs, outputs = write_district(tmp_path / "inputs"), tmp_path / "outputs"
    publish_district(inputs, outputs)
    entity_files = sorted(p for p in outputs.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in entity_files}
    result = _cli("consolidar", "--input", str(inputs), "--period", "2024T3", "--output", str(outputs))
    assert result.exit_code == 0, result.output
    assert "Sector Territorio (2024-T3): avance de la vigencia" in result.stdout and "2 de 3 entidades" in result.stdout
    assert str(outputs / "sectores" / "territorio" / "2024-T3" / "entidades.csv") in result.stdout
    assert {p: p.read_bytes() for p in entity_files} == before  # no entity was run again
    assert (outputs / "sectores" / "gestion-publica" / "2024-T3" / "web" / "index.html").is_file()
    assert (tmp_path / "publicacion" / "sectores" / "territorio" / "2024-T3" / "entidades.csv").is_file()


def test_consolidar_refuses_a_bad_sectores_yaml_or_none(tmp_path):
    from tests.sectors import write_district

    inputs = write_district(tmp_path / "inputs")
    (inputs / "sectores.yaml").write_text((inputs / "sectores.yaml").read_text(encoding="utf-8").replace("cabeza: alcaldia-a", "cabeza: alcaldia-z"), encoding="utf-8")
    result = _cli("consolidar", "--input", str(inputs), "--period", "2024-T3", "--output", str(tmp_path / "outputs"))
    assert result.exit_code == 2 and "«alcaldia-z», que no está en «entidades»" in result.output and "Traceback" not in result.output
    (inputs / "sectores.yaml").unlink()
    result = _cli("consolidar", "--input", str(inputs), "--period", "2024-T3", "--output", str(tmp_path / "outputs"))
    assert result.exit_code == 2 and "sectores.yaml" in result.output


def test_consolidar_without_sectores_yaml_points_at_a_spanish_page_with_one_error_prefix(tmp_path):
    from tests.sectors import write_district

    inputs = write_district(tmp_path / "inputs")
    (inputs / "sectores.yaml").unlink()
    result = _cli("consolidar", "--input", str(inputs), "--period", "2024-T3", "--output", str(tmp_path / "outputs"))
    assert result.exit_code == 2, result.output
    assert "docs/contract.md" not in result.output and "sectors and the district" not in result.output
    assert "docs/ti/servicio.md" in result.output
    assert "Error: Error" not in result.output and result.output.lstrip().startswith("Error en el archivo")


def test_plantilla_por_responsable_says_where_the_filled_workbooks_go(tmp_path, sample_copy):
    result = _cli("plantilla", "--period", "2024-T3", "--por-responsable", "--input", str(sample_copy),
                  "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert f"póngalo en {sample_copy / 'seguimiento'}/" in result.stderr
    assert f"validar --input {sample_copy} --period 2024-T3" in result.stderr
    assert all(line.endswith(".xlsx") for line in result.stdout.splitlines() if line.strip())


# --- the desktop commands on Windows ---------------------------------------------------------

# Office staff prepare and check data on Windows laptops, where `fcntl` does not exist and
# WeasyPrint needs a runtime few install. The desktop commands run with all three unimportable.
_WITHOUT_UNIX_PDF_OR_PREFECT = (
    "import sys\n"
    "for name in ('fcntl', 'weasyprint', 'prefect'):\n"
    "    sys.modules[name] = None  # `import name` now raises ImportError\n"
    "from pipeline.app.cli import main\n"
    "sys.argv = ['pei-report', *sys.argv[1:]]\n"
    "main()\n"
)


def _desktop(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_UNIX_PDF_OR_PREFECT, *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.parametrize(
    "command",
    [
        ("plantilla", "--period", "2024-T3"),
        ("plantilla", "--period", "2024-T3", "--por-responsable"),
        ("plantilla", "--plan"),
        ("validar",),
    ],
    ids=["plantilla", "por-responsable", "plan", "validar"],
)
def test_the_desktop_commands_need_neither_fcntl_nor_weasyprint_nor_prefect(tmp_path, sample_copy, command):
    out = tmp_path / "out"
    extra = ("--input", str(sample_copy)) if command != ("plantilla", "--plan") else ()
    done = _desktop(tmp_path, *command, *extra, "--output", str(out))
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    if command[0] == "plantilla":
        written = [Path(line) for line in done.stdout.splitlines() if line.endswith(".xlsx")]
        assert written and all(p.is_file() for p in written)
    else:
        assert "Todo listo para" in done.stdout


def test_a_template_written_again_keeps_the_earlier_one_without_fcntl(tmp_path, sample_copy):
    args = ("plantilla", "--period", "2024-T3", "--input", str(sample_copy), "--output", str(tmp_path / "out"))
    assert _desktop(tmp_path, *args).returncode == 0
    again = _desktop(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert "la anterior se guardó en" in again.stderr


# --- the sample beside a newcomer's own entity -------------------------------------------------


def _sample_and_newcomer(root: Path) -> Path:
    import shutil

    from tests.conftest import SAMPLE

    shutil.copytree(SAMPLE, root / "secretaria-general")
    shutil.copytree(SAMPLE, root / "mi-entidad")
    plan = root / "mi-entidad" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("periodo_plan: [2020, 2024]", "periodo_plan: [2020, 2027]"), encoding="utf-8")
    return root


def test_validar_and_plantilla_skip_in_a_batch_an_entity_whose_plan_does_not_cover_the_cut(tmp_path):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    inputs = _sample_and_newcomer(tmp_path / "inputs")
    out = tmp_path / "out"
    checked = _validar("--input", str(inputs), "--output", str(out), "--period", "2025-T1")
    assert checked.exit_code == 0, checked.stdout
    assert "Corte 2025-T1 omitido en este lote: El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024)" in checked.stdout
    assert "--period 2025-T1`" in checked.stdout.splitlines()[-1]
    written = CliRunner().invoke(app, ["plantilla", "--input", str(inputs), "--output", str(out), "--period", "2025-T1"],
                                 prog_name="pei-report", env={"COLUMNS": "300"})
    assert written.exit_code == 0, written.stderr
    assert "secretaria-general: corte 2025-T1 omitido en este lote: El periodo 2025-T1 está fuera del periodo del plan" in written.stderr
    assert (out / "mi-entidad" / "plantillas" / "2025-T1" / "seguimiento-2025-T1.xlsx").is_file()
    assert not (out / "secretaria-general").exists()
    # Named alone, or a cut no plan covers, it is still the error.
    alone = _validar("--input", str(inputs), "--entity", "secretaria-general", "--output", str(out), "--period", "2025-T1")
    assert alone.exit_code == 2
    nobody = CliRunner().invoke(app, ["plantilla", "--input", str(inputs), "--output", str(out), "--period", "2028-T1"], prog_name="pei-report")
    assert nobody.exit_code == 2 and "fuera del periodo del plan" in nobody.stderr


def test_the_batch_bar_shows_a_skipped_entity_as_omitida_with_its_reason():
    import io
    import logging

    from rich.console import Console

    from pipeline.app.cli import _ProgressHandler
    from pipeline.runs.progress import BatchProgress

    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    handler = _ProgressHandler(console)

    def emit(progress, entity="", **extra):
        record = logging.LogRecord("pei_report.progress", logging.INFO, __file__, 1, entity, None, None)
        record.batch, record.entity = progress, entity
        record.__dict__.update(extra)
        handler.emit(record)

    emit(BatchProgress(0, 0, 0, 2))
    emit(BatchProgress(1, 0, 1, 2), "sg", skipped="El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024).")
    emit(BatchProgress(2, 0, 1, 2), "alcaldia")
    handler.close()
    shown = console.file.getvalue()
    assert "sg · omitida: El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024)." in shown
    assert "listas 1 · omitidas 1 · fallidas 0 · faltan 0" in shown


def test_validar_lists_the_problems_of_a_sector_s_own_distribucion(tmp_path):
    import shutil

    from tests.conftest import SAMPLE

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    (inputs / "sectores.yaml").write_text(
        "sectores:\n  - id: gestion-publica\n    nombre: Sector Gestión Pública\n    cabeza: secretaria-general\n"
        "    entidades: [secretaria-general]\n    distribucion:\n      correo:\n        destinatarios: [sector@sg]\n",
        encoding="utf-8")
    result = _validar("--input", str(inputs), "--output", str(tmp_path / "outputs"), "--period", "2024-T3")
    assert result.exit_code == 2, result.output
    text = " ".join(result.stdout.split())
    assert "sectores.yaml" in text and "línea 8" in text and "«sector@sg»" in text
    assert "sectores[1].distribucion.correo.destinatarios[1]" in text and "Traceback" not in result.output


def test_validar_lists_one_file_s_warning_and_another_file_s_error_in_one_pass(tmp_path):
    """newuser-findings 4: 0,89 typed for 89 % in the Salud file is warned about while the
    Desarrollo Social file has an «N/A» where a number goes, not only once the «N/A» is fixed."""
    from tests.workbooks.test_validation import _dependency_files

    folder = _dependency_files(tmp_path)
    result = _validar("--input", str(folder), "--output", str(tmp_path / "out"), "--period", "2025-T1")
    assert result.exit_code == 2, result.output
    text = result.stdout
    assert "seguimiento/desarrollo-social.xlsx (hoja «Seguimiento»): 1 problema" in text
    salud = text.index("seguimiento/salud.xlsx")
    assert text[salud:].split("\n")[0].endswith("sin problemas")
    assert "Aviso:" in text[salud:] and "«S-1» (un porcentaje, meta de 2025: 90)" in text[salud:]
