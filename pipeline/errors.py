"""The pipeline's errors.

Every message is for the planning office, so it is in Spanish and says where the problem is
(file, and where it applies sheet, row and column), what was found, what was expected and what to
do. The command line turns `InputError` into exit status 2 and any other `PipelineError` into
exit status 1; nothing else in the package converts exceptions to exit codes.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = [
    "PipelineError",
    "InputError",
    "Problem",
    "PublishError",
    "UnsafePathError",
    "DistributionError",
    "EntitiesFailed",
    "FolderNotAllowed",
    "UnexpectedFailure",
    "ServerError",
    "close_choices",
    "did_you_mean",
    "screen_lines",
]


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file; `row` is numbered as the user's editor numbers it.

    `file` and `sheet` are set where one error gathers the problems of several files (see
    `InputError.combine`); otherwise the error's own file and sheet apply.
    """

    found: str
    expected: str
    row: int | None = None
    column: str | None = None
    hint: str | None = None
    column_letter: str | None = None  # a spreadsheet's column letter, shown beside the name
    row_label: str = "fila"  # "línea" in text files such as plan.yaml
    file: Path | str | None = None
    sheet: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"{self.row_label} {self.row}")
        if self.column is not None:
            parts.append(self._column())
        return ", ".join(parts)

    def _column(self) -> str:
        letter = f" ({self.column_letter})" if self.column_letter else ""
        return f"columna «{self.column}»{letter}"

    def sentence(self) -> str:
        text = f"{found_verb(self.found)} {self.found}; {expected_verb(self.expected)} {self.expected}."
        if self.hint:
            text += f" {self.hint}"
        return text

    def line(self) -> str:
        where = self.where()
        return f"{where + ': ' if where else ''}{self.sentence()}"

    def place(self) -> str:
        """`plan.yaml` or `seguimiento.xlsx (hoja «Seguimiento»)`: the file the problem is in."""
        return _place(self.file or "", self.sheet)


def _comparable(text: str) -> str:
    """`Código  Indicador` -> `codigo indicador`: what a suggestion compares (case, accents and spacing aside)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


# How close a choice must be to what was written to be offered (difflib's ratio, 0 to 1); a
# short text (an objective's number) has fewer characters to agree on.
SUGGESTION_CUTOFF = 0.75
SHORT_CUTOFF = 0.6
# A second choice is offered only when it is about as close as the first.
SUGGESTION_GAP = 0.1


def close_choices(found: object, choices: Iterable[object]) -> list[str]:
    """The one or two of `choices` closest to `found`, as `did_you_mean` offers them (maybe none)."""
    by_form: dict[str, str] = {}
    for choice in choices:
        by_form.setdefault(_comparable(str(choice)), str(choice))
    written = _comparable(str(found))
    if not written or written in by_form and by_form[written] == str(found):
        return []
    if written in by_form:  # the same but for case, accents or spacing: that one
        return [by_form[written]]
    scored = sorted(
        ((difflib.SequenceMatcher(None, written, form).ratio(), form) for form in by_form), key=lambda t: -t[0]
    )[:2]
    cutoff = SHORT_CUTOFF if len(written) <= 3 else SUGGESTION_CUTOFF
    return [by_form[form] for ratio, form in scored if ratio >= cutoff and ratio >= scored[0][0] - SUGGESTION_GAP]


def did_you_mean(found: object, choices: Iterable[object]) -> str | None:
    """`¿Quiso decir «IS-545»?`: the one or two choices closest to `found` (case, accents and
    spacing aside; difflib's ratio of at least `SUGGESTION_CUTOFF`, `SHORT_CUTOFF` for a text of
    up to 3 characters), or None when none is close.

    The one helper every «¿quiso decir …?» of the messages comes from: a mistyped indicator id,
    field name, heading or sheet name.
    """
    close = close_choices(found, choices)
    return "¿Quiso decir " + " o ".join(f"«{c}»" for c in close) + "?" if close else None


# First words that make what was found plural: "se encontraron los encabezados ...".
_PLURAL_STARTS = {"los", "las", "unos", "unas", "varios", "varias", "dos", "tres", "cuatro", "cinco", "muchos", "muchas"}


def found_verb(found: str) -> str:
    """`se encontró` or, for a plural (`los encabezados ...`, `0 elementos`), `se encontraron`."""
    words = found.lower().split(" ", 2)
    counted = len(words) > 1 and words[0].isdigit() and words[0] != "1" and words[1].endswith("s")
    plural = words[0] in _PLURAL_STARTS or counted  # "los encabezados", "0 elementos"; not "2030"
    return "se encontraron" if plural else "se encontró"


def expected_verb(expected: str) -> str:
    """`se esperaba` or, for a plural (`las hojas Plan, ...`), `se esperaban`."""
    return "se esperaban" if found_verb(expected) == "se encontraron" else "se esperaba"


def _place(file: Path | str, sheet: str | None) -> str:
    kind = "la carpeta" if Path(file).is_dir() else "el archivo"
    return f"{kind} {file}" + (f" (hoja «{sheet}»)" if sheet else "")


def _rows_text(rows: list[int], label: str) -> str:
    """`filas 3, 5 a 9 y 12`: rows in order, runs of consecutive rows shortened."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    parts = [str(a) if a == b else f"{a} y {b}" if b == a + 1 else f"{a} a {b}" for a, b in spans]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " y " + parts[-1]
    plural = label + ("s" if label.endswith(("a", "e", "o")) else "es")
    return f"{label if len(rows) == 1 else plural} {text}"


