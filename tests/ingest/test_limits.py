"""pipeline/ingest/limits.py: the limits and their variables (inputs read once: tests/ingest/test_source.py)."""

from __future__ import annotations

import pytest

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


