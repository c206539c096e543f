"""flows.py and pipeline/cli.py: the quarterly run end to end, under one Prefect test harness."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import SAMPLE

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["run", *args], catch_exceptions=False)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".logs" not in p.parts}


FILES = ("PEI-secretaria-general-2024-T4.pptx", "PEI-secretaria-general-2024-T4.pdf", "avance.csv", "objetivos.csv", "manifest.json")


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
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
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
    assert "Error:" in result.stderr
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
    _break_xlsx(sample_copy, ["IS-545", 2024, "cuarto", 1])
    from prefect.settings import PREFECT_API_URL

    env["PREFECT_API_URL"] = PREFECT_API_URL.value()  # the harness's server: no second cold start
    bad = subprocess.run([str(exe), "run", "--input", str(sample_copy), "--output", str(tmp_path / "o")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "fila 93" in bad.stderr and "«cuarto»" in bad.stderr
