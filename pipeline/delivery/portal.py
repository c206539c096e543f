"""The publication folder's standing pages: one page listing every report, one per entity, an
Atom feed of published cuts and a DCAT catalog of their data (Resolución MinTIC 1519 de 2020,
4.3 «Plan de acción»; open data).

Pure: from the records of the cuts the folder holds (`PublishedCut`, read from each cut's
published files by `read_cut`) to the bytes of

- `index.html`: every entity, its latest cut with the plan's figures and semáforo in words, links
  to that cut's page, to the entity's page and to every earlier cut;
- `<entidad>/index.html`: the entity's cuts, newest first, each with links to its web page, PDF,
  deck and data files (what each is, its format and size);
- `novedades.xml`: an Atom 1.0 feed, one entry per published cut (a stable `urn:uuid:` id per
  entity and cut; `updated` is when the cut was generated);
- `catalogo.json`: a DCAT 2 (DCAT-AP) catalog in JSON-LD, one `dcat:Dataset` per entity and
  cut, one `dcat:Distribution` per file, with its media type, size, relative download address
  and the licence the entity set (`publicacion.licencia`, read from the cut's datapackage.json);
- `estilo.css`: the cut's web page's own stylesheet (`render_web.web_css`), so the pages look
  the same.

The sectors' and the district's consolidated reports, copied to `<root>/sectores/<id>/<cut>/`
(docs/contract.md, «Sectors and the district»), are cuts too (`PublishedCut.sector`, their slug
`sectores/<id>`): the index lists them in its «Sectores» section (latest cut with the consolidated
figures of entidades.csv's `sector` row, and earlier cuts; the district last), and the feed and the
catalog carry an entry per cut. They have no page of their own.

A cut is listed only if its record does not say it is a draft (`estado: borrador`, copied from
the cut's manifest.json when it was distributed, into a record beside the cut's folder,
`RECORD_FILE`): `PublishedCut.listed`. Links are relative, so
the folder can be served from any address or opened from disk. The same cuts give the same bytes.
`pipeline.delivery.distribution` reads the folder and writes these files.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape, quoteattr


from pipeline.core.consolidation import DISTRICT_ID
from pipeline.core.formatting import long_date, percent
from pipeline.core.periods import Cut
from pipeline.outputs.sector import SECTOR_OUTPUTS
from pipeline.outputs.web import LINKS, file_size, web_css, web_environment
from pipeline.core.settings import LICENCES, LIGHT_COLORS, Licence, Theme, default_light
from pipeline.report.tables import OBJETIVOS_SCHEMA

__all__ = [
    "DRAFT", "RECORD_FILE", "INDEX", "ENTITY_INDEX", "FEED", "CATALOG", "STYLESHEET",
    "PublishedFile", "PublishedCut", "light_word", "read_cut", "record_bytes", "record_name", "portal_files",
    "SECTOR_TITLE",
]

SECTOR_TITLE = "Seguimiento consolidado"
"""A sector's or the district's report's title on the pages (its name is its «entity»)."""

DRAFT = "borrador"
"""The `estado` of a cut not yet approved: never listed."""
RECORD_FILE = ".{period}.publicacion.json"
"""Beside a cut's folder (`<root>/<slug>/.2024-T3.publicacion.json`): what the portal needs of its
manifest (see `record_bytes`). Outside the folder, so the cut's copy holds exactly its distributed
files; hidden, so a web server that hides dot files does not serve it."""
INDEX, FEED, CATALOG, STYLESHEET = "index.html", "novedades.xml", "catalogo.json", "estilo.css"
ENTITY_INDEX = "{slug}/index.html"
WEB_PAGE = "web/index.html"

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/pei-report/pei-report/publicacion")
_IANA = "https://www.iana.org/assignments/media-types/"
_TYPES = {
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv", ".json": "application/json", ".html": "text/html", ".pdf": "application/pdf",
}
# What a file is and its format, for the links (the cut's web page's own words where it has them).
_FORMATS = {".pdf": "PDF", ".pptx": "PowerPoint, PPTX", ".csv": "CSV", ".json": "JSON", ".html": "HTML",
            ".xlsx": "Excel, XLSX"}
_SECTOR_FILES = {name: what for name, _, what in SECTOR_OUTPUTS.values() if "{" not in name}
_YEAR_LABEL, _PLAN_LABEL = (next(c.title for c in OBJETIVOS_SCHEMA if c.name == n)
                            for n in ("avance_vigencia", "avance_cuatrienio"))


