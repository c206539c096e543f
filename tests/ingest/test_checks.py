"""pipeline/ingest/checks.py: a seguimiento's rows checked against the plan (unknown indicators, a
year outside it, a quarter twice, values that look like fractions), every problem at once.

The seguimientos are written by the helpers of tests/ingest/test_execution.py and read through
`load_execution`, as a run reads them; each test here exercises this module's concern."""

from __future__ import annotations

from pipeline.ingest import load_execution
from tests.ingest.test_execution import _cell_error, _error, write_csv, write_xlsx


def test_unknown_indicator(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-999", 2024, 1, 5, None], "indicador", "A")
    assert "«IS-999»" in message and "un id de indicador definido en plan.yaml" in message


def test_a_mistyped_indicator_is_told_the_id_it_is_close_to(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["is-545", 2024, 1, 5, None], ["IS-5455", 2024, 2, 5, None]])
    found = [p.found for p in _error(tmp_path, sample_plan).problems]
    assert found[0] == "«is-545» (¿quiso decir «IS-545»?)"
    assert found[1].startswith("«IS-5455» (¿quiso decir «IS-545»")


def test_year_outside_the_plan(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2019, 4, 5, None], "anio", "B")
    assert "«2019»" in message and "2020 a 2024" in message


def test_duplicate_quarter(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, 1, 7, None], "trimestre", "C")
    assert "ya está en la fila 3" in message and "una sola fila por indicador, año y trimestre" in message


def test_many_problems_are_listed_in_row_order(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-999", 2024, 1, 5, None], ["IS-545", 2030, 7, "x", None]])
    message = str(_error(tmp_path, sample_plan))
    assert "se encontraron 4 problemas" in message
    lines = message.splitlines()[1:]
    assert [line.split(":")[0].strip(" -") for line in lines] == [
        "fila 2, columna «indicador» (A)", "fila 3, columna «anio» (B)",
        "fila 3, columna «trimestre» (C)", "fila 3, columna «valor» (D)",
    ]


def test_fractions_of_a_porcentaje_indicator_are_flagged(tmp_path, sample_plan):
    # IS-321 is a porcentaje with target 100: 0,92 and 0,97 typed as plain numbers look like fractions.
    write_xlsx(tmp_path, [["IS-321", 2024, 1, 0.92, None], ["IS-321", 2024, 2, "0,97", None], ["IS-545", 2024, 1, 1, None]])
    execution = load_execution(tmp_path, sample_plan)
    assert len(execution.warnings) == 1
    warning = execution.warnings[0]
    assert "«IS-321»" in warning.found and "parecen fracciones" in warning.found
    assert warning.row == 2 and warning.column == "valor" and warning.file == tmp_path / "seguimiento.xlsx"
    assert "escriba 97" in warning.hint


def test_200_000_duplicate_rows_are_all_reported_and_the_screen_message_stays_short(tmp_path, sample_plan):
    """Measured in docs/ti/limites.md: 6,4 s and 377 MB (the time is not asserted)."""
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n" + "IS-545,2024,1,5\n" * 200_001)
    error = _error(tmp_path, sample_plan)
    assert len(error.problems) == 200_000
    assert "filas 3 a 200002" in str(error) and len(str(error)) < 2_000
    assert len(error.detailed().splitlines()) == 1 + 200_000


def test_one_value_typed_as_a_fraction_among_the_others_is_flagged(tmp_path, sample_plan):
    """0,88 for 88 once, beside 85 and 90: the level falls a hundredfold and the objective with it."""
    write_xlsx(tmp_path, [["IS-321", 2024, 1, 85, None], ["IS-321", 2024, 2, "0,88", None], ["IS-321", 2024, 3, 90, None],
                          ["IS-554", 2024, 1, 0.5, None], ["IS-554", 2024, 2, 2, None]])
    execution = load_execution(tmp_path, sample_plan)
    assert execution.suspect_fractions == ("IS-321",)  # 0,5 then 2 is a slow start, not a typo
    (warning,) = execution.warnings
    assert warning.row == 3 and "0,88 (2024-T2)" in warning.found and "parece una fracción" in warning.found
