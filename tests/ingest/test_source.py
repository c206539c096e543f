"""pipeline/ingest/source.py: an input file read once, bounded in size, recorded with the digest of
exactly the bytes read."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.errors import InputError
from pipeline.ingest.source import read_source, recording, size_text


def test_a_file_is_read_once_and_recorded_with_the_digest_of_those_bytes(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"entidad: x\n")
    with recording() as read:
        data, source = read_source(path, 100, "yaml_bytes", "")
    assert read == [source] and source.sha256 == hashlib.sha256(data).hexdigest() and source.size == 11
    with pytest.raises(InputError, match="a lo sumo 10 bytes"):
        read_source(path, 10, "yaml_bytes", "Revise el archivo.")


def test_sizes_are_told_in_spanish_units():
    assert size_text(512) == "512 bytes"
    assert size_text(1638) == "1,6 KB"