@dataclass(frozen=True)
class PublishedFile:
    """A file of a published cut: its path in the cut's folder (`avance.csv`, `web/index.html`),
    its media type and its size in bytes."""

    path: str
    media_type: str
    size: int

    @property
    def what(self) -> str:
        """What it is, in Spanish, with its format and size: «Reporte en PDF (PDF, 141 kB)»."""
        suffix = PurePosixPath(self.path).suffix.lower()
        kind = {".pdf": "pdf", ".pptx": "deck"}.get(suffix) or PurePosixPath(self.path).stem
        if self.path == WEB_PAGE:
            what = "Página web del reporte"
        elif kind in LINKS:
            what = LINKS[kind][0]
        elif self.path in _SECTOR_FILES:  # a sector's entidades.csv, indicadores_compartidos.csv
            what = _SECTOR_FILES[self.path]
        elif suffix == ".xlsx":
            what = "Tablas de avance en Excel"
        else:
            what = f"Archivo {self.path}"
        return f"{what} ({_FORMATS.get(suffix, suffix.lstrip('.').upper() or 'archivo')}, {file_size(self.size)})"


@dataclass(frozen=True)
class PublishedCut:
    """One entity's cut as the publication folder holds it.

    `year_percent` and `plan_percent` are the plan's attainment of the year and of the whole
    plan, and `light` its semáforo id, from the published objetivos.csv's `plan` row; None where
    the cell is empty (not computable). `problem` says why the figures could not be read at all.
    `light_word` is the level's word (the data package's, else the default scale's). `files`
    are the cut's published files, the web page among them. `updated` is when the cut was
    generated; `published` when it was distributed (None for a cut copied before records were
    kept). `estado` is the manifest's approval state (None: no approval workflow).
    """

    slug: str
    entity: str
    title: str
    cut: Cut
    files: tuple[PublishedFile, ...]
    updated: datetime
    year_percent: float | None = None
    plan_percent: float | None = None
    light: str | None = None
    light_word: str | None = None
    licence: Licence | None = None
    estado: str | None = None
    published: datetime | None = None
    problem: str | None = None
    sector: bool = False  # a sector's or the district's consolidated report (slug `sectores/<id>`)
    retired: bool = False  # a sector sectores.yaml no longer names: its cuts stay, said to be gone

    @property
    def period(self) -> str:
        return str(self.cut)

    @property
    def listed(self) -> bool:
        """Whether the cut may be listed: never a draft."""
        return (self.estado or "").strip().casefold() != DRAFT

    @property
    def folder(self) -> str:
        """The cut's folder, relative to the publication folder."""
        return f"{self.slug}/{self.period}"

    def file(self, path: str) -> PublishedFile | None:
        return next((f for f in self.files if f.path == path), None)

    @property
    def page(self) -> str | None:
        """The cut's web page, relative to the publication folder (None if it has none)."""
        return f"{self.folder}/{WEB_PAGE}" if self.file(WEB_PAGE) else None


def light_word(light: str, categories: Iterable[Mapping[str, Any]]) -> str:
    """A semáforo level's word: the data package's `categories` label, else the default scale's,
    else the id as written."""
    for category in categories:
        if category.get("value") == light and category.get("label"):
            return str(category["label"])
    try:
        return default_light(light).label
    except KeyError:
        return light


def media_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _file_order(file: PublishedFile) -> tuple[int, str]:
    """The cut's web page first, then its downloads in the order the page lists them, then the rest."""
    suffix = PurePosixPath(file.path).suffix.lower()
    kind = {".pdf": "pdf", ".pptx": "deck"}.get(suffix) or PurePosixPath(file.path).stem
    order = [WEB_PAGE, *LINKS]
    key = file.path if file.path == WEB_PAGE else kind
    return (order.index(key) if key in order else len(order), file.path)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _plan_row(content: bytes | None) -> tuple[dict[str, str] | None, str | None]:
    if content is None:
        return None, "el corte publicado no tiene objetivos.csv"
    try:
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        return None, f"objetivos.csv no se pudo leer ({exc})"
    row = next((r for r in rows if r.get("objetivo") == "plan"), None)
    if row is None:
        return None, "objetivos.csv no tiene la fila del plan (objetivo = «plan»)"
    return row, None


def _package(content: bytes | None) -> dict[str, Any]:
    try:
        package = json.loads(content) if content else {}
    except ValueError:
        return {}
    return package if isinstance(package, dict) else {}


