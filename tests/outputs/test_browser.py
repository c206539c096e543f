"""tests/browser.py: the real-browser accessibility check finds what axe-core finds, and only that."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import BrowserError, Chromium, describe
from tests.conftest import ROOT

# An accessible page in the shape the web page will have: language, skip link, landmarks, a table
# with caption and header scopes, a chart as inline SVG with its title and description, and a
# Content-Security-Policy that allows only the page's own files (axe is injected all the same).
ACCESSIBLE = """<!doctype html>
<html lang="es-CO">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Avance del PEI, 2024-T3</title>
<link rel="stylesheet" href="estilo.css">
</head>
<body>
<a class="saltar" href="#contenido">Saltar al contenido</a>
<header><p>Secretaría General</p></header>
<nav aria-label="Secciones"><ul><li><a href="#avance">Avance</a></li></ul></nav>
<main id="contenido" tabindex="-1">
<h1>Avance del plan estratégico, tercer trimestre de 2024</h1>
<section id="avance" aria-labelledby="titulo-avance">
<h2 id="titulo-avance">Avance por objetivo</h2>
<table>
<caption>Avance acumulado por objetivo</caption>
<thead><tr><th scope="col">Objetivo</th><th scope="col">Avance</th></tr></thead>
<tbody>
<tr><th scope="row">Gestión pública efectiva</th><td>82,5 %</td></tr>
<tr><th scope="row">Transformación digital</th><td>47,0 %</td></tr>
</tbody>
</table>
<svg role="img" aria-labelledby="grafico-titulo grafico-desc" width="320" height="60" viewBox="0 0 320 60">
<title id="grafico-titulo">Avance por objetivo</title>
<desc id="grafico-desc">Gestión pública efectiva 82,5 %; transformación digital 47,0 %.</desc>
<rect x="0" y="5" width="264" height="20" fill="#1f5f8b"></rect>
<rect x="0" y="35" width="150" height="20" fill="#1f5f8b"></rect>
</svg>
</section>
</main>
<footer><p>Datos ilustrativos.</p></footer>
</body>
</html>
"""
STYLE = """
body { font-family: sans-serif; color: #1a1a1a; background: #ffffff; }
.saltar { position: absolute; left: -9999px; }
.saltar:focus { left: 1rem; top: 1rem; background: #ffffff; color: #1f5f8b; }
a { color: #1f5f8b; }
"""

# Four faults axe must report, and a table header without scope, which is not one (axe infers it).
FAULTY = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>Página con fallas</title><link rel="stylesheet" href="estilo.css"></head>
<body>
<main>
<h1>Página con fallas</h1>
<img src="grafico.png">
<p class="tenue">Texto gris claro sobre blanco.</p>
<form><input type="text" name="busqueda"></form>
<table><tr><th>Objetivo</th><th>Avance</th></tr><tr><td>Gestión</td><td>82,5 %</td></tr></table>
</main>
</body>
</html>
"""


def _page(folder: Path, html: str, style: str = STYLE) -> Path:
    """index.html and its stylesheet in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "estilo.css").write_text(style, encoding="utf-8")
    page = folder / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


def test_an_accessible_page_has_no_violations(chromium, tmp_path):
    results = chromium.axe(_page(tmp_path, ACCESSIBLE))
    assert results.violations == [], describe(results.violations)
    assert results.incomplete == [], describe(results.incomplete)
    # The rules that matter were checked, not merely inapplicable.
    assert {"color-contrast", "html-has-lang", "html-lang-valid", "svg-img-alt", "th-has-data-cells",
            "bypass", "document-title", "link-name"} <= set(results.passes)


def test_a_faulty_page_reports_exactly_its_faults(axe_violations, tmp_path):
    violations = axe_violations(_page(tmp_path, FAULTY, STYLE + ".tenue { color: #999999; }"))
    assert sorted(rule["id"] for rule in violations) == ["color-contrast", "html-has-lang", "image-alt", "label"]
    where = {rule["id"]: [node["html"] for node in rule["nodes"]] for rule in violations}
    assert where["color-contrast"] == ['<p class="tenue">Texto gris claro sobre blanco.</p>']
    assert where["image-alt"] == ['<img src="grafico.png">']
    assert where["label"] == ['<input type="text" name="busqueda">']
    message = describe(violations)
    assert "image-alt (critical): Images must have alternative text" in message
    assert '    input: <input type="text" name="busqueda">' in message


@pytest.mark.parametrize(("grey", "ratio_passes"), [("#767676", True), ("#777777", False)])
def test_contrast_is_measured_on_the_rendered_page(chromium, tmp_path, grey, ratio_passes):
    """#767676 on white is 4.54:1 and #777777 is 4.48:1, either side of AA's 4.5:1 for body text;
    the colour comes from the linked stylesheet, so only the rendered page tells them apart."""
    page = ACCESSIBLE.replace("<footer>", '<p class="tenue">Fuente: Oficina de Planeación.</p><footer>')
    results = chromium.axe(_page(tmp_path, page, STYLE + f".tenue {{ color: {grey}; }}"))
    assert ("color-contrast" in {rule["id"] for rule in results.violations}) is not ratio_passes


def test_axe_is_the_version_the_script_pins(chromium, tmp_path):
    pinned = re.search(r"^AXE_CORE_VERSION=(\S+)$", (ROOT / "scripts" / "browser.sh").read_text(), re.M).group(1)
    assert chromium.axe(_page(tmp_path, ACCESSIBLE)).version == pinned


def test_axe_failing_in_the_page_is_an_error(chromium, chromium_executable, tmp_path):
    broken = tmp_path / "axe.min.js"
    broken.write_text("throw new Error('axe roto')", encoding="utf-8")
    with Chromium(chromium_executable, axe_js=broken) as browser:
        with pytest.raises(BrowserError, match="axe roto"):
            browser.axe(_page(tmp_path / "web", ACCESSIBLE))
        # The browser survives the failure: the next page is checked normally.
        browser.axe_source = chromium.axe_source
        assert browser.axe_violations(_page(tmp_path / "web", ACCESSIBLE)) == []


def test_a_missing_page_is_an_error(chromium, tmp_path):
    with pytest.raises(FileNotFoundError):
        chromium.axe(tmp_path / "no-existe.html")


def test_a_browser_that_does_not_start_is_an_error(tmp_path):
    """An installed browser that fails is an error, never a skip (no chromium is needed here)."""
    with pytest.raises(BrowserError, match="chromium exited"):
        Chromium("false", axe_js=_page(tmp_path, ACCESSIBLE), timeout=10)