def _grouped(problems: list[Problem]) -> list[tuple[str, int]]:
    """Problems as screen lines, each with how many problems it tells: those that say the same
    thing about one column share a line that names every row and the first values found."""
    def key(p: Problem) -> tuple:
        return (p.column, p.column_letter, p.expected, p.hint, p.row_label) if p.row is not None else (id(p),)

    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault(key(p), []).append(p)
    lines, shown = [], set()
    for p in problems:  # in the problems' order; a group where its first member stands
        members = groups[key(p)]
        if len(members) < GROUP_FROM:
            lines.append((p.line(), 1))
            continue
        if key(p) in shown:
            continue
        shown.add(key(p))
        first = members[0]
        found = list(dict.fromkeys(m.found for m in members))
        values = ", ".join(found[:FOUND_SHOWN])
        if len(found) > FOUND_SHOWN:
            values += f" y {_count(len(found) - FOUND_SHOWN)} valores más"
        where = _rows_text([m.row for m in members if m.row is not None], first.row_label)
        if first.column is not None:
            where += f", {first._column()}"
        verb = "se encontraron" if len(found) > 1 else found_verb(found[0])
        text = f"{where} ({len(members)} celdas): {verb} {values}; {expected_verb(first.expected)} {first.expected}."
        if first.hint:
            text += f" {first.hint}"
        lines.append((text, len(members)))
    return lines


def _count(n: int) -> str:
    """`199.995`: thousands with dots, as the rest of the Spanish text."""
    return f"{n:,}".replace(",", ".")


def screen_lines(problems: list[Problem]) -> list[str]:
    """The lines the screen shows for the problems of one file: alike problems grouped, at most
    `SCREEN_LINES` (the rest counted on the last line)."""
    return _screen(problems)


def _screen(problems: list[Problem]) -> list[str]:
    """The screen's lines: alike problems grouped, and at most `SCREEN_LINES` of them."""
    lines = _grouped(problems)
    if len(lines) <= SCREEN_LINES:
        return [text for text, _ in lines]
    hidden = sum(n for _, n in lines[SCREEN_LINES - 1 :])
    return [text for text, _ in lines[: SCREEN_LINES - 1]] + [
        f"... y {_count(hidden)} problemas más: el registro detallado los tiene todos."
    ]


# From this many problems saying the same thing about one column, the screen shows them as one line.
GROUP_FROM = 4
# A grouped line shows this many of the values found; the log has every one.
FOUND_SHOWN = 30
# The screen (and the Prefect UI) shows at most this many lines per file; the log has every problem.
SCREEN_LINES = 50