def _sector_row(content: bytes | None) -> tuple[dict[str, str] | None, str | None]:
    if content is None:
        return None, "el corte publicado no tiene entidades.csv"
    try:
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        return None, f"entidades.csv no se pudo leer ({exc})"
    row = next((r for r in rows if r.get("entidad") == "sector"), None)
    if row is None:
        return None, "entidades.csv no tiene la fila del sector (entidad = «sector»)"
    return row, None


def _categories(package: Mapping[str, Any], table: str = "objetivos.csv") -> list[Mapping[str, Any]]:
    for resource in package.get("resources") or ():
        if isinstance(resource, dict) and resource.get("path") == table:
            for field in (resource.get("schema") or {}).get("fields") or ():
                if isinstance(field, dict) and field.get("name") == "semaforo":
                    return [c for c in field.get("categories") or () if isinstance(c, dict)]
    return []


def _licence(package: Mapping[str, Any]) -> Licence | None:
    for item in package.get("licenses") or ():
        if isinstance(item, dict) and item.get("name"):
            known = LICENCES.get(str(item["name"]))
            return known or Licence(str(item["name"]), str(item.get("title") or item["name"]), str(item.get("path") or ""))
    return None


def _moment(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def read_cut(
    slug: str, cut: Cut, sizes: Mapping[str, int], contents: Mapping[str, bytes], record: Mapping[str, Any] | None,
    modified: datetime, sector: bool = False,
) -> PublishedCut:
    """A published cut from what its folder holds: `sizes` of its files by path, the bytes of its
    objetivos.csv and datapackage.json (`contents`), its record (`RECORD_FILE`, None for a cut
    copied before records were kept) and `modified`, when its files were written (the time a
    cut without a record is dated with). A `sector`'s figures are its entidades.csv's `sector`
    row, and its name the one its record (its manifest) gives."""
    package = _package(contents.get("datapackage.json"))
    record = record or {}
    entity = record.get("entity") if isinstance(record.get("entity"), dict) else {}
    contributors = [c for c in package.get("contributors") or () if isinstance(c, dict)]
    if sector:
        name = entity.get("name") or str(package.get("title") or "").split(" · ")[0] or slug.rpartition("/")[2]
        title, table = SECTOR_TITLE, "entidades.csv"
        row, problem = _sector_row(contents.get(table))
    else:
        name = next((str(c["title"]) for c in contributors if c.get("title")), None) or entity.get("name") or slug
        title, table = str(package.get("title") or "").split(" · ")[0] or "Seguimiento del plan", "objetivos.csv"
        row, problem = _plan_row(contents.get(table))
    light = (row or {}).get("semaforo") or None
    return PublishedCut(
        slug=slug,
        entity=str(name),
        title=title,
        cut=cut,
        files=tuple(sorted((PublishedFile(p, media_type(p), s) for p, s in sizes.items()), key=_file_order)),
        updated=_moment(record.get("generated_at")) or modified,
        year_percent=_number((row or {}).get("avance_vigencia")),
        plan_percent=_number((row or {}).get("avance_cuatrienio")),
        light=light,
        light_word=light_word(light, _categories(package, table)) if light else None,
        licence=_licence(package),
        estado=str(record["estado"]) if record.get("estado") is not None else None,
        published=_moment(record.get("distributed_at")),
        problem=problem,
        sector=sector,
    )


def record_name(period: str) -> str:
    """The file name of a cut's record, in its entity's folder."""
    return RECORD_FILE.format(period=period)


def record_bytes(manifest: Mapping[str, Any], distributed_at: datetime) -> bytes:
    """The cut's `RECORD_FILE`: from its manifest.json, the entity, the period, when it was
    generated, its approval state (`estado`, None if the manifest has none), and when it was
    distributed. Nothing else of the manifest (inputs, e-mail addresses) is published."""
    record = {
        "entity": manifest.get("entity"),
        "period": manifest.get("period"),
        "generated_at": manifest.get("generated_at"),
        "estado": manifest.get("estado"),
        "distributed_at": distributed_at.isoformat(timespec="seconds"),
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- what the pages say ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    label: str
    value: str
    light: str | None = None
    word: str | None = None


def _figures(cut: PublishedCut) -> list[_Figure]:
    if cut.problem:
        return []
    missing = "Sin dato"
    return [
        _Figure(f"{_YEAR_LABEL} {cut.cut.year}", percent(cut.year_percent) if cut.year_percent is not None else missing,
                cut.light if cut.light in LIGHT_COLORS else None, cut.light_word),
        _Figure(_PLAN_LABEL, percent(cut.plan_percent) if cut.plan_percent is not None else missing),
    ]


def _href(path: str) -> str:
    return quote(path)


def _by_entity(cuts: Iterable[PublishedCut]) -> list[tuple[str, list[PublishedCut]]]:
    """Listed cuts by entity (entities by name), each entity's newest first; no sector's."""
    groups: dict[str, list[PublishedCut]] = {}
    for cut in cuts:
        if cut.listed and not cut.sector:
            groups.setdefault(cut.slug, []).append(cut)
    ordered = [(slug, sorted(items, key=lambda c: c.cut, reverse=True)) for slug, items in groups.items()]
    return sorted(ordered, key=lambda g: (g[1][0].entity.casefold(), g[0]))


def _by_sector(cuts: Iterable[PublishedCut]) -> list[tuple[str, list[PublishedCut]]]:
    """Listed sectors' cuts by sector (its id, sectors by name, the district after them, and the
    sectors sectores.yaml no longer names last), newest first."""
    groups: dict[str, list[PublishedCut]] = {}
    for cut in cuts:
        if cut.listed and cut.sector:
            groups.setdefault(cut.slug.rpartition("/")[2], []).append(cut)
    ordered = [(sector, sorted(items, key=lambda c: c.cut, reverse=True)) for sector, items in groups.items()]
    return sorted(ordered, key=lambda g: (g[1][0].retired, g[0] == DISTRICT_ID, g[1][0].entity.casefold(), g[0]))


def _page(template: str, up: str, now: datetime, **values: Any) -> bytes:
    return web_environment().get_template(template).render(
        up=up, today=long_date(now.date()), long_date=long_date, figures=_figures, href=_href,
        stylesheet=up + STYLESHEET, feed=up + FEED, catalog=up + CATALOG, **values,
    ).encode("utf-8")


# --- the feed and the catalog ------------------------------------------------------------------


def _entry_id(cut: PublishedCut) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, cut.folder)}"


