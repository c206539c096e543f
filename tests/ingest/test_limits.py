"""pipeline/ingest/limits.py and pipeline/ingest/source.py: the limits, their variables, inputs read once."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.errors import InputError
from pipeline.ingest.source import read_source, recording
from pipeline.ingest.limits import ENVIRONMENT, Limits, limits


def test_every_limit_has_a_variable_that_overrides_it(monkeypatch):
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    assert limits() == Limits()
    monkeypatch.setenv("PEI_MAX_TABLE_ROWS", "500_000")
    assert limits().table_rows == 500_000
    monkeypatch.setenv("PEI_MAX_YAML_BYTES", "-1")
    with pytest.raises(ValueError, match="PEI_MAX_YAML_BYTES"):
        limits()


def test_a_file_is_read_once_and_recorded_with_the_digest_of_those_bytes(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"entidad: x\n")
    with recording() as read:
        data, source = read_source(path, 100, "yaml_bytes", "")
    assert read == [source] and source.sha256 == hashlib.sha256(data).hexdigest() and source.size == 11
    with pytest.raises(InputError, match="a lo sumo 10 bytes"):
        read_source(path, 10, "yaml_bytes", "Revise el archivo.")
