"""pipeline/delivery/portal.py and its I/O in pipeline/delivery/distribution.py: the publication folder's standing
pages (index.html, one index.html per entity), its Atom feed (novedades.xml) and its DCAT catalog
(catalogo.json), rebuilt from what the folder holds after every distribution.

The publication folder is made the way the flow makes it: real cuts of three entities (the sample,
a PDM, the long-texts entity) published in outputs/ and copied by `copy_to_publication`; one more
cut is a draft (`estado: borrador` in its manifest) and must never be listed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from pipeline.delivery import distribution

from pipeline.delivery import portal

from pipeline.delivery import publish
from pipeline.delivery.distribution import copy_to_publication, publication_folder, write_portal
from pipeline.errors import DistributionError
from pipeline.core.formatting import long_date, percent
from pipeline.ingest import load_settings
from pipeline.core.periods import BOGOTA, Cut
from pipeline.outputs.web import palette
from tests.browser import describe
from tests.conftest import SAMPLE
from tests.plans import write_long_entity, write_pdm
from tests.publication import distributed_names, published_cut

ATOM = "{http://www.w3.org/2005/Atom}"
SG = "secretaria-general"
PDM = "alcaldia-prueba"
LONG = "integracion-social"
CUTS = {SG: [Cut(2024, 1), Cut(2024, 2), Cut(2024, 3)], PDM: [Cut(2024, 2), Cut(2024, 4)], LONG: [Cut(2024, 4)]}
DRAFT = (SG, Cut(2024, 4))


def _entities(base: Path) -> dict[str, Path]:
    folders = base / "inputs"
    sg = folders / SG
    shutil.copytree(SAMPLE, sg)
    return {SG: sg, PDM: write_pdm(folders / PDM, 2024), LONG: write_long_entity(folders / LONG)}


def _distribute(entity: Path, cut: Cut, outputs: Path, **fields) -> Path:
    """Publish a cut in outputs/ and copy it to the publication folder, as the flow does."""
    source = published_cut(entity, cut, outputs, **fields)
    folder = publication_folder("publicacion", outputs, entity.name, cut)
    copy_to_publication(source, distributed_names(source), folder)
    return folder


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    """The publication folder after every cut of `CUTS` (in time order) and the draft were distributed."""
    base = tmp_path_factory.mktemp("instalacion")
    entities = _entities(base)
    outputs = base / "outputs"
    order = sorted(((cut, slug) for slug, cuts in CUTS.items() for cut in cuts), key=lambda p: (p[0].year, p[0].quarter))
    for n, (cut, slug) in enumerate(order):
        _distribute(entities[slug], cut, outputs, generated_at=datetime(2024, 12, 1, 8, n, tzinfo=BOGOTA))
    _distribute(entities[DRAFT[0]], DRAFT[1], outputs, extra={"estado": portal.DRAFT})
    return base / "publicacion"


def _tree(path: Path):
    return lxml.html.document_fromstring(path.read_bytes())


def _words(element) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", element.text_content()).strip()


def _plan_row(folder: Path) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO((folder / "objetivos.csv").read_text(encoding="utf-8")))
    return next(r for r in rows if r["objetivo"] == "plan")


def _entity_name(folder: Path) -> str:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["contributors"][0]["title"]


# --- content ------------------------------------------------------------------------------------


def test_the_index_lists_every_entity_with_its_latest_cut_and_links_to_every_earlier_one(publication):
    index = publication / "index.html"
    tree = _tree(index)
    text = _words(tree)
    for slug, cuts in CUTS.items():
        latest = publication / slug / str(cuts[-1])
        entry = tree.xpath(f'//*[@id="entidad-{slug}"]')[0]
        said = _words(entry)
        assert _entity_name(latest) in said
        # the plan's figure (the published objetivos.csv's plan row) and its semáforo in words
        row = _plan_row(latest)
        assert percent(float(row["avance_vigencia"])) in said
        assert portal.light_word(row["semaforo"], ()) in said or row["semaforo"] == ""
        assert long_date(cuts[-1].end) in said  # «30 de septiembre de 2024»
        hrefs = {(index.parent / h).resolve() for h in entry.xpath(".//a/@href")}
        assert (latest / "web" / "index.html").resolve() in hrefs
        assert (publication / slug / "index.html").resolve() in hrefs
        for earlier in cuts[:-1]:
            assert (publication / slug / str(earlier) / "web" / "index.html").resolve() in hrefs
    assert "Secretaría General de la Alcaldía Mayor de Bogotá" in text
    assert tree.xpath("//html/@lang") == ["es-CO"]


def test_the_plan_figure_is_written_as_colombian_spanish(publication):
    said = _words(_tree(publication / "index.html").xpath(f'//*[@id="entidad-{SG}"]')[0])
    assert re.search(r"\d+,\d\u00a0%", said), said  # 87,5 %, never 87.5%


def test_the_entity_page_lists_its_cuts_newest_first_with_every_file(publication):
    page = publication / SG / "index.html"
    tree = _tree(page)
    headings = [_words(h) for h in tree.xpath("//main//h2")]
    periods = [str(c) for c in reversed(CUTS[SG])]
    assert [next(p for p in periods if p in h) for h in headings] == periods
    hrefs = {(page.parent / h).resolve() for h in tree.xpath("//a/@href") if not h.startswith(("#", "https://"))}
    for cut in CUTS[SG]:
        folder = publication / SG / str(cut)
        for name in ("web/index.html", "avance.csv", "objetivos.csv", "datapackage.json"):
            assert (folder / name).resolve() in hrefs
        for suffix in (".pdf", ".pptx"):
            (published,) = folder.glob(f"*{suffix}")
            assert published.resolve() in hrefs
    for href in hrefs:
        assert href.is_file(), href  # every link leads to a file the folder holds
    assert long_date(CUTS[SG][-1].end) in _words(tree)


def test_every_link_of_the_index_leads_to_a_file_of_the_folder(publication):
    index = publication / "index.html"
    for href in _tree(index).xpath("//a/@href"):
        if not href.startswith("#"):
            assert (index.parent / href).is_file(), href
    assert _tree(index).xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href') == ["novedades.xml"]


def test_the_feed_is_atom_with_an_entry_per_published_cut(publication):
    feed = ET.parse(publication / "novedades.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text.strip()
    assert feed.find(f"{ATOM}author/{ATOM}name").text.strip()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "novedades.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == sum(len(c) for c in CUTS.values())
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    stamps = [datetime.fromisoformat(e.find(f"{ATOM}updated").text) for e in entries]
    assert stamps == sorted(stamps, reverse=True) and all(s.tzinfo for s in stamps)
    assert datetime.fromisoformat(feed.find(f"{ATOM}updated").text) == stamps[0]
    for entry in entries:
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("type") == "text/html"
        assert (publication / link.get("href")).is_file()
        assert entry.find(f"{ATOM}title").text.strip() and entry.find(f"{ATOM}summary").text.strip()
    first = entries[0]  # the newest: the long entity's 2024-T4
    assert "31 de diciembre de 2024" in first.find(f"{ATOM}summary").text


def test_an_entrys_id_stays_when_the_cut_is_published_again(tmp_path):
    entities = _entities(tmp_path)
    _distribute(entities[PDM], Cut(2024, 2), tmp_path / "outputs")
    first = ET.parse(tmp_path / "publicacion" / "novedades.xml").getroot().find(f"{ATOM}entry/{ATOM}id").text
    _distribute(entities[PDM], Cut(2024, 2), tmp_path / "outputs", generated_at=datetime(2025, 1, 5, tzinfo=BOGOTA))
    entries = ET.parse(tmp_path / "publicacion" / "novedades.xml").getroot().findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [first]


def test_the_catalog_is_dcat_with_a_dataset_per_cut_and_a_distribution_per_file(publication):
    catalog = json.loads((publication / "catalogo.json").read_text(encoding="utf-8"))
    context = catalog["@context"]
    assert context["dcat"] == "http://www.w3.org/ns/dcat#" and context["dct"] == "http://purl.org/dc/terms/"
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["dct:title"]["@language"] == "es"
    datasets = catalog["dcat:dataset"]
    assert sorted(d["dct:identifier"] for d in datasets) == sorted(
        f"{slug}/{cut}" for slug, cuts in CUTS.items() for cut in cuts
    )
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        slug, period = dataset["dct:identifier"].split("/")
        folder = publication / slug / period
        assert dataset["dct:publisher"]["foaf:name"] == _entity_name(folder)
        assert dataset["dct:license"]["@id"] == "https://creativecommons.org/licenses/by-sa/4.0/"
        cut = Cut(int(period[:4]), int(period[-1]))
        assert dataset["dct:temporal"]["dcat:endDate"]["@value"] == cut.end.isoformat()
        assert (publication / dataset["dcat:landingPage"]["@id"]).resolve() == (folder / "web" / "index.html").resolve()
        files = {}
        for item in dataset["dcat:distribution"]:
            assert item["@type"] == "dcat:Distribution"
            url = item["dcat:downloadURL"]["@id"]
            assert not re.match(r"^[a-z]+:", url), url  # relative to the catalog
            path = publication / url
            assert path.is_file()
            assert int(item["dcat:byteSize"]["@value"]) == path.stat().st_size
            assert item["dct:license"]["@id"] == dataset["dct:license"]["@id"]
            files[path.name] = item["dcat:mediaType"]["@id"]
        assert files["avance.csv"] == files["objetivos.csv"] == "https://www.iana.org/assignments/media-types/text/csv"
        assert files["datapackage.json"].endswith("/application/json")
        assert any(name.endswith(".pdf") and t.endswith("/application/pdf") for name, t in files.items())
        assert "index.html" in files and not [n for n in files if n.startswith(".")]


def test_the_catalog_carries_the_licence_the_entity_set(tmp_path):
    entities = _entities(tmp_path)
    (entities[PDM] / "configuracion.yaml").write_text("publicacion:\n  licencia: CC0-1.0\n", encoding="utf-8")
    _distribute(entities[PDM], Cut(2024, 2), tmp_path / "outputs")
    _distribute(entities[SG], Cut(2024, 2), tmp_path / "outputs")
    catalog = json.loads((tmp_path / "publicacion" / "catalogo.json").read_text(encoding="utf-8"))
    licences = {d["dct:identifier"]: d["dct:license"]["@id"] for d in catalog["dcat:dataset"]}
    assert licences == {
        f"{PDM}/2024-T2": "https://creativecommons.org/publicdomain/zero/1.0/",
        f"{SG}/2024-T2": "https://creativecommons.org/licenses/by-sa/4.0/",
    }
    page = _words(_tree(tmp_path / "publicacion" / PDM / "index.html"))
    assert "CC0 1.0" in page
    package = json.loads((tmp_path / "publicacion" / PDM / "2024-T2" / "datapackage.json").read_text(encoding="utf-8"))
    assert [licence["name"] for licence in package["licenses"]] == ["CC0-1.0"]


# --- drafts -------------------------------------------------------------------------------------


def test_a_draft_is_never_listed(publication):
    draft = publication / DRAFT[0] / str(DRAFT[1])
    assert (draft / "objetivos.csv").is_file()  # it was copied: only the listing decides
    record = json.loads((draft.parent / portal.record_name(str(DRAFT[1]))).read_text(encoding="utf-8"))
    assert record["estado"] == portal.DRAFT and "inputs" not in record and "distribution" not in record
    marker = f"{DRAFT[0]}/{DRAFT[1]}"
    for name in ("index.html", f"{SG}/index.html", "novedades.xml", "catalogo.json"):
        assert marker not in (publication / name).read_text(encoding="utf-8"), name
    section = _words(_tree(publication / "index.html").xpath(f'//*[@id="entidad-{SG}"]')[0])
    assert str(DRAFT[1]) not in section and str(CUTS[SG][-1]) in section  # the approved cut stays the latest
    assert str(DRAFT[1]) not in _words(_tree(publication / SG / "index.html"))
    feed = ET.parse(publication / "novedades.xml").getroot()
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert f"Secretaría General de la Alcaldía Mayor de Bogotá: corte {DRAFT[1]}" not in titles


def test_a_draft_already_in_the_folder_stays_unlisted_when_another_entity_rebuilds(publication, tmp_path):
    copy = tmp_path / "publicacion"
    shutil.copytree(publication, copy)
    (copy / "index.html").unlink()
    write_portal(copy)
    section = _words(_tree(copy / "index.html").xpath(f'//*[@id="entidad-{SG}"]')[0])
    assert str(DRAFT[1]) not in section
    assert [c.period for c in distribution.published_portal_cuts(copy) if c.slug == SG and not c.listed] == [str(DRAFT[1])]


def test_listed_is_decided_by_the_manifests_estado():
    base = dict(slug=SG, entity="SG", title="PEI", cut=Cut(2024, 3), files=(), updated=datetime(2024, 10, 1, tzinfo=BOGOTA))
    assert portal.PublishedCut(**base, estado=None).listed
    assert portal.PublishedCut(**base, estado="aprobado").listed
    assert not portal.PublishedCut(**base, estado="borrador").listed
    assert not portal.PublishedCut(**base, estado=" Borrador ").listed


# --- atomic, concurrent --------------------------------------------------------------------------


def test_two_entities_distributing_at_once_both_stay_listed(tmp_path, monkeypatch):
    """The first entity's rewrite is held after it read the folder (before the second entity's cut
    is there) until the second has finished or 3 s passed: without the lock, the first would
    then write an index without the second."""
    entities = _entities(tmp_path)
    outputs = tmp_path / "outputs"
    root = tmp_path / "publicacion"
    sources = {slug: published_cut(entities[slug], Cut(2024, 2), outputs) for slug in (SG, PDM)}
    real = portal.portal_files
    first_read = threading.Event()

    def held(cuts, *args, **kwargs):
        if threading.current_thread().name == SG:
            first_read.set()
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and PDM not in _index_text(root):
                time.sleep(0.05)
        return real(cuts, *args, **kwargs)

    monkeypatch.setattr(portal, "portal_files", held)
    errors = []

    def run(slug):
        try:
            if slug == PDM:
                first_read.wait(10)
            copy_to_publication(sources[slug], distributed_names(sources[slug]), root / slug / "2024-T2")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(slug,), name=slug) for slug in (SG, PDM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    text = _index_text(root)
    assert f'id="entidad-{SG}"' in text and f'id="entidad-{PDM}"' in text


def _index_text(root: Path) -> str:
    try:
        return (root / "index.html").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def test_a_rewrite_that_fails_leaves_the_earlier_pages_whole_and_says_so(tmp_path, monkeypatch):
    entities = _entities(tmp_path)
    _distribute(entities[SG], Cut(2024, 2), tmp_path / "outputs")
    root = tmp_path / "publicacion"
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.parent == root}
    real = publish._write_durable

    def full_disk(path, content):
        if path.name.startswith(".novedades.xml"):
            raise OSError(28, "No queda espacio en el dispositivo")
        real(path, content)

    monkeypatch.setattr(publish, "_write_durable", full_disk)
    with pytest.raises(DistributionError, match="índice de la carpeta de publicación") as raised:
        _distribute(entities[PDM], Cut(2024, 2), tmp_path / "outputs")
    assert "No queda espacio" in str(raised.value) and "quedaron copiados" in str(raised.value)
    assert (root / "novedades.xml").read_bytes() == before[root / "novedades.xml"]
    ET.parse(root / "novedades.xml")  # still whole
    assert not [p for p in root.iterdir() if p.name.startswith(".novedades")]  # no staging file left


# --- look and accessibility ----------------------------------------------------------------------


def test_the_pages_share_the_cut_pages_look(publication):
    theme = load_settings().theme
    css = (publication / "estilo.css").read_text(encoding="utf-8")
    assert f"--titulos: {palette(theme)['titulos']};" in css and '"Open Sans"' in css
    for page in (publication / "index.html", publication / PDM / "index.html"):
        tree = _tree(page)
        assert tree.xpath("//html/@lang") == ["es-CO"]
        first = tree.xpath("//body/*")[0]
        assert first.get("class") == "saltar" and first.get("href") == "#contenido"
        assert tree.xpath('//main/@id') == ["contenido"]
        assert len(tree.xpath("//h1")) == 1
        (sheet,) = tree.xpath('//link[@rel="stylesheet"]/@href')
        assert (page.parent / sheet).resolve() == (publication / "estilo.css").resolve()


def test_a_text_in_the_plan_is_escaped(tmp_path):
    cut = portal.PublishedCut(
        slug="x", entity="<script>alert(1)</script>", title="PEI", cut=Cut(2024, 3), files=(),
        updated=datetime(2024, 10, 1, tzinfo=BOGOTA),
    )
    files = portal.portal_files([cut], load_settings().theme, datetime(2024, 10, 2, tzinfo=BOGOTA))
    assert b"<script>" not in files["index.html"] and b"&lt;script&gt;" in files["index.html"]
    ET.fromstring(files["novedades.xml"])


@pytest.mark.parametrize("page", ["index.html", f"{SG}/index.html", f"{LONG}/index.html"])
def test_axe_finds_no_wcag_21_aa_violation(publication, chromium, page):
    results = chromium.axe(publication / page)
    assert results.violations == [], describe(results.violations)
    assert {"color-contrast", "html-has-lang", "bypass", "link-name", "document-title"} <= set(results.passes)


# --- on demand ------------------------------------------------------------------------------------


def test_the_command_rebuilds_the_pages_from_the_folder(publication, tmp_path):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    copy = tmp_path / "publicacion"
    shutil.copytree(publication, copy)
    for name in ("index.html", "novedades.xml", "catalogo.json", f"{PDM}/index.html"):
        (copy / name).unlink()
    result = CliRunner().invoke(app, ["publicacion", "--carpeta", str(copy)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "6 cortes de 3 entidades" in said and "1 borrador sin listar" in said
    assert (copy / f"{PDM}/index.html").is_file()
    assert (copy / "novedades.xml").read_bytes().count(b"<entry>") == 6


def test_the_command_names_a_missing_folder_in_spanish(tmp_path):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    result = CliRunner().invoke(app, ["publicacion", "--carpeta", str(tmp_path / "no-existe")])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "no-existe" in message and "no existe" in message and "Traceback" not in message


# --- the sectors and the district -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sector_publication(tmp_path_factory) -> Path:
    """A publication folder where a district's entities and their sectors were distributed at two cuts."""
    from pipeline.runs.consolidation import consolidate_sectors
    from tests.sectors import publish_district, write_district

    base = tmp_path_factory.mktemp("distrito")
    inputs, outputs = write_district(base / "inputs"), base / "outputs"
    for period in ("2024-T2", "2024-T3"):
        publish_district(inputs, outputs, period)
        _distribute(inputs / "alcaldia-a", Cut(2024, int(period[-1])), outputs)
        consolidate_sectors(inputs, outputs, period, distribute=True)
    return base / "publicacion"


