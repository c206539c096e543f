"""How to type `pei-report` in a command the tool suggests, so that it works as printed.

`pei-report` itself when the shell finds this very program on its PATH; otherwise the path of the
program that is running (`.venv/bin/pei-report` from the project's folder, an absolute path from
anywhere else): an office that ran `.venv/bin/pei-report validar` without activating the venv
is told `.venv/bin/pei-report run ...`, which its shell will find.

Reading PATH and the interpreter's path is all this module does; `program` is the pure rule.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

__all__ = ["NAME", "program", "suggest"]

NAME = "pei-report"


def program(executable: Path, path: str | None, cwd: Path) -> str:
    """The word that runs `pei-report` beside `executable` (the interpreter), given the PATH and
    the current folder: the bare name when PATH finds that same program, else its path (relative
    to `cwd` when it is under it), quoted for the shell."""
    beside = executable.parent / NAME
    if not beside.exists():
        return NAME  # not installed as a script beside the interpreter (a test, `python -m`): trust PATH
    found = shutil.which(NAME, path=path)
    if found and Path(found).resolve() == beside.resolve():
        return NAME
    try:
        shown = beside.relative_to(cwd)
    except ValueError:
        return shlex.quote(str(beside))
    return shlex.quote(str(shown)) if shown.parts[:-1] else shlex.quote(f"./{shown}")


def suggest(arguments: str) -> str:
    """`pei-report <arguments>` as this machine's shell will run it (see `program`)."""
    return f"{program(Path(sys.executable), os.environ.get('PATH'), Path.cwd())} {arguments}"
