"""pyproject.toml: an installed (not editable) pei-report carries its templates, fonts and defaults."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import ROOT, SAMPLE


def test_an_installed_wheel_writes_the_pdf(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    # The dependencies come from the project's environment; the package itself only from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps", "--no-index",
         "--quiet", str(next(wheels.glob("*.whl")))],
        check=True, capture_output=True, timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import pipeline.outputs.pdf as r; print(r.__file__); print(r.TEMPLATES)"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where
    web = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import pipeline.outputs.web as w; print(w.TEMPLATES); print(*sorted(p.name for p in (w.TEMPLATES / 'web').iterdir()))"],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=True,
    ).stdout.split()
    assert Path(web[0]).is_relative_to(venv) and web[1:] == sorted(p.name for p in (ROOT / "templates" / "web").glob("*.j2")), web
    run = subprocess.run(
        [str(venv / "bin" / "pei-report"), "run", "--input", str(SAMPLE), "--output", str(tmp_path / "out"), "--no-distribute"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    pdf = tmp_path / "out" / "secretaria-general" / "2024-T4" / "PEI-secretaria-general-2024-T4.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