def _sector_row(folder: Path) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO((folder / "entidades.csv").read_text(encoding="utf-8")))
    return next(r for r in rows if r["entidad"] == "sector")


SECTORS = {"territorio": "Sector Territorio", "gestion-publica": "Sector Gestión Pública", "distrito": "Distrito de Prueba"}


def test_the_index_lists_the_sectors_and_the_district_with_their_latest_cut_and_earlier_ones(sector_publication):
    index = sector_publication / "index.html"
    tree = _tree(index)
    section = tree.xpath('//section[@id="sectores"]')[0]
    assert _words(section.xpath("./h2")[0]) == "Sectores"
    for sector, name in SECTORS.items():
        latest = sector_publication / "sectores" / sector / "2024-T3"
        entry = section.xpath(f'.//*[@id="sector-{sector}"]')[0]
        said = _words(entry)
        assert name in said and long_date(Cut(2024, 3).end) in said
        assert percent(float(_sector_row(latest)["avance_vigencia"])) in said
        hrefs = {(index.parent / h).resolve() for h in entry.xpath(".//a/@href")}
        assert (latest / "web" / "index.html").resolve() in hrefs
        assert (sector_publication / "sectores" / sector / "2024-T2" / "web" / "index.html").resolve() in hrefs
        assert all(h.is_file() for h in hrefs)
    # the entity is listed as before, and «sectores» is no entity
    assert tree.xpath('//*[@id="entidad-alcaldia-a"]') and not tree.xpath('//*[@id="entidad-sectores"]')


