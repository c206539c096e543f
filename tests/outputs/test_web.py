"""pipeline/outputs/web.py: the report as an accessible web page (WCAG 2.1 AA), from the document.

The structure is checked by parsing the page (lxml); the rendered page is checked in a real
browser (headless chromium with axe-core, `tests/browser.py`): the sample's page and the
300-indicator PDM's, opened from disk.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from benchmarks.make_inputs import make_pdm
from pipeline.core.attainment import plan_attainment
from pipeline.report.document import Document, Figure, FigureSeries, build_document
from pipeline.ingest.images import read_logo
from pipeline.ingest import load_execution, load_plan, load_settings
from pipeline.core.periods import Cut
from pipeline.outputs.web import (
    INDEX, LINKS, STYLESHEET, contrast, figure_svg, file_size, graphic_pairs, palette, render_web, text_pairs,
)
from pipeline.core.settings import LIGHT_COLORS, Theme
from pipeline.core.text import Run, plain
from tests.browser import describe
from tests.conftest import SAMPLE

LINK_FILES = {
    "pdf": "PEI-secretaria-general-2024-T4.pdf",
    "deck": "PEI-secretaria-general-2024-T4.pptx",
    "avance": "avance.csv",
    "objetivos": "objetivos.csv",
    "cambios": "cambios.csv",
    "serie": "serie.csv",
    "tablas": "tablas.xlsx",
    "datapackage": "datapackage.json",
}
SIZES = {"pdf": 1_234_567, "deck": 141_224, "avance": 2_418}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(scope="module")
def theme() -> Theme:
    """The default theme, as pipeline/defaults/configuracion.yaml gives it."""
    return load_settings().theme


@pytest.fixture(scope="module")
def sample_document(sample_plan, default_bands) -> Document:
    execution = load_execution(SAMPLE, sample_plan).table
    result = plan_attainment(sample_plan, execution, Cut(2024, 4), default_bands)
    return build_document(sample_plan, execution, result, default_bands)


@pytest.fixture(scope="module")
def pdm_document(tmp_path_factory) -> Document:
    """The synthetic PDM of 300 indicators in 5 ejes and 30 objectives, at 2025-T3."""
    folder = tmp_path_factory.mktemp("pdm") / "pdm-300"
    make_pdm(folder, 300)
    plan = load_plan(folder)
    execution = load_execution(folder, plan).table
    bands = load_settings(folder).bands
    return build_document(plan, execution, plan_attainment(plan, execution, Cut(2025, 3), bands), bands)


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    return folder / INDEX


@pytest.fixture(scope="module")
def pages(sample_document, pdm_document, theme, tmp_path_factory) -> dict[str, Path]:
    """Both pages written to disk as a cut's folder holds them: {name: path of web/index.html}."""
    return {
        "sample": _write(render_web(sample_document, theme, LINK_FILES, SIZES), tmp_path_factory.mktemp("sample")),
        "pdm": _write(render_web(pdm_document, theme, LINK_FILES), tmp_path_factory.mktemp("pdm-page")),
    }


@pytest.fixture(scope="module")
def documents(sample_document, pdm_document) -> dict[str, Document]:
    return {"sample": sample_document, "pdm": pdm_document}


def _tree(path: Path):
    return lxml.html.document_fromstring(path.read_bytes())


def _words(text: str) -> str:
    """White space collapsed as HTML does (a no-break space stays)."""
    return re.sub(r"[ \t\r\n\f]+", " ", text).strip()


def _text(element) -> str:
    return _words(element.text_content())


PAGES = ["sample", "pdm"]


# --- structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_language_title_one_h1_and_landmarks(name, pages, documents):
    tree, document = _tree(pages[name]), documents[name]
    assert tree.get("lang") == "es-CO"
    assert document.title in _text(tree.find("head/title"))
    assert [_text(h) for h in tree.iter("h1")] == [document.title]
    for landmark in ("header", "nav", "main", "footer"):
        assert len(tree.xpath(f"//{landmark}")) == 1, landmark
    assert tree.xpath("//nav/@aria-label")


