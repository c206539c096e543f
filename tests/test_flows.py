"""flows.py and pipeline/app/cli.py: the quarterly run end to end, under one Prefect test harness."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import flows
from pipeline.app.cli import app
from pipeline.errors import PipelineError
from pipeline.outputs.registry import OUTPUTS
from pipeline.core.periods import PeriodError
from tests.conftest import SAMPLE

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["run", *args], catch_exceptions=False)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".logs" not in p.parts}


FILES = (
    "PEI-secretaria-general-2024-T4.pptx", "PEI-secretaria-general-2024-T4.pdf", "avance.csv", "objetivos.csv",
    "cambios.csv", "serie.csv", "tablas.xlsx", "datapackage.json", "web/index.html", "web/estilo.css", "manifest.json",
)
DISTRIBUTED = tuple(n for n in FILES if n != "manifest.json")  # the web page links to the data files beside it


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it (`web/index.html`)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _attached(files: dict[str, bytes]) -> dict[str, bytes]:
    """What the e-mail carries: the deck and the PDF."""
    return {n: b for n, b in files.items() if n.endswith((".pdf", ".pptx"))}


@pytest.fixture(scope="module")
def earlier_outputs(tmp_path_factory) -> Path:
    """Outputs of a good run of the sample, made once and copied where a test needs them."""
    out = tmp_path_factory.mktemp("earlier") / "outputs"
    result = cli("--input", str(SAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def test_sample_run_writes_deck_pdf_and_tables(tmp_path):
    out = tmp_path / "outputs"
    result = cli("--input", str(SAMPLE.parent), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    folder = out / "secretaria-general" / "2024-T4"  # latest quarter with data
    assert sorted(_files(folder)) == sorted(FILES)
    printed = result.stdout.split()
    assert printed == [str(folder / n) for n in FILES]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2024-T4" and manifest["entity"]["slug"] == "secretaria-general"
    for record in manifest["outputs"]:
        assert hashlib.sha256((folder / record["path"]).read_bytes()).hexdigest() == record["sha256"]
    inputs = {Path(r["path"]).name: r["sha256"] for r in manifest["inputs"]}
    assert inputs["seguimiento.xlsx"] == hashlib.sha256((SAMPLE / "seguimiento.xlsx").read_bytes()).hexdigest()
    assert {"prefect", "pandas", "python", "pei-report"} <= set(manifest["versions"])
    assert "Calculando el avance al corte 2024-T4" in result.stderr


@pytest.mark.parametrize("spelling", ["2024-T2", "2024T2", "2024-Q2", "2024q2"])
def test_period_spellings(tmp_path, spelling):
    result = cli("--input", str(SAMPLE), "--output", str(tmp_path), "--period", spelling)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "secretaria-general" / "2024-T2" / "avance.csv").exists()


def test_regenerating_a_past_cut_gives_the_same_figures(tmp_path):
    assert cli("--input", str(SAMPLE), "--output", str(tmp_path / "a"), "--period", "2024-T2").exit_code == 0
    assert cli("--input", str(SAMPLE), "--output", str(tmp_path / "b"), "--period", "2024-T2").exit_code == 0
    for name in ("avance.csv", "objetivos.csv", "PEI-secretaria-general-2024-T2.pdf"):
        a = (tmp_path / "a" / "secretaria-general" / "2024-T2" / name).read_bytes()
        assert a == (tmp_path / "b" / "secretaria-general" / "2024-T2" / name).read_bytes()


# --- bad input: exit 2, one Spanish message naming the file (and row, column), no traceback -----


def _break_xlsx(folder: Path, row: list) -> None:
    book = load_workbook(folder / "seguimiento.xlsx")
    book.active.append(row)
    book.save(folder / "seguimiento.xlsx")


def _edit_plan(folder: Path, old: str, new: str) -> None:
    path = folder / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_INPUTS = {
    "missing plan": (lambda f: (f / "plan.yaml").unlink(), ["plan.yaml"]),
    "missing seguimiento": (lambda f: (f / "seguimiento.xlsx").unlink(), ["seguimiento.xlsx o seguimiento.csv"]),
    "both seguimientos": (lambda f: (f / "seguimiento.csv").write_text("indicador,anio,trimestre,valor\n"), ["dos archivos de seguimiento"]),
    "corrupt xlsx": (lambda f: (f / "seguimiento.xlsx").write_bytes(b"PK\x03\x04 roto"), ["seguimiento.xlsx", "libro de Excel"]),
    "yaml syntax": (lambda f: _edit_plan(f, "vigencia: 2024", "vigencia: [2024"), ["plan.yaml", "línea 8", "sintaxis YAML"]),
    "missing columns": (
        lambda f: (f / "seguimiento.xlsx").unlink() or (f / "seguimiento.csv").write_text("indicador;anio;valor\nIS-545;2024;5\n"),
        ["seguimiento.csv", "faltan: trimestre"],
    ),
    "unknown indicator": (lambda f: _break_xlsx(f, ["IS-000", 2024, 1, 1]), ["seguimiento.xlsx", "fila 93", "«indicador» (A)", "«IS-000»"]),
    "year outside plan": (lambda f: _break_xlsx(f, ["IS-545", 2025, 1, 1]), ["fila 93", "«anio» (B)", "2020 a 2024"]),
    "quarter not 1-4": (lambda f: _break_xlsx(f, ["IS-545", 2024, 6, 1]), ["fila 93", "«trimestre» (C)", "«6»"]),
    "non-numeric value": (lambda f: _break_xlsx(f, ["IS-545", 2023, 1, "muchos"]), ["fila 93", "«valor» (D)", "«muchos»"]),
    "duplicate quarter": (lambda f: _break_xlsx(f, ["IS-545", 2024, 1, 5]), ["fila 93", "ya está en la fila"]),
    "negative value": (lambda f: _break_xlsx(f, ["IS-545", 2023, 1, -5]), ["fila 93", "no puede ser negativa"]),
    "percentage above 100": (lambda f: _break_xlsx(f, ["IS-321", 2023, 1, 120]), ["fila 93", "un porcentaje entre 0 y 100"]),
    "unknown annualization": (lambda f: _edit_plan(f, "    anualizacion: suma\n", "    anualizacion: acumulada\n"), ["plan.yaml", "«acumulada»"]),
    "decreciente without baseline": (lambda f: _edit_plan(f, "anualizacion: creciente", "anualizacion: decreciente"), ["plan.yaml", "sin línea base"]),
    "undefined indicator in objective": (lambda f: _edit_plan(f, "[IS-545, IS-546]", "[IS-545, IS-547]"), ["plan.yaml", "«IS-547»", "no está definido"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_a_spanish_message(case, sample_copy, tmp_path, earlier_outputs):
    out = tmp_path / "outputs"
    shutil.copytree(earlier_outputs, out)
    before = _tree(out)
    breaker, fragments = BAD_INPUTS[case]
    breaker(sample_copy)
    result = cli("--input", str(sample_copy), "--output", str(out))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("pei-report")
    assert "Error:" in result.stderr or "Error en " in result.stderr
    for fragment in fragments:
        assert fragment in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert _tree(out) == before  # the earlier outputs of that entity and cut are exactly as they were


def test_malformed_period(tmp_path):
    result = cli("--input", str(SAMPLE), "--output", str(tmp_path), "--period", "2024-T7")
    assert result.exit_code == 2
    assert "«2024-T7» no es válido" in result.stderr and "2024-T3" in result.stderr


def test_period_outside_the_plan(tmp_path):
    result = cli("--input", str(SAMPLE), "--output", str(tmp_path), "--period", "2026-T1")
    assert result.exit_code == 2
    assert "fuera del periodo del plan (2020 a 2024)" in result.stderr


def test_a_cut_after_the_plan_exits_2_with_a_spanish_message(tmp_path):
    result = cli("--input", str(SAMPLE), "--output", str(tmp_path), "--period", "2026-T4")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "El periodo 2026-T4 está fuera del periodo del plan (2020 a 2024)" in message
    assert "Traceback" not in result.stderr + result.stdout


def test_folder_of_entities_reports_each_and_names_the_failures(tmp_path):
    root = tmp_path / "inputs"
    for slug in ("alfa", "beta", "gamma"):
        shutil.copytree(SAMPLE, root / slug)
    _break_xlsx(root / "beta", ["IS-545", 2024, 9, 1])
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out))
    assert result.exit_code == 2
    assert "Fallaron 1 de 3 entidades (beta)" in result.stderr and "[beta]" in result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["alfa", "gamma"]


def _newcomer_beside_the_sample(root: Path) -> Path:
    """inputs/ as a new office has it: the sample (plan 2020 to 2024) and its own entity (plan to 2027)."""
    shutil.copytree(SAMPLE, root / "secretaria-general")
    shutil.copytree(SAMPLE, root / "mi-entidad")
    _edit_plan(root / "mi-entidad", "periodo_plan: [2020, 2024]", "periodo_plan: [2020, 2027]")
    return root


def test_a_batch_skips_with_a_warning_an_entity_whose_plan_does_not_cover_the_cut(tmp_path):
    """The sample beside a newcomer's own entity no longer fails every batch of a later cut."""
    root = _newcomer_beside_the_sample(tmp_path / "inputs")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2025-T1", "--no-distribute")
    assert result.exit_code == 0, result.stderr
    message = " ".join(result.stderr.split())
    assert "secretaria-general · corte 2025-T1 omitido: El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024)" in message
    assert message.count("✓ ") == 1 and "mi-entidad · corte 2025-T1 omitido" not in message  # the newcomer is reported
    assert (out / "mi-entidad" / "2025-T1" / "manifest.json").is_file() and not (out / "secretaria-general").exists()


