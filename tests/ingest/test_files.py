"""pipeline/ingest/files.py: a seguimiento's bytes opened safely (a broken, empty or inflating
workbook refused before it is read) and a CSV decoded.

The seguimientos are written by the helpers of tests/ingest/test_execution.py and read through
`load_execution`, as a run reads them; each test here exercises this module's concern."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.ingest import load_execution
from tests.ingest.test_execution import GOOD, HEADER, _error, write_csv, write_xlsx


def test_windows_1252_csv(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;año;trimestre;valor;comentario\r\nIS-545;2024;1;1.004.233;Atención en línea 195\r\n", "cp1252")
    table = load_execution(tmp_path, sample_plan).table
    assert table.loc[0, "comentario"] == "Atención en línea 195"
    assert table.loc[0, "valor"] == 1004233


@pytest.mark.parametrize("content", [b"this is not a zip", b"PK\x03\x04broken"])
def test_corrupt_xlsx(tmp_path, sample_plan, content):
    (tmp_path / "seguimiento.xlsx").write_bytes(content)
    message = str(_error(tmp_path, sample_plan))
    assert "seguimiento.xlsx" in message and "no se puede abrir como libro de Excel" in message


def test_truncated_real_xlsx(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    path.write_bytes(path.read_bytes()[:600])
    assert "no se puede abrir como libro de Excel" in str(_error(tmp_path, sample_plan))


def _add_part(xlsx: Path, name: str, size: int) -> None:
    """Add to a workbook a part of `size` spaces, which deflate compresses about a thousandfold."""
    import zipfile

    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(xlsx, "a", compression=zipfile.ZIP_DEFLATED) as book:
        with book.open(name, "w", force_zip64=True) as part:
            for _ in range(size // len(chunk)):
                part.write(chunk)


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    _add_part(path, "xl/media/relleno.xml", 150 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    message = str(_error(tmp_path, sample_plan))
    assert "seguimiento.xlsx" in message and "al descomprimirse ocupa 150 MB" in message, message
    assert "a lo sumo 100 MB" in message and "PEI_MAX_XLSX_UNCOMPRESSED_BYTES" in message


def test_a_part_compressed_a_thousandfold_is_refused(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    _add_part(path, "xl/media/relleno.xml", 20 * 1024 * 1024)
    message = str(_error(tmp_path, sample_plan))
    assert "«xl/media/relleno.xml»" in message and "comprimida" in message and "a lo sumo 100 a 1" in message, message


def test_a_sheet_whose_used_range_is_too_large_is_refused(tmp_path, sample_plan, monkeypatch):
    monkeypatch.setenv("PEI_MAX_TABLE_CELLS", "1000")
    book = Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    sheet["ZZ100"] = "x"  # a stray cell far away: the used range is 100 rows by 702 columns
    book.save(tmp_path / "seguimiento.xlsx")
    message = str(_error(tmp_path, sample_plan))
    assert "A1:ZZ100" in message and "70.200 celdas" in message and "a lo sumo 1.000" in message, message


def test_an_empty_workbook_file_is_called_empty(tmp_path, sample_plan):
    (tmp_path / "seguimiento.xlsx").write_bytes(b"")
    message = str(_error(tmp_path, sample_plan))
    assert "un archivo vacío (0 bytes)" in message and "BadZipFile" not in message


def test_a_csv_mixing_utf8_and_windows_1252_is_read_with_a_warning_naming_the_lines(tmp_path, sample_plan):
    """Excel's ANSI export with a line pasted from a UTF-8 file: «Gestión» would read «GestiÃ³n»."""
    path = tmp_path / "seguimiento.csv"
    path.write_bytes(b"indicador,anio,trimestre,valor,comentario\nIS-545,2024,1,1004233,Gesti\xc3\xb3n documental\n"
                     b"IS-321,2024,2,94.5,Revisi\xf3n\n")
    execution = load_execution(tmp_path, sample_plan)
    (warning,) = [w for w in execution.warnings if "codificaciones" in w.found]
    assert warning.file == path and warning.row == 2
    assert "«Gestión»" in warning.found and "«GestiÃ³n»" in warning.found and "línea 3" in warning.found
    path.write_bytes(b"indicador,anio,trimestre,valor,comentario\nIS-321,2024,2,94.5,Revisi\xf3n\n")
    assert not any("codificaciones" in w.found for w in load_execution(tmp_path, sample_plan).warnings)


def test_shared_strings_no_cell_uses_are_bounded_before_the_workbook_is_opened_and_it_is_opened_once(
    tmp_path, sample_plan, monkeypatch
):
    """tests/hostile_files.py writes the full-size file (4 million strings) for a measurement."""
    import pipeline.ingest.files as files
    from tests.hostile_files import unused_strings

    opened = []
    real = files.load_workbook
    monkeypatch.setattr(files, "load_workbook", lambda *a, **k: opened.append(k) or real(*a, **k))
    monkeypatch.setenv("PEI_MAX_XLSX_STRINGS", "1000")
    unused_strings(write_xlsx(tmp_path, GOOD), 1500)
    message = str(_error(tmp_path, sample_plan))
    assert "más de 1.000 textos" in message and "«xl/sharedStrings.xml»" in message and "PEI_MAX_XLSX_STRINGS" in message
    assert opened == []
    unused_strings(write_xlsx(tmp_path, GOOD), 990)
    assert len(load_execution(tmp_path, sample_plan).table) == len(GOOD)
    assert len(opened) == 1  # the cells, and the formulas of empty cells, from one opening
