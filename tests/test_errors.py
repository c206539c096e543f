"""pipeline/errors.py: messages, and errors that survive a trip to another process."""

from __future__ import annotations

import pickle

from pipeline.errors import EntitiesFailed, InputError, Problem


def test_single_problem_message():
    error = InputError.single("s.xlsx", "«x»", "un número", row=4, column="valor", column_letter="D", sheet="Hoja1")
    assert str(error) == "Error en el archivo s.xlsx (hoja «Hoja1»), fila 4, columna «valor» (D): se encontró «x»; se esperaba un número."


def test_long_lists_are_cut():
    error = InputError("s.csv", [Problem("«x»", "un número", row=n, column="valor") for n in range(2, 30)])
    lines = str(error).splitlines()
    assert lines[0] == "Error en el archivo s.csv: se encontraron 28 problemas."
    assert len(lines) == 1 + InputError.MAX_LISTED + 1 and lines[-1] == "  ... y 18 problemas más."


def test_errors_pickle_with_their_fields():
    error = InputError.single("plan.yaml", "«a»", "b", row=3, row_label="línea")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and copy.problems == error.problems
    batch = pickle.loads(pickle.dumps(EntitiesFailed({"beta": error}, ["alfa"])))
    assert batch.only_bad_input and "Fallaron 1 de 2 entidades (beta)" in str(batch)
