"""Publication folders made in code for the tests: real cuts of real plans, distributed the way
the flow distributes them (`pipeline.delivery.distribution.copy_to_publication`).

Each cut is rendered from a plan in `inputs/` or made by `tests.plans`: avance.csv, objetivos.csv,
datapackage.json and the web page are the registered outputs' own bytes; the deck and the PDF are
short stand-ins (the portal only links them, and drawing them would cost seconds per cut). The
cut's folder under `outputs` gets its manifest.json as `pipeline.delivery.publish` writes it, so the
approval state a test sets (`estado`) is where the flow will keep it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pipeline.core.attainment import plan_series
from pipeline.core.consolidation import indicator_records
from pipeline.report.changes import compare
from pipeline.report.document import build_document
from pipeline.ingest import load_execution, load_plan, load_settings
from pipeline.outputs.registry import OUTPUTS, Rendering, cut_tables
from pipeline.core.periods import BOGOTA, Cut
from pipeline.delivery.publish import MANIFEST_FILE, Artifact, cut_folder, manifest_bytes, publish
from pipeline.report.layout import lay_out
from pipeline.core.settings import Settings

STAND_INS = {"deck": b"PK\x03\x04 presentacion de prueba", "pdf": b"%PDF-1.7 reporte de prueba\n%%EOF\n"}


def rendered_cut(entity_folder: Path, cut: Cut, settings: Settings | None = None) -> list[Artifact]:
    """Every registered output of an entity's cut, as the flow renders them (deck and PDF stand-ins)."""
    plan = load_plan(entity_folder)
    execution = load_execution(entity_folder, plan)
    settings = settings or load_settings(entity_folder)
    series = plan_series(plan, execution.table, cut, settings.bands)
    result = series[-1]
    comparison = compare(plan, execution.table, cut, settings.bands, current=result)
    document = build_document(plan, execution.table, result, settings.bands, execution.suspect_fractions,
                              comparison=comparison, series=series)
    tables = cut_tables(plan, series, comparison)
    rendering = Rendering(entity_folder.name, cut, settings, plan, result, lay_out(document, settings.theme), tables, document)
    rendered: dict[str, tuple[Artifact, ...]] = {}
    for output in OUTPUTS:  # registry order already renders each output after its needs except the PDF's
        if output.key in STAND_INS:
            name = output.path(settings, entity_folder.name, cut, plan)
            rendered[output.key] = (Artifact(name, STAND_INS[output.key], output.key, output.media_type),)
            continue
        rendered[output.key] = output.artifacts(replace(rendering, rendered={k: rendered[k] for k in output.needs}))
    return [a for output in OUTPUTS for a in rendered[output.key]]


def published_cut(
    entity_folder: Path, cut: Cut, outputs: Path, *, generated_at: datetime | None = None, extra: dict | None = None,
    settings: Settings | None = None,
) -> Path:
    """Publish an entity's cut in `outputs` (with its manifest.json, `extra` fields added to it):
    its folder there."""
    artifacts = rendered_cut(entity_folder, cut, settings)
    settings = settings or load_settings(entity_folder)
    plan = load_plan(entity_folder)
    manifest = manifest_bytes(
        entity={"slug": entity_folder.name, "name": plan.entity},
        period=str(cut),
        generated_at=generated_at or datetime(cut.end.year, cut.end.month, cut.end.day, 9, 0, tzinfo=BOGOTA),
        inputs=[],
        outputs=artifacts,
        versions={},
        extra={"distribution": {"status": "pending"}, "indicadores": indicator_records(plan), **(extra or {})},
    )
    target = cut_folder(outputs, entity_folder.name, cut)
    publish(target, [*artifacts, Artifact(MANIFEST_FILE, manifest)])
    return target


def distributed_names(folder: Path) -> list[str]:
    """The files of a published cut that are copied to the publication folder, as a resend finds them."""
    import json

    from pipeline.outputs.registry import deliverables

    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    return list(deliverables((r["path"], r.get("output")) for r in manifest["outputs"]).copied)