def _summary(cut: PublishedCut) -> str:
    said = f"{cut.title}, {cut.entity}: seguimiento con corte al {long_date(cut.cut.end)} ({cut.period})."
    figures = _figures(cut)
    if not figures:
        return f"{said} Cifras no disponibles: {cut.problem}."
    year, plan = figures
    light = f", semáforo {year.word}" if year.word else ""
    return f"{said} {year.label}: {year.value}{light}. {plan.label}: {plan.value}."


def _newest(cuts: Iterable[PublishedCut]) -> list[PublishedCut]:
    return sorted((c for c in cuts if c.listed), key=lambda c: (c.updated, c.cut, c.slug), reverse=True)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def feed_bytes(cuts: Sequence[PublishedCut], now: datetime) -> bytes:
    """novedades.xml: Atom 1.0, the listed cuts newest first."""
    entries = _newest(cuts)
    updated = entries[0].updated if entries else now
    authors = sorted({c.entity for c in entries}) or ["Oficina de planeación"]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es-CO">',
        f"  <id>urn:uuid:{_NAMESPACE}</id>",
        "  <title>Reportes de seguimiento publicados</title>",
        "  <subtitle>Cada corte trimestral publicado, con su avance y sus archivos</subtitle>",
        f"  <updated>{_stamp(updated)}</updated>",
        *(f"  <author><name>{xml_escape(a)}</name></author>" for a in authors),
        f'  <link rel="self" type="application/atom+xml" href="{FEED}"/>',
        f'  <link rel="alternate" type="text/html" href="{INDEX}"/>',
    ]
    for cut in entries:
        page = cut.page or (f"{INDEX}#sector-{cut.slug.rpartition('/')[2]}" if cut.sector else ENTITY_INDEX.format(slug=cut.slug))
        lines += [
            "  <entry>",
            f"    <id>{_entry_id(cut)}</id>",
            f"    <title>{xml_escape(f'{cut.entity}: corte {cut.period}')}</title>",
            f"    <updated>{_stamp(cut.updated)}</updated>",
            *([f"    <published>{_stamp(cut.published)}</published>"] if cut.published else []),
            f"    <author><name>{xml_escape(cut.entity)}</name></author>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(_href(page))}/>',
            *(f'    <link rel="enclosure" type={quoteattr(f.media_type)} length="{f.size}" '
              f'href={quoteattr(_href(f"{cut.folder}/{f.path}"))}/>' for f in cut.files if f.path != WEB_PAGE),
            *([f"    <rights>{xml_escape(cut.licence.title)}</rights>"] if cut.licence else []),
            f"    <summary>{xml_escape(_summary(cut))}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_SPANISH = {"@id": "http://publications.europa.eu/resource/authority/language/SPA"}


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "es"}


