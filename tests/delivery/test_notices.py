"""pipeline/delivery/notices.py: the e-mail that tells a planning office its deployment run failed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pipeline.errors import DistributionError, InputError
from pipeline.delivery.notices import FailedRun, failure_notice, notice_text, send_failure_notice
from pipeline.core.periods import PeriodError
from pipeline.core.settings import Distribution, Email

OUT_OF_PLAN = PeriodError("El periodo 2026-T4 está fuera del periodo del plan (2020 a 2024): indique un trimestre entre 2020-T1 y 2024-T4.")
SCHEDULED = FailedRun(
    slug="secretaria-general",
    entity="Secretaría General",
    acronym="PEI",
    cut="2026-T4",
    error=OUT_OF_PLAN,
    flow="quarterly_report",
    deployment="quarterly_report/trimestral",
    input_dir="/srv/pei/inputs",
    output_dir="/srv/pei/outputs",
    run_name="sturdy-heron",
    run_url="http://127.0.0.1:4200/runs/flow-run/1234",
    scheduled_for=date(2027, 1, 15),
)
DISTRIBUTION = Distribution(email=Email(to=("jefe@sg.gov.co",), cc=("control@sg.gov.co",)), notices=("planeacion@sg.gov.co",))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_scheduled_run_outside_the_plan_says_entity_cut_reason_and_what_to_do():
    subject, body = notice_text(SCHEDULED)
    assert subject == "PEI Secretaría General: falló el reporte del corte 2026-T4"
    flat = _flat(body)
    assert "del despliegue quarterly_report/trimestral (programada para el 15 de enero de 2027) falló" in flat
    assert "Entidad: Secretaría General (carpeta secretaria-general)" in flat and "Corte: 2026-T4" in flat
    assert f"Motivo: {OUT_OF_PLAN}" in flat
    assert "corrija lo que indica el motivo" in flat
    assert "pei-report run --input /srv/pei/inputs --output /srv/pei/outputs --entity secretaria-general --period 2026-T4" in flat
    assert "despliegue quarterly_report/trimestral, «Run» → «Custom run», con entity = secretaria-general y period = 2026-T4" in flat
    assert "http://127.0.0.1:4200/runs/flow-run/1234" in flat


def test_a_municipality_s_notice_names_its_plan_and_its_entity_not_bogota_s_pei():
    tenjo = replace(SCHEDULED, slug="tenjo", entity="Alcaldía Municipal de Tenjo", acronym="PDM", cut="2024-T3")
    subject, body = notice_text(tenjo)
    assert subject == "PDM Alcaldía Municipal de Tenjo: falló el reporte del corte 2024-T3"
    flat = _flat(body)
    assert "Entidad: Alcaldía Municipal de Tenjo (carpeta tenjo)" in flat and "PEI" not in flat
    assert "--entity tenjo" in flat  # commands still name the folder


def test_a_notice_whose_plan_could_not_be_read_names_the_folder_and_says_so():
    subject, body = notice_text(replace(SCHEDULED, entity=None, acronym=None))
    assert subject == "Carpeta secretaria-general: falló el reporte del corte 2026-T4"
    assert "Entidad: la de la carpeta secretaria-general (su plan no se pudo leer)" in _flat(body)


def test_a_failed_distribution_says_to_resend_and_an_unexpected_error_names_itself():
    _, body = notice_text(replace(SCHEDULED, cut="2024-T3", error=DistributionError("No se pudo conectar."), scheduled_for=None))
    flat = _flat(body)
    assert "(iniciada a pedido)" in flat and "pei-report resend --input /srv/pei/inputs" in flat
    assert "despliegue resend_report/reenviar" in flat and "--period 2024-T3" in flat
    subject, body = notice_text(replace(SCHEDULED, flow="resend_report", deployment="resend_report/reenviar"))
    assert subject == "PEI Secretaría General: falló el reenvío del corte 2026-T4"
    assert "no se completó el reenvío de esta entidad" in _flat(body) and "pei-report resend" in body
    subject, body = notice_text(replace(SCHEDULED, cut=None, error=KeyError("x")))
    flat = _flat(body)
    assert subject == "PEI Secretaría General: falló el reporte"
    assert "Motivo: Falla inesperada: KeyError: 'x'" in flat and "revise el registro de la ejecución" in flat
    assert "--entity secretaria-general o desde" in flat  # no --period: each entity's latest quarter


def test_the_notice_goes_to_avisos_only_and_keeps_braces_in_the_reason():
    run = replace(SCHEDULED, error=InputError.single("/srv/pei/inputs/{sg}/plan.yaml", "«x»", "un número"))
    message = failure_notice(DISTRIBUTION, "pei@sg.gov.co", run)
    assert message["To"] == "planeacion@sg.gov.co" and message["Cc"] is None
    assert "/srv/pei/inputs/{sg}/plan.yaml" in message.get_body(("plain",)).get_content()
    assert not list(message.iter_attachments())


def test_sent_through_the_report_s_smtp_settings(smtp_server):
    sent = send_failure_notice(replace(DISTRIBUTION, notices=()), SCHEDULED)
    assert sent.to == ["jefe@sg.gov.co"] and sent.sender == "pei@sg.gov.co"
    ((envelope, message),) = smtp_server.received
    assert envelope.rcpt_tos == ["jefe@sg.gov.co"]  # the report's recipients, without its copies
    assert message["Subject"] == "PEI Secretaría General: falló el reporte del corte 2026-T4"


def test_no_one_to_notify_is_a_distribution_error():
    with pytest.raises(DistributionError, match="No hay a quién avisar de la falla de secretaria-general"):
        send_failure_notice(Distribution(), SCHEDULED, environ={})


@pytest.mark.parametrize("flow", ["quarterly_report", "resend_report"])
def test_the_command_to_run_again_is_quoted_for_the_shell(flow):
    import shlex

    odd = replace(
        SCHEDULED, flow=flow, slug="mi entidad $(rm -rf ~) 'x'", input_dir="/srv/pei inputs", output_dir="/srv/$HOME/out",
        cut="2024-T3",
    )
    _, body = notice_text(odd)
    command = next(line.strip() for line in body.splitlines() if line.strip().startswith("pei-report "))
    args = shlex.split(command)
    assert args[args.index("--entity") + 1] == "mi entidad $(rm -rf ~) 'x'"
    assert args[args.index("--input") + 1] == "/srv/pei inputs" and args[args.index("--output") + 1] == "/srv/$HOME/out"
    assert args[args.index("--period") + 1] == "2024-T3"
