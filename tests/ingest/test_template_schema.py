"""pipeline/ingest/template_schema.py: the data-entry template's columns, each heading read by the
seguimiento reader as declared, and its hidden identity written, sealed and read back."""

from __future__ import annotations

import dataclasses

from pipeline.core.periods import Cut
from pipeline.ingest.cells import _normal
from pipeline.ingest.execution import REFERENCE
from pipeline.ingest.headings import _field_of
from pipeline.ingest.template_schema import COLUMNS, FORMAT, TemplateIdentity, identity_rows, identity_seal, read_identity
from tests.workbooks.test_template import CUT

IDENTITY = TemplateIdentity(
    slug="alcaldia-tenjo", entity="Alcaldía Municipal de Tenjo", cut="2024-T3", plan="3f1c9a0b7d2e4c58",
    responsible="Secretaría de Obras", meanings=(("V-1", ("suma", "km", "incremento")),),
)


def test_every_heading_the_template_writes_is_one_the_reader_knows_as_declared():
    for column in COLUMNS:
        title = column.title(CUT, Cut(2024, 1))
        if column.field:
            assert _field_of(title) == column.field, title
        else:
            assert _field_of(title) is None and _normal(title) == column.reference and column.reference in REFERENCE, title


def test_the_identity_reads_back_as_written_and_intact():
    rows = identity_rows(IDENTITY)
    assert rows[0] == ("formato", FORMAT)
    assert read_identity(rows) == IDENTITY


def test_an_edited_cut_breaks_the_seal():
    rows = [("corte", "2024-T4") if r[0] == "corte" else r for r in identity_rows(IDENTITY)]
    read = read_identity(rows)
    assert read.cut == "2024-T4" and read.intact is False
    assert identity_seal(dataclasses.replace(IDENTITY, cut="2024-T4")) != identity_seal(IDENTITY)


def test_rows_that_are_no_identity_read_as_none():
    assert read_identity([("indicador", "anio"), ("V-1", 2024)]) is None
    assert read_identity([]) is None