def test_the_feed_and_the_catalog_carry_every_sector_cut(sector_publication):
    feed = ET.fromstring((sector_publication / "novedades.xml").read_bytes())
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Sector Territorio: corte 2024-T3" in titles and "Distrito de Prueba: corte 2024-T2" in titles
    assert len(titles) == 2 + 3 * 2
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Sector Territorio: corte 2024-T3")
    links = {link.get("href") for link in entry.iter(f"{ATOM}link")}
    assert "sectores/territorio/2024-T3/web/index.html" in links
    assert "sectores/territorio/2024-T3/sector-territorio-2024-T3.pdf" in links
    assert all((sector_publication / h).is_file() for h in links)
    catalog = json.loads((sector_publication / "catalogo.json").read_text(encoding="utf-8"))
    ids = {d["dct:identifier"] for d in catalog["dcat:dataset"]}
    assert {f"sectores/{s}/{p}" for s in SECTORS for p in ("2024-T2", "2024-T3")} <= ids
    territorio = next(d for d in catalog["dcat:dataset"] if d["dct:identifier"] == "sectores/territorio/2024-T3")
    assert "entidades.csv" in {d["@id"].rsplit("/", 1)[-1] for d in territorio["dcat:distribution"]}


def test_a_sector_cut_recorded_as_a_draft_is_never_listed(sector_publication, tmp_path):
    copy = tmp_path / "publicacion"
    shutil.copytree(sector_publication, copy)
    record = copy / "sectores" / "territorio" / portal.record_name("2024-T3")
    record.write_text(json.dumps({**json.loads(record.read_text(encoding="utf-8")), "estado": "Borrador"}), encoding="utf-8")
    write_portal(copy)
    entry = _words(_tree(copy / "index.html").xpath('//*[@id="sector-territorio"]')[0])
    assert "2024-T2" in entry and "2024-T3" not in entry
    assert b"sectores/territorio/2024-T3" not in (copy / "novedades.xml").read_bytes()
    assert b"sectores/territorio/2024-T3" not in (copy / "catalogo.json").read_bytes()


def test_axe_finds_no_wcag_21_aa_violation_with_the_sectors(sector_publication, chromium):
    results = chromium.axe(sector_publication / "index.html")
    assert results.violations == [], describe(results.violations)


def test_the_command_counts_the_sectors_cuts_apart(sector_publication, tmp_path):
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    copy = tmp_path / "publicacion"
    shutil.copytree(sector_publication, copy)
    result = CliRunner().invoke(app, ["publicacion", "--carpeta", str(copy)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "2 cortes de 1 entidad y 6 cortes consolidados de 3 sectores (el distrito incluido)" in said