@dataclass(eq=False)  # exceptions compare and hash by identity
class InputError(PipelineError):
    """An input file is missing, unreadable or invalid; the message names the file and the place.

    Every problem found is kept: `str()` groups alike problems for the screen and the Prefect UI
    and shows at most `SCREEN_LINES` lines per file (so 200 000 problems make a short message),
    `detailed()` lists every one of them, one per line, for the log. `warnings` are those of the
    inputs that could still be read (a seguimiento/ folder's other files): `pei-report validar`
    lists them beside the problems, so nothing waits for the errors to be fixed.
    """

    file: Path | str
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    warnings: tuple[Problem, ...] = ()

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __reduce__(self):
        # Exceptions pickle through their args; keep the fields so the error survives a
        # trip through a process or Dask task runner.
        return (type(self), (self.file, self.problems, self.sheet, self.warnings))

    def __repr__(self) -> str:
        # Prefect logs a failed task's exception by its repr: keep it one short line.
        count = "1 problema" if len(self.problems) == 1 else f"{_count(len(self.problems))} problemas"
        return f"{type(self).__name__}({str(self.file)!r}, {count})"

    @classmethod
    def single(
        cls,
        file: Path | str,
        found: str,
        expected: str,
        *,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        sheet: str | None = None,
        column_letter: str | None = None,
        row_label: str = "fila",
    ) -> InputError:
        problem = Problem(found, expected, row, column, hint, column_letter, row_label)
        return cls(file, [problem], sheet)

    @classmethod
    def combine(cls, folder: Path | str, errors: list[InputError], warnings: tuple[Problem, ...] = ()) -> InputError:
        """One error with every problem of `errors` (each still naming its own file and sheet),
        and their warnings after `warnings` (those of the inputs that could be read)."""
        found = (*warnings, *(w for e in errors for w in e.warnings))
        if len(errors) == 1:
            return replace(errors[0], warnings=found) if found != errors[0].warnings else errors[0]
        return cls(folder, [p for e in errors for p in e.located()], warnings=found)

    def located(self) -> list[Problem]:
        """The problems, each naming its file and sheet."""
        return [replace(p, file=p.file or self.file, sheet=p.sheet or self.sheet) for p in self.problems]

    def _sections(self) -> list[tuple[str, list[Problem]]]:
        sections: dict[str, list[Problem]] = {}
        places: dict[tuple, str] = {}  # one file-system check per file, not per problem
        for p in self.problems:
            where = (p.file or self.file, p.sheet or self.sheet)
            if where not in places:
                places[where] = _place(*where)
            sections.setdefault(places[where], []).append(p)
        return list(sections.items())

    def _text(self, lines_of) -> str:
        sections = self._sections()
        if not sections:
            return f"Error en {_place(self.file, self.sheet)}."
        if len(sections) == 1 and len(self.problems) == 1:
            p = self.problems[0]
            where = p.where()
            return f"Error en {sections[0][0]}{', ' + where if where else ''}: {p.sentence()}"
        total = len(self.problems)
        files = len({p.file or self.file for p in self.problems})
        places = f"{files} archivos" if files > 1 else f"{len(sections)} hojas"  # one workbook's sheets
        out = [] if len(sections) == 1 else [f"Se encontraron {total} problemas en {places}."]
        for place, problems in sections:
            count = "1 problema" if len(problems) == 1 else f"{len(problems)} problemas"
            out.append(f"Error en {place}: se encontr{'ó' if len(problems) == 1 else 'aron'} {count}.")
            out.extend(f"  - {line}" for line in lines_of(problems))
        return "\n".join(out)

    def __str__(self) -> str:
        return self._text(_screen)

    def detailed(self) -> str:
        """Every problem on a line of its own (for the log)."""
        return self._text(lambda problems: [p.line() for p in problems])


class PublishError(PipelineError):
    """The outputs could not be written; the earlier outputs were left as they were."""


class UnsafePathError(PublishError):
    """A path inside a cut's folder that could leave it (`..`, absolute) or is not a plain relative path."""

    def __init__(self, path: str, where: str, reason: str):
        super().__init__(
            f"La ruta «{path}» de {where} no es válida: {reason}. Una salida solo escribe dentro de la "
            "carpeta de su corte, con rutas relativas como «web/index.html»; no se escribió ni se copió nada con ella."
        )
        self.path, self.where, self.reason = path, where, reason

    def __reduce__(self):
        return (type(self), (self.path, self.where, self.reason))


class DistributionError(PipelineError):
    """A published cut could not be copied or e-mailed; its files stay published.

    `transient` says whether trying again may help (the server is down or busy), as opposed to
    a configuration the user must fix (no SMTP server, a refused address or password).
    """

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient

    def __reduce__(self):
        return (type(self), (str(self), self.transient))


class ApprovalError(PipelineError):
    """A cut's approval or rejection cannot be done as asked (no draft, already decided, inputs
    changed, a missing acta); nothing was changed."""


class ApprovalExpired(PipelineError):
    """A draft waited past its plazo without a decision; it was marked vencido, nothing published."""


class EntitiesFailed(PipelineError):
    """Some entities of a batch failed; the others were reported."""

    def __init__(
        self, failures: dict[str, PipelineError], done: list[str], reports: tuple = (),
        action: tuple[str, str] = ("se reportaron", "no se reportó ninguna"),
    ):
        self.failures = failures
        self.done = done
        self.reports = tuple(reports)  # what the entities that were reported produced, for the caller to show
        self.action = action  # what the batch did, said of the entities done and of none (a resend: «se reenviaron»)
        reported = f"{action[0]} {', '.join(done)}." if done else f"{action[1]}."
        lines = [f"Fallaron {len(failures)} de {len(failures) + len(done)} entidades ({', '.join(failures)}); {reported}"]
        for slug, error in failures.items():
            lines.append(f"[{slug}] {error}")
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (type(self), (self.failures, self.done, self.reports, self.action))

    @property
    def only_bad_input(self) -> bool:
        """Whether every failure is invalid input (the command line then exits with 2)."""
        return all(isinstance(e, InputError) for e in self.failures.values())


class FolderNotAllowed(PipelineError):
    """A run's input or output folder outside the folders it may use; nothing was read or written."""


class UnexpectedFailure(PipelineError):
    """An error no rule expects, in one entity's run, named with the entity (its traceback is in the log)."""

    def __init__(self, slug: str, error: BaseException | str):
        self.slug = slug
        self.text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        super().__init__(f"Falla inesperada en {slug}: {self.text}")

    def __reduce__(self):
        return (type(self), (self.slug, self.text))


class ServerError(PipelineError):
    """The Prefect server could not be started or reached."""
