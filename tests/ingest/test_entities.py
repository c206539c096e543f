"""pipeline/ingest/entities.py: which folders are entities, and which names they may have."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.ingest import find_entities


def _entity(root, name):
    folder = root / name
    folder.mkdir()
    (folder / "plan.yaml").write_text("entidad: x\n", encoding="utf-8")
    return folder


def test_entities_are_the_folders_with_a_plan(tmp_path):
    _entity(tmp_path, "beta")
    _entity(tmp_path, "alfa")
    (tmp_path / "notas").mkdir()
    assert [e.slug for e in find_entities(tmp_path)] == ["alfa", "beta"]


@pytest.mark.parametrize("name", ["sg\nBcc", "sg\rx", "sg\x1bx", "sg\u200bx", "sg\u202ex"])
def test_an_entity_folder_name_with_control_characters_is_refused(tmp_path, name):
    _entity(tmp_path, "alfa")
    _entity(tmp_path, name)
    with pytest.raises(InputError) as info:
        find_entities(tmp_path)
    message = str(info.value)
    assert "carácter" in message and "alfa" not in message.split("se encontró", 1)[1]
    assert not any(c in message for c in "\r\x1b\u200b\u202e") and "\n" not in message.split(": ", 1)[1]
