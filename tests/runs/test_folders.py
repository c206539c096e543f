"""pipeline/runs/folders.py: a served deployment's run stays inside serve's folders; no run writes its
results inside its inputs. The served API end to end is in tests/app/test_service.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from pipeline.errors import FolderNotAllowed
from pipeline.runs.folders import Roots, confine, output_inside_input, served_roots, served_roots_environment


@pytest.fixture
def roots(tmp_path):
    (tmp_path / "inputs" / "sg").mkdir(parents=True)
    (tmp_path / "outputs").mkdir()
    (tmp_path / "elsewhere").mkdir()
    return Roots((tmp_path / "inputs").resolve(), (tmp_path / "outputs").resolve())


def test_serve_names_its_folders_for_its_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    environ: dict[str, str] = {}
    named = served_roots_environment(environ, "inputs", "outputs")
    assert named == Roots(tmp_path / "inputs", tmp_path / "outputs")
    assert served_roots(environ) == named
    assert served_roots({}) is None


def test_folders_inside_the_roots_are_allowed(roots):
    assert confine(str(roots.input), str(roots.output), roots) == (roots.input, roots.output)
    assert confine(str(roots.input / "sg"), str(roots.output / "sub"), roots) == (roots.input / "sg", roots.output / "sub")


def test_an_absolute_folder_elsewhere_is_refused_naming_the_parameter_and_the_root(roots, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "outputs"
    with pytest.raises(FolderNotAllowed) as caught:
        confine(str(roots.input), str(elsewhere), roots)
    text = str(caught.value)
    assert text.startswith(f"La carpeta de resultados «{elsewhere}» (parámetro output_dir) está fuera de {roots.output}.")
    assert "pei-report serve con --output" in text and "No se leyó ni se escribió nada." in text
    with pytest.raises(FolderNotAllowed, match=r"La carpeta de entrada «/» \(parámetro input_dir\) está fuera"):
        confine("/", str(roots.output), roots)


@pytest.mark.parametrize("relative", ["outputs", "../elsewhere", "."])
def test_a_relative_folder_is_refused_not_resolved_against_the_service_s_folder(roots, tmp_path, monkeypatch, relative):
    monkeypatch.chdir(roots.output)  # where it would have landed, inside the root
    with pytest.raises(FolderNotAllowed, match=f"«{relative}» \\(parámetro output_dir\\) es una ruta relativa"):
        confine(str(roots.input), relative, roots)


def test_climbing_out_with_dots_or_a_link_is_refused(roots, tmp_path):
    with pytest.raises(FolderNotAllowed, match="está fuera de"):
        confine(str(roots.input), f"{roots.output}/../elsewhere", roots)
    link = roots.output / "link"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FolderNotAllowed, match=f"por un enlace simbólico lleva a {tmp_path / 'elsewhere'}"):
        confine(str(roots.input), str(link / "outputs"), roots)
    entity_link = roots.input / "copia"
    entity_link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FolderNotAllowed, match="parámetro input_dir"):
        confine(str(entity_link), str(roots.output), roots)


def test_results_inside_the_inputs_are_refused(tmp_path):
    roots = Roots(tmp_path.resolve(), tmp_path.resolve())
    (tmp_path / "sg").mkdir()
    with pytest.raises(FolderNotAllowed, match="está dentro de la carpeta de entrada"):
        confine(str(tmp_path / "sg"), str(tmp_path / "sg" / "salida"), roots)
    assert output_inside_input(tmp_path / "out", tmp_path / "in") is None
    assert output_inside_input(tmp_path / "in", tmp_path / "in", "validar") == (
        f"La carpeta de resultados {tmp_path / 'in'} está dentro de la carpeta de entrada {tmp_path / 'in'}: validar "
        "no escribe en las entradas. Indique otra con --output."
    )


@given(st.lists(st.sampled_from(["a", "b", "..", ".", "outputs", "inputs", "elsewhere"]), max_size=6))
def test_an_allowed_folder_is_always_inside_its_root_and_a_refused_one_outside(parts):
    roots = Roots(Path("/srv/pei/inputs"), Path("/srv/pei/outputs"))  # no links: resolving is lexical
    candidate = os.path.join("/srv/pei/outputs", *parts)
    lexical = Path(os.path.normpath(candidate))
    within = lexical == roots.output or roots.output in lexical.parents
    try:
        _, output = confine("/srv/pei/inputs", candidate, roots)
    except FolderNotAllowed:
        assert not within
    else:
        assert within and output == lexical
