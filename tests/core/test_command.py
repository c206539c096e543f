"""pipeline/core/command.py: the commands the tool suggests run as printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.core.command import program


def _venv(root: Path) -> Path:
    bin_folder = root / ".venv" / "bin"
    bin_folder.mkdir(parents=True)
    (bin_folder / "python").touch()
    script = bin_folder / "pei-report"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    return bin_folder / "python"


def test_on_the_path_it_is_the_bare_name(tmp_path):
    python = _venv(tmp_path)
    assert program(python, f"{python.parent}{os.pathsep}/usr/bin", tmp_path) == "pei-report"


def test_off_the_path_it_is_the_venv_s_script_from_the_project_folder(tmp_path):
    python = _venv(tmp_path)
    assert program(python, "/usr/bin:/bin", tmp_path) == ".venv/bin/pei-report"
    assert program(python, "/usr/bin:/bin", tmp_path / "elsewhere") == str(python.parent / "pei-report")


def test_another_pei_report_on_the_path_is_not_this_one(tmp_path):
    python = _venv(tmp_path / "project")
    _venv(tmp_path / "other")
    other = tmp_path / "other" / ".venv" / "bin"
    assert program(python, str(other), tmp_path / "project") == ".venv/bin/pei-report"


def test_a_path_with_spaces_is_quoted(tmp_path):
    python = _venv(tmp_path / "mi proyecto")
    assert program(python, "/usr/bin", tmp_path) == "'mi proyecto/.venv/bin/pei-report'"


def test_validar_s_suggested_run_works_as_printed_without_the_venv_on_the_path(tmp_path):
    """The office runs `.venv/bin/pei-report validar` without activating the venv, then pastes
    the command it was told."""
    from tests.conftest import ROOT, SAMPLE

    exe = Path(sys.executable).with_name("pei-report")
    env = {**os.environ, "PATH": "/usr/bin:/bin", "COLUMNS": "300"}
    out = tmp_path / "out"
    args = ["validar", "--input", str(SAMPLE), "--output", str(out)]
    shown = exe.relative_to(ROOT) if exe.is_relative_to(ROOT) else exe  # `make` puts the venv in the project
    checked = subprocess.run([str(shown), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    line = checked.stdout.strip().splitlines()[-1]
    assert line.startswith(f"Todo listo para `{shown} run "), line
    command = line.split("`")[1] + " --no-distribute"
    ran = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert (out / "secretaria-general" / "2024-T4" / "manifest.json").is_file()
