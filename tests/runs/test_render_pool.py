"""The PDF drawn in a second process while the rest is drawn here: the same files as one after
another, the child's errors as the sequential path raises them, and the cases that stay
sequential (`pipeline.runs.render_pool`)."""

from __future__ import annotations

import io
import traceback
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.make_inputs import make_pdm
from pipeline.errors import UnsafePathError
from pipeline.ingest import Entity
from pipeline.outputs.registry import OUTPUTS, Output, Rendering
from pipeline.runs import render_pool
from pipeline.runs.render_pool import SETTING, renders_concurrently
from pipeline.runs.steps import compute_report, read_inputs, render_outputs

SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "secretaria-general"
PLAIN = lambda step: step.fn  # noqa: E731  (the steps as plain functions, as in a batch)


def _bad_pdf_name(settings, slug, cut, plan) -> str:
    return "../fuera.pdf"


FAILING = tuple(replace(o, file_name=_bad_pdf_name) if o.key == "pdf" else o for o in OUTPUTS)
"""The registry with a PDF whose file name leaves the cut's folder: `Output.artifacts` refuses
it with UnsafePathError, in whichever process draws it."""


def rendering_of(folder: Path) -> Rendering:
    inputs = read_inputs.fn(Entity(folder.name, folder), None)
    computed = compute_report.fn(inputs)
    return Rendering(folder.name, inputs.cut, inputs.settings, inputs.plan, computed.result, computed.report,
                     computed.tables, computed.document)


def _zip_parts(content: bytes) -> dict[str, bytes]:
    """A deck's (or an embedded workbook's) parts, without those that carry the time it was saved."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}
    return {name: (repr(sorted(_zip_parts(data).items())).encode() if name.endswith(".xlsx") else data)
            for name, data in parts.items()}


def assert_same_files(sequential, concurrent) -> None:
    assert [(a.name, a.output, a.media_type) for a in concurrent] == [(a.name, a.output, a.media_type) for a in sequential]
    for before, after in zip(sequential, concurrent):
        if before.name.endswith((".pptx", ".xlsx")):  # zip entries carry the time: compared part by part
            assert _zip_parts(after.content) == _zip_parts(before.content), before.name
        else:
            assert after.content == before.content, before.name


@pytest.mark.parametrize("plan", ["sample", "pdm"])
def test_concurrent_outputs_are_the_sequential_files(plan, tmp_path, monkeypatch):
    monkeypatch.setenv(SETTING, "1")
    if plan == "sample":
        folder = SAMPLE
    else:
        folder = tmp_path / "pdm-40"
        make_pdm(folder, 40, seed=40)
    rendering = rendering_of(folder)
    sequential = render_outputs(PLAIN, rendering)
    concurrent = render_outputs(PLAIN, rendering, concurrently=True)
    assert_same_files(sequential, concurrent)
    assert any(a.output == "pdf" and a.content.startswith(b"%PDF") for a in concurrent)


def test_a_named_error_in_the_child_is_raised_as_the_sequential_path_raises_it():
    rendering = rendering_of(SAMPLE)
    given = lambda output, r: output.artifacts(r)  # noqa: E731
    with pytest.raises(UnsafePathError) as sequential:
        render_pool.render_all(rendering, FAILING, given, lambda o, p: p.result(), child=())
    with pytest.raises(UnsafePathError) as concurrent:
        render_pool.render_all(rendering, FAILING, given, lambda o, p: p.result(),
                               registry=f"{__name__}:FAILING")
    assert str(concurrent.value) == str(sequential.value)
    assert "fuera.pdf" in str(concurrent.value)
    assert concurrent.value.__cause__ is None and concurrent.value.__suppress_context__
    shown = "".join(traceback.format_exception_only(concurrent.value)) + "".join(
        traceback.format_tb(concurrent.value.__traceback__))
    assert "RemoteTraceback" not in shown and "_render_in_child" not in shown  # nothing of the child's stack


def test_a_child_that_died_is_replaced_and_the_output_drawn_here(monkeypatch):
    monkeypatch.setenv(SETTING, "1")
    rendering = rendering_of(SAMPLE)
    render_pool.warm()
    pool = render_pool._executor()
    pool.submit(int).result()  # the child is up
    for process in list(pool._processes.values()):
        process.kill()
        process.join()
    concurrent = render_outputs(PLAIN, rendering, concurrently=True)
    assert_same_files(render_outputs(PLAIN, rendering), concurrent)
    assert render_pool._executor() is not pool  # a new child for the next cut


@pytest.mark.parametrize(
    ("indicators", "in_batch", "cores", "setting", "expected"),
    [
        (300, False, 2, None, True),  # automatic: a large plan, one entity, two cores
        (13, False, 2, None, False),  # a small plan's PDF is quicker than starting the child
        (300, True, 2, None, False),  # a batch keeps every core busy with whole entities
        (300, False, 1, None, False),  # one core: nothing to overlap
        (300, False, 2, "0", False),
        (13, False, 2, "1", True),
        (13, True, 2, "1", False),
        (13, False, 1, "si", False),
    ],
)
def test_when_the_pdf_is_drawn_in_a_second_process(indicators, in_batch, cores, setting, expected, monkeypatch):
    if setting is None:
        monkeypatch.delenv(SETTING, raising=False)
    else:
        monkeypatch.setenv(SETTING, setting)
    assert renders_concurrently(indicators, in_batch, cores) is expected


def test_sequential_renders_no_child(monkeypatch):
    render_pool.shutdown()
    render_outputs(PLAIN, rendering_of(SAMPLE))
    assert render_pool._pool is None



def test_reports_drawn_in_a_pool_come_in_order_as_drawn_here_and_a_named_error_as_itself(monkeypatch):
    from pipeline.outputs.artifacts import relative_path

    items = [(f"web/{n}.html", "la salida «web»") for n in range(5)]
    monkeypatch.setenv(SETTING, "0")
    here = render_pool.draw_each(relative_path, items, preload="pipeline.outputs.artifacts")
    monkeypatch.setenv(SETTING, "auto")
    assert render_pool.draws_in_processes(len(items), cores=2) == 2
    assert render_pool.draw_each(relative_path, items, preload="pipeline.outputs.artifacts") == here
    with pytest.raises(UnsafePathError) as error:
        render_pool.draw_each(relative_path, [*items, ("../fuera.csv", "la salida «web»")], preload="pipeline.outputs.artifacts")
    assert "fuera.csv" in str(error.value) and error.value.__cause__ is None


@pytest.mark.parametrize(("items", "cores", "setting", "expected"), [(16, 2, None, 2), (1, 2, None, 1), (16, 1, None, 1), (16, 2, "0", 1)])
def test_how_many_processes_draw_the_sectors(items, cores, setting, expected, monkeypatch):
    if setting is None:
        monkeypatch.delenv(SETTING, raising=False)
    else:
        monkeypatch.setenv(SETTING, setting)
    assert render_pool.draws_in_processes(items, cores) == expected


def test_a_daemonic_process_like_a_dask_worker_draws_everything_itself(monkeypatch):
    import multiprocessing

    monkeypatch.setenv(SETTING, "1")
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert not renders_concurrently(300, False, 2)
    assert render_pool.draws_in_processes(16, 2) == 1
