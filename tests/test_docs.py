"""README.md: the commands it documents exist and do what it says."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pipeline.app.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _first_block() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_opens_with_the_two_setup_commands():
    assert _first_block() == ["make report", "make test"]
    assert README.index("make report") < 200


def test_make_targets_run_the_documented_commands():
    recipe = {name: lines.split("\n\t") for name, lines in re.findall(r"^(report|test): .*\n\t(.+(?:\n\t.+)*)$", MAKEFILE, re.M)}
    assert recipe["report"] == ["$(BIN)/pei-report run --input inputs --output outputs"]
    # the import rules of docs/architecture.md, then the whole suite in parallel
    assert recipe["test"] == ["$(BIN)/lint-imports", "$(BIN)/python -m pytest -n auto"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_documented_options_exist():
    help_text = "".join(CliRunner().invoke(app, [command, "--help"]).stdout for command in ("run", "resend", "serve", "plantilla", "validar"))
    section = README.split("## Command line")[1].split("## Inputs")[0]
    # Lines that show pei-report or describe one of its options (not dask's or prefect's own).
    ours = [line for line in section.splitlines() if "pei-report" in line or line.startswith("- `--")]
    options = {option for line in ours for option in re.findall(r"(--[a-z][a-z-]*)", line)}
    assert {"--task-runner", "--dask-address", "--entity", "--no-distribute", "--port"} <= options
    for option in options:
        assert option in help_text, option


def test_the_project_stands_alone():
    """Nothing in the repository cites files outside it (the rules it implements are in docs/)."""
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"(?<![\w/])(\.\./)?shared/(spec|notes|seed|tools|style)")
    cited = [
        f for f in files
        if f.endswith((".py", ".md", ".toml", ".j2", ".css", ".yaml", ".sh", "Makefile", "run"))
        and outside.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))
    ]
    assert cited == []
    for name in ("rules.md", "contract.md", "attainment.md", "stack.md"):
        assert (ROOT / "docs" / name).exists()


def test_the_license_file_matches_the_declared_license():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith(f"{declared} License")


def _written_by_make_report() -> list[str]:
    """The files the opening paragraph says `make report` writes, in its order."""
    paragraph = README.split("`make report` writes", 1)[1].split("copies", 1)[0]
    return re.findall(r"`([^`]+\.[a-z]+)`", paragraph)


def _listed_under_outputs() -> list[str]:
    """The files of a cut's folder in the Outputs section's tree, in its order."""
    block = README.split("\n## Outputs\n", 1)[1].split("```", 2)[1]
    lines = block.split("outputs/<entity-slug>/<YYYY>-T<q>/\n", 1)[1].split("\noutputs/", 1)[0]
    return re.findall(r"^  (\S+)", lines, re.M)


def test_the_readme_lists_the_registered_outputs():
    from pipeline.ingest import load_settings
    from pipeline.outputs.registry import OUTPUTS
    from pipeline.delivery.publish import MANIFEST_FILE

    from types import SimpleNamespace

    from pipeline.ingest import load_plan

    folder = ROOT / "inputs" / "secretaria-general"
    settings = load_settings(folder)
    sample = [o.path(settings, "secretaria-general", "2024-T4", load_plan(folder)) for o in OUTPUTS]
    assert _written_by_make_report() == [*sample, MANIFEST_FILE]
    defaults = load_settings()
    plan = SimpleNamespace(acronym="<SIGLA>", title="<título>")  # how the README writes the fields
    generic = [o.path(defaults, "<slug>", "<YYYY>-T<q>", plan) for o in OUTPUTS]
    assert _listed_under_outputs() == [*generic, MANIFEST_FILE]
