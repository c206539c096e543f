"""pipeline/delivery/publish.py: all files at once or none; the manifest; the history (the CSV
cells are tests/outputs/test_artifacts.py)."""

from __future__ import annotations

import json
from pathlib import Path
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.delivery import publish as publish_module
from pipeline.errors import PublishError, UnsafePathError
from pipeline.delivery.publish import (
    Artifact,
    cut_folder,
    cut_lock,
    history_folder,
    manifest_bytes,
    prune_history,
    publish,
    published_cuts,
    read_published,
    replace_file,
)


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_publish_writes_exactly_the_artifacts(tmp_path):
    target = tmp_path / "e" / "2024-T3"
    publication = publish(target, [Artifact("a.csv", b"1"), Artifact("b.json", b"{}")])
    assert publication.kept is None
    assert publication.files == [target / "a.csv", target / "b.json"]
    assert _snapshot(target) == {"a.csv": b"1", "b.json": b"{}"}
    assert [p.name for p in target.parent.iterdir()] == ["2024-T3"]  # no staging left


@pytest.mark.parametrize("atomic_exchange", [True, False])
def test_republish_replaces_the_whole_folder(tmp_path, monkeypatch, atomic_exchange):
    if not atomic_exchange:
        monkeypatch.setattr(publish_module, "_exchange", lambda a, b: False)
    target = tmp_path / "2024-T3"
    publish(target, [Artifact("a.csv", b"old"), Artifact("stale.txt", b"x")])
    publish(target, [Artifact("a.csv", b"new")])
    assert _snapshot(target) == {"a.csv": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["2024-T3"]


def test_failure_while_writing_leaves_earlier_outputs_untouched(tmp_path, monkeypatch):
    target = tmp_path / "2024-T3"
    publish(target, [Artifact("a.csv", b"old"), Artifact("b.csv", b"old")])
    before = _snapshot(target)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if "b.csv" in str(path) and "w" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(PublishError, match="quedaron como estaban"):
        publish(target, [Artifact("a.csv", b"new"), Artifact("b.csv", b"new")])
    monkeypatch.undo()
    assert _snapshot(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["2024-T3"]


# --- nested paths: an output that is a folder (web/index.html and its assets) -------------------

WEB = [Artifact("a.pdf", b"%PDF"), Artifact("web/index.html", b"<html/>"), Artifact("web/img/g.svg", b"<svg/>")]


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("atomic_exchange", [True, False])
def test_artifacts_in_sub_folders_are_published_and_replaced_with_the_rest(tmp_path, monkeypatch, atomic_exchange):
    if not atomic_exchange:
        monkeypatch.setattr(publish_module, "_exchange", lambda a, b: False)
    target = cut_folder(tmp_path, "e", "2024-T3")
    history = history_folder(tmp_path, "e", "2024-T3")
    first = publish(target, [*WEB, Artifact("web/vieja.css", b"old")], history)
    assert first.files == [target / "a.pdf", target / "web/index.html", target / "web/img/g.svg", target / "web/vieja.css"]
    second = publish(target, WEB, history)
    assert _tree(target) == {a.name: a.content for a in WEB}  # the older web folder's extra file went with it
    assert _tree(second.kept) == {**{a.name: a.content for a in WEB}, "web/vieja.css": b"old"}


UNSAFE = {
    "../fuera.csv": "sube de carpeta",
    "web/../../fuera.csv": "sube de carpeta",
    "/tmp/x.csv": "es una ruta absoluta",
    "web//index.html": "no es una ruta simple",
    "./a.csv": "no es una ruta simple",
    "web/": "no es una ruta simple",
    ".oculto": "no es una ruta simple",
    "web/.oculto/a": "no es una ruta simple",
    "web\\index.html": "caracteres de control",
    "a\nb.csv": "caracteres de control",
    "": "está vacía",
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_a_path_that_could_leave_the_cut_is_refused_and_nothing_changes(tmp_path, name):
    target = tmp_path / "e" / "2024-T3"
    publish(target, [Artifact("a.csv", b"old")])
    with pytest.raises(UnsafePathError, match=UNSAFE[name]) as raised:
        publish(target, [Artifact("a.csv", b"new"), Artifact(name, b"x")])
    assert isinstance(raised.value, PublishError) and f"«{name}»" in str(raised.value)
    assert _tree(tmp_path) == {"e/2024-T3/a.csv": b"old"}


def test_a_name_that_is_also_a_folder_of_another_is_refused(tmp_path):
    with pytest.raises(ValueError, match="folders of other artifacts"):
        publish(tmp_path / "c", [Artifact("web", b"x"), Artifact("web/index.html", b"y")])


def _published_with(folder, outputs: list[dict]) -> None:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"outputs": outputs}), encoding="utf-8")


