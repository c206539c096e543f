"""The semáforo across outputs: sin reporte and N/A apart, a configured scale's words, and a
tally that adds up to the plan's indicators in every output (document, deck, PDF, web, CSV)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from pptx import Presentation
from pypdf import PdfReader
from ruamel.yaml import YAML

from pipeline.runs.steps import compute_report, read_inputs, render_outputs
from pipeline.ingest import Entity
from pipeline.outputs.registry import Rendering

# What a product of an annual action plan can be at the cut 2024-T2: nothing reported, nothing
# programmed (target 0) and 0 or more reported, or a target and a share of it reported.
KINDS = st.one_of(
    st.just(("none", 0)), st.tuples(st.just("na"), st.sampled_from([0, 3])),
    st.tuples(st.just("ok"), st.integers(min_value=0, max_value=30)),
)

DNP_SCALE = """semaforo:
  bandas:
    - {nombre: Crítico, color: "#B71C1C", significado: retraso, menor_que: 40}
    - {nombre: Bajo, color: "#E8710A", significado: retraso, desde: 40, menor_que: 60}
    - {nombre: Medio, color: "#F2B705", significado: en riesgo, desde: 60, menor_que: 80}
    - {nombre: Satisfactorio, color: "#2E7D32", significado: cumplido, desde: 80, hasta: 120}
    - {nombre: Sobreejecutado, color: "#6A1B9A", significado: sobreejecución, desde: 120}