def test_a_cut_outside_every_plan_of_a_batch_still_fails(tmp_path):
    root = _newcomer_beside_the_sample(tmp_path / "inputs")
    result = cli("--input", str(root), "--output", str(tmp_path / "outputs"), "--period", "2028-T1", "--no-distribute")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "Fallaron 2 de 2 entidades" in message and "El periodo 2028-T1 está fuera del periodo del plan (2020 a 2027)" in message


def test_a_named_entity_outside_its_plan_still_fails(tmp_path):
    root = _newcomer_beside_the_sample(tmp_path / "inputs")
    result = cli("--input", str(root), "--entity", "secretaria-general", "--output", str(tmp_path / "o"), "--period", "2025-T1")
    assert result.exit_code == 2 and "fuera del periodo del plan (2020 a 2024)" in result.stderr


def test_the_command_as_a_user_runs_it(tmp_path, sample_copy):
    """A real process: exit statuses, stdout/stderr, no traceback (starts its own Prefect)."""
    exe = Path(sys.executable).with_name("pei-report")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    ok = subprocess.run([str(exe), "run", "--input", str(sample_copy), "--output", str(tmp_path / "o")],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[-1].endswith("manifest.json")
    assert "| INFO" not in ok.stderr  # Prefect's lines went to the log file, not the console
    assert "Calculando el avance al corte 2024-T4" in ok.stderr
    _break_xlsx(sample_copy, ["IS-545", 2024, "quinto", 1])
    from prefect.settings import PREFECT_API_URL

    env["PREFECT_API_URL"] = PREFECT_API_URL.value()  # the harness's server: no second cold start
    bad = subprocess.run([str(exe), "run", "--input", str(sample_copy), "--output", str(tmp_path / "o")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "fila 93" in bad.stderr and "«quinto»" in bad.stderr


def resend(*args: str):
    return runner.invoke(app, ["resend", *args], catch_exceptions=False)


def test_resend_over_a_folder_skips_like_run_an_entity_whose_plan_does_not_cover_the_cut(tmp_path):
    """newuser-findings 6: `resend --period 2025-T1` over inputs/ (the sample, plan to 2024, beside
    the newcomer's entity) said «Fallaron 2 de 2 entidades… no se reportó ninguna»."""
    root = _newcomer_beside_the_sample(tmp_path / "inputs")
    with (root / "mi-entidad" / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\ndistribucion:\n  carpeta_publicacion: publicados\n")
    out = tmp_path / "outputs"
    assert cli("--input", str(root), "--output", str(out), "--period", "2025-T1", "--no-distribute").exit_code == 0
    result = resend("--input", str(root), "--output", str(out), "--period", "2025-T1")
    assert result.exit_code == 0, result.stderr
    message = " ".join(result.stderr.split())
    assert "secretaria-general · corte 2025-T1 omitido: El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024)" in message
    assert "Fallaron" not in message and message.count("✓ ") == 1
    assert any((tmp_path / "publicados").rglob("*.pdf"))
    # No entity can resend the cut: the batch fails, and says so as a resend.
    nobody = resend("--input", str(root), "--output", str(out), "--period", "2028-T1")
    assert nobody.exit_code == 2, nobody.stderr
    said = " ".join(nobody.stderr.split())
    assert "Fallaron 2 de 2 entidades" in said and "no se reenvió ninguna" in said and "reportó" not in said


def test_entities_failed_says_what_the_batch_did():
    from pipeline.errors import EntitiesFailed, InputError

    failures = {"a": InputError("plan.yaml", [])}
    assert "se reenviaron b." in str(EntitiesFailed(failures, ["b"], action=("se reenviaron", "no se reenvió ninguna")))
    assert "no se reportó ninguna." in str(EntitiesFailed(failures, []))


# --- history: a regeneration keeps what it replaces ------------------------------------------


def test_regenerating_a_cut_keeps_the_replaced_files_in_the_history(tmp_path, earlier_outputs):
    out = tmp_path / "outputs"
    shutil.copytree(earlier_outputs, out)
    folder = out / "secretaria-general" / "2024-T4"
    before = _files(folder)
    result = cli("--input", str(SAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    kept = list((out / ".historial" / "secretaria-general" / "2024-T4").iterdir())
    assert len(kept) == 1
    assert _files(kept[0]) == before  # nothing lost, byte for byte
    assert "Versión publicada anterior guardada en" in result.stderr
    assert sorted(_files(folder)) == sorted(FILES)
    assert not [p for p in (out / "secretaria-general").iterdir() if "staging" in p.name or ".old-" in p.name]


def test_one_entity_of_a_folder(tmp_path):
    root = tmp_path / "inputs"
    for slug in ("alfa", "beta"):
        shutil.copytree(SAMPLE, root / slug)
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--entity", "beta", "--period", "2024-T1")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["beta"]
    unknown = cli("--input", str(root), "--output", str(out), "--entity", "gama")
    assert unknown.exit_code == 2
    assert "no hay una entidad «gama»" in unknown.stderr and "alfa, beta" in unknown.stderr


# --- distribution: publication folder and e-mail ---------------------------------------------

RECIPIENTS = ["planeacion@sg.gov.co", "jefe.planeacion@sg.gov.co"]
DISTRIBUTION = """
distribucion:
  carpeta_publicacion: {folder}
  correo:
    destinatarios: [planeacion@sg.gov.co, jefe.planeacion@sg.gov.co]
    copia: [control.interno@sg.gov.co]
    reintentos: 2
    espera_segundos: 0
"""


def _with_email(folder: Path, publication: Path) -> None:
    """`publication` beside the output folder: an entity's own file names it relative to there."""
    with (folder / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(DISTRIBUTION.format(folder=publication.name))


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_successful_cut_is_copied_and_emailed(tmp_path, sample_copy, smtp_server):
    publication = tmp_path / "publicados"
    _with_email(sample_copy, publication)
    out = tmp_path / "outputs"
    result = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    folder = out / "secretaria-general" / "2024-T3"
    deck, pdf = folder / "PEI-secretaria-general-2024-T3.pptx", folder / "PEI-secretaria-general-2024-T3.pdf"
    copies = publication / "secretaria-general" / "2024-T3"
    published = _files(folder)
    assert _files(copies) == {n: published[n] for n in published if n != "manifest.json"}

    assert len(smtp_server.received) == 1
    envelope, message = smtp_server.received[0]
    assert sorted(envelope.rcpt_tos) == sorted([*RECIPIENTS, "control.interno@sg.gov.co"])
    assert message["Subject"] == "PEI Secretaría General de la Alcaldía Mayor de Bogotá: seguimiento con corte 2024-T3"
    attachments = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    assert attachments == {deck.name: deck.read_bytes(), pdf.name: pdf.read_bytes()}
    assert "30 de septiembre de 2024" in message.get_body(("plain",)).get_content()

    distribution = _manifest(folder)["distribution"]
    assert distribution["status"] == "distributed"
    assert distribution["email"]["status"] == "sent" and distribution["email"]["to"] == RECIPIENTS
    assert distribution["publication"] == {
        "status": "copied", "folder": str(copies), "files": [
            r["path"] for r in _manifest(folder)["outputs"]
        ],
    }
    assert "correo enviado a planeacion@sg.gov.co" in " ".join(result.stderr.split())


def test_smtp_down_retries_then_reports_while_the_cut_stays_published_and_resend_sends_it(
    tmp_path, sample_copy, smtp_down, monkeypatch
):
    _with_email(sample_copy, tmp_path / "publicados")
    out = tmp_path / "outputs"
    result = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 3, result.stderr
    message = " ".join(result.stderr.split())
    assert "quedaron publicados en" in message and "la distribución falló" in message
    assert f"No se pudo conectar con el servidor de correo 127.0.0.1:{smtp_down}" in message
    assert "pei-report resend --entity secretaria-general --period 2024-T3" in message
    folder = out / "secretaria-general" / "2024-T3"
    manifest = _manifest(folder)
    for record in manifest["outputs"]:  # published, complete and valid
        assert hashlib.sha256((folder / record["path"]).read_bytes()).hexdigest() == record["sha256"]
    assert manifest["distribution"]["status"] == "failed"
    assert manifest["distribution"]["email"]["attempts"] == 3  # the first try and two retries
    log = next((out / ".logs").glob("pei-report-*.log")).read_text(encoding="utf-8")
    assert "Retry 1/2 will start" in log and "Retry 2/2 will start" in log and "Retries are exhausted" in log

    # The server is back: resend the same files, without regenerating them.
    from aiosmtpd.controller import Controller

    from tests.conftest import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_down)
    controller.start()
    try:
        before = {n: b for n, b in _files(folder).items() if n != "manifest.json"}
        again = resend("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    finally:
        controller.stop()
    assert again.exit_code == 0, again.stderr
    assert {n: b for n, b in _files(folder).items() if n != "manifest.json"} == before
    assert len(inbox.received) == 1
    attachments = {p.get_filename(): p.get_content() for p in inbox.received[0][1].iter_attachments()}
    assert attachments == {n: b for n, b in before.items() if n.endswith((".pdf", ".pptx"))}
    assert _manifest(folder)["distribution"]["email"]["status"] == "sent"
    assert not (out / ".historial").exists()  # a resend replaces nothing


def test_resend_refuses_files_changed_after_publishing(tmp_path, sample_copy, smtp_server):
    _with_email(sample_copy, tmp_path / "publicados")
    out = tmp_path / "outputs"
    assert cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3", "--no-distribute").exit_code == 0
    assert _manifest(out / "secretaria-general" / "2024-T3")["distribution"] == {"status": "skipped"}
    assert smtp_server.received == []
    (out / "secretaria-general" / "2024-T3" / "PEI-secretaria-general-2024-T3.pdf").write_bytes(b"%PDF otro")
    result = resend("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 1
    assert "no coincide con su manifest.json" in " ".join(result.stderr.split())
    assert smtp_server.received == []
    missing = resend("--input", str(sample_copy), "--output", str(out), "--period", "2024-T1")
    assert missing.exit_code == 2 and "no hay un corte publicado" in " ".join(missing.stderr.split())


# --- visible in Prefect ----------------------------------------------------------------------


def test_each_run_leaves_a_markdown_summary_and_links_to_the_files(tmp_path):
    import asyncio

    from prefect.client.orchestration import get_client

    out = tmp_path / "outputs"
    assert cli("--input", str(SAMPLE), "--output", str(out), "--period", "2024-T2").exit_code == 0

    async def read(artifact_filter: dict, **filters: dict) -> list[dict]:
        # The REST endpoint itself: this Prefect's client sends nulls its server rejects.
        async with get_client() as client:
            response = await client._client.post(
                "/artifacts/filter",
                json={"artifacts": artifact_filter, "limit": 200, "sort": "CREATED_DESC", **filters},
            )
            response.raise_for_status()
            return response.json()

    markdown = asyncio.run(read({"key": {"any_": ["pei-secretaria-general-2024-t2"]}}))
    assert markdown and markdown[0]["type"] == "markdown"
    assert "## Objetivo 8" in markdown[0]["data"] and "Seguimiento **2024-T2**" in markdown[0]["data"]
    folder = (out / "secretaria-general" / "2024-T2").resolve()
    run = {"id": {"any_": [markdown[0]["flow_run_id"]]}}
    # This Prefect stores link artifacts as Markdown links.
    linked = {a["data"] for a in asyncio.run(read({}, flow_runs=run)) if isinstance(a["data"], str)}
    for name in FILES:
        assert f"[{name.replace('T4', 'T2')}]({(folder / name.replace('T4', 'T2')).as_uri()})" in linked


def _task_runs(out: Path) -> list[list[dict]]:
    """The task runs of each flow run that wrote to `out`, one list per flow run."""
    import asyncio

    from prefect.client.orchestration import get_client

    async def read() -> list[list[dict]]:
        async with get_client() as client:
            response = await client._client.post("/flow_runs/filter", json={"limit": 200})
            runs = [r["id"] for r in response.json() if r["parameters"].get("output_dir") == str(out)]
            found = []
            for run in runs:
                response = await client._client.post(
                    "/task_runs/filter", json={"flow_runs": {"id": {"any_": [run]}}, "limit": 200}
                )
                found.append(response.json())
            return found

    return asyncio.run(read())


def test_one_entity_shows_its_steps_as_task_runs_and_a_batch_one_run_per_entity(tmp_path):
    single = tmp_path / "single"
    assert cli("--input", str(SAMPLE), "--output", str(single), "--period", "2024-T2", "--no-distribute").exit_code == 0
    (single_runs,) = _task_runs(single)
    steps = {t["name"] for t in single_runs}
    # The entity, reading, reading the published cuts, computing, one step per registered output,
    # publishing, recording.
    assert "reportar-secretaria-general" in steps and len(steps) == 6 + len(OUTPUTS)
    named = {name.rsplit("-", 1)[0] for name in steps}
    assert {"Generar reporte PDF", "Publicar resultados", "Leer los cortes ya publicados de la entidad",
            *(o.step for o in OUTPUTS)} <= named

    root = _batch(tmp_path / "inputs", ("alfa", "beta"))
    batch = tmp_path / "batch"
    result = cli("--input", str(root), "--output", str(batch), "--period", "2024-T2", "--no-distribute")
    assert result.exit_code == 0, result.stderr
    (batch_runs,) = _task_runs(batch)
    assert sorted(t["name"] for t in batch_runs) == ["reportar-alfa", "reportar-beta"]
    log = next((batch / ".logs").glob("pei-report-*.log")).read_text(encoding="utf-8")
    for slug in ("alfa", "beta"):  # the steps are still there, in the run's log
        _valid_set(batch / slug / "2024-T2")
        assert f"[{slug}] Generando la presentación, el PDF, las tablas y la página web" in log


# --- two runs of the same entity and cut at once ----------------------------------------------


def _valid_set(folder: Path) -> dict[str, bytes]:
    files = _files(folder)
    manifest = json.loads(files["manifest.json"])
    assert sorted(files) == sorted([r["path"] for r in manifest["outputs"]] + ["manifest.json"])
    for record in manifest["outputs"]:
        assert hashlib.sha256(files[record["path"]]).hexdigest() == record["sha256"]
    return files


def test_two_runs_at_once_leave_one_complete_valid_set(tmp_path, sample_copy, smtp_server):
    from prefect.settings import PREFECT_API_URL

    # A slow mail server keeps each run a few seconds between publishing and its last write,
    # so that without the lock the two runs' writes would interleave.
    smtp_server.delay = 3.0
    _with_email(sample_copy, tmp_path / "publicacion")
    exe = Path(sys.executable).with_name("pei-report")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    out = tmp_path / "outputs"
    command = [str(exe), "run", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outcomes]

    folder = out / "secretaria-general" / "2024-T3"
    current = _valid_set(folder)
    kept = list((out / ".historial" / "secretaria-general" / "2024-T3").iterdir())
    assert len(kept) == 1
    _valid_set(kept[0])  # the other run's set, whole
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".2024-T3.") and not p.name.endswith(".lock")]
    # The publication copies are those of the set that stayed: no run copied between the other's
    # publication and its copy.
    copies = tmp_path / "publicacion" / "secretaria-general" / "2024-T3"
    assert _files(copies) == {n: b for n, b in current.items() if n != "manifest.json"}
    manifest = json.loads(current["manifest.json"])
    assert manifest["distribution"]["status"] == "distributed" and len(smtp_server.received) == 2
    # And the lock was what kept them apart: each run's publish-to-manifest-update window, as
    # Prefect recorded it, ends before the other's begins.
    first, second = sorted(_locked_windows(out))
    assert first[1] <= second[0], (first, second)


def _locked_windows(out: Path) -> list[tuple[str, str]]:
    runs = _task_runs(out)
    assert len(runs) == 2
    windows = []
    for task_runs in runs:
        tasks = {t["name"].split("-")[0]: t for t in task_runs}
        publish = next(t for name, t in tasks.items() if name.startswith("Publicar resultados"))
        update = next(t for name, t in tasks.items() if name.startswith("Actualizar manifest"))
        windows.append((publish["start_time"], update["end_time"]))
    return windows


def test_smtp_credentials_from_a_prefect_block(tmp_path, sample_copy, smtp_server, monkeypatch):
    from prefect_email import EmailServerCredentials

    port = os.environ["PEI_SMTP_PORT"]
    for name in ("PEI_SMTP_HOST", "PEI_SMTP_PORT", "PEI_SMTP_TYPE"):
        monkeypatch.delenv(name)  # only the block knows the server
    EmailServerCredentials(smtp_server="127.0.0.1", smtp_port=int(port), smtp_type="INSECURE").save(
        "smtp-prueba", overwrite=True
    )
    _with_email(sample_copy, tmp_path / "publicados")
    with (sample_copy / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write("    bloque_smtp: smtp-prueba\n")
    result = cli("--input", str(sample_copy), "--output", str(tmp_path / "outputs"), "--period", "2024-T1")
    assert result.exit_code == 0, result.stderr
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0][1]["Subject"].endswith("seguimiento con corte 2024-T1")


# --- parallel and distributed batches ---------------------------------------------------------


def _batch(root: Path, slugs: tuple[str, ...], broken: str | None = None) -> Path:
    for slug in slugs:
        shutil.copytree(SAMPLE, root / slug)
    if broken:
        _break_xlsx(root / broken, ["IS-545", 2024, 9, 1])
    return root


def _check_batch(result, out: Path, good: tuple[str, ...], bad: str) -> None:
    assert result.exit_code == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"Fallaron 1 de {len(good) + 1} entidades ({bad})" in message and "fila 93" in message
    assert f"{len(good) + 1}/{len(good) + 1}" in message and "fallidas 1" in message  # the progress bar
    for slug in good:
        _valid_set(out / slug / "2024-T2")
    assert not (out / bad).exists()


def _unexpected_in(monkeypatch, slug: str) -> None:
    """Make reading `slug`'s inputs fail with an error no rule of the pipeline expects."""
    from pipeline.runs import steps

    real = steps.load_inputs

    def load(folder):
        if Path(folder).name == slug:
            raise ValueError("no se esperaba esto")
        return real(folder)

    monkeypatch.setattr(steps, "load_inputs", load)


def test_an_unexpected_error_in_one_entity_names_it_and_keeps_the_others(tmp_path, monkeypatch):
    root = _batch(tmp_path / "inputs", ("alfa", "beta", "gamma"))
    _unexpected_in(monkeypatch, "beta")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T2", "--no-distribute")
    assert result.exit_code == 1, result.stderr
    message = " ".join(result.stderr.split())
    assert "Fallaron 1 de 3 entidades (beta); se reportaron alfa, gamma." in message, message
    assert "[beta] Falla inesperada en beta: ValueError: no se esperaba esto" in message
    assert result.stderr.count("✓ Secretaría General de la Alcaldía Mayor de Bogotá · corte 2024-T2") == 2, result.stderr
    for slug in ("alfa", "gamma"):
        _valid_set(out / slug / "2024-T2")
        assert str(out / slug / "2024-T2" / "manifest.json") in result.stdout
    assert not (out / "beta").exists()
    assert "Traceback" not in result.stderr
    log = next((out / ".logs").glob("pei-report-*.log")).read_text(encoding="utf-8")
    assert "ValueError: no se esperaba esto" in log and "Traceback" in log  # for whoever maintains the code


def test_an_unexpected_error_of_a_single_entity_names_it(tmp_path, monkeypatch, sample_copy):
    _unexpected_in(monkeypatch, sample_copy.name)
    result = cli("--input", str(sample_copy), "--output", str(tmp_path / "o"), "--period", "2024-T2")
    assert result.exit_code == 1
    assert "Falla inesperada en secretaria-general: ValueError: no se esperaba esto" in " ".join(result.stderr.split())


def test_a_served_batch_with_an_unexpected_error_tells_only_that_entity_s_office(tmp_path, monkeypatch, smtp_server):
    root = _batch(tmp_path / "inputs", ("alfa", "beta"))
    for slug in ("alfa", "beta"):
        _configure(root / slug, f"distribucion:\n  avisos: [{slug}@sg.gov.co]\n")
    _unexpected_in(monkeypatch, "beta")
    state = _deployment_run(
        flows.quarterly_report,
        {"input_dir": str(root), "output_dir": str(tmp_path / "o"), "period": "2024-T2", "distribute": False},
    )
    assert state.is_failed() and isinstance(state.result(raise_on_failure=False), PipelineError)
    assert "Fallaron 1 de 2 entidades (beta); se reportaron alfa." in " ".join(state.message.split()), state.message
    ((envelope, message),) = smtp_server.received
    assert envelope.rcpt_tos == ["beta@sg.gov.co"]
    assert "Motivo: Falla inesperada en beta: ValueError: no se esperaba esto" in " ".join(message.get_body(("plain",)).get_content().split())


def test_a_batch_in_a_process_pool(tmp_path):
    root = _batch(tmp_path / "inputs", ("alfa", "beta", "gamma"), broken="beta")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T2", "--task-runner", "processes", "--workers", "2")
    _check_batch(result, out, ("alfa", "gamma"), "beta")


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler and two single-threaded workers, as separate processes on loopback."""
    from tests.conftest import free_port

    bin_dir = Path(sys.executable).parent
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = open(tmp_path / "dask.log", "wb")
    common = dict(stdout=logs, stderr=subprocess.STDOUT, cwd=tmp_path)
    processes = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **common)]
    processes += [
        subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard",
                          "--name", f"w{n}", "--local-directory", str(tmp_path / f"w{n}")], **common)
        for n in (1, 2)
    ]
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, tmp_path / "dask.log"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def test_a_batch_on_an_existing_dask_cluster(tmp_path, dask_cluster):
    address, cluster_log = dask_cluster
    root = _batch(tmp_path / "inputs", ("alfa", "beta", "gamma"), broken="gamma")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T2", "--dask-address", address)
    _check_batch(result, out, ("alfa", "beta"), "gamma")
    # The entities ran in the workers' processes: their Prefect log lines are in the cluster's output.
    log = cluster_log.read_text(encoding="utf-8", errors="replace")
    for slug in ("alfa", "beta", "gamma"):
        assert f"Task run 'reportar-{slug}'" in log


# --- real-shaped inputs: every problem at once, then right figures ----------------------------


def test_every_problem_of_plan_and_seguimiento_in_one_run(tmp_path):
    from tests.messy_workbook import write_entity

    folder = write_entity(tmp_path / "ejemplo")
    _edit_plan(folder, "    anualizacion: suma\n", "    anualizacion: acumulada\n")
    result = cli("--input", str(folder), "--output", str(tmp_path / "out"))
    assert result.exit_code == 2, result.stderr
    text = " ".join(result.stderr.split())
    assert "archivos" in text and "plan.yaml" in text and "«acumulada»" in text
    assert "(hoja «Seguimiento»)" in text
    for fragment in ("fila 11", "fila 17", "fila 18", "fila 19", "fila 20", "«TOTAL»", "sin resultado guardado"):
        assert fragment in text, fragment
    assert "problemas más" not in text and "Traceback" not in text
    log = next((tmp_path / "out" / ".logs").glob("pei-report-*.log")).read_text(encoding="utf-8")
    assert "fila 20, columna «Valor ejecutado» (E): se encontró la fórmula «=SUM(E6:E19)»" in log


def test_a_real_shaped_workbook_gives_the_figures_computed_by_hand(tmp_path):
    import csv

    from tests.messy_workbook import HAND, write_entity

    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    out = tmp_path / "out"
    result = cli("--input", str(folder), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    with (out / "ejemplo" / "2024-T3" / "avance.csv").open(encoding="utf-8") as handle:
        rows = {r["indicador"]: r for r in csv.DictReader(handle)}
    for ind, (executed, year, executed_plan, plan, light) in HAND.items():
        row = rows[ind]
        assert float(row["ejecutado_vigencia"]) == pytest.approx(executed), ind
        assert float(row["avance_vigencia"]) == pytest.approx(year), ind
        assert float(row["ejecutado_cuatrienio"]) == pytest.approx(executed_plan), ind
        assert float(row["avance_cuatrienio"]) == pytest.approx(plan), ind
        assert row["semaforo"] == light, ind
    manifest = json.loads((out / "ejemplo" / "2024-T3" / "manifest.json").read_text(encoding="utf-8"))
    assert [w["column"] for w in manifest["warnings"]] == ["Soporte"]
    assert "Aviso:" in result.stderr and "«Soporte»" in result.stderr


def test_without_a_period_a_quarter_still_running_is_not_reported(sample_copy):
    import flows
    from pipeline.ingest import Entity

    _break_xlsx(sample_copy, [])  # no change: the sample already has 2024-T4 figures
    entity = Entity("secretaria-general", sample_copy)
    inputs = flows.read_inputs.fn(entity, None, today=date(2024, 11, 20))
    assert str(inputs.cut) == "2024-T3"
    assert str(flows.read_inputs.fn(entity, None, today=date(2025, 1, 15)).cut) == "2024-T4"


# --- a failed run as Prefect shows it: the Spanish message, no traceback ------------------------


def _run_logs(run_id) -> list[str]:
    """Every log line of a flow run and of its task runs, as the Prefect UI shows them."""
    import httpx
    from prefect.logging.handlers import APILogHandler
    from prefect.settings import PREFECT_API_URL

    APILogHandler().flush()
    response = httpx.post(
        f"{PREFECT_API_URL.value()}/logs/filter", json={"logs": {"flow_run_id": {"any_": [str(run_id)]}}, "limit": 200}
    )
    response.raise_for_status()
    return [log["message"] for log in response.json()]


def _failed_as_prefect_shows_it(state, expected: str) -> None:
    assert state.is_failed(), state
    error = state.result(raise_on_failure=False)
    assert isinstance(error, PipelineError) and state.message == str(error)
    assert expected in " ".join(state.message.split()), state.message
    logs = _run_logs(state.state_details.flow_run_id)
    assert logs and not [line for line in logs if "Traceback" in line], "\n".join(logs)


def test_a_cut_after_the_plan_fails_the_run_with_its_spanish_message_and_no_traceback(tmp_path):
    state = flows.quarterly_report(input_dir=str(SAMPLE), output_dir=str(tmp_path), period="2026-T4", return_state=True)
    _failed_as_prefect_shows_it(state, "El periodo 2026-T4 está fuera del periodo del plan (2020 a 2024)")


def test_the_scheduled_run_of_15_january_2027_on_the_sample_fails_as_an_input_problem(tmp_path, monkeypatch):
    # What the schedule as shipped does on its first date: the sample's plan ends in 2024.
    monkeypatch.setattr(flows, "scheduled_day", lambda: date(2027, 1, 15))
    state = flows.quarterly_report(input_dir=str(SAMPLE), output_dir=str(tmp_path), return_state=True)
    _failed_as_prefect_shows_it(state, "El periodo 2026-T4 está fuera del periodo del plan (2020 a 2024)")
    assert isinstance(state.result(raise_on_failure=False), PeriodError)


def test_a_batch_with_a_bad_entity_fails_the_run_with_the_list_of_failures_and_no_traceback(tmp_path):
    root = _batch(tmp_path / "inputs", ("alfa", "beta"), broken="beta")
    state = flows.quarterly_report(
        input_dir=str(root), output_dir=str(tmp_path / "outputs"), period="2024-T2", distribute=False, return_state=True
    )
    _failed_as_prefect_shows_it(state, "Fallaron 1 de 2 entidades (beta)")
    assert "fila 93" in state.message


# --- a failed deployment run tells the planning office ------------------------------------------


def _deployment(client, flow, parameters: dict):
    """A deployment of `flow` whose folders are those of `parameters`, as `pei-report serve`
    makes them (its runs may use only those: `pipeline.runs.folders`)."""
    folders = {k: parameters[k] for k in ("input_dir", "output_dir") if k in parameters}
    return client.create_deployment(flow_id=client.create_flow(flow), name="prueba-avisos", parameters=folders)


def _deployment_run(flow, parameters: dict):
    """`flow` run as a run of a deployment, in this process: what `pei-report serve` starts."""
    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow

    with get_client(sync_client=True) as client:
        deployment_id = _deployment(client, flow, parameters)
        run = client.create_flow_run_from_deployment(deployment_id, parameters=parameters)
    return run_flow(flow, flow_run=run, return_type="state")


def _configure(folder: Path, distribution: str) -> None:
    with (folder / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(distribution)


def test_a_failed_deployment_run_tells_each_failed_entity_s_office_what_failed_and_what_to_do(tmp_path, smtp_server):
    root = _batch(tmp_path / "inputs", ("alfa", "beta", "gamma"), broken="beta")
    _break_xlsx(root / "gamma", ["IS-545", 2024, 9, 1])
    _configure(root / "alfa", "distribucion:\n  avisos: [alfa@sg.gov.co]\n")
    _configure(root / "beta", "distribucion:\n  avisos: [avisos.beta@sg.gov.co]\n  correo:\n    destinatarios: [beta@sg.gov.co]\n")
    _configure(root / "gamma", "distribucion:\n  correo:\n    destinatarios: [gamma@sg.gov.co]\n")
    out = tmp_path / "outputs"
    state = _deployment_run(
        flows.quarterly_report, {"input_dir": str(root), "output_dir": str(out), "period": "2024-T2", "distribute": False}
    )
    _failed_as_prefect_shows_it(state, "Fallaron 2 de 3 entidades (beta, gamma)")
    notices = {tuple(envelope.rcpt_tos): message for envelope, message in smtp_server.received}
    assert sorted(notices) == [("avisos.beta@sg.gov.co",), ("gamma@sg.gov.co",)]  # alfa was reported
    for slug, message in ((s, notices[(a,)]) for s, a in (("beta", "avisos.beta@sg.gov.co"), ("gamma", "gamma@sg.gov.co"))):
        name = "Secretaría General de la Alcaldía Mayor de Bogotá"
        assert message["Subject"] == f"PEI {name}: falló el reporte del corte 2024-T2"
        body = " ".join(message.get_body(("plain",)).get_content().split())
        assert f"Entidad: {name} (carpeta {slug}) Corte: 2024-T2 Motivo: Error en el archivo {root / slug / 'seguimiento.xlsx'}" in body
        assert "fila 93" in body and "(iniciada a pedido)" in body
        assert f"pei-report run --input {root} --output {out} --entity {slug} --period 2024-T2" in body
        assert f"con entity = {slug} y period = 2024-T2" in body
    logs = _run_logs(state.state_details.flow_run_id)
    assert "Aviso de la falla de beta enviado a avisos.beta@sg.gov.co" in logs


def test_a_run_outside_its_deployment_s_folders_is_refused_and_e_mails_no_one(tmp_path, sample_copy, smtp_server):
    """A deployment made without `serve` (no folders in the environment): its own parameters
    are the folders its runs may use."""
    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow

    fake = tmp_path / "otra" / "secretaria-general"
    fake.mkdir(parents=True)
    (fake / "plan.yaml").write_bytes((sample_copy / "plan.yaml").read_bytes())
    _configure(fake, "distribucion:\n  avisos: [externo@otro.example]\n  correo:\n    destinatarios: [externo@otro.example]\n")
    own = {"input_dir": str(sample_copy), "output_dir": str(tmp_path / "o")}
    with get_client(sync_client=True) as client:
        deployment_id = _deployment(client, flows.resend_report, own)
        run = client.create_flow_run_from_deployment(
            deployment_id, parameters={**own, "input_dir": str(fake.parent), "period": "2024-T3"}
        )
    state = run_flow(flows.resend_report, flow_run=run, return_type="state")
    _failed_as_prefect_shows_it(state, f"La carpeta de entrada «{fake.parent}» (parámetro input_dir) está fuera de {sample_copy}.")
    assert smtp_server.received == []
    logs = " ".join(_run_logs(state.state_details.flow_run_id))
    assert "No se avisó por correo de la falla: La carpeta de entrada" in logs
    assert not (tmp_path / "o").exists()


def test_a_notice_that_cannot_be_sent_is_logged_and_the_run_keeps_its_own_failure(tmp_path, sample_copy, smtp_down):
    _configure(sample_copy, "distribucion:\n  avisos: [planeacion@sg.gov.co]\n")
    state = _deployment_run(
        flows.quarterly_report, {"input_dir": str(sample_copy), "output_dir": str(tmp_path / "o"), "period": "2026-T4"}
    )
    _failed_as_prefect_shows_it(state, "El periodo 2026-T4 está fuera del periodo del plan (2020 a 2024)")
    logs = " ".join(" ".join(_run_logs(state.state_details.flow_run_id)).split())
    assert (
        "No se pudo enviar el aviso de la falla de secretaria-general: No se pudo conectar con el servidor "
        f"de correo 127.0.0.1:{smtp_down}" in logs
    )
    assert "La ejecución sigue fallida por: El periodo 2026-T4 está fuera del periodo del plan" in logs


def test_a_deployment_run_that_crashed_tells_the_office_too(tmp_path, sample_copy, smtp_server):
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    # The runner of `pei-report serve` runs the on_crashed hooks when a run's process dies.
    _configure(sample_copy, "distribucion:\n  avisos: [planeacion@sg.gov.co]\n")
    parameters = {"input_dir": str(sample_copy), "output_dir": str(tmp_path), "period": "2024-T3"}
    with get_client(sync_client=True) as client:
        run = client.create_flow_run_from_deployment(_deployment(client, flows.quarterly_report, parameters), parameters=parameters)
    (hook,) = flows.quarterly_report.on_crashed_hooks
    hook(flow=flows.quarterly_report, flow_run=run, state=Crashed(message="Flow run process exited with non-zero status code -9."))
    ((envelope, message),) = smtp_server.received
    body = " ".join(message.get_body(("plain",)).get_content().split())
    assert envelope.rcpt_tos == ["planeacion@sg.gov.co"] and "Corte: 2024-T3" in body
    assert "Motivo: Falla inesperada: CrashedRun: Flow run process exited with non-zero status code -9." in body


def _crashed_deployment_run(sample_copy: Path, out: Path):
    from prefect.client.orchestration import get_client

    _configure(sample_copy, "distribucion:\n  avisos: [planeacion@sg.gov.co]\n")
    parameters = {"input_dir": str(sample_copy), "output_dir": str(out), "period": "2024-T3"}
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(_deployment(client, flows.quarterly_report, parameters), parameters=parameters)


def test_a_crashed_run_s_notice_is_sent_once_however_many_times_its_hook_runs(tmp_path, sample_copy, smtp_server):
    from prefect.states import Crashed

    run = _crashed_deployment_run(sample_copy, tmp_path / "out")
    (hook,) = flows.quarterly_report.on_crashed_hooks
    for _ in range(2):
        hook(flow=flows.quarterly_report, flow_run=run, state=Crashed(message="Flow run process exited with non-zero status code -9."))
    assert len(smtp_server.received) == 1


def test_a_run_the_server_s_automation_marked_crashed_gets_its_notice_once(tmp_path, sample_copy, smtp_server):
    """No runner saw this run end (serve died with it): the server's automation marked it Crashed,
    and serve's watch (`crashes.notify_crashed_runs`) sends the notice the hook never did."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    from pipeline.app.crashes import crash_automation, notify_crashed_runs

    run = _crashed_deployment_run(sample_copy, tmp_path / "out")
    message = crash_automation(40).actions[0].message
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run.id, Crashed(message=message), force=True)
        for _ in range(2):  # serve looks again and again: one notice
            notify_crashed_runs(client, flows.notify_crashed, since=run.created)
    ((envelope, mail),) = smtp_server.received
    body = " ".join(mail.get_body(("plain",)).get_content().split())
    assert envelope.rcpt_tos == ["planeacion@sg.gov.co"] and "Corte: 2024-T3" in body
    assert mail["Subject"] == "PEI Secretaría General de la Alcaldía Mayor de Bogotá: falló el reporte del corte 2024-T3"
    assert "dejó de dar señales de vida durante 40 s" in body
    # and the runner's hook, had it run after all, sends nothing more
    (hook,) = flows.quarterly_report.on_crashed_hooks
    hook(flow=flows.quarterly_report, flow_run=run, state=Crashed(message=message))
    assert len(smtp_server.received) == 1


def test_a_command_line_run_that_fails_sends_no_notice(tmp_path, sample_copy, smtp_server):
    _configure(sample_copy, "distribucion:\n  avisos: [planeacion@sg.gov.co]\n")
    result = cli("--input", str(sample_copy), "--output", str(tmp_path / "o"), "--period", "2026-T4")
    assert result.exit_code == 2 and smtp_server.received == []  # the person at the terminal sees it


def test_values_that_look_like_fractions_are_flagged_where_the_office_reads(tmp_path):
    """0,45 and 0,6 typed as plain numbers for a porcentaje with target 100: the figures are
    published as read, with a warning on the command line, in the manifest and in the deck's
    attention list."""
    from pptx import Presentation

    from tests.messy_workbook import write_entity

    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    book = load_workbook(folder / "seguimiento.xlsx")
    for row in (6, 7, 8):
        cell = book["Seguimiento"].cell(row, 5)
        cell.value, cell.number_format = [0.45, 0.6, 0.72][row - 6], "General"
    book["Seguimiento"]["E10"] = 120  # openpyxl saves formulas without their results
    book.save(folder / "seguimiento.xlsx")
    out = tmp_path / "out"
    result = cli("--input", str(folder), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    assert "parecen fracciones" in " ".join(result.stderr.split())
    cut = out / "ejemplo" / "2024-T3"
    manifest = json.loads((cut / "manifest.json").read_text(encoding="utf-8"))
    assert any("«P-01»" in w["found"] for w in manifest["warnings"])
    deck = Presentation(str(next(cut.glob("*.pptx"))))
    text = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "P-01" in text and "parecen fracciones" in text


LONG_ENTITY = " ".join(["Secretaría Distrital de Planeación y Gestión Institucional de la Alcaldía Mayor"] * 5)[:400].strip()


def test_a_400_character_entity_name_and_formula_like_names_end_to_end(tmp_path, sample_copy):
    from pptx import Presentation
    from pypdf import PdfReader

    assert len(LONG_ENTITY) >= 395
    _edit_plan(sample_copy, "entidad: Secretaría General de la Alcaldía Mayor de Bogotá", f"entidad: {LONG_ENTITY}")
    _edit_plan(sample_copy, "  - id: IS-321\n    etiqueta: Indicador sectorial 321\n    nombre: >-\n",
               "  - id: IS-321\n    etiqueta: Indicador 321 😀\n    nombre: >-\n      =HYPERLINK(\"http://evil.example\") ")
    out = tmp_path / "outputs"
    result = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    folder = out / "secretaria-general" / "2024-T3"
    deck = Presentation(str(folder / "PEI-secretaria-general-2024-T3.pptx"))
    props = deck.core_properties
    for text in (props.title, props.subject, props.author, props.last_modified_by, props.keywords):
        assert len(text) <= 255
    assert props.author.endswith("…") and props.author[:-1].rstrip() in LONG_ENTITY
    avance = (folder / "avance.csv").read_bytes()
    row = next(r for r in csv.DictReader(io.StringIO(avance.decode("utf-8"))) if r["indicador"] == "IS-321")
    assert row["nombre"].startswith("'=HYPERLINK(")
    attached = PdfReader(str(folder / "PEI-secretaria-general-2024-T3.pdf")).attachments
    assert attached["avance.csv"] == [avance]  # the PDF carries the same neutralised bytes
    # The emoji the shipped font cannot draw is a warning of the run, naming the field.
    (warning,) = [w for w in _manifest(folder)["warnings"] if "Open Sans" in w["found"]]
    assert warning["file"].endswith("plan.yaml") and "indicadores[1] (id IS-321).etiqueta" in warning["found"]
    assert "U+1F600" in warning["found"] and "U+1F600" in " ".join(result.stderr.split())


def test_a_link_out_of_the_publication_root_fails_distribution_and_writes_nothing_outside(
    tmp_path, tmp_path_factory, sample_copy, monkeypatch
):
    monkeypatch.delenv("PEI_PUBLICATION_ROOT", raising=False)
    outside = tmp_path_factory.mktemp("outside")
    (sample_copy / "enlace").symlink_to(outside)  # the entity's own folder, inside the root (tmp_path)
    (sample_copy / "configuracion.yaml").write_text("distribucion:\n  carpeta_publicacion: secretaria-general/enlace\n", encoding="utf-8")
    out = tmp_path / "outputs"
    result = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 3, result.stderr
    assert "fuera de la carpeta de publicación" in " ".join(result.stderr.split())
    assert list(outside.iterdir()) == []
    publication = _manifest(out / "secretaria-general" / "2024-T3")["distribution"]["publication"]
    assert publication["status"] == "failed" and "enlace" in publication["error"]


@pytest.mark.parametrize(("reply", "attempts"), [("451 4.7.1 Greylisted, try again later", 3), ("550 5.1.1 User unknown", 1)])
def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(tmp_path, sample_copy, earlier_outputs, monkeypatch, reply, attempts):
    from aiosmtpd.controller import Controller

    from tests.conftest import Refusing, free_port

    _with_email(sample_copy, tmp_path / "publicados")
    out = tmp_path / "outputs"
    shutil.copytree(earlier_outputs, out)
    handler = Refusing("RCPT", reply)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(controller.port)), ("TYPE", "INSECURE"), ("FROM", "pei@sg.gov.co")):
        monkeypatch.setenv(f"PEI_SMTP_{name}", value)
    try:
        result = resend("--input", str(sample_copy), "--output", str(out), "--period", "2024-T4")
    finally:
        controller.stop()
    assert result.exit_code == 3, result.stderr
    email = _manifest(out / "secretaria-general" / "2024-T4")["distribution"]["email"]
    assert email["status"] == "failed" and email["attempts"] == attempts
    assert handler.reached == attempts * 3  # every attempt asked for each of the three recipients
    refused = "rechazó temporalmente a los destinatarios" if attempts > 1 else "rechazó a los destinatarios"
    assert refused in email["error"] and reply.split(" ", 1)[1] in email["error"]


# --- distributions a crash interrupted (pipeline/delivery/recovery.py) --------------------------------


def _published_deliverables(folder: Path) -> dict[str, bytes]:
    return {n: b for n, b in _files(folder).items() if n != "manifest.json"}


def _wait_for(predicate, timeout: float, what: str):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_run_killed_while_distributing_is_completed_by_the_next_run_of_the_entity(tmp_path, sample_copy, smtp_server):
    import signal

    from prefect.settings import PREFECT_API_URL

    publication = tmp_path / "publicados"
    _with_email(sample_copy, publication)
    copies = publication / "secretaria-general" / "2024-T3"
    copies.mkdir(parents=True)
    for name in ("PEI-secretaria-general-2024-T3.pptx", "PEI-secretaria-general-2024-T3.pdf"):
        (copies / name).write_bytes(b"la version anterior")
    smtp_server.delay = 600  # the e-mail hangs: the run is killed while it is being sent
    out = tmp_path / "outputs"
    folder = out / "secretaria-general" / "2024-T3"
    command = [str(Path(sys.executable).with_name("pei-report")), "run", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3"]
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    killed = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: (folder / "manifest.json").exists() and _manifest(folder)["distribution"]["status"] == "pending", 180, "the publication")
        _wait_for(lambda: (copies / "PEI-secretaria-general-2024-T3.pdf").read_bytes() != b"la version anterior", 60, "the copy")
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    assert _manifest(folder)["distribution"]["status"] == "pending" and smtp_server.received == []
    smtp_server.delay = 0

    # A later run of the same entity, for another cut, finds it and completes it.
    later = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T2")
    assert later.exit_code == 0, later.stderr
    published = _published_deliverables(folder)
    assert _files(copies) == published
    distribution = _manifest(folder)["distribution"]
    assert distribution["status"] == "distributed" and distribution["email"]["status"] == "sent"
    subjects = sorted(message["Subject"] for _, message in smtp_server.received)
    assert [s[-7:] for s in subjects] == ["2024-T2", "2024-T3"]
    sent = next(m for _, m in smtp_server.received if m["Subject"].endswith("2024-T3"))
    assert {p.get_filename(): p.get_content() for p in sent.iter_attachments()} == _attached(published)
    assert _squeezed("corte 2024-T3 · distribución interrumpida, completada ahora") in _squeezed(later.stderr)
    assert str(folder) in later.stdout


def _squeezed(text: str) -> str:
    """Text without any white space: what the console printed, wherever it wrapped the lines."""
    return "".join(text.split())


def _pending(folder: Path) -> None:
    """The state a crash between publishing and distributing leaves (see pipeline/delivery/recovery.py)."""
    from pipeline.delivery.publish import update_manifest

    update_manifest(folder, distribution={"status": "pending"})


def test_resend_completes_the_entity_s_other_interrupted_distributions(tmp_path, sample_copy, earlier_outputs, smtp_server):
    _with_email(sample_copy, tmp_path / "publicados")
    out = tmp_path / "outputs"
    shutil.copytree(earlier_outputs, out)
    assert cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3", "--no-distribute").exit_code == 0
    interrupted = out / "secretaria-general" / "2024-T4"
    _pending(interrupted)
    result = resend("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    assert _manifest(interrupted)["distribution"]["status"] == "distributed"
    copies = tmp_path / "publicados" / "secretaria-general" / "2024-T4"
    assert _files(copies) == _published_deliverables(interrupted)
    assert sorted(m["Subject"][-7:] for _, m in smtp_server.received) == ["2024-T3", "2024-T4"]


def test_an_interrupted_distribution_that_fails_again_fails_the_run_with_the_resend_command(
    tmp_path, sample_copy, earlier_outputs, smtp_down
):
    _with_email(sample_copy, tmp_path / "publicados")
    out = tmp_path / "outputs"
    shutil.copytree(earlier_outputs, out)
    interrupted = out / "secretaria-general" / "2024-T4"
    _pending(interrupted)
    skipped = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3", "--no-distribute")
    assert skipped.exit_code == 0, skipped.stderr  # --no-distribute: it is only reported
    screen = _squeezed(skipped.stderr)  # the console wraps long paths anywhere
    assert _squeezed("La distribución del corte 2024-T4 de secretaria-general") in screen and "quedóinterrumpida" in screen
    assert _squeezed(f"pei-report resend --input {sample_copy} --output {out} --entity secretaria-general --period 2024-T4") in screen
    assert _manifest(interrupted)["distribution"]["status"] == "pending"

    failed = cli("--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert failed.exit_code == 3, failed.stderr
    screen = _squeezed(failed.stderr)
    assert _squeezed("Los reportes de secretaria-general al corte 2024-T4 quedaron publicados") in screen
    assert _squeezed("pei-report resend --entity secretaria-general --period 2024-T4") in screen
    assert _manifest(interrupted)["distribution"]["status"] == "failed"  # reported now, not retried again


def test_the_manifest_hashes_the_bytes_that_were_read_not_the_files_on_disk_at_publishing(
    tmp_path, sample_copy, monkeypatch
):
    from pipeline.outputs import registry as outputs

    names = ("plan.yaml", "seguimiento.xlsx", "configuracion.yaml")
    read = {n: (sample_copy / n).read_bytes() for n in names}
    render_pdf = outputs.render_pdf

    def replace_inputs_then_render(*args, **kwargs):
        # Someone saves new inputs while the run is rendering what it read.
        for name in names:
            (sample_copy / name).write_bytes(read[name] + b"\n# guardado de nuevo durante la ejecucion\n")
        return render_pdf(*args, **kwargs)

    monkeypatch.setattr(outputs, "render_pdf", replace_inputs_then_render)
    out = tmp_path / "outputs"
    result = cli("--input", str(sample_copy), "--output", str(out), "--no-distribute")
    assert result.exit_code == 0, result.stderr
    manifest = _manifest(out / "secretaria-general" / "2024-T4")
    recorded = {Path(r["path"]).name: (r["sha256"], r["bytes"]) for r in manifest["inputs"]}
    assert recorded == {n: (hashlib.sha256(read[n]).hexdigest(), len(read[n])) for n in names}


def test_a_yaml_bomb_fails_its_entity_fast_and_the_rest_of_the_batch_is_reported(tmp_path):
    from tests.ingest.test_plan import billion_laughs

    root = _batch(tmp_path / "inputs", ("alfa", "beta"))
    with (root / "beta" / "plan.yaml").open("a", encoding="utf-8") as handle:
        handle.write(billion_laughs())
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T2")
    assert result.exit_code == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert "Fallaron 1 de 2 entidades (beta)" in message and "alias" in message, message
    _valid_set(out / "alfa" / "2024-T2")
    assert not (out / "beta").exists()


def test_publishing_prunes_the_cut_s_history_to_its_retention(tmp_path, sample_plan):
    from pipeline.ingest import Entity
    from pipeline.core.periods import parse_period
    from pipeline.delivery.publish import Artifact
    from pipeline.core.settings import History

    entity, out, cut = Entity("e", tmp_path / "in"), tmp_path / "outputs", parse_period("2024-T2")
    for n in range(4):
        flows.publish_outputs.fn(
            entity, sample_plan, cut, [], [Artifact("a.csv", str(n).encode())], out, {"status": "skipped"},
            retention=History(keep=2),
        )
    kept = sorted((out / ".historial" / "e" / "2024-T2").iterdir())
    assert [(p / "a.csv").read_bytes() for p in kept] == [b"1", b"2"]
    assert (out / "e" / "2024-T2" / "a.csv").read_bytes() == b"3"


def test_a_seguimiento_with_nothing_for_the_cut_s_year_is_warned_about(tmp_path, sample_copy):
    book = load_workbook(sample_copy / "seguimiento.xlsx")
    sheet = book.active
    sheet.delete_rows(2, sheet.max_row)
    sheet.append(["IS-545", 2023, 4, 4702451])
    book.save(sample_copy / "seguimiento.xlsx")
    result = cli("--input", str(sample_copy), "--output", str(tmp_path / "out"), "--period", "2024-T2", "--no-distribute")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert "no tiene ningún valor reportado para 2024 hasta el corte 2024-T2" in text and "Sin reporte" in text


def test_the_default_cut_says_why_it_was_chosen(tmp_path):
    result = cli("--input", str(SAMPLE), "--output", str(tmp_path / "out"), "--no-distribute")
    assert result.exit_code == 0, result.stderr
    assert "Corte por defecto: 2024-T4, el último trimestre cerrado con datos de la vigencia (13 de 13 indicadores reportaron en 2024-T4)" in " ".join(result.stderr.split())


# --- what changed since the previous cut (issue 21) -----------------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_a_figure_corrected_after_publication_is_a_revision_and_its_later_cuts_are_listed_stale(tmp_path):
    from pipeline.report.changes import fingerprints
    from pipeline.ingest import load_plan, load_settings
    from tests.plans import PDM_EXECUTION, write_pdm

    entity = write_pdm(tmp_path / "in" / "pdm", 2024)
    out = tmp_path / "out"
    for period in ("2024-T1", "2024-T2", "2024-T3"):
        assert cli("--input", str(entity), "--output", str(out), "--period", period).exit_code == 0
    manifest = json.loads((out / "pdm" / "2024-T2" / "manifest.json").read_text(encoding="utf-8"))
    plan = load_plan(entity)
    recorded = fingerprints(plan, load_settings(entity).bands)
    assert manifest["semaforo"] == recorded["semaforo"]
    assert {k: manifest["plan"][k] for k in ("huella", "estructura")} == recorded["plan"]  # beside the plan's title and sigla
    cambios = {r["indicador"]: r for r in _csv_rows(out / "pdm" / "2024-T3" / "cambios.csv")}
    assert set(cambios) == {"V-1", "H-1", "P-1"} and {r["publicado"] for r in cambios.values()} == {"true"}
    assert {r["revisado"] for r in cambios.values()} == {"false"}

    # the office corrects V-1's 2024-T2 (1,5 km was 2,5) and regenerates 2024-T3
    (entity / "seguimiento.csv").write_text(PDM_EXECUTION.replace("V-1,2024,2,1.5", "V-1,2024,2,2.5"), encoding="utf-8")
    result = cli("--input", str(entity), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    stale = [line for line in result.stderr.splitlines() if "Corte desactualizado" in line]
    assert len(stale) == 1, result.stderr  # 2024-T1 does not change; 2024-T3 is the cut being regenerated
    assert "El corte 2024-T2 ya publicado cambiaría con los datos de hoy (V-1)" in stale[0]
    assert f"pei-report run --input {entity} --period 2024-T2 --output {out}" in result.stderr.replace("\n    ", " ")
    cambios = {r["indicador"]: r for r in _csv_rows(out / "pdm" / "2024-T3" / "cambios.csv")}
    revised = cambios["V-1"]
    assert (revised["revisado"], revised["ejecutado_vigencia_publicado"], revised["ejecutado_vigencia_anterior"]) == (
        "true", "2.5", "3.5"
    )
    assert cambios["H-1"]["revisado"] == "false"
    page = (out / "pdm" / "2024-T3" / "web" / "index.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "revisión de 2024-T2 publicado: ejecutado 2024 de 2,5 km a 3,5 km" in page

    # other semáforo bands: the two cuts are not compared, and the rest of the report goes on
    (entity / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n    - {color: rojo, menor_que: 40}\n    - {color: amarillo, hasta: 75}\n"
        "    - {color: verde, hasta: 125}\n    - {color: naranja}\n",
        encoding="utf-8",
    )
    result = cli("--input", str(entity), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    page = (out / "pdm" / "2024-T3" / "web" / "index.html").read_text(encoding="utf-8")
    assert "No se compara con 2024-T2: las bandas del semáforo cambiaron desde que se publicó" in page
    assert _csv_rows(out / "pdm" / "2024-T3" / "cambios.csv") == []
    (pdf,) = (out / "pdm" / "2024-T3").glob("*.pdf")
    assert pdf.stat().st_size > 0


# --- sectors: the batch consolidates after its entities (issue 22) ---------------------------

SECTOR_YAML = """\
sectores:
  - id: gestion-publica
    nombre: Sector Gestión Pública
    cabeza: alfa
    entidades: [alfa, beta, gamma]
    pesos: {alfa: 2}
"""


def test_a_batch_with_sectores_yaml_consolidates_after_its_entities_failed_ones_included(tmp_path):
    root = tmp_path / "inputs"
    for slug in ("alfa", "beta", "gamma"):
        shutil.copytree(SAMPLE, root / slug)
    _break_xlsx(root / "beta", ["IS-545", 2024, 9, 1])
    (root / "sectores.yaml").write_text(SECTOR_YAML, encoding="utf-8")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T3", "--no-distribute")
    assert result.exit_code == 2 and "Fallaron 1 de 3 entidades (beta)" in result.stderr
    folder = out / "sectores" / "gestion-publica" / "2024-T3"
    rows = list(csv.DictReader(io.StringIO((folder / "entidades.csv").read_text(encoding="utf-8"))))
    assert [(r["entidad"], r["estado"]) for r in rows] == [
        ("alfa", "publicado"), ("beta", "fallido"), ("gamma", "publicado"), ("sector", "consolidado")]
    assert "seguimiento.xlsx" in rows[1]["motivo"]
    plan = next(r for r in csv.DictReader(io.StringIO((out / "alfa" / "2024-T3" / "objetivos.csv").read_text(encoding="utf-8")))
                if r["objetivo"] == "plan")
    assert float(rows[-1]["avance_vigencia"]) == pytest.approx(float(plan["avance_vigencia"]))
    assert rows[-1]["motivo"] == "2 de 3 entidades en la vigencia; 2 de 3 en el plan"
    manifest = json.loads((out / "alfa" / "2024-T3" / "manifest.json").read_text(encoding="utf-8"))
    assert {"id": "IS-321", "anualizacion": "creciente", "unidad": "porcentaje", "metas_como": "incremento",
            "linea_base": None} in manifest["indicadores"]
    shared = list(csv.DictReader(io.StringIO((folder / "indicadores_compartidos.csv").read_text(encoding="utf-8"))))
    assert {r["indicador"] for r in shared if r["entidad"] == "sector" and r["consolidado"] == "true"} == set(
        json.loads(json.dumps([i["id"] for i in manifest["indicadores"]])))


def test_an_invalid_sectores_yaml_fails_the_batch_before_any_entity_runs(tmp_path):
    root = tmp_path / "inputs"
    for slug in ("alfa", "beta"):
        shutil.copytree(SAMPLE, root / slug)
    (root / "sectores.yaml").write_text(SECTOR_YAML, encoding="utf-8")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T3", "--no-distribute")
    assert result.exit_code == 2, result.output
    assert "«gamma», que no es una carpeta de entidad de --input" in result.stderr and "Traceback" not in result.stderr
    assert not (out / "alfa").exists()


def test_a_small_district_on_a_dask_scheduler_consolidates_its_sectors(tmp_path, dask_cluster):
    address, _ = dask_cluster
    root = _batch(tmp_path / "inputs", ("alfa", "beta", "gamma"), broken="gamma")
    (root / "sectores.yaml").write_text(
        "distrito: Distrito de Prueba\nsectores:\n"
        "  - {id: uno, nombre: Sector Uno, cabeza: alfa, entidades: [alfa, beta]}\n"
        "  - {id: dos, nombre: Sector Dos, cabeza: gamma, entidades: [gamma]}\n", encoding="utf-8")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T2", "--dask-address", address,
                 "--no-distribute")
    _check_batch(result, out, ("alfa", "beta"), "gamma")
    read = lambda sector: list(csv.DictReader(io.StringIO(  # noqa: E731
        (out / "sectores" / sector / "2024-T2" / "entidades.csv").read_text(encoding="utf-8"))))
    assert [r["estado"] for r in read("uno")] == ["publicado", "publicado", "consolidado"]
    assert [r["estado"] for r in read("dos")] == ["fallido", "consolidado"] and read("dos")[-1]["avance_vigencia"] == ""
    district = read("distrito")
    assert district[-1]["motivo"] == "1 de 2 sectores en la vigencia; 1 de 2 en el plan"
    assert float(district[-1]["avance_vigencia"]) == pytest.approx(float(read("uno")[-1]["avance_vigencia"]))


def test_a_sector_e_mail_that_failed_at_the_batch_is_sent_by_resend_once_and_not_again(tmp_path, smtp_down):
    from aiosmtpd.controller import Controller

    from tests.conftest import Inbox

    root = tmp_path / "inputs"
    for slug in ("alfa", "beta"):
        shutil.copytree(SAMPLE, root / slug)
    (root / "sectores.yaml").write_text(
        "sectores:\n  - id: gestion-publica\n    nombre: Sector Gestión Pública\n    cabeza: alfa\n"
        "    entidades: [alfa, beta]\n    distribucion:\n      correo:\n        destinatarios: [sector@sg.gov.co]\n"
        "        reintentos: 0\n", encoding="utf-8")
    out = tmp_path / "outputs"
    result = cli("--input", str(root), "--output", str(out), "--period", "2024-T3")
    folder = out / "sectores" / "gestion-publica" / "2024-T3"
    assert _manifest(folder)["distribution"]["email"]["status"] == "failed", result.stderr
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_down)  # the server is back
    controller.start()
    try:
        again = resend("--input", str(root), "--output", str(out), "--period", "2024-T3")
        assert again.exit_code == 0, again.stderr
        assert [str(m["Subject"]) for _, m in inbox.received] == ["Sector Gestión Pública: seguimiento consolidado con corte 2024-T3"]
        assert inbox.received[0][0].rcpt_tos == ["sector@sg.gov.co"]
        assert _manifest(folder)["distribution"]["email"]["status"] == "sent"
        twice = resend("--input", str(root), "--output", str(out), "--period", "2024-T3")
        assert twice.exit_code == 0, twice.stderr
        assert len(inbox.received) == 1  # nothing more
    finally:
        controller.stop()