def test_read_published_reads_files_in_sub_folders(tmp_path):
    target = tmp_path / "e" / "2024-T3"
    manifest = manifest_bytes(entity={}, period="2024-T3", generated_at=datetime.now(timezone.utc), inputs=[], outputs=WEB, versions={})
    publish(target, [*WEB, Artifact("manifest.json", manifest)])
    document, files = read_published(target)
    assert files == [target / a.name for a in WEB] and [r["path"] for r in document["outputs"]] == [a.name for a in WEB]


def test_a_manifest_path_out_of_the_cut_is_refused_before_it_is_read(tmp_path):
    secret = tmp_path / "secreto.txt"
    secret.write_bytes(b"no se distribuye")
    folder = tmp_path / "e" / "2024-T3"
    digest = Artifact("x", secret.read_bytes()).sha256  # the right sha256: only the path gives it away
    _published_with(folder, [{"path": "../../secreto.txt", "sha256": digest}])
    with pytest.raises(UnsafePathError, match="sube de carpeta"):
        read_published(folder)
    (folder / "enlace").symlink_to(tmp_path)
    (folder / "manifest.json").write_text(json.dumps({"outputs": [{"path": "enlace/secreto.txt", "sha256": digest}]}))
    with pytest.raises(UnsafePathError, match="enlace simbólico"):
        read_published(folder)


def test_published_cuts_are_found_by_their_manifest_outside_hidden_folders(tmp_path):
    for slug, period in (("sg", "2024-T3"), ("sg", "2024-T2"), ("hacienda", "2024-T3"), (".historial", "2024-T3")):
        publish(cut_folder(tmp_path, slug, period), [Artifact("manifest.json", b"{}")])
    (tmp_path / "sg" / "2023-T4").mkdir()  # no manifest: not a published cut
    assert list(published_cuts(tmp_path)) == [
        ("hacienda", "2024-T3", tmp_path / "hacienda" / "2024-T3"),
        ("sg", "2024-T2", tmp_path / "sg" / "2024-T2"),
        ("sg", "2024-T3", tmp_path / "sg" / "2024-T3"),
    ]


@pytest.mark.parametrize("atomic_exchange", [True, False])
def test_replaced_files_are_kept_in_the_history(tmp_path, monkeypatch, atomic_exchange):
    if not atomic_exchange:
        monkeypatch.setattr(publish_module, "_exchange", lambda a, b: False)
    target = tmp_path / "e" / "2024-T3"
    history = history_folder(tmp_path, "e", "2024-T3")
    manifest = json.dumps({"generated_at": "2024-10-15T06:00:07-05:00"}).encode()
    first = [Artifact("a.csv", b"first"), Artifact("manifest.json", manifest)]
    assert publish(target, first, history).kept is None
    second = publish(target, [Artifact("a.csv", b"second"), Artifact("manifest.json", manifest)], history)
    third = publish(target, [Artifact("a.csv", b"third")], history)
    assert _snapshot(target) == {"a.csv": b"third"}
    # Named by when the replaced files were generated; a second version of the same second
    # gets a suffix rather than overwriting the first.
    assert second.kept == history / "20241015-060007"
    assert third.kept == history / "20241015-060007-2"
    assert _snapshot(second.kept) == {"a.csv": b"first", "manifest.json": manifest}
    assert _snapshot(third.kept) == {"a.csv": b"second", "manifest.json": manifest}
    assert sorted(p.name for p in target.parent.iterdir()) == ["2024-T3"]


