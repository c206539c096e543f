"""pipeline/app/service.py, flows.deployments and `pei-report serve`: a real Prefect server, the
quarterly schedule in Bogotá time, on-demand runs with parameters, and a scheduled run's cut."""

from __future__ import annotations

import inspect
import shutil
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

import flows
from pipeline.core.periods import last_closed_quarter
from pipeline.runs.run_log import EXPLAINED_END
from pipeline.app.service import ServerError, healthy, prefect_server, server_environment
from tests.app.serving import _api_client, _interrupt, _wait, serving
from tests.conftest import SAMPLE, free_port

BOGOTA = ZoneInfo("America/Bogota")


def test_deployments_schedule_and_parameters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    quarterly, resend = flows.deployments(Path("inputs"), Path("outputs"))
    assert (quarterly.name, resend.name) == ("trimestral", "reenviar")
    assert quarterly.entrypoint == "flows.quarterly_report" and resend.entrypoint == "flows.resend_report"
    (schedule,) = quarterly.schedules
    assert schedule.schedule.cron == "0 6 15 1,4,7,10 *" and schedule.schedule.timezone == "America/Bogota"
    assert not resend.schedules  # on demand only
    # Absolute paths: a run does not depend on the folder its worker happens to run in.
    expected = {"input_dir": str(tmp_path / "inputs"), "output_dir": str(tmp_path / "outputs")}
    assert quarterly.parameters == expected and resend.parameters == expected
    properties = quarterly._parameter_openapi_schema.properties
    assert {"input_dir", "output_dir", "period", "entity", "distribute"} <= set(properties)
    assert {"period", "entity"} <= set(resend._parameter_openapi_schema.properties)


@pytest.mark.parametrize("flow", [flows.quarterly_report, flows.resend_report], ids=lambda f: f.name)
def test_every_deployed_parameter_has_a_spanish_description_for_the_run_form(tmp_path, monkeypatch, flow):
    """Prefect's custom-run form shows each parameter's description (from the flow's "Args:")."""
    monkeypatch.chdir(tmp_path)
    deployment = {d.entrypoint: d for d in flows.deployments(Path("inputs"), Path("outputs"))}[f"flows.{flow.fn.__name__}"]
    names = list(inspect.signature(flow.fn).parameters)
    for properties in (flow.parameters.properties, deployment._parameter_openapi_schema.properties):
        assert set(properties) == set(names)
        for name in names:
            description = properties[name].get("description") or ""
            assert description.startswith(SPANISH_OPENINGS), (name, description)
    assert "2024-T3" in flow.parameters.properties["period"]["description"]


SPANISH_OPENINGS = ("Carpeta", "Corte", "Solo", "Copiar")


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/api"
    assert not healthy(url)
    with pytest.raises(ServerError, match=f"No responde el servidor de Prefect en {url}"):
        with prefect_server(url, 0, tmp_path / "server.log"):
            pass


def test_the_server_is_told_its_port_and_keeps_a_ui_address_set_on_purpose():
    env = server_environment("http://127.0.0.1:4321/api", 4321, {"PREFECT_API_URL": "http://127.0.0.1:4200/api"})
    assert env["PREFECT_SERVER_API_PORT"] == "4321" and env["PREFECT_UI_API_URL"] == "http://127.0.0.1:4321/api"
    behind_a_proxy = {"PREFECT_UI_API_URL": "https://pei.example/api"}
    assert server_environment("http://127.0.0.1:4321/api", 4321, behind_a_proxy)["PREFECT_UI_API_URL"] == "https://pei.example/api"


