"""The sectors' consolidation over real published cuts: the files it writes, what it reads."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest

from pipeline.runs.consolidation import consolidate_sectors
from tests.sectors import publish_district, write_district


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("distrito")
    inputs, outputs = write_district(root / "inputs"), root / "outputs"
    publish_district(inputs, outputs)
    return inputs, outputs


def manifest_of(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_each_sector_folder_has_its_files_and_a_manifest_of_what_it_read(district):
    inputs, outputs = district
    reports = consolidate_sectors(inputs, outputs, "2024-T3", failures={"alcaldia-b": "plan.yaml, línea 3: falló"})
    assert [r.sector for r in reports] == ["territorio", "gestion-publica", "distrito"]
    folder = outputs / "sectores" / "territorio" / "2024-T3"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "datapackage.json", "entidades.csv", "indicadores_compartidos.csv", "manifest.json", "sector-territorio-2024-T3.pdf",
        "sector-territorio-2024-T3.pptx", "web/estilo.css", "web/index.html"]
    recorded = {o["path"]: o["sha256"] for o in manifest_of(folder)["outputs"]}
    assert all(hashlib.sha256((folder / p).read_bytes()).hexdigest() == d for p, d in recorded.items())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sector"] == {"id": "territorio", "nombre": "Sector Territorio", "cabeza": "alcaldia-a"}
    by_slug = {e["slug"]: e for e in manifest["entities"]}
    assert by_slug["alcaldia-b"]["estado"] == "fallido" and by_slug["alcaldia-b"]["files"] == []
    assert by_slug["sin-datos"]["estado"] == "sin_corte"
    read = {f["path"]: f["sha256"] for f in by_slug["alcaldia-a"]["files"]}
    cut = outputs / "alcaldia-a" / "2024-T3"
    assert set(read) == {"manifest.json", "objetivos.csv", "avance.csv", "datapackage.json"}
    assert all(hashlib.sha256((cut / name).read_bytes()).hexdigest() == digest for name, digest in read.items())


def test_entidades_csv_says_every_entity_and_what_the_sector_covers(district):
    inputs, outputs = district
    consolidate_sectors(inputs, outputs, "2024-T3")
    table = rows(outputs / "sectores" / "territorio" / "2024-T3" / "entidades.csv")
    a_plan = next(r for r in rows(outputs / "alcaldia-a" / "2024-T3" / "objetivos.csv") if r["objetivo"] == "plan")
    b_plan = next(r for r in rows(outputs / "alcaldia-b" / "2024-T3" / "objetivos.csv") if r["objetivo"] == "plan")
    assert [r["entidad"] for r in table] == ["alcaldia-a", "alcaldia-b", "sin-datos", "sector"]
    a, b, missing, sector = table
    assert (a["estado"], a["nombre"], a["peso"], a["avance_vigencia"]) == ("publicado", "Alcaldía A", "2", a_plan["avance_vigencia"])
    assert a["semaforo"] == a_plan["semaforo"] and a["semaforo_texto"] == a_plan["semaforo"].capitalize()
    assert missing["estado"] == "sin_corte" and "no hay un corte 2024-T3 publicado" in missing["motivo"]
    expected = (2 * float(a_plan["avance_vigencia"]) + float(b_plan["avance_vigencia"])) / 3
    assert float(sector["avance_vigencia"]) == pytest.approx(expected, abs=1e-6)
    assert sector["motivo"] == "2 de 3 entidades en la vigencia; 2 de 3 en el plan"
    assert int(sector["indicadores"]) == 6 and int(a["indicadores"]) == 3


def test_shared_indicators_are_consolidated_by_their_rule_or_listed(district):
    inputs, outputs = district
    consolidate_sectors(inputs, outputs, "2024-T3")
    table = rows(outputs / "sectores" / "territorio" / "2024-T3" / "indicadores_compartidos.csv")
    sector = {r["indicador"]: r for r in table if r["entidad"] == "sector"}
    # V-1 suma km: A executed 1 + 1,5 + 3 = 5,5 and B 1 + 1,5 + 6 = 8,5 of 10 each.
    assert (sector["V-1"]["regla"], sector["V-1"]["ejecutado_vigencia"], sector["V-1"]["meta_vigencia"]) == ("suma", "14", "20")
    assert float(sector["V-1"]["avance_vigencia"]) == pytest.approx(70.0)
    assert sector["H-1"]["regla"] == "niveles sumados" and sector["H-1"]["consolidado"] == "true"
    assert sector["P-1"]["consolidado"] == "false" and sector["P-1"]["avance_vigencia"] == ""
    assert sector["P-1"]["motivo"] == "unidades distintas (porcentaje en alcaldia-a, numero en alcaldia-b)"
    assert [r["entidad"] for r in table if r["indicador"] == "V-1"] == ["alcaldia-a", "alcaldia-b", "sector"]


def test_a_changed_entity_file_is_not_consolidated_and_says_why(district, tmp_path):
    import shutil

    inputs, outputs = district
    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    avance = copy / "alcaldia-b" / "2024-T3" / "avance.csv"
    avance.write_text(avance.read_text(encoding="utf-8").replace("verde", "rojo"), encoding="utf-8")
    consolidate_sectors(inputs, copy, "2024-T3")
    b = rows(copy / "sectores" / "territorio" / "2024-T3" / "entidades.csv")[1]
    assert b["estado"] == "sin_corte" and "no coincide con su manifest.json" in b["motivo"]


def test_no_sectores_yaml_is_nothing_to_do(tmp_path):
    from tests.conftest import SAMPLE

    assert consolidate_sectors(SAMPLE.parent, tmp_path, "2024-T3") == []


def test_the_district_is_the_mean_of_its_sectors_figures(district):
    inputs, outputs = district
    consolidate_sectors(inputs, outputs, "2024-T3")
    sectors = {s: rows(outputs / "sectores" / s / "2024-T3" / "entidades.csv")[-1] for s in ("territorio", "gestion-publica")}
    table = rows(outputs / "sectores" / "distrito" / "2024-T3" / "entidades.csv")
    assert [r["entidad"] for r in table] == ["territorio", "gestion-publica", "sector"]
    expected = sum(float(r["avance_vigencia"]) for r in sectors.values()) / 2
    assert float(table[-1]["avance_vigencia"]) == pytest.approx(expected, abs=1e-6)
    assert table[-1]["motivo"] == "2 de 2 sectores en la vigencia; 2 de 2 en el plan"
    assert table[-1]["nombre"] == "Distrito de Prueba"
    manifest = manifest_of(outputs / "sectores" / "distrito" / "2024-T3")
    files = {f["path"]: f["sha256"] for f in manifest["entities"][0]["files"]}
    sector_csv = outputs / "sectores" / "territorio" / "2024-T3" / "entidades.csv"
    assert files["entidades.csv"] == hashlib.sha256(sector_csv.read_bytes()).hexdigest()
    html = (outputs / "sectores" / "distrito" / "2024-T3" / "web" / "index.html").read_text(encoding="utf-8")
    assert "<p>Consolida 2 sectores</p>" in html and "Entidad cabeza" not in html


def test_distributed_the_sector_is_copied_to_the_heads_publication_folder_and_the_manifest_says_so(district, tmp_path):
    import shutil

    inputs, outputs = district
    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    consolidate_sectors(inputs, copy, "2024-T3", distribute=True)
    published = tmp_path / "publicacion" / "sectores" / "territorio" / "2024-T3"  # the default folder, beside --output
    folder = copy / "sectores" / "territorio" / "2024-T3"
    names = sorted(p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file())
    assert "sector-territorio-2024-T3.pdf" in names and "web/index.html" in names and "entidades.csv" in names
    assert "manifest.json" not in names  # as an entity's copy: the manifest names the folders and inputs it read
    assert (published / "entidades.csv").read_bytes() == (folder / "entidades.csv").read_bytes()
    record = manifest_of(folder)["distribution"]
    assert record["status"] == "distributed" and record["email"] == {"status": "not_configured"}
    assert record["publication"]["status"] == "copied" and record["publication"]["folder"] == str(published)
    consolidate_sectors(inputs, copy, "2024-T3")  # not distributed: the manifest says so
    assert manifest_of(folder)["distribution"] == {"status": "not_distributed"}


def test_changes_since_the_previous_cut_each_entity_published(tmp_path):
    from tests.sectors import publish_district, write_district

    inputs, outputs = write_district(tmp_path / "inputs"), tmp_path / "outputs"
    publish_district(inputs, outputs, "2024-T2")
    publish_district(inputs, outputs, "2024-T3", skip=("sin-datos", "alcaldia-b"))
    consolidate_sectors(inputs, outputs, "2024-T3")
    folder = outputs / "sectores" / "territorio" / "2024-T3"
    a = rows(folder / "entidades.csv")[0]
    before = next(r for r in rows(outputs / "alcaldia-a" / "2024-T2" / "objetivos.csv") if r["objetivo"] == "plan")
    assert (a["corte_anterior"], a["avance_cuatrienio_anterior"], a["semaforo_anterior"]) == (
        "2024-T2", before["avance_cuatrienio"], before["semaforo"])
    html = (folder / "web" / "index.html").read_text(encoding="utf-8")
    assert "Alcaldía A (frente a 2024-T2): avance 2024 de" in html and "p.\u00a0p.)" in html
    # alcaldia-b published 2024-T2 only: at 2024-T3 it has no cut, and its row compares nothing
    b = rows(folder / "entidades.csv")[1]
    assert b["estado"] == "sin_corte" and b["corte_anterior"] == ""


def test_distributed_the_sector_and_the_district_are_emailed_to_the_heads_recipients_and_recorded(district, tmp_path, smtp_server):
    import shutil

    inputs, outputs = district
    copy_in, copy_out = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(inputs, copy_in)
    shutil.copytree(outputs, copy_out)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n    copia: [jefe@alcaldia-a.gov.co]\n",
        encoding="utf-8")
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    by_subject = {str(message["Subject"]): (envelope, message) for envelope, message in smtp_server.received}
    # territorio's head and the district's (the first sector's head) are alcaldia-a; gestion-publica's sends nothing
    assert sorted(by_subject) == ["Distrito de Prueba: seguimiento consolidado con corte 2024-T3",
                                  "Sector Territorio: seguimiento consolidado con corte 2024-T3"]
    envelope, message = by_subject["Sector Territorio: seguimiento consolidado con corte 2024-T3"]
    assert sorted(envelope.rcpt_tos) == ["jefe@alcaldia-a.gov.co", "planeacion@alcaldia-a.gov.co"]
    attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    folder = copy_out / "sectores" / "territorio" / "2024-T3"
    assert sorted(attached) == ["sector-territorio-2024-T3.pdf", "sector-territorio-2024-T3.pptx"]
    assert attached["sector-territorio-2024-T3.pdf"] == (folder / "sector-territorio-2024-T3.pdf").read_bytes()
    record = manifest_of(folder)["distribution"]
    assert record["status"] == "distributed" and record["publication"]["status"] == "copied"
    assert record["email"]["status"] == "sent" and record["email"]["to"] == ["planeacion@alcaldia-a.gov.co"]
    assert record["email"]["attachments"] == ["sector-territorio-2024-T3.pdf", "sector-territorio-2024-T3.pptx"]
    gestion = manifest_of(copy_out / "sectores" / "gestion-publica" / "2024-T3")["distribution"]
    assert gestion["status"] == "distributed" and gestion["email"] == {"status": "not_configured"}


def test_a_sector_e_mail_that_fails_is_recorded_and_its_files_stay_published(district, tmp_path, smtp_down):
    import shutil

    inputs, outputs = district
    copy_in, copy_out = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(inputs, copy_in)
    shutil.copytree(outputs, copy_out)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n    reintentos: 0\n", encoding="utf-8")
    reports = consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    folder = copy_out / "sectores" / "territorio" / "2024-T3"
    record = manifest_of(folder)["distribution"]
    assert record["status"] == "failed" and record["email"]["status"] == "failed"
    assert f"127.0.0.1:{smtp_down}" in record["email"]["error"] and record["email"]["attempts"] == 1
    assert (folder / "sector-territorio-2024-T3.pdf").is_file() and reports[0].folder == folder


def _district_copy(district, tmp_path):
    import shutil

    inputs, outputs = district
    copy_in, copy_out = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(inputs, copy_in)
    shutil.copytree(outputs, copy_out)
    return copy_in, copy_out


def test_a_sector_s_own_distribucion_is_used_instead_of_its_head_s(district, tmp_path, smtp_server):
    from tests.sectors import SECTORS_YAML

    copy_in, copy_out = _district_copy(district, tmp_path)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n", encoding="utf-8")
    own = SECTORS_YAML.replace("distrito: Distrito de Prueba\n", (
        "distrito: Distrito de Prueba\ndistribucion:\n  carpeta_publicacion: publicacion/distrito\n"
        "  correo:\n    destinatarios: [sdp@distrito.gov.co]\n")).replace("    pesos: {alcaldia-a: 2}\n", (
        "    pesos: {alcaldia-a: 2}\n    distribucion:\n      carpeta_publicacion: publicacion/territorio\n"
        "      correo:\n        destinatarios: [sector@territorio.gov.co]\n"
        "        asunto: \"{entidad}: consolidado {periodo}\"\n"))
    (copy_in / "sectores.yaml").write_text(own, encoding="utf-8")
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    by_subject = {str(message["Subject"]): envelope.rcpt_tos for envelope, message in smtp_server.received}
    assert by_subject == {"Sector Territorio: consolidado 2024-T3": ["sector@territorio.gov.co"],
                          "Distrito de Prueba: seguimiento consolidado con corte 2024-T3": ["sdp@distrito.gov.co"]}
    assert (tmp_path / "publicacion" / "territorio" / "sectores" / "territorio" / "2024-T3" / "entidades.csv").is_file()
    assert (tmp_path / "publicacion" / "distrito" / "sectores" / "distrito" / "2024-T3" / "entidades.csv").is_file()
    assert not (tmp_path / "publicacion" / "sectores" / "territorio").exists()  # not the head's folder
    # gestion-publica has none of its own: its head's (the defaults: publicacion/, no e-mail)
    assert (tmp_path / "publicacion" / "sectores" / "gestion-publica" / "2024-T3" / "entidades.csv").is_file()


def test_a_sector_e_mail_that_failed_is_sent_by_reenviar_once_and_not_again(district, tmp_path, smtp_down, monkeypatch):
    from aiosmtpd.controller import Controller

    from pipeline.runs.consolidation import redeliver_sectors
    from tests.conftest import Inbox

    copy_in, copy_out = _district_copy(district, tmp_path)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n    reintentos: 0\n", encoding="utf-8")
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    folder = copy_out / "sectores" / "territorio" / "2024-T3"
    assert manifest_of(folder)["distribution"]["email"]["status"] == "failed"
    copied_before = manifest_of(folder)["distribution"]["publication"]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_down)  # the server is up again
    controller.start()
    try:
        done, errors = redeliver_sectors(copy_in, copy_out, "2024-T3")
        assert errors == []
        subjects = sorted(str(m["Subject"]) for _, m in inbox.received)
        assert subjects == ["Distrito de Prueba: seguimiento consolidado con corte 2024-T3",
                            "Sector Territorio: seguimiento consolidado con corte 2024-T3"]
        record = manifest_of(folder)["distribution"]
        assert record["status"] == "distributed" and record["email"]["status"] == "sent"
        assert record["publication"] == copied_before  # the copy had succeeded: not repeated
        assert sorted(r.sector for r in done) == ["distrito", "territorio"]
        assert redeliver_sectors(copy_in, copy_out, "2024-T3") == ([], [])  # twice: nothing more
        assert len(inbox.received) == 2
    finally:
        controller.stop()


def test_a_sector_e_mail_still_failing_at_reenviar_is_an_error_with_what_to_do(district, tmp_path, smtp_down):
    from pipeline.runs.consolidation import redeliver_sectors

    copy_in, copy_out = _district_copy(district, tmp_path)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n    reintentos: 0\n", encoding="utf-8")
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    done, errors = redeliver_sectors(copy_in, copy_out, "2024-T3")
    assert done == [] and len(errors) == 2
    assert "Sector Territorio" in str(errors[0]) and "pei-report resend" in str(errors[0])
    assert manifest_of(copy_out / "sectores" / "territorio" / "2024-T3")["distribution"]["status"] == "failed"


def test_a_sector_distribution_a_crash_left_pending_is_completed_by_recovery(district, tmp_path, smtp_server, monkeypatch):
    from pipeline.delivery.publish import update_manifest
    from pipeline.runs import consolidation
    from pipeline.runs.consolidation import redeliver_sectors

    copy_in, copy_out = _district_copy(district, tmp_path)
    (copy_in / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n", encoding="utf-8")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the run dies after publishing, before distributing

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(consolidation, "_distribute", killed)
        consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    folder = copy_out / "sectores" / "territorio" / "2024-T3"
    assert manifest_of(folder)["distribution"] == {"status": "pending"}
    done, errors = redeliver_sectors(copy_in, copy_out)  # recovery: any cut left pending
    assert errors == [] and [r.sector for r in done] == ["territorio"]
    assert [str(m["Subject"]) for _, m in smtp_server.received] == ["Sector Territorio: seguimiento consolidado con corte 2024-T3"]
    assert manifest_of(folder)["distribution"]["status"] == "distributed"
    assert redeliver_sectors(copy_in, copy_out) == ([], [])
    update_manifest(folder, distribution={"status": "failed"})
    assert redeliver_sectors(copy_in, copy_out) == ([], [])  # recovery completes what a crash left, not a failure


def test_a_sector_renamed_in_sectores_yaml_keeps_its_published_pages_listed_as_gone(district, tmp_path):
    from tests.sectors import SECTORS_YAML

    copy_in, copy_out = _district_copy(district, tmp_path)
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    publication = tmp_path / "publicacion"
    old = publication / "sectores" / "territorio" / "2024-T3"
    before = {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file()}
    renamed = SECTORS_YAML.replace("id: territorio\n    nombre: Sector Territorio", "id: territorial\n    nombre: Sector Territorial")
    (copy_in / "sectores.yaml").write_text(renamed, encoding="utf-8")
    consolidate_sectors(copy_in, copy_out, "2024-T3", distribute=True)
    # nothing published is deleted: the old sector's cut, its copy and its outputs stay as they were
    assert {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file()} == before
    assert (copy_out / "sectores" / "territorio" / "2024-T3" / "manifest.json").is_file()
    assert (publication / "sectores" / "territorial" / "2024-T3" / "entidades.csv").is_file()
    html = (publication / "index.html").read_text(encoding="utf-8")
    assert "Sector Territorio (ya no está en sectores.yaml)</h3>" in html
    assert "Sector Territorial</h3>" in html and "Sector Gestión Pública</h3>" in html
    assert "sus reportes publicados se conservan aquí, pero ya no se actualizan" in html
    # listed after the sectors sectores.yaml names now, the district included
    assert html.index("Sector Territorial</h3>") < html.index("Distrito de Prueba</h3>") < html.index("Sector Territorio (ya")
    assert json.loads((publication / "sectores" / "vigentes.json").read_text(encoding="utf-8")) == {
        "sectores": ["territorial", "gestion-publica", "distrito"]}


def test_sectors_drawn_one_per_core_are_the_files_drawn_one_after_another(district, monkeypatch):
    """The sectors' and the district's reports drawn in a process each (`render_pool.draw_each`)
    are those drawn in this process: the same files, byte for byte but for the deck's save times."""
    inputs, outputs = district

    def files():
        found = {}
        for path in sorted((outputs / "sectores").rglob("*")):
            if path.is_file() and path.name != "manifest.json" and "historial" not in path.parts and not path.name.startswith("."):
                content = path.read_bytes()
                if path.suffix == ".pptx":
                    with zipfile.ZipFile(io.BytesIO(content)) as deck:
                        content = b"".join(deck.read(n) for n in sorted(deck.namelist()) if n != "docProps/core.xml"
                                           and not n.endswith(".xlsx"))
                found[path.relative_to(outputs).as_posix()] = content
        return found

    monkeypatch.setenv("PEI_RENDER_PROCESS", "0")
    consolidate_sectors(inputs, outputs, "2024-T3")
    one_after_another = files()
    monkeypatch.setenv("PEI_RENDER_PROCESS", "auto")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    consolidate_sectors(inputs, outputs, "2024-T3")
    assert files() == one_after_another
    assert len([p for p in one_after_another if p.endswith(".pdf")]) == 3  # two sectors and the district
