"""Which folders a run may use: a served deployment's run stays inside the folders `pei-report
serve` was given, and no run writes its results inside its inputs.

Anyone who reaches a served Prefect API can start a deployment run with parameters of their own
(`input_dir`, `output_dir`). Unchecked, a run would read a configuracion.yaml from anywhere (and
e-mail the published reports to whoever it names) or write cuts anywhere the service may write.
So `serve` names its folders in the environment its runs inherit (`served_roots_environment`),
and a deployment run checks its own against them (`confine`) before reading or writing anything:
an absolute path inside them, once links are resolved. A relative path is refused rather than
resolved against whatever folder the service happened to start in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FolderNotAllowed

__all__ = [
    "SERVED_INPUT_ENV",
    "SERVED_OUTPUT_ENV",
    "Roots",
    "served_roots",
    "served_roots_environment",
    "confine",
    "inside",
    "output_inside_input",
]

SERVED_INPUT_ENV = "PEI_SERVE_INPUT"
SERVED_OUTPUT_ENV = "PEI_SERVE_OUTPUT"


@dataclass(frozen=True)
class Roots:
    """The input and output folders a served deployment's runs may use (absolute, links resolved)."""

    input: Path
    output: Path


def served_roots_environment(environ: MutableMapping[str, str], input_dir: Path, output_dir: Path) -> Roots:
    """Name `serve`'s folders in `environ` (which its runs inherit) and return them."""
    roots = Roots(Path(input_dir).resolve(), Path(output_dir).resolve())
    environ[SERVED_INPUT_ENV], environ[SERVED_OUTPUT_ENV] = str(roots.input), str(roots.output)
    return roots


def served_roots(environ: Mapping[str, str]) -> Roots | None:
    """The folders `serve` named in `environ`, or None outside a served process."""
    given = environ.get(SERVED_INPUT_ENV, "").strip(), environ.get(SERVED_OUTPUT_ENV, "").strip()
    if not all(given):
        return None
    return Roots(Path(given[0]).resolve(), Path(given[1]).resolve())


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or inside it, links resolved."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


_WHAT = {"input_dir": ("La carpeta de entrada", "de entrada", "--input"), "output_dir": ("La carpeta de resultados", "de resultados", "--output")}


def _allowed(value: str, parameter: str, root: Path) -> Path:
    """`value` as an absolute path inside `root`, links resolved; `FolderNotAllowed` otherwise."""
    what, kind, option = _WHAT[parameter]
    fix = (
        f"Una ejecución del despliegue solo usa carpetas dentro de la carpeta {kind} del servicio ({root}, "
        f"la que recibió pei-report serve con {option}): indique esa carpeta o una dentro de ella, como ruta "
        "absoluta. No se leyó ni se escribió nada."
    )
    path = Path(str(value)).expanduser()
    if not path.is_absolute():
        raise FolderNotAllowed(f"{what} «{value}» (parámetro {parameter}) es una ruta relativa. {fix}")
    resolved = path.resolve()
    if not inside(resolved, root):
        lexical = Path(os.path.normpath(path))
        linked = lexical == root or root in lexical.parents
        through = f", que por un enlace simbólico lleva a {resolved}," if linked else ""
        raise FolderNotAllowed(f"{what} «{value}» (parámetro {parameter}){through} está fuera de {root}. {fix}")
    return resolved


def confine(input_dir: str, output_dir: str, roots: Roots) -> tuple[Path, Path]:
    """A deployment run's folders, checked against `roots` (see the module's docstring):
    (input, output) resolved. Raises `FolderNotAllowed` naming the parameter and the root."""
    allowed_input = _allowed(input_dir, "input_dir", roots.input)
    allowed_output = _allowed(output_dir, "output_dir", roots.output)
    message = output_inside_input(allowed_output, allowed_input)
    if message:
        raise FolderNotAllowed(message)
    return allowed_input, allowed_output


def output_inside_input(output: Path, input_dir: Path, command: str = "") -> str | None:
    """The message refusing a results folder that is, or is inside, the input folder (a run
    would write its cuts among an entity's files); None when it is not."""
    if not inside(output, input_dir):
        return None
    who = f"{command} no escribe" if command else "no se escriben resultados"
    return (
        f"La carpeta de resultados {output} está dentro de la carpeta de entrada {input_dir}: {who} "
        "en las entradas. Indique otra con --output."
    )
