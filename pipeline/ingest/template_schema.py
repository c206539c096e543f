"""The columns and the identity of the data-entry template, shared by its writer and the reader.

`pipeline.workbooks.template` writes the template from these columns and the seguimiento reader
reads a returned template with them (`pipeline.ingest.shapes`; its reference headings in
`pipeline.ingest.headings`), so what the template offers and what the reader accepts cannot
drift apart. The value columns carry the reader's own headings (Indicador, Año, Trimestre,
Valor, Comentario); every other column is one the reader knows as reference (kept beside the
data, read by nobody). A test proves each heading reads as declared here.

The hidden identity sheet says which entity, cut and plan (its fingerprint) a template was made
for, so a returned file is matched to its plan and one for an edited plan is refused; its seal
(a hash of what it says) tells an edited hidden sheet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from pipeline.core.periods import Cut

__all__ = [
    "DATA_SHEET", "INSTRUCTIONS_SHEET", "IDENTITY_SHEET", "FORMAT", "Column", "COLUMNS", "REFERENCE_HEADINGS",
    "TemplateIdentity", "identity_rows", "identity_seal", "read_identity",
]

DATA_SHEET = "Seguimiento"  # the reader reads a sheet named Seguimiento first
INSTRUCTIONS_SHEET = "Instrucciones"
IDENTITY_SHEET = "pei_plantilla"  # veryHidden
FORMAT = "pei-report plantilla"
FORMAT_VERSION = 2  # 2: the identity carries its seal (`identity_seal`)


@dataclass(frozen=True)
class Column:
    """A column of the template's data sheet.

    `field` is the reader's field the column fills (indicador, anio, trimestre, valor,
    comentario); None for a reference column, whose heading the reader normalises to
    `reference` (one of its REFERENCE names). `heading` may name `{year}`, `{cut}` and, for the
    repeated column of earlier quarters, `{period}`; notes in brackets are ignored by the reader.
    Only `editable` cells are unlocked.
    """

    key: str
    heading: str
    width: float
    field: str | None = None
    reference: str | None = None
    editable: bool = False
    wrap: bool = False

    def title(self, cut: Cut, period: Cut | None = None) -> str:
        return self.heading.format(year=cut.year, cut=cut, period=period)


COLUMNS: tuple[Column, ...] = (
    Column("id", "Indicador", 10, field="indicador"),
    Column("label", "Etiqueta", 10, reference="etiqueta", wrap=True),
    Column("name", "Nombre del indicador", 32, reference="nombre del indicador", wrap=True),
    Column("responsible", "Responsable", 13, reference="responsable", wrap=True),
    Column("annualization", "Anualización", 11, reference="anualizacion", wrap=True),
    Column("unit", "Unidad de medida", 10, reference="unidad de medida", wrap=True),
    Column("baseline", "Línea base", 8, reference="linea base", wrap=True),
    Column("year_target", "Meta vigencia ({year})", 9, reference="meta vigencia"),
    Column("quarter_target", "Meta del trimestre ({cut})", 9, reference="meta del trimestre"),
    Column("reported", "Reportado ({period})", 9, reference="reportado"),  # one per earlier quarter of the year
    Column("year", "Año", 5, field="anio"),
    Column("quarter", "Trimestre", 8, field="trimestre"),
    Column("value", "Valor ({cut})", 11, field="valor", editable=True),
    Column("comment", "Comentario ({cut})", 30, field="comentario", editable=True, wrap=True),
)
COLUMN = {c.key: c for c in COLUMNS}
# The reference names the reader must know for the template's context columns.
REFERENCE_HEADINGS = tuple(c.reference for c in COLUMNS if c.reference)


@dataclass(frozen=True)
class TemplateIdentity:
    """What a template was made for: the entity (folder slug and name), the cut, the plan's
    fingerprint (`pipeline.core.fingerprint`) and the dependency, for a template per responsable."""

    slug: str
    entity: str
    cut: str
    plan: str
    responsible: str | None = None
    version: int = FORMAT_VERSION
    # Each indicator's meaning when the template was made (`fingerprint.indicator_meaning`): after
    # the plan rolls over to a new vigencia, a past year's template is still read if these hold.
    meanings: tuple[tuple[str, tuple[str, str, str]], ...] = ()
    # Whether the hidden sheet still says what it was written with (`identity_seal`); False when
    # any of its values was edited. A template of version 1 has no seal and reads as intact.
    intact: bool = True


_KEYS = ("formato", "version", "entidad", "nombre_entidad", "corte", "plan", "responsable")
SEAL_KEY = "sello"


def identity_seal(identity: TemplateIdentity) -> str:
    """A hash of everything the identity says (entity, cut, plan, dependency, indicators): an edit
    of the hidden sheet, of its cut above all, no longer matches it. It guards against slips, not
    against intent: anybody can compute it again."""
    text = json.dumps(
        [identity.version, identity.slug, identity.entity, identity.cut, identity.plan, identity.responsible or "",
         [[ind, list(meaning)] for ind, meaning in identity.meanings]],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
MEANING_KEY = "indicador"  # one row per indicator: key, id, anualizacion, unidad, metas_como


def identity_rows(identity: TemplateIdentity) -> list[tuple[object, ...]]:
    """The identity sheet's rows: a key and its value."""
    values = (FORMAT, identity.version, identity.slug, identity.entity, identity.cut, identity.plan,
              identity.responsible or "")
    return [*zip(_KEYS, values), (SEAL_KEY, identity_seal(identity)),
            *((MEANING_KEY, ind, *meaning) for ind, meaning in identity.meanings)]


def read_identity(rows: list[tuple[object, ...]]) -> TemplateIdentity | None:
    """The identity written by `identity_rows`, or None when the rows are not one."""
    values = {str(r[0]).strip(): r[1] if len(r) > 1 else None for r in rows if r and r[0] is not None}
    meanings = tuple(
        (str(r[1]), tuple("" if v is None else str(v) for v in (*r[2:5], None, None, None)[:3]))
        for r in rows if r and r[0] == MEANING_KEY and len(r) > 1 and r[1] is not None
    )
    if values.get("formato") != FORMAT or not values.get("corte") or not values.get("plan"):
        return None
    version = values.get("version")
    identity = TemplateIdentity(
        slug=str(values.get("entidad") or ""),
        entity=str(values.get("nombre_entidad") or ""),
        cut=str(values["corte"]).strip(),
        plan=str(values["plan"]).strip(),
        responsible=str(values["responsable"]).strip() if values.get("responsable") else None,
        version=int(version) if isinstance(version, (int, float)) else FORMAT_VERSION,
        meanings=meanings,
    )
    if identity.version >= 2 and str(values.get(SEAL_KEY) or "").strip() != identity_seal(identity):
        identity = dataclasses.replace(identity, intact=False)
    return identity
