"""pipeline/outputs/registry.py: the registry of a cut's outputs, and a flow run that writes exactly them."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.errors import UnsafePathError
from pipeline.ingest import load_plan, load_settings
from pipeline.outputs.registry import (
    CSV,
    OUTPUTS,
    XLSX,
    PDF,
    PPTX,
    Deliverables,
    Output,
    Rendering,
    deliverables,
    output,
    render_order,
)
from pipeline.core.periods import Cut
from pipeline.delivery.publish import MANIFEST_FILE, Artifact, relative_path
from tests.conftest import SAMPLE

CUT = Cut(2024, 3)
SETTINGS = load_settings()
SAMPLE_PLAN = load_plan(SAMPLE)


def _rendering(**fields) -> Rendering:
    """A rendering for renderers that read only what a test gives them."""
    base = dict(slug="sg", cut=CUT, settings=SETTINGS, plan=None, result=None, report=None, tables={})
    return Rendering(**{**base, **fields})


# --- the registry as declared -----------------------------------------------------------------


def test_keys_and_file_names_are_distinct_and_safe():
    keys = [o.key for o in OUTPUTS]
    names = [o.path(SETTINGS, "sg", CUT, SAMPLE_PLAN) for o in OUTPUTS]
    assert len(set(keys)) == len(keys)
    assert len(set(names + [MANIFEST_FILE])) == len(names) + 1  # nor is any of them called manifest.json
    for name in names:
        relative_path(name)


def test_publication_order_media_types_and_what_is_distributed():
    assert [(o.key, o.media_type) for o in OUTPUTS] == [
        ("deck", PPTX), ("pdf", PDF), ("avance", CSV), ("objetivos", CSV), ("cambios", CSV), ("serie", CSV), ("tablas", XLSX),
        ("datapackage", "application/json"), ("web", "text/html"),
    ]
    # the web page links to the tables and the data package: they are published beside it
    assert [o.key for o in OUTPUTS if o.distributed] == [
        "deck", "pdf", "avance", "objetivos", "cambios", "serie", "tablas", "datapackage", "web",
    ]
    assert [o.key for o in OUTPUTS if o.emailed] == ["deck", "pdf"]
    assert [o.path(SETTINGS, "sg", CUT, SAMPLE_PLAN) for o in OUTPUTS] == [
        "PEI-sg-2024-T3.pptx", "PEI-sg-2024-T3.pdf", "avance.csv", "objetivos.csv", "cambios.csv", "serie.csv", "tablas.xlsx",
        "datapackage.json",
        "web/index.html",
    ]


def test_each_output_s_step_is_its_own_and_every_need_is_registered():
    assert len({o.step for o in OUTPUTS}) == len(OUTPUTS)
    assert {"Generar presentación (.pptx)", "Generar reporte PDF"} <= {o.step for o in OUTPUTS}  # names Prefect already shows
    assert all(o.description_es for o in OUTPUTS)
    for item in OUTPUTS:
        assert item.folder is None or item.path(SETTINGS, "sg", CUT, SAMPLE_PLAN).startswith(item.folder + "/")
    order = [o.key for o in render_order(OUTPUTS)]
    assert sorted(order) == sorted(o.key for o in OUTPUTS)
    assert order.index("avance") < order.index("pdf")  # the PDF attaches avance.csv's bytes


def test_deck_and_pdf_names_come_from_configuracion_yaml(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        'tema:\n  archivo_presentacion: "Informe {slug} {periodo}.pptx"\n  archivo_pdf: "Informe-{periodo}.pdf"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert output("deck").path(settings, "sg", CUT, SAMPLE_PLAN) == "Informe sg 2024-T3.pptx"
    assert output("pdf").path(settings, "sg", CUT, SAMPLE_PLAN) == "Informe-2024-T3.pdf"
    assert output("avance").path(settings, "sg", CUT, SAMPLE_PLAN) == "avance.csv"


def test_a_municipality_s_files_are_named_for_its_plan_not_for_bogota_s_pei(tmp_path, sample_plan):
    from pipeline.ingest import load_plan
    from tests.plans import write_tenjo

    tenjo = load_plan(write_tenjo(tmp_path / "tenjo"))
    assert output("deck").path(SETTINGS, "tenjo", CUT, tenjo) == "PDM-tenjo-2024-T3.pptx"
    assert output("pdf").path(SETTINGS, "tenjo", CUT, tenjo) == "PDM-tenjo-2024-T3.pdf"
    assert output("deck").path(SETTINGS, "secretaria-general", CUT, sample_plan) == "PEI-secretaria-general-2024-T3.pptx"
    given = load_plan(write_tenjo(tmp_path / "sigla", sigla="PDM-Tenjo"))
    assert output("pdf").path(SETTINGS, "tenjo", CUT, given) == "PDM-Tenjo-tenjo-2024-T3.pdf"


def test_a_file_name_may_carry_the_plan_s_title_without_making_a_path(tmp_path):
    from pipeline.ingest import load_plan
    from tests.plans import write_tenjo

    (tmp_path / "configuracion.yaml").write_text(
        'tema:\n  archivo_pdf: "{titulo} {periodo}.pdf"\n  archivo_presentacion: "{sigla} {periodo}.pptx"\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path)
    plan = load_plan(write_tenjo(tmp_path / "tenjo"))
    assert output("pdf").path(settings, "tenjo", CUT, plan) == "Plan de Desarrollo Municipal 2024-T3.pdf"
    assert output("deck").path(settings, "tenjo", CUT, plan) == "PDM 2024-T3.pptx"
    slashed = load_plan(write_tenjo(tmp_path / "slash", titulo="Plan de Acción 2024/2027: ¿avance?"))
    assert output("pdf").path(settings, "tenjo", CUT, slashed) == "Plan de Acción 2024-2027- ¿avance- 2024-T3.pdf"


def test_an_unknown_key_names_the_registered_ones():
    with pytest.raises(KeyError, match="deck, pdf, avance, objetivos, cambios, serie, tablas, datapackage, web"):
        output("portal")


# --- render order and a renderer's files -------------------------------------------------------


def _single(key: str, needs: tuple[str, ...] = (), name: str | None = None) -> Output:
    return Output(key, lambda s, slug, cut, plan: name or f"{key}.txt", "text/plain", lambda r: key.encode(), key, key, needs=needs)


def test_needs_are_rendered_first_and_otherwise_the_listed_order_is_kept():
    listed = [_single("a", needs=("c",)), _single("b"), _single("c"), _single("d", needs=("a", "b"))]
    assert [o.key for o in render_order(listed)] == ["c", "a", "b", "d"]
    with pytest.raises(ValueError, match="needs 'x', which is not registered"):
        render_order([_single("a", needs=("x",))])
    with pytest.raises(ValueError, match="cycle"):
        render_order([_single("a", needs=("b",)), _single("b", needs=("a",))])


def test_a_single_file_output_is_marked_with_its_key_and_media_type():
    (made,) = _single("a").artifacts(_rendering())
    assert made == Artifact("a.txt", b"a", "a", "text/plain")
    with pytest.raises(UnsafePathError, match="«../a.txt»"):
        _single("a", name="../a.txt").artifacts(_rendering())


def _web(files: list[Artifact]) -> Output:
    return Output("web", lambda s, slug, cut, plan: "web/index.html", "text/html", lambda r: files, "Generar página web",
                  "Página web accesible", distributed=True, folder="web", attached=True)


def test_an_output_of_several_files_declares_its_folder_and_returns_artifacts():
    web = _web([Artifact("web/index.html", b"<html/>"), Artifact("web/img/g.svg", b"<svg/>"), Artifact("web/datos.bin", b"\0")])
    assert web.distributed and not web.emailed
    assert web.artifacts(_rendering()) == (
        Artifact("web/index.html", b"<html/>", "web", "text/html"),
        Artifact("web/img/g.svg", b"<svg/>", "web", "image/svg+xml"),
        Artifact("web/datos.bin", b"\0", "web", "application/octet-stream"),
    )


@pytest.mark.parametrize(
    ("files", "error", "match"),
    [
        ([Artifact("web/index.html", b""), Artifact("otra/a.css", b"")], ValueError, "outside its folder 'web'"),
        ([Artifact("web/estilo.css", b"")], ValueError, "did not write its main file 'web/index.html'"),
        ([Artifact("web/index.html", b""), Artifact("web/../../a.css", b"")], UnsafePathError, "sube de carpeta"),
    ],
)
def test_a_folder_output_writes_only_inside_its_folder_and_its_main_file(files, error, match):
    with pytest.raises(error, match=match):
        _web(files).artifacts(_rendering())


def test_a_renderer_gets_the_tables_and_what_it_needs_already_rendered():
    """A data package built from the tables slots in with one line (and sees the CSV's bytes)."""
    import pandas as pd

    def datapackage(r: Rendering) -> bytes:
        (csv,) = r.rendered["avance"]
        fields = list(r.tables["avance"].columns)
        return json.dumps({"resources": [{"path": csv.name, "hash": csv.sha256, "fields": fields}]}).encode()

    listed = [*(o for o in OUTPUTS if o.key not in ("datapackage", "web")), Output("datapackage", lambda s, slug, cut, plan: "datapackage.json", "application/json", datapackage,
                               "Generar datapackage.json", "Paquete de datos", needs=("avance",))]
    assert [o.key for o in render_order(listed)][-1] == "datapackage"
    frame = pd.DataFrame({"objetivo": [1], "indicador": ["IS-1"]})
    avance = output("avance").artifacts(_rendering(tables={"avance": frame}))
    (made,) = listed[-1].artifacts(_rendering(tables={"avance": frame}, rendered={"avance": avance}))
    assert json.loads(made.content)["resources"] == [{"path": "avance.csv", "hash": avance[0].sha256, "fields": ["objetivo", "indicador"]}]


# --- what a published cut distributes ----------------------------------------------------------


def test_deliverables_are_the_distributed_outputs_and_the_email_carries_the_single_files():
    web = _web([])
    records = [("d.pptx", "deck"), ("d.pdf", "pdf"), ("avance.csv", "avance"), ("web/index.html", "web"),
               ("web/a.css", "web"), ("manifest.json", None), ("retirado.txt", "salida-retirada")]
    assert deliverables(records, [*(o for o in OUTPUTS if o.key != "web"), web]) == Deliverables(
        copied=("d.pptx", "d.pdf", "avance.csv", "web/index.html", "web/a.css"), attached=("d.pptx", "d.pdf")
    )


def test_a_manifest_written_before_the_registry_distributes_its_deck_and_pdf():
    records = [("PEI-sg-2024-T3.pptx", None), ("PEI-sg-2024-T3.pdf", None), ("avance.csv", None), ("objetivos.csv", None)]
    both = ("PEI-sg-2024-T3.pptx", "PEI-sg-2024-T3.pdf")
    assert deliverables(records) == Deliverables(copied=both, attached=both)


# --- a flow run writes exactly the registered outputs -------------------------------------------

runner = CliRunner()


def _cli(command: str, *args: str):
    from pipeline.app.cli import app

    return runner.invoke(app, [command, *args], catch_exceptions=False)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_every_registered_output_is_on_disk_and_in_the_manifest_under_its_configured_name(tmp_path, sample_copy):
    with (sample_copy / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write('  archivo_presentacion: "Informe {slug} {periodo}.pptx"\n')  # in its «tema» section
    out = tmp_path / "outputs"
    result = _cli("run", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3", "--no-distribute")
    assert result.exit_code == 0, result.stderr
    folder = out / "secretaria-general" / "2024-T3"
    settings = load_settings(sample_copy)
    names = [o.path(settings, "secretaria-general", CUT, SAMPLE_PLAN) for o in OUTPUTS]
    assert names[0] == "Informe secretaria-general 2024-T3.pptx"
    records = _manifest(folder)["outputs"]
    # every output in the registry's order: its main file first, then the rest of its folder
    assert [r["output"] for r in records] == ["deck", "pdf", "avance", "objetivos", "cambios", "serie", "tablas", "datapackage", "web", "web"]
    for item, name in zip(OUTPUTS, names):
        mine = [r for r in records if r["output"] == item.key]
        assert mine[0]["path"] == name and mine[0]["media_type"] == item.media_type
        assert all(r["path"].startswith(f"{item.folder}/") for r in mine) if item.folder else len(mine) == 1
    paths = [r["path"] for r in records]
    on_disk = _files(folder)
    assert sorted(on_disk) == sorted([*paths, MANIFEST_FILE])
    for record in records:
        assert hashlib.sha256(on_disk[record["path"]]).hexdigest() == record["sha256"]
    assert result.stdout.splitlines() == [str(folder / n) for n in [*paths, MANIFEST_FILE]]


DISTRIBUTION = """
distribucion:
  carpeta_publicacion: publicados
  correo:
    destinatarios: [planeacion@sg.gov.co]
    reintentos: 0
    espera_segundos: 0
"""


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_folder_output_is_published_copied_whole_not_emailed_and_resent(tmp_path, sample_copy, smtp_server):
    import flows

    with (sample_copy / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(DISTRIBUTION)
    out = tmp_path / "outputs"
    result = _cli("run", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert result.exit_code == 0, result.stderr
    folder = out / "secretaria-general" / "2024-T3"
    published = _files(folder)
    assert {"web/index.html", "web/estilo.css"} <= set(published)
    assert b"2024-T3" in published["web/index.html"]
    manifest = _manifest(folder)
    assert [r["output"] for r in manifest["outputs"]][-2:] == ["web", "web"]
    deck, pdf = (o.path(load_settings(sample_copy), "secretaria-general", CUT, SAMPLE_PLAN) for o in OUTPUTS[:2])
    distributed = [r["path"] for r in manifest["outputs"]]  # the web page and every file it links to
    copies = tmp_path / "publicados" / "secretaria-general" / "2024-T3"
    assert _files(copies) == {n: published[n] for n in distributed}
    assert manifest["distribution"]["publication"]["files"] == distributed
    ((_, message),) = smtp_server.received
    assert [p.get_filename() for p in message.iter_attachments()] == [deck, pdf]  # the web folder and data are not e-mailed
    # Every link of the published page leads to a published file, in the cut and in the copy.
    import re
    from urllib.parse import unquote

    links = [unquote(h) for h in re.findall(r'href="\.\./([^"#]+)"', published["web/index.html"].decode())]
    assert sorted(links) == sorted(n for n in distributed if not n.startswith("web/"))
    assert all((copies / n).is_file() and (folder / n).is_file() for n in links)
    # And the published data package describes the published CSVs.
    from frictionless import validate

    report = validate(str(copies / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    # A resend copies the web folder again as a whole: a file left in the copy goes.
    (copies / "web" / "sobrante.js").write_bytes(b"//")
    again = _cli("resend", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert again.exit_code == 0, again.stderr
    assert _files(copies) == {n: published[n] for n in distributed}
    assert len(smtp_server.received) == 2

    # A run killed while distributing it leaves it pending: the recovery completes it, web folder included.
    from pipeline.delivery.publish import update_manifest

    update_manifest(folder, distribution={"status": "pending"})
    shutil.rmtree(copies)
    (completed,) = flows.complete_distributions(input_dir=str(sample_copy), output_dir=str(out))
    assert completed.completed and _manifest(folder)["distribution"]["status"] == "distributed"
    assert _files(copies) == {n: published[n] for n in distributed}
    assert len(smtp_server.received) == 3

    # A manifest whose path leads out of the cut is refused, with its own message, before any copy.
    manifest = _manifest(folder)
    manifest["outputs"][-1]["path"] = "../../../secreto.txt"
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(copies)
    refused = _cli("resend", "--input", str(sample_copy), "--output", str(out), "--period", "2024-T3")
    assert refused.exit_code == 1
    assert "«../../../secreto.txt»" in refused.stderr and "sube de carpeta" in " ".join(refused.stderr.split())
    assert not copies.exists() and len(smtp_server.received) == 3
