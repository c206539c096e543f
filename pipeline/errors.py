"""The pipeline's errors.

Every message is for the planning office, so it is in Spanish and says where the problem is
(file, and where it applies sheet, row and column), what was found, what was expected and what to
do. The command line turns `InputError` into exit status 2 and any other `PipelineError` into
exit status 1; nothing else in the package converts exceptions to exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PipelineError",
    "InputError",
    "Problem",
    "PublishError",
    "DistributionError",
    "EntitiesFailed",
]


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file; `row` is numbered as the user's editor numbers it."""

    found: str
    expected: str
    row: int | None = None
    column: str | None = None
    hint: str | None = None
    column_letter: str | None = None  # a spreadsheet's column letter, shown beside the name
    row_label: str = "fila"  # "línea" in text files such as plan.yaml

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"{self.row_label} {self.row}")
        if self.column is not None:
            letter = f" ({self.column_letter})" if self.column_letter else ""
            parts.append(f"columna «{self.column}»{letter}")
        return ", ".join(parts)

    def sentence(self) -> str:
        text = f"se encontró {self.found}; se esperaba {self.expected}."
        if self.hint:
            text += f" {self.hint}"
        return text


@dataclass(eq=False)  # exceptions compare and hash by identity
class InputError(PipelineError):
    """An input file is missing, unreadable or invalid; the message names the file and the place."""

    file: Path | str
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None

    # Keep long reports readable: the first problems are enough to start fixing.
    MAX_LISTED = 10

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __reduce__(self):
        # Exceptions pickle through their args; keep the fields so the error survives a
        # trip through a process or Dask task runner.
        return (type(self), (self.file, self.problems, self.sheet))

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

    def _head(self) -> str:
        kind = "la carpeta" if Path(self.file).is_dir() else "el archivo"
        head = f"Error en {kind} {self.file}"
        if self.sheet:
            head += f" (hoja «{self.sheet}»)"
        return head

    def __str__(self) -> str:
        if not self.problems:
            return f"{self._head()}."
        if len(self.problems) == 1:
            p = self.problems[0]
            where = p.where()
            return f"{self._head()}{', ' + where if where else ''}: {p.sentence()}"
        lines = [f"{self._head()}: se encontraron {len(self.problems)} problemas."]
        for p in self.problems[: self.MAX_LISTED]:
            where = p.where()
            lines.append(f"  - {where + ': ' if where else ''}{p.sentence()}")
        rest = len(self.problems) - self.MAX_LISTED
        if rest > 0:
            lines.append(f"  ... y {rest} problemas más.")
        return "\n".join(lines)


class PublishError(PipelineError):
    """The outputs could not be written; the earlier outputs were left as they were."""


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


class EntitiesFailed(PipelineError):
    """Some entities of a batch failed; the others were reported."""

    def __init__(self, failures: dict[str, PipelineError], done: list[str]):
        self.failures = failures
        self.done = done
        lines = [
            f"Fallaron {len(failures)} de {len(failures) + len(done)} entidades "
            f"({', '.join(failures)}); las demás se reportaron."
        ]
        for slug, error in failures.items():
            lines.append(f"[{slug}] {error}")
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (type(self), (self.failures, self.done))

    @property
    def only_bad_input(self) -> bool:
        """Whether every failure is invalid input (the command line then exits with 2)."""
        return all(isinstance(e, InputError) for e in self.failures.values())