@pytest.mark.parametrize("name", PAGES)
def test_headings_go_down_one_level_at_a_time(name, pages):
    levels = [int(e.tag[1]) for e in _tree(pages[name]).iter(*HEADINGS)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, (before, after)


@pytest.mark.parametrize("name", PAGES)
def test_the_skip_link_comes_first_and_leads_to_the_content(name, pages):
    tree = _tree(pages[name])
    focusable = tree.xpath("//body//*[self::a[@href] or self::button or self::summary or @tabindex >= 0]")
    first = focusable[0]
    assert _text(first) == "Saltar al contenido"
    target = tree.get_element_by_id(first.get("href").removeprefix("#"))
    assert target.tag == "main"


@pytest.mark.parametrize("name", PAGES)
def test_every_table_has_a_caption_and_scoped_headers_in_a_focusable_scroll_region(name, pages):
    tree = _tree(pages[name])
    tables = tree.xpath("//table")
    assert tables
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and _text(caption)
        header = table.xpath("thead/tr/th")
        assert header and all(th.get("scope") == "col" for th in header)
        for row in table.xpath("tbody/tr"):
            assert row[0].tag == "th" and row[0].get("scope") == "row", _text(row)
            assert all(cell.tag == "td" for cell in row[1:])
        region = table.getparent()
        assert region.get("role") == "region" and region.get("tabindex") == "0"
        assert region.get("aria-labelledby") == caption.get("id")


def test_an_objectives_table_keeps_the_documents_cells_units_and_alignment(pages, pdm_document):
    objective = pdm_document.objectives[0]
    table = _tree(pages["pdm"]).get_element_by_id(f"tabla-objetivo-{objective.id}").getparent()
    assert [_text(th) for th in table.xpath("thead/tr/th")] == [c.heading for c in objective.table.columns]
    for row, model in zip(table.xpath("tbody/tr"), objective.table.rows, strict=True):
        assert [_text(cell) for cell in row] == [_words(plain(cell)) for cell in model.cells]
        for cell, column in zip(row, objective.table.columns):
            assert column.align in cell.get("class").split()
    assert any("hectáreas" in _text(td) for td in table.xpath("tbody/tr/td"))


def test_numeric_columns_are_right_aligned(pages, theme):
    css = (pages["sample"].parent / "estilo.css").read_text(encoding="utf-8")
    assert re.search(r"th\.right, td\.right \{ text-align: right; \}", css)


@pytest.mark.parametrize("name", PAGES)
def test_every_figure_is_an_svg_image_with_title_description_and_its_data(name, pages, documents):
    tree, document = _tree(pages[name]), documents[name]
    in_order = [o for _, objectives in document.groups() for o in objectives]  # under their ejes
    from pipeline.outputs.web import web_figure

    figures = [document.objectives_figure, *(f for o in in_order for f in (web_figure(o.quarterly), o.path))]
    svgs = tree.xpath("//svg")
    assert len(svgs) == len(figures)
    for svg, figure in zip(svgs, figures):
        assert svg.get("role") == "img"
        title, desc = svg.find("title"), svg.find("desc")
        assert _text(title) == _words(figure.title) and _text(desc) == _words(figure.description)
        assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
        data = tree.get_element_by_id(f"datos-{figure.key}")
        assert _text(data) == figure.table().caption
        assert len(data.getparent().xpath("tbody/tr")) == len(figure.table().rows)  # every value of the figure
        assert len(figure.table().rows) == max(len(figure.series), len(figure.categories))


@pytest.mark.parametrize("name", PAGES)
def test_each_objective_shows_its_path_over_the_cuts_as_lines_with_its_data_table(name, pages, documents):
    tree, document = _tree(pages[name]), documents[name]
    for objective in document.objectives:
        section = tree.get_element_by_id(f"objetivo-{objective.id}")
        path = objective.path
        (figure,) = [f for f in section.xpath(".//figure") if f.get("aria-labelledby") == f"fig-{path.key}"]
        assert _text(figure.find("figcaption")).startswith(f"Evolución del avance del Objetivo {objective.id}")
        svg = figure.find(".//svg")
        classes = [e.get("class") for e in svg.iter() if e.get("class")]
        assert "trazo serie-1" in classes and "trazo serie-2" in classes and "linea-esperado" in classes
        legend = [_text(e) for e in svg.xpath(".//*[@class='leyenda']/text")]
        assert legend == ["Avance del plan", "Avance de la vigencia", "Esperado de la vigencia"]  # never colour alone
        rows = figure.xpath(".//details//table/tbody/tr")
        assert [_text(r.find("th")) for r in rows] == list(path.categories)  # one row per cut: the text alternative
        assert _text(figure.find(".//details/summary")) == "Datos del gráfico en una tabla"
    # the last cut's attainment of the plan is the objective's, as its key figures say
    first = document.objectives[0]
    assert first.path.series[0].labels[-1] == first.plan_attainment


def test_the_cut_axis_of_a_long_path_names_only_the_cuts_that_fit(sample_document):
    """19 cuts in a phone-wide chart: the first quarter of each year is named, the others are
    only ticks; the table beside it names every cut."""
    import lxml.etree

    path = sample_document.objectives[0].path
    assert len(path.categories) == 20  # 2020-T1 .. 2024-T4
    svg = lxml.etree.fromstring(figure_svg(path).encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    named = [e.text for e in svg.xpath("//s:g[@class='eje']/s:text", namespaces=ns) if e.text and e.text.startswith("T")]
    assert named == ["T1 2020", "T1 2021", "T1 2022", "T1 2023", "T1 2024"]
    xs = [float(e.get("x")) for e in svg.xpath("//s:g[@class='eje']/s:text", namespaces=ns) if e.text and e.text.startswith("T")]
    from pipeline.core.text import width

    assert all(b - a >= width("T1 2020", 12.0) * 1.12 for a, b in zip(xs, xs[1:]))  # no label over the next


def test_bars_of_an_objective_show_each_indicator_against_its_own_expected(documents):
    """As the deck and the PDF draw them: the page's bars are the figure at the cut, and its table
    has a row per indicator with its attainment and what was expected of it."""
    from pipeline.outputs.web import web_figure

    objective = max(documents["pdm"].objectives, key=lambda o: o.indicators)
    shown = web_figure(objective.quarterly)
    assert shown is objective.quarterly.at_cut
    table = shown.table()
    assert [c.heading for c in table.columns] == ["Indicador", *(s.name for s in shown.series)]
    assert len(table.rows) == objective.indicators


def test_few_indicators_over_quarters_are_lines_many_are_bars(sample_document):
    few = sample_document.objectives[0].quarterly
    assert len(few.categories) >= 2 and len(few.series) <= 4
    assert 'class="trazo serie-1"' in figure_svg(few)
    many = replace(
        few,
        series=tuple(FigureSeries(f"Meta {n}", (n / 2, n / 1.5, None, float(n)), "indicator") for n in range(150))
        + (few.series[-1],),
    )
    svg = figure_svg(many)
    assert "trazo" not in svg and svg.count('class="barra"') == 149 + 1  # meta 0 has no length; the legend has one
    assert svg.count('class="marca"') == 150 + 1  # each bar's expected, and the legend's
    one_quarter = replace(few, categories=few.categories[:1], series=tuple(replace(s, values=s.values[:1]) for s in few.series))
    assert "trazo" not in figure_svg(one_quarter)


@pytest.mark.parametrize("name", PAGES)
def test_every_attention_item_is_listed_with_its_light_in_words(name, pages, documents):
    tree, document = _tree(pages[name]), documents[name]
    items = tree.xpath("//section[@id='atencion']/ol/li")
    assert len(items) == len(document.attention)
    for item, model in zip(items, document.attention):
        assert _text(item) == _words(plain(model.parts))
        assert model.where.split(" · ")[0] in _text(item)


def test_no_attention_no_comments_and_no_downloads(sample_document, theme):
    quiet = replace(sample_document, attention=(), comment_groups=())
    tree = lxml.html.document_fromstring(render_web(quiet, theme, {})[INDEX])
    assert _text(tree.get_element_by_id("atencion")).endswith(quiet.no_attention)
    assert _text(tree.get_element_by_id("comentarios")).endswith(quiet.no_comments)
    assert not tree.xpath("//*[@id='descargas'] | //a[@href='#descargas']")  # no links given: no downloads


@pytest.mark.parametrize("name", PAGES)
def test_every_light_is_a_word_beside_its_colour(name, pages):
    tree = _tree(pages[name])
    words = {"Rojo", "Amarillo", "Verde", "Naranja", "Sin reporte", "N/A"}
    lights = tree.xpath("//span[contains(concat(' ', @class, ' '), ' luz ')]")
    assert lights
    for light in lights:
        assert _text(light) in words
        assert light.xpath("span[@class='muestra'][@aria-hidden='true']")


def test_the_tally_key_figures_ejes_and_texts_are_on_the_page(pages, documents):
    sample, pdm = _text(_tree(pages["sample"])), _text(_tree(pages["pdm"]))
    document = documents["sample"]
    for figure in document.key_figures:
        assert _words(f"{figure.label} {figure.value}") in sample
    for tally in document.lights:
        assert tally.label in sample and tally.meaning in sample
    for parts in (document.normative, document.mission, document.vision):
        assert _words(plain(parts)) in sample
    for axis in documents["pdm"].axes:
        assert axis.name in pdm
        for figure in axis.key_figures:
            assert _words(f"{figure.label} {figure.value}") in pdm


def test_objectives_are_grouped_under_their_ejes(pages, pdm_document):
    tree = _tree(pages["pdm"])
    for n, (axis, objectives) in enumerate(pdm_document.groups(), start=1):
        section = tree.get_element_by_id(f"eje-{n}")
        assert _text(section.find("h3")) == axis.name
        assert [s.get("id") for s in section.xpath("section")] == [f"objetivo-{o.id}" for o in objectives]
        assert {h.tag for h in section.xpath("section/h4")} == {"h4"}


def test_downloads_link_the_cuts_files_with_what_and_format(pages):
    links = _tree(pages["sample"]).xpath("//section[@id='descargas']//a")
    assert [a.get("href") for a in links] == [f"../{LINK_FILES[k]}" for k in LINKS]
    texts = [_text(a) for a in links]
    assert texts[0] == "Reporte en PDF (PDF, 1,2\u00a0MB)"
    assert texts[1] == "Presentación institucional (PowerPoint, PPTX, 141\u00a0kB)"
    assert texts[2].endswith("(CSV, 2\u00a0kB)") and texts[3].endswith("(CSV)") and texts[7].endswith("(JSON)")
    assert texts[4] == "Cambios desde el corte anterior, una fila por indicador (CSV)"
    assert texts[5] == "Serie del avance en cada trimestre del plan, por indicador, objetivo, eje y plan (CSV)"
    assert texts[6] == "Las dos tablas en un libro de Excel (Excel, XLSX)"
    for name in LINK_FILES.values():  # the files sit beside web/ in the cut's folder
        (pages["sample"].parents[1] / name).touch()
    assert all((pages["sample"].parent / a.get("href")).resolve().is_file() for a in links)


def test_links_are_quoted_and_only_known_downloads_of_the_cuts_folder(sample_document, theme):
    page = render_web(sample_document, theme, {"pdf": "PEI año 1.pdf"})[INDEX].decode()
    assert 'href="../PEI%20a%C3%B1o%201.pdf"' in page
    with pytest.raises(ValueError, match="unknown download"):
        render_web(sample_document, theme, {"pdff": "x.pdf"})
    with pytest.raises(ValueError, match="file name"):
        render_web(sample_document, theme, {"pdf": "../x.pdf"})


def test_file_sizes_as_colombian_spanish_writes_them():
    assert [file_size(n) for n in (820, 2_418, 141_224, 1_234_567, 23_669_955)] == [
        "820\u00a0bytes", "2\u00a0kB", "141\u00a0kB", "1,2\u00a0MB", "23,7\u00a0MB",
    ]


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_fetched_from_outside_and_no_script(name, pages):
    html = pages[name].read_text(encoding="utf-8")
    tree = _tree(pages[name])
    assert not tree.xpath("//script | //iframe | //img | //object | //embed")
    assert tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [
        "default-src 'none'; style-src 'self'; img-src 'self' data:"
    ]
    assert [link.get("href") for link in tree.xpath("//link")] == ["estilo.css"]
    urls = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert all(not re.match(r"[a-z]+:|//", url) for url in urls), urls


def test_plan_texts_show_html_as_text(sample_document, theme):
    tricky = replace(
        sample_document,
        mission=(Run("Misión <b>con</b> "), Run("A & B", bold=True)),
        entity="Secretaría <script>x</script>",
    )
    page = render_web(tricky, theme, {})[INDEX].decode()
    assert "Misión &lt;b&gt;con&lt;/b&gt; <strong>A &amp; B</strong>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_same_document_gives_the_same_bytes(sample_document, theme):
    assert render_web(sample_document, theme, LINK_FILES, SIZES) == render_web(sample_document, theme, LINK_FILES, SIZES)
    assert set(render_web(sample_document, theme, {})) == {INDEX, STYLESHEET}


# --- colour -------------------------------------------------------------------------------------


def test_contrast_is_wcags_ratio():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast("#F2B705", "#FFFFFF") < 4.5  # the theme's amarillo cannot be text on white


def test_every_text_colour_reads_on_its_background(theme):
    for what, fg, bg in text_pairs(theme):
        assert contrast(fg, bg) >= 4.5, f"{what}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
    for what, fg, bg in graphic_pairs(theme):
        assert contrast(fg, bg) >= 3, f"{what}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def test_a_pale_theme_falls_back_to_its_text_colour(theme):
    pale = replace(theme, colors={**theme.colors, "primario": "#F2B705", "secundario": "#DDDDDD", "texto_suave": "#AAAAAA"})
    colours = palette(pale)
    assert colours["titulos"] == colours["enlace"] == colours["suave"] == pale.colors["texto"]
    assert colours["banda"] != "#F2B705" and colours["serie_2"] == pale.colors["texto"]
    for what, fg, bg in text_pairs(pale):
        assert contrast(fg, bg) >= 4.5, what
    for what, fg, bg in graphic_pairs(pale):
        assert contrast(fg, bg) >= 3, what


def test_the_stylesheet_names_its_colours_once_and_lights_colour_no_text(pages):
    css = (pages["sample"].parent / "estilo.css").read_text(encoding="utf-8")
    root, rest = css.split("}", 1)[0], css.split("}", 1)[1]
    assert re.findall(r"#[0-9A-Fa-f]{3,6}\b", rest) == []  # every colour is a variable of :root
    for light in LIGHT_COLORS:
        for declaration in re.findall(rf"([\w-]+):[^;]*var\(--(?:luz-)?{light}\)", rest):
            assert declaration in ("background", "border-color", "border-left"), (light, declaration)
    assert "--amarillo: #F2B705" in root


# --- in a real browser --------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_21_aa_violation(name, pages, chromium):
    results = chromium.axe(pages[name])
    assert results.violations == [], describe(results.violations)
    # axe cannot tell the background of text drawn in an SVG; those colours are checked above.
    for rule in results.incomplete:
        assert rule["id"] == "color-contrast", describe([rule])
        assert all(node["html"].startswith("<text") for node in rule["nodes"]), describe([rule])


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [320, 1280])
def test_the_page_never_scrolls_sideways(name, width, pages, chromium):
    widths = chromium.evaluate(
        pages[name],
        "({page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,"
        " styled: getComputedStyle(document.body).marginTop === '0px'})",
        width=width,
    )
    assert widths["styled"], "the stylesheet did not load"
    assert widths["page"] <= widths["view"], widths


def test_the_objectives_list_gives_each_objective_whole_and_its_light_once(pages, documents):
    """The page has room: an objective is listed with its whole text (the slides shorten it),
    and the line says its light in words once, beside a swatch."""
    tree, document = _tree(pages["sample"]), documents["sample"]
    items = tree.xpath("//section[@id='objetivos']//li")
    assert len(items) == len(document.objectives)
    for item, objective in zip(items, document.objectives):
        line = _text(item)
        assert _words(plain(objective.text)) in line
        assert line.lower().count(objective.light_word.lower()) == 1, line
    assert _text(tree.xpath("//header//p")[-1]) == document.title


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_the_entitys_logo_heads_the_page_as_a_file_beside_it(sample_document, theme, kind):
    """tema.logo_imagen, on the cover of the deck and the PDF, heads the page too: the file as it
    was read, beside index.html (allowed by the page's policy), decorative (the entity's name is
    the text beside it)."""
    from tests.ingest.test_images import SVG, png

    logo = read_logo(SVG if kind == "svg" else png(), f"escudo.{kind}")
    files = render_web(sample_document, replace(theme, logo_image=logo), {})
    assert files[f"web/logo.{kind}"] == logo.data
    tree = lxml.html.document_fromstring(files[INDEX])
    (img,) = tree.xpath("//header//img")
    assert img.get("src") == f"logo.{kind}" and img.get("alt") == ""
    assert sample_document.entity in _text(img.getparent().getparent())
    assert set(files) == {INDEX, STYLESHEET, f"web/logo.{kind}"}


# --- «Cambios desde el corte anterior» (issue 21) -------------------------------------------------


def test_the_changes_section_follows_the_summary_with_every_indicator(sample_document, theme):
    html = render_web(sample_document, theme, LINK_FILES)[INDEX].decode("utf-8")
    page = lxml.html.fromstring(html)
    sections = [s.get("id") for s in page.iter("section") if s.get("id")]
    assert sections.index("cambios") == sections.index("resumen") + 1
    (section,) = page.xpath('//section[@id="cambios"]')
    assert section.xpath("string(h2)") == "Cambios desde el corte anterior"
    assert "Frente al corte 2024-T3" in section.text_content()
    assert page.xpath('//nav//a[@href="#cambios"]')
    rows = section.xpath(".//table/tbody/tr")
    assert len(rows) == 13  # every indicator, once
    for row in rows:
        cells = [c.text_content().strip() for c in row.xpath("th|td")]
        assert cells[1] in ("empeora", "mejora", "igual", "sigue en sobreejecución")
        assert cells[2].startswith("de ") and " a " in cells[2]  # the semáforo in words, no colour alone


def test_the_plans_first_cut_has_a_line_instead_of_the_table(sample_plan, default_bands, theme):
    execution = load_execution(SAMPLE, sample_plan).table
    plan = replace(sample_plan, period=(2024, 2024))
    document = build_document(plan, execution, plan_attainment(plan, execution, Cut(2024, 1), default_bands), default_bands)
    page = lxml.html.fromstring(render_web(document, theme, LINK_FILES)[INDEX].decode("utf-8"))
    (section,) = page.xpath('//section[@id="cambios"]')
    assert not section.xpath(".//table")
    assert "2024-T1 es el primer corte del plan: no hay corte anterior con qué comparar." in section.text_content()


def test_a_one_year_plan_with_a_value_to_review_on_the_page(theme, tmp_path):
    """The one-year Plan de Acción on the page: six columns, the objective's «dato por revisar»
    note, the comments under their eje and objective, and the point past the chart's scale
    written with its value."""
    from pipeline.ingest import load_inputs
    from tests.plans import write_action_plan

    inputs = load_inputs(write_action_plan(tmp_path / "dagma"))
    plan, table, bands = inputs.plan, inputs.execution.table, inputs.settings.bands
    document = build_document(plan, table, plan_attainment(plan, table, Cut(2025, 2), bands), bands)
    html = render_web(document, theme, {})[INDEX].decode("utf-8")
    tree = lxml.html.fromstring(html)
    objective = tree.get_element_by_id("objetivo-1")
    assert [th.text_content() for th in objective.xpath(".//table")[0].xpath("./thead//th")] == [
        "Nombre meta", "Anualización", "Programación 2025", "Ejecutado 2025", "Avance 2025", "Semáforo",
    ]
    assert "sin él, el avance sería 25,0\u00a0% (amarillo)" in objective.xpath(".//p[contains(@class, 'revisar')]")[0].text_content()
    comments = tree.get_element_by_id("comentarios")
    assert [h.text_content() for h in comments.xpath(".//h3")] == [
        "Eje 1. Cali verde · Objetivo 1: Recuperar los corredores ambientales.",
        "Eje 2. Agua · Objetivo 2: Restaurar los humedales.",
    ]
    assert comments.xpath(".//dt")[0].text_content() == "Producto 3202005 Corredores ambientales intervenidos"
    assert "30.037,5\u00a0% ▸" in html and "2025-2025" not in html