"""


def write_action_plan(folder: Path, kinds: list[tuple[str, int]], configuration: str | None = None) -> Path:
    """An annual action plan 2024 with one product per kind, two per objective, and its seguimiento."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {key: "Texto." for key in ("normatividad", "fuente_normatividad", "mision", "vision")}
    indicators, rows = [], ["indicador,anio,trimestre,valor"]
    for n, (kind, value) in enumerate(kinds, start=1):
        ind_id = f"P-{n}"
        target = 0 if kind == "na" else 20
        indicators.append({"id": ind_id, "nombre": f"Producto {n} del plan de acción", "anualizacion": "suma",
                           "unidad": "numero", "meta_cuatrienio": 20, "meta_vigencia": target})
        if kind != "none":
            rows.append(f"{ind_id},2024,1,{value}")
    ids = [i["id"] for i in indicators]
    objectives = [{"id": k + 1, "texto": f"Objetivo {k + 1}.", "indicadores": ids[2 * k:2 * k + 2]}
                  for k in range((len(ids) + 1) // 2)]
    plan = {"entidad": "Entidad de Prueba", "titulo": "Plan de Acción", "vigencia": 2024, "periodo_plan": [2024, 2024],
            **texts, "objetivos": objectives, "indicadores": indicators}
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(plan, handle)
    (folder / "seguimiento.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    if configuration:
        (folder / "configuracion.yaml").write_text(configuration, encoding="utf-8")
    return folder


def render(folder: Path, period: str = "2024-T2"):
    """The cut's document and every output's bytes, by file name, without Prefect."""
    inputs = read_inputs.fn(Entity(folder.name, folder), period)
    computed = compute_report.fn(inputs)
    rendering = Rendering(folder.name, inputs.cut, inputs.settings, inputs.plan, computed.result, computed.report,
                          computed.tables, computed.document)
    artifacts = render_outputs(lambda step: step.fn, rendering)
    return computed, {a.name: a.content for a in artifacts}


def _tally_in(text: str, labels: list[str]) -> dict[str, int]:
    """`3 Sin reporte` in a line of tallies, for each level's word."""
    found = {}
    for label in labels:
        match = re.search(rf"(?:^|\s)(\d+) {re.escape(label)}(?=\s|$)", text)
        assert match, (label, text[:400])
        found[label] = int(match.group(1))
    return found


def tallies(computed, files: dict[str, bytes]) -> dict[str, dict[str, int]]:
    """The tally of indicators per level as each output says it."""
    document = computed.document
    labels = [t.label for t in document.lights]
    deck = Presentation(io.BytesIO(next(v for k, v in files.items() if k.endswith(".pptx"))))
    summary = next(s for s in deck.slides if any(sh.has_text_frame and sh.text_frame.text == "Indicadores por semáforo"
                                                  for sh in s.shapes))
    deck_text = " ".join(sh.text_frame.text for sh in summary.shapes
                         if sh.has_text_frame and re.fullmatch(r"\d+ .+", sh.text_frame.text))
    pdf = PdfReader(io.BytesIO(next(v for k, v in files.items() if k.endswith(".pdf"))))
    pdf_text = pdf.pages[1].extract_text().split("Indicadores por semáforo\n", 1)[1].split("\n", 1)[0]
    page = lxml_html.fromstring(files["web/index.html"])
    web = {}
    for item in page.xpath("//ul[contains(@class, 'semaforos')]/li"):
        text = " ".join(item.text_content().split())
        label = next(lbl for lbl in sorted(labels, key=len, reverse=True) if text.startswith(lbl))
        web[label] = int(re.search(r": (\d+) indicador", text).group(1))
    by_id = {t.light.value: t.label for t in document.lights}
    rows = list(csv.DictReader(io.StringIO(files["avance.csv"].decode("utf-8"))))
    lights = {r["indicador"]: r["semaforo"] for r in rows}  # each indicator once
    counted = Counter(by_id[v] for v in lights.values())
    return {
        "document": {t.label: t.count for t in document.lights},
        "deck": _tally_in(deck_text, labels),
        "pdf": _tally_in(pdf_text, labels),
        "web": web,
        "csv": {label: counted.get(label, 0) for label in labels},
    }


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(KINDS, min_size=1, max_size=7), dnp=st.booleans())
def test_the_tally_adds_up_to_the_indicators_in_every_output(tmp_path_factory, kinds, dnp):
    folder = write_action_plan(tmp_path_factory.mktemp("plan") / "plan-accion", kinds, DNP_SCALE if dnp else None)
    computed, files = render(folder)
    expected = {"N/A": sum(k == "na" for k, _ in kinds), "Sin reporte": sum(k == "none" for k, _ in kinds)}
    for output, tally in tallies(computed, files).items():
        assert sum(tally.values()) == len(kinds), (output, tally)
        assert {k: tally[k] for k in expected} == expected, (output, tally)
        assert tally == {t.label: t.count for t in computed.document.lights}, output


def test_sin_reporte_and_na_are_told_apart_in_every_output(tmp_path):
    # P-1 reported 0 against 0 (N/A), P-2 reported nothing (sin reporte); P-3 and P-4: 5 of 20 at T1.
    folder = write_action_plan(tmp_path / "plan-accion", [("na", 0), ("none", 0), ("ok", 5), ("ok", 5)])
    computed, files = render(folder, "2024-T1")
    document = computed.document
    assert {t.label: t.count for t in document.lights} == {
        "Rojo": 0, "Amarillo": 0, "Verde": 2, "Naranja": 0, "Sin reporte": 1, "N/A": 1}
    assert [f.value for f in document.key_figures][3] == "3 de 4"  # N/A products did report
    objective = document.objective(1)
    assert objective.light_word == "Sin reporte"  # P-2 owes its report: not «N/A»
    rows = {r["objetivo"]: r["semaforo"] for r in csv.DictReader(io.StringIO(files["objetivos.csv"].decode()))}
    assert rows["1"] == "gris" and rows["2"] == "verde"
    lights = {r["indicador"]: r["semaforo"] for r in csv.DictReader(io.StringIO(files["avance.csv"].decode()))}
    assert lights == {"P-1": "no_aplica", "P-2": "gris", "P-3": "verde", "P-4": "verde"}
    assert "no_aplica" in files["datapackage.json"].decode()
    css = files["web/estilo.css"].decode()
    assert "--luz-no_aplica: #607D8B" in css and ".luz-no_aplica .muestra" in css


def test_an_objective_whose_products_are_all_na_is_na_in_its_badge(tmp_path):
    folder = write_action_plan(tmp_path / "plan-accion", [("na", 0), ("na", 3), ("ok", 5)])
    computed, files = render(folder, "2024-T1")
    objective = computed.document.objective(1)
    assert objective.attainment == "N/A" and objective.light_word == "N/A"
    deck = Presentation(io.BytesIO(next(v for k, v in files.items() if k.endswith(".pptx"))))
    texts = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    assert "Avance 2024 · N/A" in texts and "Avance 2024 · Sin reporte" not in texts


def test_a_five_level_scale_names_43_against_75_by_its_own_word(tmp_path):
    # 15 of 20 due by T3 (75 %); 8,6 of 20 done = 43 %: r = 57,3 %, the scale's «Bajo» (naranja, retraso).
    folder = write_action_plan(tmp_path / "plan-accion", [("ok", 0)], DNP_SCALE)
    (folder / "seguimiento.csv").write_text("indicador,anio,trimestre,valor\nP-1,2024,1,8.6\n", encoding="utf-8")
    computed, files = render(folder, "2024-T3")
    document = computed.document
    assert [t.label for t in document.lights] == ["Crítico", "Bajo", "Medio", "Satisfactorio", "Sobreejecutado",
                                                  "Sin reporte", "N/A"]
    (item,) = document.attention
    assert item.where.startswith("bajo · objetivo 1") and item.severity == 0
    assert "Retraso, avance 2024 de 43,0\u00a0% frente a 75,0\u00a0% esperado" in item.reasons
    assert "obreejecución" not in item.reasons
    assert document.objective(1).light_word == "Bajo"
    lights = {r["indicador"]: r["semaforo"] for r in csv.DictReader(io.StringIO(files["avance.csv"].decode()))}
    assert lights == {"P-1": "bajo"}
    package = files["datapackage.json"].decode()
    assert '"bajo"' in package and '"naranja"' not in package
    deck = Presentation(io.BytesIO(next(v for k, v in files.items() if k.endswith(".pptx"))))
    texts = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    assert "Avance 2024 · Bajo" in texts
    assert ".luz-bajo .muestra" in files["web/estilo.css"].decode()