# --- a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_inbox():
    """A real SMTP server on loopback for the served runs: (its port, what it received)."""
    from aiosmtpd.controller import Controller

    from tests.conftest import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory, served_inbox):
    """`pei-report serve` started as a user starts it: its own server on a free port, the
    environment naming an SMTP server, and the entity's failure notices going to avisos."""
    root = tmp_path_factory.mktemp("served")
    inputs = root / "inputs"
    entity = inputs / "secretaria-general"
    import shutil

    shutil.copytree(SAMPLE, entity)
    # The plan must cover the cut of the next scheduled run, whatever day the tests run.
    year = last_closed_quarter(datetime.now(BOGOTA).date()).year + 2
    plan = entity / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("vigencia: 2024", f"vigencia: {year}").replace("[2020, 2024]", f"[2020, {year}]"), encoding="utf-8")
    with (entity / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write("distribucion:\n  avisos: [planeacion@sg.gov.co]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    # Quicker loops than a production server needs, so the test does not wait a minute for them.
    env.update(PREFECT_HOME=str(root / "prefect-home"), PREFECT_RUNNER_POLL_FREQUENCY="1",
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")
    env.update(PEI_SMTP_HOST="127.0.0.1", PEI_SMTP_PORT=str(served_inbox[0]), PEI_SMTP_TYPE="INSECURE",
               PEI_SMTP_FROM="pei@sg.gov.co")
    with serving(root, inputs, env) as (api, deployment):
        yield api, deployment, root
    assert not healthy(str(api.base_url).rstrip("/")), "the server it started stops with it"


def _runs(api: httpx.Client, deployment_id: str) -> list[dict]:
    response = api.post("/flow_runs/filter", json={"deployments": {"id": {"any_": [deployment_id]}}, "limit": 50})
    response.raise_for_status()
    return response.json()


def _finished(api: httpx.Client, run_id: str) -> dict | None:
    run = api.get(f"/flow_runs/{run_id}").json()
    return run if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


@pytest.mark.server
def test_the_ui_reaches_the_api_on_the_port_given(served):
    api, _, _ = served
    # The UI asks /ui-settings where its API is; `prefect server start --port N` alone answers
    # port 4200, and the UI then shows "Can't connect to Server API".
    response = api.get(str(api.base_url).removesuffix("/api/") + "/ui-settings")
    response.raise_for_status()
    assert response.json()["api_url"] == str(api.base_url).rstrip("/")


@pytest.mark.server
def test_the_server_schedules_quarterly_runs_at_six_in_bogota(served):
    api, deployment, _ = served
    (schedule,) = deployment["schedules"]
    assert schedule["schedule"]["cron"] == "0 6 15 1,4,7,10 *" and schedule["schedule"]["timezone"] == "America/Bogota"
    runs = _wait(lambda: [r for r in _runs(api, deployment["id"]) if r["auto_scheduled"]], 60, "scheduled runs")
    for run in runs:
        local = datetime.fromisoformat(run["expected_start_time"]).astimezone(BOGOTA)
        assert (local.day, local.hour, local.minute) == (15, 6, 0) and local.month in (1, 4, 7, 10)
        assert run["parameters"].get("period") is None


def _deployment_run(api: httpx.Client, *parameters: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_API_URL"] = str(api.base_url).rstrip("/")
    command = [str(Path(sys.executable).with_name("prefect")), "deployment", "run", "quarterly_report/trimestral"]
    for parameter in parameters:
        command += ["-p", parameter]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.server
def test_on_demand_run_with_entity_and_period(served):
    api, deployment, root = served
    started = _deployment_run(api, "period=2024-T2", "entity=secretaria-general")
    assert started.returncode == 0, started.stdout + started.stderr
    run = next(r for r in _runs(api, deployment["id"]) if r["parameters"].get("period") == "2024-T2")
    finished = _wait(lambda: _finished(api, run["id"]), 240, "the on-demand run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    folder = root / "outputs" / "secretaria-general" / "2024-T2"
    assert (folder / "manifest.json").exists() and (folder / "PEI-secretaria-general-2024-T2.pdf").exists()


def _log_lines(api: httpx.Client, run_id: str) -> list[str]:
    response = api.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200})
    response.raise_for_status()
    return [log["message"] for log in response.json()]


@pytest.mark.server
def test_a_failed_deployment_run_shows_its_spanish_message_and_tells_the_planning_office(served, served_inbox):
    api, deployment, root = served
    _, inbox = served_inbox
    started = _deployment_run(api, "period=2019-T4", "entity=secretaria-general")
    assert started.returncode == 0, started.stdout + started.stderr
    run = next(r for r in _runs(api, deployment["id"]) if r["parameters"].get("period") == "2019-T4")
    finished = _wait(lambda: _finished(api, run["id"]), 240, "the failing run")
    assert finished["state"]["type"] == "FAILED", finished["state"]
    assert finished["state"]["message"].startswith("El periodo 2019-T4 está fuera del periodo del plan (2020 a ")

    def engine_done() -> list[str] | None:
        # The engine re-raises the run's error in its process and logs it after the run failed.
        lines = _log_lines(api, run["id"])
        return lines if any(line.startswith(EXPLAINED_END) for line in lines) else None

    logs = _wait(engine_done, 60, "the engine's last log line")
    assert not [line for line in logs if "Traceback" in line], "\n".join(logs)
    assert any(line.startswith(EXPLAINED_END) and "El periodo 2019-T4" in line for line in logs)
    assert not [line for line in logs if "Engine execution exited" in line]

    ((envelope, message),) = _wait(lambda: inbox.received, 30, "the failure notice")
    assert envelope.rcpt_tos == ["planeacion@sg.gov.co"]
    assert message["Subject"] == "PEI Secretaría General de la Alcaldía Mayor de Bogotá: falló el reporte del corte 2019-T4"
    body = " ".join(message.get_body(("plain",)).get_content().split())
    assert "Entidad: Secretaría General de la Alcaldía Mayor de Bogotá (carpeta secretaria-general) Corte: 2019-T4 Motivo: El periodo 2019-T4 está fuera del periodo del plan" in body
    assert "despliegue quarterly_report/trimestral (iniciada a pedido)" in body
    assert f"pei-report run --input {root / 'inputs'} --output {root / 'outputs'} --entity secretaria-general --period 2019-T4" in body
    assert f"/runs/flow-run/{run['id']}" in body


@pytest.mark.server
def test_a_scheduled_run_without_period_reports_the_last_quarter_closed_before_its_date(served):
    api, deployment, root = served
    waiting = _wait(
        lambda: [r for r in _runs(api, deployment["id"]) if r["auto_scheduled"] and r["state"]["type"] == "SCHEDULED"],
        60, "scheduled runs",
    )  # created by the server's scheduler, also when this test runs alone
    scheduled = min(waiting, key=lambda r: r["expected_start_time"])
    day = datetime.fromisoformat(scheduled["expected_start_time"]).astimezone(BOGOTA).date()
    cut = last_closed_quarter(day)
    # Bring the run forward to now: it keeps its scheduled date, which decides its cut.
    now = datetime.now(timezone.utc).isoformat()
    response = api.post(
        f"/flow_runs/{scheduled['id']}/set_state",
        json={"state": {"type": "SCHEDULED", "state_details": {"scheduled_time": now}}, "force": True},
    )
    response.raise_for_status()
    finished = _wait(lambda: _finished(api, scheduled["id"]), 240, "the scheduled run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    assert (root / "outputs" / "secretaria-general" / str(cut) / "manifest.json").exists()


# --- hostile use of the served API: folders, recipients, authentication, CORS ----------------


def _create_run(api: httpx.Client, deployment: dict, **parameters) -> dict:
    """A run of `deployment` with `parameters`, as anyone who reaches the API can ask for one."""
    for _ in range(10):  # a busy SQLite answers 503, which Prefect's own clients retry too
        response = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": parameters})
        if response.status_code != 503:
            break
        time.sleep(1)
    response.raise_for_status()
    return response.json()


def _files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.server
def test_a_deployment_run_pointed_outside_serve_s_folders_writes_nothing_and_sends_nothing(
    served, served_inbox, tmp_path_factory
):
    api, deployment, root = served
    _, inbox = served_inbox
    # A cut published the ordinary way (the deployment's own folders), which a resend could e-mail.
    legit = _create_run(api, deployment, period="2024-T2", entity="secretaria-general", distribute=False)
    finished = _wait(lambda: _finished(api, legit["id"]), 240, "the ordinary run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    assert (root / "outputs" / "secretaria-general" / "2024-T2" / "manifest.json").exists()
    received = len(inbox.received)
    served_files = _files_under(root)

    elsewhere = tmp_path_factory.mktemp("elsewhere")
    # Somebody else's input folder: a copy of the plan and a configuracion.yaml naming an outsider.
    fake = elsewhere / "inputs" / "secretaria-general"
    fake.mkdir(parents=True)
    (fake / "plan.yaml").write_bytes((root / "inputs" / "secretaria-general" / "plan.yaml").read_bytes())
    (fake / "configuracion.yaml").write_text(
        "distribucion:\n  avisos: [externo@otro.example]\n  correo:\n    destinatarios: [externo@otro.example]\n"
        "    reintentos: 0\n",
        encoding="utf-8",
    )
    planted = _files_under(elsewhere)
    resend = api.get("/deployments/name/resend_report/reenviar").json()
    attempts = [
        (_create_run(api, deployment, output_dir=str(elsewhere / "outputs"), period="2024-T2"), "output_dir"),
        (_create_run(api, deployment, output_dir="outputs-relativo", period="2024-T2"), "output_dir"),
        (_create_run(api, deployment, input_dir=str(elsewhere / "inputs"), period="2024-T2"), "input_dir"),
        (_create_run(api, resend, input_dir=str(elsewhere / "inputs"), period="2024-T2"), "input_dir"),
    ]
    for run, parameter in attempts:
        finished = _wait(lambda: _finished(api, run["id"]), 240, f"the run with another {parameter}")
        assert finished["state"]["type"] == "FAILED", finished["state"]
        message = finished["state"]["message"]
        assert f"(parámetro {parameter})" in message and "No se leyó ni se escribió nada." in message, message
        # Its failure notice goes to no one a folder outside the service names.
        _wait(lambda: any("No se avisó por correo de la falla" in line for line in _log_lines(api, run["id"])), 60,
              "the failure hook's line")
    assert _files_under(elsewhere) == planted  # no cut, no publication copy, nothing else
    assert {p for p in _files_under(root) - served_files if not p.startswith("prefect-home")} == set()
    assert not (root / "outputs-relativo").exists()
    assert len(inbox.received) == received  # neither the reports nor a notice went to the outsider


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """`pei-report serve` with PREFECT_SERVER_API_AUTH_STRING set, as docs/ti/servicio.md's «Seguridad» says."""
    root = tmp_path_factory.mktemp("guarded")
    inputs = root / "inputs"
    import shutil

    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(root / "prefect-home"), PREFECT_RUNNER_POLL_FREQUENCY="1",
               PREFECT_SERVER_API_AUTH_STRING="planeacion:clave-larga")
    # serve's own client registers the deployments: it sends the auth string
    with serving(root, inputs, env, auth=("planeacion", "clave-larga")) as (api, deployment):
        yield api, deployment, root


@pytest.mark.server
def test_with_an_auth_string_unauthenticated_calls_are_refused_and_served_runs_authenticate(guarded):
    api, deployment, _ = guarded
    base = str(api.base_url).rstrip("/")
    anonymous = httpx.Client(base_url=base, timeout=10)
    try:
        assert anonymous.get("/deployments/name/quarterly_report/trimestral").status_code == 401
        assert anonymous.post("/flow_runs/filter", json={}).status_code in (401, 403)
        refused = anonymous.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": {}})
        assert refused.status_code in (401, 403)
        wrong = httpx.get(f"{base}/deployments/name/quarterly_report/trimestral", auth=("planeacion", "otra"), timeout=10)
        assert wrong.status_code == 401
        settings = anonymous.get(base.removesuffix("/api") + "/ui-settings").json()
        assert settings["auth"] == "BASIC" and settings["csrf_enabled"] is True
    finally:
        anonymous.close()
    assert not [r for r in _runs(api, deployment["id"]) if not r["auto_scheduled"]]  # nobody got one started
    # A run the runner starts talks to the API with the auth string too: it ends with its own message.
    run = _create_run(api, deployment, period="2019-T4")
    finished = _wait(lambda: _finished(api, run["id"]), 240, "the authenticated run")
    assert finished["state"]["type"] == "FAILED" and finished["state"]["message"].startswith("El periodo 2019-T4")


@pytest.mark.server
def test_a_cross_origin_request_is_not_answered_with_a_wildcard(guarded):
    api, _, _ = guarded
    base = str(api.base_url).rstrip("/")
    own = base.removesuffix("/api")
    for origin, allowed in (("https://sitio-cualquiera.example", None), (own, own)):
        simple = httpx.get(f"{base}/health", headers={"Origin": origin}, timeout=10)
        assert simple.headers.get("access-control-allow-origin") == allowed, (origin, dict(simple.headers))
        preflight = httpx.options(
            f"{base}/deployments/filter",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization,content-type"},
            timeout=10,
        )
        assert preflight.headers.get("access-control-allow-origin") == allowed, (origin, dict(preflight.headers))


# --- a serve killed with its run: the run is marked crashed, its distribution completed -------


def _state(api: httpx.Client, run_id: str) -> dict:
    return api.get(f"/flow_runs/{run_id}").json()["state"]


def _heartbeats(api: httpx.Client, run_id: str) -> list[dict]:
    response = api.post(
        "/events/filter",
        json={"filter": {"event": {"name": ["prefect.flow-run.heartbeat"]}, "resource": {"id": [f"prefect.flow-run.{run_id}"]}}},
    )
    response.raise_for_status()
    return response.json()["events"]


def _automations(api: httpx.Client, name: str) -> list[dict]:
    response = api.post("/automations/filter", json={})
    response.raise_for_status()
    return [a for a in response.json() if a["name"] == name]


@pytest.mark.server
def test_a_run_killed_with_serve_is_marked_crashed_and_the_next_serve_completes_its_distribution_and_tells_the_office(tmp_path):
    import json
    import shutil

    from aiosmtpd.controller import Controller

    from pipeline.app.crashes import AUTOMATION_NAME
    from tests.conftest import Inbox

    inputs, out, publication = tmp_path / "inputs", tmp_path / "outputs", tmp_path / "publicados"
    entity = inputs / "secretaria-general"
    shutil.copytree(SAMPLE, entity)
    with (entity / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            # beside the output folder: an entity's own file names it relative to there
            f"distribucion:\n  carpeta_publicacion: {publication.name}\n  correo:\n"
            "    destinatarios: [planeacion@sg.gov.co]\n    reintentos: 0\n"
        )
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    # The server's trigger service acts on a silent run 5 s after the automation's window
    # instead of 60: a test of minutes becomes one of a minute and a half.
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER="PT5S")
    port = free_port()
    with prefect_server(None, port, tmp_path / "server.log", env=env) as url:
        api = httpx.Client(base_url=url, timeout=30)
        # Prefect's shortest heartbeat period (30 s), and a run silent for 40 s is crashed.
        serve_env = {**env, "PREFECT_API_URL": url, "PREFECT_RUNNER_POLL_FREQUENCY": "1",
                     "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30", "PEI_CRASH_AFTER_SECONDS": "40",
                     "PEI_SMTP_HOST": "127.0.0.1", "PEI_SMTP_PORT": str(smtp.port), "PEI_SMTP_TYPE": "INSECURE",
                     "PEI_SMTP_FROM": "pei@sg.gov.co"}
        command = [str(Path(sys.executable).with_name("pei-report")), "serve", "--input", str(inputs),
                   "--output", str(out), "--api-url", url]

        def start_serve(log_name: str) -> subprocess.Popen:
            with open(tmp_path / log_name, "wb") as log:
                return subprocess.Popen(command, cwd=tmp_path, env=serve_env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

        serve = start_serve("serve-1.log")
        try:
            deployment = _wait(
                lambda: (r := api.get("/deployments/name/quarterly_report/trimestral")).status_code == 200 and r.json(),
                90, "the deployment", serve,
            )
            (automation,) = _automations(api, AUTOMATION_NAME)
            assert automation["trigger"]["posture"] == "Proactive" and automation["trigger"]["within"] == 40
            assert automation["actions"][0]["state"] == "CRASHED"

            inbox.delay = 600  # the e-mail hangs: serve is killed while the run sends it
            started = _deployment_run(api, "period=2024-T3", "entity=secretaria-general")
            assert started.returncode == 0, started.stdout + started.stderr
            run = next(r for r in _runs(api, deployment["id"]) if r["parameters"].get("period") == "2024-T3")
            folder = out / "secretaria-general" / "2024-T3"

            def distributing() -> bool:
                manifest = folder / "manifest.json"
                return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8"))["distribution"]["status"] == "pending"

            _wait(distributing, 240, "the run to publish and start distributing", serve)
            assert _wait(lambda: _heartbeats(api, run["id"]), 20, "the run's heartbeat")
            os.killpg(serve.pid, signal.SIGKILL)  # serve and the run's process: no one left to report
            serve.wait()
            assert _state(api, run["id"])["type"] == "RUNNING"

            crashed = _wait(lambda: (s := _state(api, run["id"]))["type"] == "CRASHED" and s, 120, "the run to be marked crashed")
            assert crashed["message"].startswith("La ejecución dejó de dar señales de vida durante 40 s")

            # Started again, serve completes the distribution the kill interrupted, and finds its
            # automation in place (updated, not duplicated).
            inbox.delay = 0
            serve = start_serve("serve-2.log")
            _wait(lambda: not distributing() and (folder / "manifest.json").exists(), 120, "the completed distribution", serve)
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["distribution"]["status"] == "distributed", manifest["distribution"]
            published = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                         if p.is_file() and p.name != "manifest.json"}
            copies = publication / "secretaria-general" / "2024-T3"
            assert {p.relative_to(copies).as_posix(): p.read_bytes() for p in copies.rglob("*") if p.is_file()} == published
            # and tells the office the run crashed, which no runner saw: once, however often it looks
            notice = "PEI Secretaría General de la Alcaldía Mayor de Bogotá: falló el reporte del corte 2024-T3"
            _wait(lambda: any(m["Subject"] == notice for _, m in inbox.received), 90, "the crash notice", serve)
            time.sleep(35)  # two more looks of serve's watch
            subjects = sorted(m["Subject"] for _, m in inbox.received)
            assert subjects == sorted([notice, "PEI Secretaría General de la Alcaldía Mayor de Bogotá: seguimiento con corte 2024-T3"])
            (body,) = [" ".join(m.get_body(("plain",)).get_content().split()) for _, m in inbox.received if m["Subject"] == notice]
            assert "dejó de dar señales de vida durante 40 s" in body and "Corte: 2024-T3" in body
            assert len(_automations(api, AUTOMATION_NAME)) == 1
        finally:
            _interrupt(serve)
            api.close()
            smtp.stop()


# --- a server never outlives the command that started it ------------------------------------


def _descendants(pid: int) -> list[int]:
    """Every living process below `pid`, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        out += children
        todo += children
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _port_of(pids: list[int]) -> int | None:
    for pid in pids:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in args:
            return int(args[args.index(b"--port") + 1])
    return None


def _killed_leaves_no_server(command: list[str], tmp_path: Path, signum: int = signal.SIGKILL) -> float:
    """Start `command`, wait until its Prefect server answers, kill the command alone with
    `signum`; the server's processes must all end and its port stop answering. Returns the
    seconds that took."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    with open(tmp_path / "command.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    server: list[int] = []
    try:
        def serving():
            pids = _descendants(process.pid)
            port = _port_of(pids)
            return (pids, port) if port and healthy(f"http://127.0.0.1:{port}/api") else None

        server, port = _wait(serving, 120, "the server", process)
        os.kill(process.pid, signum)
        process.wait(timeout=30)
        started = time.monotonic()
        _wait(lambda: not any(_alive(p) for p in server) and not healthy(f"http://127.0.0.1:{port}/api", 0.5),
              30, "the server to stop")
        return time.monotonic() - started
    finally:
        for pid in [process.pid, *server]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_embedded_server_goes_when_the_run_is_killed(tmp_path):
    exe = str(Path(sys.executable).with_name("pei-report"))
    _killed_leaves_no_server([exe, "run", "--input", str(SAMPLE), "--output", str(tmp_path / "o")], tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_served_server_goes_when_serve_is_killed(tmp_path):
    exe = str(Path(sys.executable).with_name("pei-report"))
    command = [exe, "serve", "--input", str(SAMPLE.parent), "--output", str(tmp_path / "o"), "--port", str(free_port())]
    _killed_leaves_no_server(command, tmp_path)


@pytest.mark.server
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["systemctl-stop", "ctrl-c"])
def test_stopping_serve_prints_no_python_warning(tmp_path, signum):
    """systemd stops a service with SIGTERM, a user with Ctrl+C: either way serve says nothing
    of Prefect's insides («coroutine 'Runner.astop' was never awaited»)."""
    shutil.copytree(SAMPLE, tmp_path / "inputs" / "secretaria-general")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_RUNNER_POLL_FREQUENCY="1")
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("pei-report")), "serve", "--input", str(tmp_path / "inputs"),
             "--output", str(tmp_path / "outputs"), "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            _wait(lambda: healthy(f"http://127.0.0.1:{port}/api"), 120, "the server", process)
            api = _api_client(f"http://127.0.0.1:{port}/api")
            try:
                _wait(lambda: api.get("/deployments/name/resend_report/reenviar").status_code == 200, 60, "the deployments", process)
            finally:
                api.close()
            time.sleep(3)  # the runner is polling
            (os.killpg if signum == signal.SIGINT else os.kill)(process.pid, signum)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert "never awaited" not in output and "Traceback" not in output and "Warning" not in output, output
    assert process.returncode in (0, 128 + signum, -signum), output
