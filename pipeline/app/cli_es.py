"""The words typer and click print on their own (usage line, panel titles, the help option, usage
errors), in Spanish.

typer 0.29 vendors click with its English wording written into the code (no gettext catalogue),
so each is replaced at the seam typer offers for it: the rich help's module settings
(`RICH_TEXTS`), and a command and a group class (`SpanishCommand`, `SpanishGroup`) that write the
usage line, word the help option and reword a usage error from its fields (the option, the value,
what pydantic expected) before typer prints it. `pipeline.app.cli` names the classes; the words are
all here.
"""

from __future__ import annotations

import re
from typing import Any

import typer.rich_utils
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup, TyperOption

__all__ = ["RICH_TEXTS", "SpanishCommand", "SpanishGroup"]

USAGE = "Uso: "
OPTIONS_METAVAR = "[OPCIONES]"
SUBCOMMAND_METAVAR = "ORDEN [ARGUMENTOS]..."
HELP_OPTION = "Muestra esta ayuda y termina."

# Settings of typer.rich_utils, read each time a help page or an error is printed.
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Argumentos",
    "OPTIONS_PANEL_TITLE": "Opciones",
    "COMMANDS_PANEL_TITLE": "Órdenes",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Cancelado.",
    "RICH_HELP": "Para ver la ayuda: [blue]{command_path} {help_option}[/]",
    "DEFAULT_STRING": "[por defecto: {}]",
    "REQUIRED_LONG_STRING": "[obligatorio]",
    "ENVVAR_STRING": "[variable de entorno: {}]",
    "DEPRECATED_STRING": "(obsoleta) ",
}

# What an option's value is, in the help's type column (typer's labels are Python's type names).
TYPE_LABELS = {
    "<str>": "<texto>",
    "<path>": "<ruta>",
    "<int>": "<entero>",
    "<int range>": "<entero>",
    "<float>": "<número>",
    "<float range>": "<número>",
    "<bool>": "",  # a flag takes no value
}

# What a value should have been, by pydantic's error type (typer converts values with pydantic).
EXPECTED = {
    "int_parsing": "no es un número entero",
    "int_from_float": "no es un número entero",
    "int_type": "no es un número entero",
    "float_parsing": "no es un número",
    "float_type": "no es un número",
    "bool_parsing": "no es sí ni no (true o false)",
    "greater_than_equal": "debe ser mayor o igual que {ge}",
    "greater_than": "debe ser mayor que {gt}",
    "less_than_equal": "debe ser menor o igual que {le}",
    "less_than": "debe ser menor que {lt}",
}

# Usage errors click raises with only a message: (its English pattern, the Spanish wording).
MESSAGES = [
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
     "Sobran argumentos: {args}. Las opciones empiezan con --."),
    (r"No such command '(?P<name>.*)'\. Did you mean (?P<names>.*)\?",
     "No existe la orden «{name}». ¿Quiso decir {names}?"),
    (r"No such command '(?P<name>.*)'\.", "No existe la orden «{name}»."),
    (r"Missing command\.", "Falta la orden."),
]


def apply_rich_texts() -> None:
    """Set typer's help and error wording to Spanish (idempotent; done when the command starts,
    not on import)."""
    for name, text in RICH_TEXTS.items():
        setattr(typer.rich_utils, name, text)


class SpanishUsageError(UsageError):
    """A usage error already worded in Spanish (exit status 2)."""


def spanish_error(exc: UsageError, command: Any = None) -> UsageError:
    """The same usage error, worded in Spanish, with the same context (for the usage line).

    `command` is the one whose arguments were being parsed (click's parser raises some errors
    without a context)."""
    if isinstance(exc, (SpanishUsageError, NoArgsIsHelpError)):
        return exc
    return SpanishUsageError(_message(exc, exc.ctx.command if exc.ctx else command), ctx=exc.ctx)


def _message(exc: UsageError, command: Any) -> str:
    if isinstance(exc, NoSuchOption):
        text = f"No existe la opción {exc.option_name}."
        if exc.possibilities:
            text += f" ¿Quiso decir {', '.join(sorted(exc.possibilities))}?"
        return text
    if isinstance(exc, BadOptionUsage):
        if _is_flag(command, exc.option_name):
            return f"La opción {exc.option_name} no lleva valor."
        return f"Falta el valor de la opción {exc.option_name}."
    if isinstance(exc, MissingParameter):
        if exc.param is None:
            return "Falta una opción."
        kind = "el argumento" if exc.param.param_type_name == "argument" else "la opción"
        return f"Falta {kind} {_names(exc.param)}."
    if isinstance(exc, BadParameter):
        name = _names(exc.param) if exc.param is not None else "una opción"
        return f"Valor no válido para {name}: {_why(exc)}"
    for pattern, text in MESSAGES:
        match = re.fullmatch(pattern, exc.message)
        if match:
            fields = {k: re.sub(r"'([^']*)'", r"«\1»", v) for k, v in match.groupdict().items()}
            return text.format(**fields)
    return f"Uso no válido ({exc.message})."


def _names(param: Any) -> str:
    return " / ".join(param.opts) if getattr(param, "opts", None) else str(param.name)


def _is_flag(command: Any, option_name: str) -> bool:
    params = getattr(command, "params", [])
    return any(option_name in getattr(p, "opts", ()) and getattr(p, "is_flag", False) for p in params)


def _why(exc: BadParameter) -> str:
    """«abc» no es un número entero: from the pydantic error typer's conversion raised, if any;
    otherwise the message itself (a callback's own, already in Spanish)."""
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if not errors:
        return exc.message
    error = errors[0]
    expected = EXPECTED.get(error["type"], "no es un valor admitido")
    return f"«{error['input']}» {expected.format(**error.get('ctx', {}))}."


class _Spanish:
    """What a command and the group share: the usage line, the help option and usage errors in
    Spanish, and the options' type labels (mixed in before typer's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = OPTIONS_METAVAR
        _label_types(self.params)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def get_help_option(self, ctx):
        return _spanish_help_option(super().get_help_option(ctx))

    def make_context(self, *args: Any, **kwargs: Any):
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as exc:
            raise spanish_error(exc, self) from None


class SpanishCommand(_Spanish, TyperCommand):
    """A typer command whose usage line, help option and usage errors are in Spanish."""



class SpanishGroup(_Spanish, TyperGroup):
    """The typer application's group: its usage, help and errors in Spanish, and the rich help's
    settings applied when it starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = SUBCOMMAND_METAVAR

    def main(self, *args: Any, **kwargs: Any) -> Any:
        apply_rich_texts()
        return super().main(*args, **kwargs)


    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            raise spanish_error(exc, self) from None


def _spanish_help_option(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = HELP_OPTION
        _label_types([option])
    return option


def _label_types(params: list) -> None:
    """Spanish type labels for options that name none of their own (a `metavar`)."""
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None and not param.type_descriptor.is_choice:
            label = TYPE_LABELS.get(param.display_type(None))
            if label is not None:
                param.metavar = label
