"""docs/architecture.md and the import rules in pyproject.toml: the page says what the code is, and
the rules hold and can fail."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
PACKAGES = sorted(p.name for p in (ROOT / "pipeline").iterdir() if (p / "__init__.py").exists() and p.name != "templates")
LINT = Path(sys.executable).with_name("lint-imports")


def _contract(kind: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["type"] == kind)


def test_every_package_is_in_the_page_and_in_the_layers():
    layers = [name.removeprefix("pipeline.") for name in _contract("layers")["layers"]]
    assert sorted(layers) == PACKAGES
    for package in PACKAGES:
        assert f"| `pipeline.{package}` |" in PAGE, f"docs/architecture.md has no row for pipeline.{package}"
    # The page states the layers in the contract's order.
    stated = re.search(r"\*\*Layers\*\*: (.+?); a package", PAGE, re.S).group(1)
    assert re.findall(r"`(\w+)`", stated) == layers


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_it_is_for_and_what_it_may_import(package):
    doc = importlib.import_module(f"pipeline.{package}").__doc__ or ""
    assert len(doc.split()) > 15 and "May import" in doc, f"pipeline/{package}/__init__.py"


def test_every_file_the_page_names_exists():
    named = set(re.findall(r"`((?:pipeline|tests|templates|docs)/[\w/<>.-]+\.\w+)`", PAGE))
    assert named
    missing = [n for n in sorted(named) if "<" not in n and not (ROOT / n).exists()]
    assert not missing


def test_every_module_of_a_package_has_its_test_module_or_is_covered_where_the_page_says():
    """Tests mirror the packages: tests/<package>/ exists for each, and no test module sits at the
    top of tests/ for a module that lives in a package."""
    modules = {p.stem for p in (ROOT / "pipeline").glob("*/*.py") if p.stem != "__init__"}
    for package in PACKAGES:
        assert (ROOT / "tests" / package / "__init__.py").exists(), package
    strays = [p.name for p in (ROOT / "tests").glob("test_*.py") if p.stem.removeprefix("test_") in modules]
    assert not strays


# Modules of a package that have no tests/<package>/test_<module>.py, each with the reason a mirror
# would be empty words (a module of constants only, say, tested where they are used). Every module
# has its mirror today; an entry must name a module that exists and say where it is tested.
NOT_MIRRORED: dict[str, str] = {}


def test_every_module_of_a_package_has_its_mirror_test_module_with_tests_in_it():
    """Tests mirror the packages (issue 20): pipeline/<package>/<module>.py has
    tests/<package>/test_<module>.py, which holds at least one test of its own."""
    modules = sorted(
        f"{p.parent.name}/{p.stem}" for p in (ROOT / "pipeline").glob("*/*.py")
        if p.stem != "__init__" and p.parent.name in PACKAGES
    )
    assert modules
    assert set(NOT_MIRRORED) <= set(modules), "an exception names a module that does not exist"
    missing, empty = [], []
    for module in modules:
        if module in NOT_MIRRORED:
            continue
        package, name = module.split("/")
        mirror = ROOT / "tests" / package / f"test_{name}.py"
        if not mirror.exists():
            missing.append(f"pipeline/{module}.py -> tests/{package}/test_{name}.py")
        elif not re.search(r"^(async )?def test_\w+", mirror.read_text(encoding="utf-8"), re.M):
            empty.append(str(mirror.relative_to(ROOT)))
    assert not missing, "modules without their test module:\n" + "\n".join(missing)
    assert not empty, "test modules with no test of their own:\n" + "\n".join(empty)


def test_the_import_rules_hold():
    done = subprocess.run([str(LINT)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/model.py", "import flows", "The core is pure"),
        ("outputs/deck.py", "import pipeline.delivery.publish", "Outputs draw only"),
        ("report/document.py", "import pipeline.runs.steps", "Packages by purpose"),
        ("delivery/publish.py", "import pipeline.delivery.recovery", "No circles"),
    ],
)
def test_an_import_against_the_rules_fails_them(tmp_path, module, line, broken):
    """The contracts are not empty words: one import against a rule, in a copy of the package,
    breaks the named contract (and `make test`, which runs lint-imports, fails)."""
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "flows.py", tmp_path / "flows.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "pipeline" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # against the rules\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([str(LINT), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0, done.stdout[-3000:]
    assert re.search(re.escape(broken) + r"[^\n]*\n?[^\n]*BROKEN", done.stdout), done.stdout[-3000:]
