"""pipeline/app/cli_es.py: the command line speaks only Spanish, in its help and in its usage errors
(the words typer and click print as well as ours)."""

from __future__ import annotations

import pytest
import typer.rich_utils
from typer.testing import CliRunner

from pipeline.app import cli_es
from pipeline.app.cli import app

COMMANDS = [[]] + [[info.name or info.callback.__name__] for info in app.registered_commands]
ENGLISH = ["Usage", "Options", "OPTIONS", "Show this message", "Commands", "COMMAND", "[default", "[required",
           "<str>", "<path>", "<int", "<bool>", "Try ", "for help"]


def _invoke(args: list[str]):
    return CliRunner().invoke(app, args, prog_name="pei-report", env={"COLUMNS": "200"})


def test_every_command_is_covered():
    assert {tuple(c) for c in COMMANDS} >= {(), ("run",), ("resend",), ("serve",)}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "pei-report")
def test_the_help_of_every_command_is_in_spanish(command):
    result = _invoke([*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Uso: pei-report" in result.output and "Opciones" in result.output, result.output
    assert "Muestra esta ayuda y termina." in result.output
    for word in ENGLISH:
        assert word not in result.output, (word, result.output)


def test_the_app_lists_its_commands_in_spanish():
    output = _invoke(["--help"]).output
    assert "Órdenes" in output and "[OPCIONES] ORDEN [ARGUMENTOS]..." in output, output


def test_defaults_and_required_options_are_named_in_spanish():
    assert "[por defecto: inputs]" in _invoke(["run", "--help"]).output
    assert "[obligatorio]" in _invoke(["resend", "--help"]).output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--bogus"], "No existe la opción --bogus."),
        (["run", "--period"], "Falta el valor de la opción --period."),
        (["run", "--verbose=3"], "La opción --verbose no lleva valor."),
        (["run", "--workers", "abc"], "Valor no válido para --workers: «abc» no es un número entero."),
        (["run", "--workers", "0"], "Valor no válido para --workers: «0» debe ser mayor o igual que 1."),
        (["serve", "--port", "x"], "Valor no válido para --port: «x» no es un número entero."),
        (["resend"], "Falta la opción --period."),
        (["run", "sobra"], "Sobran argumentos: sobra."),
        (["runn"], "No existe la orden «runn». ¿Quiso decir «run»?"),
        (["run", "--period", "2024-T9"], "El periodo «2024-T9» no es válido"),
    ],
)
def test_usage_errors_are_in_spanish_with_exit_2_and_no_traceback(args, expected):
    result = _invoke(args)
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, (SystemExit, type(None)))
    for word in ["Usage", "Try ", "No such", "Invalid", "Missing", "Got unexpected", "Option ", "Input should"]:
        assert word not in result.output, (word, result.output)


def test_a_usage_error_shows_the_usage_line_and_how_to_get_help_in_spanish():
    output = _invoke(["run", "--bogus"]).output
    assert "Uso: pei-report run [OPCIONES]" in output
    assert "Para ver la ayuda: pei-report run --help" in output


def test_the_typer_settings_it_replaces_still_exist():
    """A typer upgrade that renames one of these would silently bring the English back."""
    for name in cli_es.RICH_TEXTS:
        assert hasattr(typer.rich_utils, name), name


def test_a_usage_error_it_does_not_know_keeps_its_details_in_a_spanish_sentence():
    from typer._click.exceptions import UsageError

    assert cli_es.spanish_error(UsageError("Something new")).format_message() == "Uso no válido (Something new)."
