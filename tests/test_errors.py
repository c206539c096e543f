"""pipeline/errors.py: messages, and errors that survive a trip to another process."""

from __future__ import annotations

import pickle

from pipeline.errors import EntitiesFailed, InputError, Problem


def test_single_problem_message():
    error = InputError.single("s.xlsx", "«x»", "un número", row=4, column="valor", column_letter="D", sheet="Hoja1")
    assert str(error) == "Error en el archivo s.xlsx (hoja «Hoja1»), fila 4, columna «valor» (D): se encontró «x»; se esperaba un número."


def test_every_problem_is_shown_alike_ones_on_one_line():
    error = InputError("s.csv", [Problem(f"«x{n}»", "un número", row=n, column="valor") for n in range(2, 30)])
    lines = str(error).splitlines()
    assert lines[0] == "Error en el archivo s.csv: se encontraron 28 problemas."
    assert lines[1] == "  - filas 2 a 29, columna «valor» (28 celdas): se encontraron " + ", ".join(
        f"«x{n}»" for n in range(2, 30)
    ) + "; se esperaba un número."
    assert len(error.detailed().splitlines()) == 1 + 28


def test_rows_are_shortened_in_runs():
    rows = [2, 3, 5, 7, 8, 9, 12]
    error = InputError("s.csv", [Problem("«x»", "un número", row=n, column="valor") for n in rows])
    assert "filas 2 y 3, 5, 7 a 9 y 12, columna «valor» (7 celdas)" in str(error)


def test_problems_of_several_files_at_once():
    plan = InputError("e/plan.yaml", [Problem("«a»", "b", row=3, row_label="línea")])
    seguimiento = InputError.single("e/seguimiento.xlsx", "«x»", "un número", row=4, column="valor", sheet="Datos")
    error = InputError.combine("e", [plan, seguimiento])
    assert str(error).splitlines() == [
        "Se encontraron 2 problemas en 2 archivos.",
        "Error en el archivo e/plan.yaml: se encontró 1 problema.",
        "  - línea 3: se encontró «a»; se esperaba b.",
        "Error en el archivo e/seguimiento.xlsx (hoja «Datos»): se encontró 1 problema.",
        "  - fila 4, columna «valor»: se encontró «x»; se esperaba un número.",
    ]
    assert InputError.combine("e", [plan]) is plan


def test_errors_pickle_with_their_fields():
    error = InputError.single("plan.yaml", "«a»", "b", row=3, row_label="línea")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and copy.problems == error.problems
    batch = pickle.loads(pickle.dumps(EntitiesFailed({"beta": error}, ["alfa"])))
    assert batch.only_bad_input and "Fallaron 1 de 2 entidades (beta)" in str(batch)


def test_the_verb_agrees_with_what_was_found():
    assert Problem("los encabezados «a», «b» (faltan: valor)", "x").sentence().startswith("se encontraron los encabezados")
    assert Problem("0 elementos en «bandas»", "x").sentence().startswith("se encontraron 0 elementos")
    assert Problem("dos archivos de seguimiento", "x").sentence().startswith("se encontraron dos")
    assert Problem("1 elemento en «bandas»", "x").sentence().startswith("se encontró 1 elemento")
    assert Problem("«Los Andes»", "x").sentence().startswith("se encontró «Los Andes»")
    assert Problem("2030", "un año del periodo del plan").sentence().startswith("se encontró 2030")
    assert Problem("la columna «x»", "x").sentence().startswith("se encontró la columna")
    grouped = InputError("s.csv", [Problem(f"«x{n}»", "un número", row=n, column="valor") for n in range(2, 6)])
    assert "(4 celdas): se encontraron «x2», «x3», «x4», «x5»;" in str(grouped)
    same = InputError("s.csv", [Problem("«N/A»", "un número", row=n, column="valor") for n in range(2, 6)])
    assert "(4 celdas): se encontró «N/A»;" in str(same)


def test_a_huge_error_shows_a_bounded_message_and_logs_every_problem():
    problems = [Problem(f"«x{n}»", "un número", row=n, column="valor") for n in range(2, 200_002)]
    problems += [Problem(f"«{n}»", f"un año en la columna {n}", row=n, column=f"c{n}") for n in range(2, 2_002)]
    error = InputError("s.csv", problems)
    screen = str(error)
    assert len(screen) < 20_000
    assert ", ".join(f"«x{n}»" for n in range(2, 32)) + " y 199.970 valores más;" in screen
    assert "... y 1.952 problemas más: el registro detallado los tiene todos." in screen
    assert len(error.detailed().splitlines()) == 1 + len(problems)
    assert len(repr(error)) < 300 and "202.000 problemas" in repr(error)


def test_the_verb_agrees_with_what_was_expected():
    assert "; se esperaban las hojas Plan, Objetivos e Indicadores." in Problem("x", "las hojas Plan, Objetivos e Indicadores").sentence()
    assert "; se esperaba un número." in Problem("«N/A»", "un número").sentence()
    assert "; se esperaba «Los Andes»." in Problem("x", "«Los Andes»").sentence()
    grouped = InputError("s.csv", [Problem(f"«x{n}»", "los valores de 2024", row=n, column="valor") for n in range(2, 6)])
    assert "; se esperaban los valores de 2024." in str(grouped)


# --- «¿quiso decir …?» -------------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.errors import did_you_mean  # noqa: E402


def test_did_you_mean_ignores_case_accents_and_spacing_and_offers_at_most_two():
    assert did_you_mean("is-545", ["IS-321", "IS-545", "MP-7871-04"]) == "¿Quiso decir «IS-545»?"
    assert did_you_mean("Indicadore", ["Plan", "Objetivos", "Indicadores"]) == "¿Quiso decir «Indicadores»?"
    assert did_you_mean("obsevaciones", ["observaciones", "observacion", "valor"]) == (
        "¿Quiso decir «observaciones» o «observacion»?"
    )
    assert did_you_mean("meta_vigecia", ["meta_vigencia", "meta_cuatrienio", "nombre"]) == "¿Quiso decir «meta_vigencia»?"
    assert did_you_mean("zzz", ["IS-321", "IS-545"]) is None
    assert did_you_mean(9, [1, 2, 3]) is None  # a number far from every id is not "close"


@given(
    choices=st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789", min_size=5, max_size=12), min_size=1, max_size=20,
                     unique=True),
    data=st.data(),
)
def test_a_choice_with_one_character_dropped_is_always_suggested(choices, data):
    target = data.draw(st.sampled_from(choices))
    cut = data.draw(st.integers(0, len(target) - 1))
    typo = target[:cut] + target[cut + 1:]
    suggestion = did_you_mean(typo, choices)
    assert suggestion is not None
    # The target is offered, unless two other choices are at least as close to the typo.
    assert f"«{target}»" in suggestion or suggestion.count("«") == 2
