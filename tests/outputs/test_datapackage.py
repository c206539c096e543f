"""pipeline/outputs/datapackage.py: the cut's datapackage.json, validated by Frictionless against the CSVs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless
import pytest

from benchmarks.make_inputs import make_pdm
from pipeline.core.attainment import plan_attainment, plan_series
from pipeline.outputs.datapackage import DATAPACKAGE_FILE, datapackage, datapackage_bytes, package_name
from pipeline.ingest import load_execution, load_plan, load_settings
from pipeline.core.periods import Cut
from pipeline.delivery.publish import csv_bytes
from pipeline.report.tables import (
    AVANCE_COLUMNS, OBJETIVOS_COLUMNS, RESPONSABLE_COLUMN, SERIE_COLUMNS, avance_table,
)
from tests.conftest import SAMPLE
from tests.plans import execution_table, write_pdm


def _tables(plan, execution, cut, bands, published=None) -> dict[str, bytes]:
    """The four CSV files as the flow writes them."""
    from pipeline.report.changes import compare
    from pipeline.outputs.registry import cut_tables

    series = plan_series(plan, execution, cut, bands)
    frames = cut_tables(plan, series, compare(plan, execution, cut, bands, published, series[-1]))
    return {f"{key}.csv": csv_bytes(frame) for key, frame in frames.items()}


@pytest.fixture(scope="module")
def sample_tables(sample_plan, default_bands):
    return _tables(sample_plan, load_execution(SAMPLE, sample_plan).table, Cut(2024, 3), default_bands)


@pytest.fixture(scope="module")
def pdm_300(tmp_path_factory):
    """The synthetic PDM of the benchmarks: 300 indicators, five ejes, responsables, units."""
    folder = tmp_path_factory.mktemp("pdm") / "pdm-300"
    make_pdm(folder, 300)
    plan = load_plan(folder)
    return plan, _tables(plan, execution_table(folder, plan), Cut(2025, 3), load_settings(folder).bands)


def _publish(folder: Path, slug: str, plan, cut: Cut, tables: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in tables.items():
        (folder / name).write_bytes(content)
    (folder / DATAPACKAGE_FILE).write_bytes(datapackage_bytes(slug, plan, cut, tables))
    return folder / DATAPACKAGE_FILE


def _validate(descriptor: Path) -> frictionless.Report:
    return frictionless.validate(str(descriptor))


def _errors(report: frictionless.Report) -> list[list]:
    return report.flatten(["type", "fieldName", "rowNumber", "message"])


def test_the_sample_package_is_valid(tmp_path, sample_plan, sample_tables):
    report = _validate(_publish(tmp_path / "2024-T3", "secretaria-general", sample_plan, Cut(2024, 3), sample_tables))
    assert report.valid, _errors(report)
    assert _errors(report) == []
    rows = {t.name: t.stats["rows"] for t in report.tasks}
    assert rows == {"avance": 14, "objetivos": 9, "cambios": 13, "serie": (13 + 8 + 1) * 19}  # 2020-T1 .. 2024-T3


def test_a_pdm_with_ejes_and_responsables_is_valid(tmp_path, pdm_300):
    plan, tables = pdm_300
    report = _validate(_publish(tmp_path / "2025-T3", "pdm-300", plan, Cut(2025, 3), tables))
    assert report.valid, _errors(report)
    fields = [f["name"] for f in datapackage("pdm-300", plan, Cut(2025, 3), tables)["resources"][0]["schema"]["fields"]]
    assert fields[-1] == RESPONSABLE_COLUMN


def test_a_text_in_a_number_column_is_invalid(tmp_path, sample_plan, sample_tables):
    lines = sample_tables["avance.csv"].decode().split("\n")
    cells = lines[1].split(",")
    column = AVANCE_COLUMNS.index("meta_cuatrienio")
    # the first row's name is quoted and holds commas: count columns from the end instead
    cells[column - len(AVANCE_COLUMNS)] = "cien"
    lines[1] = ",".join(cells)
    tampered = {**sample_tables, "avance.csv": "\n".join(lines).encode()}
    report = _validate(_publish(tmp_path / "bad", "secretaria-general", sample_plan, Cut(2024, 3), tampered))
    assert not report.valid
    assert [(e[0], e[1], e[2]) for e in _errors(report)] == [("type-error", "meta_cuatrienio", 2)]


def test_a_pdm_series_has_every_level_and_cut_and_is_valid(tmp_path, pdm_300):
    plan, tables = pdm_300
    report = _validate(_publish(tmp_path / "2025-T3", "pdm-300", plan, Cut(2025, 3), tables))
    assert report.valid, _errors(report)
    rows = {t.name: t.stats["rows"] for t in report.tasks}
    assert rows["serie"] == (300 + 30 + 5 + 1) * 7  # 2024-T1 .. 2025-T3
    serie = next(r for r in datapackage("pdm-300", plan, Cut(2025, 3), tables)["resources"] if r["name"] == "serie")
    assert serie["path"] == "serie.csv" and serie["schema"]["primaryKey"] == ["nivel", "id", "corte"]
    fields = {f["name"]: f for f in serie["schema"]["fields"]}
    assert list(fields) == list(SERIE_COLUMNS)
    assert fields["fecha_corte"]["type"] == "date"
    assert fields["nivel"]["constraints"]["enum"] == ["indicador", "objetivo", "eje", "plan"]
    assert {n for n, f in fields.items() if f.get("unit") == "%"} == {"avance_vigencia", "avance_cuatrienio", "esperado"}


def test_a_cut_that_is_no_quarter_in_the_series_is_invalid(tmp_path, sample_plan, sample_tables):
    lines = sample_tables["serie.csv"].decode().split("\n")
    lines[1] = lines[1].replace("2020-T1", "2020-T5")
    tampered = {**sample_tables, "serie.csv": "\n".join(lines).encode()}
    report = _validate(_publish(tmp_path / "bad", "secretaria-general", sample_plan, Cut(2024, 3), tampered))
    assert [(e[0], e[1], e[2]) for e in _errors(report)] == [("constraint-error", "corte", 2)]


def test_a_csv_changed_after_the_package_was_written_is_invalid(tmp_path, sample_plan, sample_tables):
    descriptor = _publish(tmp_path / "2024-T3", "secretaria-general", sample_plan, Cut(2024, 3), sample_tables)
    (descriptor.parent / "objetivos.csv").write_bytes(sample_tables["objetivos.csv"].replace(b"plan,13,13", b"plan,13,12"))
    report = _validate(descriptor)
    assert not report.valid
    assert {e[0] for e in _errors(report)} == {"hash-count"}


def test_every_column_written_is_described_in_the_csvs_order(tmp_path, sample_plan, sample_tables, default_bands):
    """The fields are the CSV header, in order, with and without the optional responsable."""
    pdm = load_plan(write_pdm(tmp_path / "pdm", 2024))
    with_responsable = _tables(pdm, execution_table(tmp_path / "pdm", pdm), Cut(2024, 4), default_bands)
    for plan, tables in ((sample_plan, sample_tables), (pdm, with_responsable)):
        package = datapackage("x", plan, Cut(2024, 4), tables)
        for resource in package["resources"]:
            header = tables[resource["path"]].decode().split("\n", 1)[0].split(",")
            assert [f["name"] for f in resource["schema"]["fields"]] == header
            for field in resource["schema"]["fields"]:
                assert field["title"] and field["description"] and field["type"] in ("string", "integer", "number", "boolean", "date")
    assert [f["name"] for f in datapackage("x", sample_plan, Cut(2024, 3), sample_tables)["resources"][1]["schema"]["fields"]] == list(
        OBJETIVOS_COLUMNS
    )


def test_a_column_the_schema_does_not_describe_is_an_error(sample_plan, sample_tables):
    lines = sample_tables["objetivos.csv"].decode().split("\n")
    extra = "\n".join([lines[0] + ",peso"] + [line + ",1" for line in lines[1:] if line]) + "\n"
    with pytest.raises(ValueError, match="peso"):
        datapackage("x", sample_plan, Cut(2024, 3), {"objetivos.csv": extra.encode()})
    with pytest.raises(ValueError, match="indicadores.csv"):
        datapackage("x", sample_plan, Cut(2024, 3), {"indicadores.csv": b"a\n1\n"})


def test_descriptor_names_units_keys_and_missing_values(sample_plan, sample_tables):
    data = datapackage_bytes("secretaria-general", sample_plan, Cut(2024, 3), sample_tables)
    assert data == datapackage_bytes("secretaria-general", sample_plan, Cut(2024, 3), sample_tables)
    package = json.loads(data)
    assert package["name"] == "secretaria-general-2024-t3"
    assert package["title"] == (
        "Plan Estratégico Institucional 2024 · Secretaría General de la Alcaldía Mayor de Bogotá · Seguimiento 2024-T3"
    )
    avance, objetivos, cambios, serie = package["resources"]
    assert cambios["path"] == "cambios.csv" and cambios["schema"]["primaryKey"] == ["indicador"]
    changed = {f["name"]: f for f in cambios["schema"]["fields"]}
    assert changed["diferencia_vigencia"]["unit"] == "p. p." and changed["publicado"]["type"] == "boolean"
    assert changed["semaforo_anterior"]["constraints"]["enum"] == ["rojo", "amarillo", "verde", "naranja", "gris", "no_aplica"]
    assert "gris: Sin reporte" in changed["semaforo_anterior"]["description"]
    assert (avance["path"], avance["format"], avance["encoding"]) == ("avance.csv", "csv", "utf-8")
    assert avance["dialect"] == {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}
    assert avance["schema"]["primaryKey"] == ["objetivo", "indicador"] and objetivos["schema"]["primaryKey"] == ["objetivo"]
    assert serie["schema"]["primaryKey"] == ["nivel", "id", "corte"]
    assert avance["schema"]["missingValues"] == [""]
    fields = {f["name"]: f for f in avance["schema"]["fields"]}
    assert {n for n, f in fields.items() if f.get("unit") == "%"} == {"avance_vigencia", "avance_cuatrienio", "esperado"}
    assert "%" in fields["avance_vigencia"]["description"]
    assert fields["objetivo"]["type"] == "integer" and fields["objetivo"]["constraints"] == {"required": True}
    assert fields["semaforo"]["constraints"]["enum"] == ["rojo", "amarillo", "verde", "naranja", "gris", "no_aplica"]
    assert "constraints" not in fields["ejecutado_vigencia"]  # empty when not reported


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("secretaria-general", "secretaria-general-2024-t3"), ("Alcaldía de Tenjo", "alcaldia-de-tenjo-2024-t3"), ("ñ/ü x", "n-u-x-2024-t3")],
)
def test_package_name_is_a_valid_data_package_name(slug, expected):
    name = package_name(slug, Cut(2024, 3))
    assert name == expected and re.fullmatch(r"[-a-z0-9._/]+", name)


def test_the_package_is_titled_as_the_report(sample_plan, sample_tables):
    """`titulo_reporte` names the report in every output, the data package included."""
    from dataclasses import replace

    from pipeline.outputs.datapackage import datapackage

    plan = replace(sample_plan, report_title="Seguimiento al PEI, cuarto año")
    described = datapackage("sg", plan, Cut(2024, 3), sample_tables)
    assert described["title"].startswith("Seguimiento al PEI, cuarto año · ")
    assert "«Seguimiento al PEI, cuarto año»" in described["description"]


def test_cambios_csv_with_a_revised_published_cut_is_valid(tmp_path, sample_plan, default_bands):
    """A published 2024-T2 whose figure of IS-321 was corrected since: the revision's columns hold
    both values, and the package still validates."""
    from pipeline.report.changes import PublishedCut, fingerprints

    execution = load_execution(SAMPLE, sample_plan).table
    typed = execution.copy()
    first = typed.index[(typed["anio"] == 2024) & (typed["trimestre"] == 2) & typed["valor"].notna()][0]
    typed.loc[first, "valor"] = typed.loc[first, "valor"] / 2
    shown = csv_bytes(avance_table(sample_plan, plan_attainment(sample_plan, typed, Cut(2024, 2), default_bands)))
    published = PublishedCut.from_files(Cut(2024, 2), fingerprints(sample_plan, default_bands), shown)
    tables = _tables(sample_plan, execution, Cut(2024, 3), default_bands, published)
    report = _validate(_publish(tmp_path / "2024-T3", "secretaria-general", sample_plan, Cut(2024, 3), tables))
    assert report.valid, _errors(report)
    import csv as _csv
    import io as _io

    rows = list(_csv.DictReader(_io.StringIO(tables["cambios.csv"].decode())))
    revised = [r for r in rows if r["revisado"] == "true"]
    assert [r["indicador"] for r in revised] == [typed.loc[first, "indicador"]]
    assert revised[0]["ejecutado_vigencia_publicado"] != revised[0]["ejecutado_vigencia_anterior"]
    assert {r["publicado"] for r in rows} == {"true"}


def test_the_package_carries_the_entitys_licence(tmp_path, sample_plan, sample_tables):
    from pipeline.core.settings import LICENCES

    descriptor = datapackage("sg", sample_plan, Cut(2024, 3), sample_tables, licence=LICENCES["CC-BY-4.0"])
    assert descriptor["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": LICENCES["CC-BY-4.0"].title}
    ]
    path = tmp_path / "2024-T3"
    path.mkdir()
    for name, content in sample_tables.items():
        (path / name).write_bytes(content)
    (path / DATAPACKAGE_FILE).write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = _validate(path / DATAPACKAGE_FILE)
    assert report.valid, _errors(report)


def test_the_semaforo_fields_name_each_level_in_words(sample_plan, sample_tables):
    """The portal (and any reader) says a level's word from the package, not its id."""
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in datapackage("sg", sample_plan, Cut(2024, 3), sample_tables)["resources"]}
    categories = fields["objetivos"]["semaforo"]["categories"]
    assert {"value": "verde", "label": "Verde"} in categories and {"value": "gris", "label": "Sin reporte"} in categories
    assert [c["value"] for c in categories] == fields["objetivos"]["semaforo"]["constraints"]["enum"]
