"""docs/oficina/mensajes.md shows real messages: each example is what the tool prints today.

Every example in the page is a text block (```` ```{ .text .mensaje } ````, which the site wraps)
right after a marker `<!-- mensaje: NAME -->`. NAME is
one of `CASES` below: a broken entity folder made by the suite's helpers (tests/plans.py,
tests/messy_workbook.py, tests/sectors.py) and the command the office would type on it. The test
runs the command in a fresh folder and checks that the example's lines are lines of what it
printed, in order (lines in between may be left out; `[…]` inside a line stands for any text, such
as a fingerprint). A message whose wording changes fails here until the page is updated.

Run `python -m tests.test_docs_messages NAME` to print what a case prints today.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT
from tests.messy_workbook import write_entity
from tests.plans import pdm, write_pdm
from tests.sectors import write_district

PAGE = ROOT / "docs" / "oficina" / "mensajes.md"
EXE = str(Path(sys.executable).with_name("pei-report"))
ELISION = "[…]"
ENTITY = Path("inputs") / "mi-entidad"
VALIDAR = ["validar", "--input", "inputs", "--period", "2024-T3"]


def _dump(path: Path, data: dict) -> None:
    with path.open("w", encoding="utf-8") as handle:
        YAML().dump(data, handle)


def _misspelt_field(root: Path) -> None:
    plan = pdm(2024)
    plan["indicadores"][0]["meta_vigecia"] = plan["indicadores"][0].pop("meta_vigencia")
    _dump(write_pdm(root / ENTITY, 2024) / "plan.yaml", plan)


def _pdm(root: Path) -> None:
    write_pdm(root / ENTITY, 2024)


def _messy(root: Path) -> None:
    write_entity(root / ENTITY)


def _messy_fixed(root: Path) -> None:
    write_entity(root / ENTITY, fixed=True)


def _sample(root: Path) -> None:
    shutil.copytree(ROOT / "inputs" / "secretaria-general", root / "inputs" / "secretaria-general")


def _configuration(text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (write_pdm(root / ENTITY, 2024) / "configuracion.yaml").write_text(text, encoding="utf-8")
    return setup


def _template_of_an_edited_plan(root: Path) -> None:
    """The dependency's returned template, after the office changed a unit in plan.yaml."""
    folder = write_pdm(root / ENTITY, 2024)
    done = subprocess.run([EXE, "plantilla", "--input", "inputs", "--period", "2024-T3"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (folder / "seguimiento").mkdir()
    shutil.move(folder / "seguimiento.csv", folder / "seguimiento" / "historia.csv")
    shutil.copy(root / "outputs" / "mi-entidad" / "plantillas" / "2024-T3" / "seguimiento-2024-T3.xlsx",
                folder / "seguimiento" / "ambiente.xlsx")
    plan = pdm(2024)
    plan["indicadores"][1]["unidad"] = "numero"
    _dump(folder / "plan.yaml", plan)


def _unknown_entity_in_a_sector(root: Path) -> None:
    write_district(root / "inputs")
    sectors = root / "inputs" / "sectores.yaml"
    sectors.write_text(sectors.read_text(encoding="utf-8").replace("alcaldia-b, sin-datos", "alcaldia-c, sin-datos"), encoding="utf-8")


BANDS_AND_APPROVAL = """\
semaforo:
  bandas:
    - {nombre: Rojo, color: rojo, menor_que: 50}
    - {nombre: Verde, color: verde, hasta: 40}
aprobacion:
  requerida: obligatoria
"""

APPROVERS_MISSING = """\
aprobacion:
  requerida: true
"""

BAD_ADDRESS = """\
distribucion:
  correo:
    destinatarios: [planeacion@entidad, jefe.planeacion@entidad.gov.co]
"""

# name: (what makes the folder, the command typed in it, its exit status: 2 errors, 0 warnings only)
CASES: dict[str, tuple[Callable[[Path], None], list[str], int]] = {
    "plan-campo": (_misspelt_field, VALIDAR, 2),
    "plan-corte": (_pdm, ["validar", "--input", "inputs", "--period", "2030-T1"], 2),
    "seguimiento-celdas": (_messy, VALIDAR, 2),
    "seguimiento-columna": (_messy_fixed, VALIDAR, 0),
    "seguimiento-nivel": (_sample, VALIDAR, 0),
    "configuracion": (_configuration(BANDS_AND_APPROVAL), VALIDAR, 2),
    "configuracion-aprobadores": (_configuration(APPROVERS_MISSING), VALIDAR, 2),
    "correo": (_configuration(BAD_ADDRESS), VALIDAR, 2),
    "plantilla": (_template_of_an_edited_plan, VALIDAR, 2),
    "sectores": (_unknown_entity_in_a_sector, VALIDAR, 2),
    "aprobacion": (_pdm, ["aprobar", "--input", "inputs", "--period", "2024-T3", "--nombre", "Ana Pérez", "--acta", "04 de 2024"], 2),
    "publicacion": (_pdm, ["resend", "--input", "inputs", "--period", "2024-T3"], 2),
}


def documented() -> dict[str, list[str]]:
    """The page's examples: NAME -> the block's lines."""
    text = PAGE.read_text(encoding="utf-8")
    found = re.findall(r"<!-- mensaje: ([a-z-]+) -->\n+```\{ \.text \.mensaje \}\n(.*?)```", text, re.S)
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"an example is documented twice: {names}"
    assert text.count("<!-- mensaje:") == len(found), "every marker is followed by a ```{ .text .mensaje } block"
    return {name: block.rstrip("\n").splitlines() for name, block in found}


def printed(name: str, root: Path) -> tuple[int, list[str]]:
    """What the case's command prints (stdout then stderr), run in `root`, and its exit status."""
    setup, args, _ = CASES[name]
    setup(root)
    env = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1", "TERM": "dumb", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run([EXE, *args], cwd=root, capture_output=True, text=True, timeout=240, env=env)
    return done.returncode, (done.stdout + done.stderr).splitlines()


def _plain(line: str) -> str:
    """The line as a reader sees it: the no-break spaces of Spanish numbers (`93\u00a0%`) are spaces."""
    return line.replace("\u00a0", " ").replace("\u202f", " ").strip()


def _pattern(line: str) -> re.Pattern:
    return re.compile(".*?".join(re.escape(part) for part in _plain(line).split(ELISION)))


def missing_lines(example: list[str], output: list[str]) -> list[str]:
    """The example's lines not found in `output`, in order (an empty list: the example holds)."""
    missing, at = [], 0
    for line in (line for line in example if line.strip()):
        pattern = _pattern(line)
        hit = next((i for i in range(at, len(output)) if pattern.fullmatch(_plain(output[i]))), None)
        if hit is None:
            missing.append(line)
        else:
            at = hit + 1
    return missing


def test_every_kind_of_message_has_an_example_and_every_example_a_case():
    assert set(documented()) == set(CASES)


def test_an_example_differing_from_the_output_is_caught():
    output = ["Error: se encontró «6»; se esperaba un trimestre.", "  - fila 2: huella 2b16"]
    assert missing_lines(["Error: se encontró «6»; se esperaba un trimestre.", "- fila 2: huella […]"], output) == []
    assert missing_lines(["Error: se encontró «7»; se esperaba un trimestre."], output) == ["Error: se encontró «7»; se esperaba un trimestre."]
    assert missing_lines(["- fila 2: huella […]", "Error: se encontró «6»; se esperaba un trimestre."], output) != []  # order counts


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_documented_example_is_what_the_tool_prints(name, tmp_path):
    status, output = printed(name, tmp_path)
    assert status == CASES[name][2], "\n".join(output)
    assert missing_lines(documented()[name], output) == [], "\n".join(output)


if __name__ == "__main__":
    import tempfile

    for case in sys.argv[1:] or sorted(CASES):
        with tempfile.TemporaryDirectory() as folder:
            code, lines = printed(case, Path(folder))
            print(f"<!-- mensaje: {case} --> (estado {code})\n```{{ .text .mensaje }}\n" + "\n".join(lines) + "\n```\n")