def _date(value: object, kind: str = "xsd:dateTime") -> dict[str, str]:
    return {"@value": value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value), "@type": kind}


def _dataset(cut: PublishedCut) -> dict[str, Any]:
    licence = {"dct:license": {"@id": cut.licence.url}} if cut.licence and cut.licence.url else {}
    distributions = [
        {
            "@id": _href(f"{cut.folder}/{f.path}"),
            "@type": "dcat:Distribution",
            "dct:title": _text(f.what),
            "dcat:downloadURL": {"@id": _href(f"{cut.folder}/{f.path}")},
            "dcat:accessURL": {"@id": _href(f"{cut.folder}/{f.path}")},
            "dcat:mediaType": {"@id": _IANA + f.media_type},
            "dcat:byteSize": _date(f.size, "xsd:nonNegativeInteger"),
            **licence,
        }
        for f in cut.files
    ]
    dataset: dict[str, Any] = {
        "@id": _href(f"{cut.folder}/"),
        "@type": "dcat:Dataset",
        "dct:identifier": cut.folder,
        "dct:title": _text(f"{cut.title} · {cut.entity} · Seguimiento {cut.period}"),
        "dct:description": _text(_summary(cut)),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": cut.entity},
        "dct:language": _SPANISH,
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(f"{cut.cut.year}-01-01", "xsd:date"),
            "dcat:endDate": _date(cut.cut.end.isoformat(), "xsd:date"),
        },
        "dct:modified": _date(cut.updated),
        **({"dct:issued": _date(cut.published)} if cut.published else {}),
        "dcat:keyword": [_text("plan de acción"), _text("seguimiento"), _text("planeación"), _text(cut.entity)],
        **licence,
        "dcat:distribution": distributions,
    }
    if cut.page:
        dataset["dcat:landingPage"] = {"@id": _href(cut.page)}
    return dataset


def catalog_bytes(cuts: Sequence[PublishedCut], now: datetime) -> bytes:
    """catalogo.json: a dcat:Catalog in JSON-LD (DCAT 2, DCAT-AP's properties), a dataset per listed cut."""
    listed = _newest(cuts)
    catalog = {
        "@context": _CONTEXT,
        "@id": CATALOG,
        "@type": "dcat:Catalog",
        "dct:title": _text("Datos del seguimiento a los planes de las entidades"),
        "dct:description": _text(
            "Tablas de avance (CSV, con su paquete de datos Frictionless) y reportes de cada corte trimestral "
            "publicado: una entrada por entidad y corte."
        ),
        "dct:language": _SPANISH,
        "dct:modified": _date(listed[0].updated if listed else now),
        "foaf:homepage": {"@id": INDEX},
        "dcat:dataset": [_dataset(c) for c in sorted(listed, key=lambda c: (c.slug, c.cut))],
    }
    return (json.dumps(catalog, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def portal_files(cuts: Sequence[PublishedCut], theme: Theme, now: datetime) -> dict[str, bytes]:
    """Every file of the standing publication, by its path in the publication folder: the
    stylesheet, the feed, the catalog, each listed entity's page and the index (in that order:
    written in order, the index is the last to change). Drafts are left out of all of them."""
    groups = _by_entity(cuts)
    files = {
        STYLESHEET: web_css(theme).encode("utf-8"),
        FEED: feed_bytes(cuts, now),
        CATALOG: catalog_bytes(cuts, now),
    }
    for slug, items in groups:
        files[ENTITY_INDEX.format(slug=slug)] = _page(
            "portal_entidad.html.j2", "../", now, entity=items[0].entity, slug=slug, cuts=items,
            page_of=lambda c: _href(f"{c.period}/{WEB_PAGE}") if c.page else None,
            file_of=lambda c, f: _href(f"{c.period}/{f.path}"),
        )
    files[INDEX] = _page("portal.html.j2", "", now, groups=groups, sectors=_by_sector(cuts))
    return files