def test_a_folder_without_manifest_is_kept_under_its_modification_time(tmp_path):
    target = tmp_path / "2024-T3"
    history = tmp_path / "historial"
    publish(target, [Artifact("a.csv", b"old")], history)
    kept = publish(target, [Artifact("a.csv", b"new")], history).kept
    assert kept is not None and kept.parent == history and len(kept.name) == len("20241015-060007")
    assert _snapshot(kept) == {"a.csv": b"old"}


def test_history_that_cannot_be_written_leaves_the_old_files_beside_the_new(tmp_path):
    target = tmp_path / "2024-T3"
    history = tmp_path / "not-a-folder"
    history.write_text("a file where the history folder should be")
    publish(target, [Artifact("a.csv", b"old")])
    with pytest.raises(PublishError, match="quedaron publicados") as raised:
        publish(target, [Artifact("a.csv", b"new")], history)
    assert _snapshot(target) == {"a.csv": b"new"}
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".2024-T3")]
    assert len(left) == 1 and _snapshot(left[0]) == {"a.csv": b"old"}
    assert str(left[0]) in str(raised.value)


def test_replace_file_is_all_or_nothing(tmp_path, monkeypatch):
    path = tmp_path / "manifest.json"
    path.write_bytes(b"old")
    replace_file(path, b"new")
    assert path.read_bytes() == b"new"
    monkeypatch.setattr(publish_module.os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space")))
    with pytest.raises(PublishError, match="quedó como estaba"):
        replace_file(path, b"newer")
    assert path.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_cut_lock_lets_one_holder_at_a_time(tmp_path):
    target = tmp_path / "e" / "2024-T3"
    events: list[str] = []

    def hold(name: str) -> None:
        with cut_lock(target, timeout=10, poll=0.01):
            events.append(f"{name} in")
            time.sleep(0.2)
            events.append(f"{name} out")

    threads = [threading.Thread(target=hold, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Never "a in, b in": each holder leaves before the next one enters.
    assert events[0].endswith("in") and events[1] == events[0].replace("in", "out")
    assert events[2].endswith("in") and events[3] == events[2].replace("in", "out")


def test_cut_lock_gives_up_naming_the_holder(tmp_path):
    target = tmp_path / "2024-T3"
    with cut_lock(target):
        with pytest.raises(PublishError, match=r"Otra ejecución \(pid \d+ en .+\) está publicando"):
            with cut_lock(target, timeout=0.1, poll=0.02):
                pass
    with cut_lock(target, timeout=0.1):  # released on leaving
        pass


def test_manifest_records_inputs_outputs_time_and_versions():
    data = manifest_bytes(
        entity={"slug": "e", "name": "Entidad"},
        period="2024-T3",
        generated_at=datetime(2024, 10, 15, 6, 0, tzinfo=timezone.utc),
        inputs=[{"path": "inputs/e/plan.yaml", "bytes": 3, "sha256": "abc"}],
        outputs=[Artifact("avance.csv", b"x")],
        versions={"python": "3.11"},
    )
    doc = json.loads(data)
    assert doc["period"] == "2024-T3" and doc["generated_at"] == "2024-10-15T06:00:00+00:00"
    assert doc["outputs"] == [{"path": "avance.csv", "bytes": 1, "sha256": Artifact("avance.csv", b"x").sha256}]
    assert doc["inputs"][0]["sha256"] == "abc" and doc["versions"] == {"python": "3.11"}


def test_the_manifest_names_the_output_and_media_type_of_each_file():
    made = Artifact("web/index.html", b"<html/>", output="web", media_type="text/html")
    data = manifest_bytes(entity={}, period="2024-T3", generated_at=datetime.now(timezone.utc), inputs=[], outputs=[made], versions={})
    assert json.loads(data)["outputs"] == [
        {"path": "web/index.html", "bytes": 7, "sha256": made.sha256, "output": "web", "media_type": "text/html"}
    ]


def _versions(history: Path, stamps: list[str], days_old: dict[str, float] | None = None) -> None:
    import os
    import time

    for stamp in stamps:
        (history / stamp).mkdir(parents=True)
        (history / stamp / "a.csv").write_bytes(stamp.encode())
        age = (days_old or {}).get(stamp, 0) * 86400
        os.utime(history / stamp, (time.time() - age, time.time() - age))


def test_history_keeps_the_newest_versions_of_a_cut(tmp_path):
    history = tmp_path / ".historial" / "e" / "2024-T3"
    stamps = [f"202410{d:02d}-060000" for d in range(1, 26)] + ["20241025-060000-2"]
    _versions(history, stamps)
    removed = prune_history(history, keep=20)
    assert sorted(p.name for p in history.iterdir()) == sorted(stamps)[-20:]
    assert sorted(p.name for p in removed) == sorted(stamps)[:6]


def test_history_drops_versions_older_than_its_days_but_never_the_newest(tmp_path):
    history = tmp_path / "historial"
    _versions(history, ["20230101-000000", "20240101-000000", "20241001-000000"],
              {"20230101-000000": 700, "20240101-000000": 400, "20241001-000000": 30})
    prune_history(history, keep=20, max_age_days=365)
    assert [p.name for p in history.iterdir()] == ["20241001-000000"]
    prune_history(history, keep=20, max_age_days=1)
    assert [p.name for p in history.iterdir()] == ["20241001-000000"]  # the newest stays


def test_pruning_the_history_leaves_the_published_set_alone(tmp_path):
    target = tmp_path / "e" / "2024-T3"
    history = history_folder(tmp_path, "e", "2024-T3")
    for n in range(4):
        publish(target, [Artifact("a.csv", str(n).encode())], history)
        prune_history(history, keep=1)
    assert _snapshot(target) == {"a.csv": b"3"}
    assert [_snapshot(p) for p in history.iterdir()] == [{"a.csv": b"2"}]
    assert prune_history(tmp_path / "nothing-yet", keep=1) == []


def test_history_orders_versions_of_the_same_second_by_their_number(tmp_path):
    stamps = ["20241015-060007"] + [f"20241015-060007-{n}" for n in range(2, 12)]
    _versions(tmp_path, stamps)
    prune_history(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20241015-060007-10", "20241015-060007-11", "20241015-060007-9"]


def _manifest(moment: str) -> Artifact:
    return Artifact("manifest.json", json.dumps({"generated_at": moment}).encode())


def test_a_history_folder_is_named_in_bogota_time_whatever_offset_the_manifest_wrote(tmp_path):
    target, history = tmp_path / "e" / "2024-T3", history_folder(tmp_path, "e", "2024-T3")
    publish(target, [Artifact("a.csv", b"1"), _manifest("2024-10-15T11:00:07+00:00")], history)
    kept = publish(target, [Artifact("a.csv", b"2")], history).kept
    assert kept == history / "20241015-060007"  # 11:00:07 UTC is 06:00:07 in Bogotá, as the logs say it
    # without a readable manifest, the folder's time, in Bogotá too (not the machine's zone)
    import os

    bare = tmp_path / "sin-manifest"
    bare.mkdir()
    os.utime(bare, (1728990007, 1728990007))  # 2024-10-15 11:00:07 UTC
    assert publish_module._generated_stamp(bare) == "20241015-060007"


def test_pruning_orders_older_utc_named_versions_and_bogota_named_ones_by_when_they_were_generated(tmp_path):
    history = history_folder(tmp_path, "e", "2024-T3")
    # before: named in UTC (11:00:07 UTC, 06:00:07 in Bogotá); after: in Bogotá, three hours later
    for name, moment in (("20241015-110007", "2024-10-15T11:00:07+00:00"), ("20241015-090007", "2024-10-15T09:00:07-05:00")):
        (history / name).mkdir(parents=True)
        (history / name / "manifest.json").write_text(json.dumps({"generated_at": moment}), encoding="utf-8")
    removed = prune_history(history, keep=1)
    assert [p.name for p in removed] == ["20241015-110007"]  # the older one, though its name sorts later
    assert [p.name for p in history.iterdir()] == ["20241015-090007"]
