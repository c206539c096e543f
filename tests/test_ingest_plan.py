"""pipeline/ingest/plan.py: the sample plan, and every way plan.yaml can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest import load_plan
from pipeline.model import Annualization, Unit

from tests.conftest import SAMPLE

SEED = Path(__file__).parent / "fixtures" / "seed_pei_2024.txt"  # copy of shared/seed


def test_sample_plan_holds_the_seed(sample_plan):
    assert sample_plan.entity == "Secretaría General de la Alcaldía Mayor de Bogotá"
    assert sample_plan.title == "Plan Estratégico Institucional"
    assert (sample_plan.vigencia, sample_plan.period) == (2024, (2020, 2024))
    assert len(sample_plan.objectives) == 8
    assert [len(o.indicator_ids) for o in sample_plan.objectives] == [2, 2, 2, 2, 2, 1, 2, 1]
    assert len(sample_plan.indicators) == 13
    i545 = sample_plan.indicators["IS-545"]
    assert (i545.plan_target, i545.year_target) == (23_669_955, 4_155_036)
    assert i545.annualization is Annualization.SUMA and i545.unit is Unit.NUMERO
    assert sample_plan.indicators["IG-07-02"].annualization is Annualization.CONSTANTE
    assert all(i.baseline is None for i in sample_plan.indicators.values())  # all "sin línea base"


def _seed_text() -> str:
    return " ".join(SEED.read_text(encoding="utf-8").split())


def test_every_plan_text_appears_in_the_seed_verbatim(sample_plan):
    seed = _seed_text()
    texts = [
        sample_plan.entity, sample_plan.normative_basis, sample_plan.mission, sample_plan.vision,
        sample_plan.normative_source,
    ]
    texts += [o.text for o in sample_plan.objectives] + [o.detail_text for o in sample_plan.objectives]
    texts += [o.table_heading for o in sample_plan.objectives]
    texts += [i.name for i in sample_plan.indicators.values()]
    texts += [i.label for i in sample_plan.indicators.values()]
    for text in texts:
        assert " ".join(text.split()) in seed, text


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _sample() -> str:
    return (SAMPLE / "plan.yaml").read_text(encoding="utf-8")


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _error(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        load_plan(folder)
    return str(info.value)


def test_missing_plan(tmp_path):
    message = _error(tmp_path)
    assert str(tmp_path / "plan.yaml") in message
    assert "que el archivo no existe" in message


def test_yaml_syntax_error_names_its_line(tmp_path):
    text = _sample().replace("vigencia: 2024", "vigencia: [2024")
    message = _error(_write(tmp_path, text))
    assert "error de sintaxis YAML" in message
    assert f"línea {_line_of(text, 'vigencia: [2024') + 1}" in message or f"línea {_line_of(text, 'vigencia: [2024')}" in message


def test_unknown_annualization(tmp_path):
    text = _sample().replace("    anualizacion: suma\n", "    anualizacion: sumatoria\n", 1)
    message = _error(_write(tmp_path, text))
    line = _line_of(text, "anualizacion: sumatoria")
    assert f"línea {line}" in message
    assert "«sumatoria»" in message
    assert "suma, creciente, decreciente o constante" in message


def test_decreciente_without_baseline(tmp_path):
    text = _sample().replace("    anualizacion: creciente\n    linea_base: null\n", "    anualizacion: decreciente\n    linea_base: null\n", 1)
    message = _error(_write(tmp_path, text))
    assert "decreciente «IS-321» sin línea base" in message
    assert f"línea {_line_of(text, 'anualizacion: decreciente') + 1}" in message


def test_objective_names_undefined_indicator(tmp_path):
    text = _sample().replace("indicadores: [IS-513, IS-514]", "indicadores: [IS-513, IS-999]")
    message = _error(_write(tmp_path, text))
    assert "«IS-999»" in message and "objetivo 4" in message and "no está definido" in message
    assert f"línea {_line_of(text, 'IS-999')}" in message


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("meta_vigencia: 12", "meta_vigencia: -12", "mayor o igual que 0"),
        ("meta_vigencia: 12", "meta_vigencia: doce", "un número en «indicadores[3] (id IS-543).meta_vigencia»"),
        ("    unidad: numero\n", "    unidad: pesos\n", "porcentaje o numero"),
        ("vigencia: 2024", "vigencia: 2026", "un año del periodo del plan (2020 a 2024)"),
        ("  - id: IS-552", "  - id: IS-554", "el id «IS-554» repetido"),
        ("    meta_vigencia: 25\n", "    meta_vigencia: 25\n    meta_vigecia: 3\n", "campo desconocido «indicadores[6] (id IS-513).meta_vigecia»"),
        ("    meta_vigencia: 25\n", "", "que falta el campo «indicadores[6] (id IS-513).meta_vigencia»"),
        ("metas_trimestrales: [0, 0, 0.5, 0.5]", "metas_trimestrales: [0, 0.5, 0.5]", "3 elementos"),
        ("metas_trimestrales: [0, 0, 0.5, 0.5]", "metas_trimestrales: [0, 0, 0, 0]", "suma mayor que 0"),
    ],
)
def test_other_invalid_plans(tmp_path, old, new, fragment):
    text = _sample()
    assert old in text
    message = _error(_write(tmp_path, text.replace(old, new, 1)))
    assert str(tmp_path / "plan.yaml") in message
    assert "línea" in message
    assert fragment in message, message


def test_spanish_formatted_targets_are_read(tmp_path):
    text = _sample().replace("meta_cuatrienio: 23669955", 'meta_cuatrienio: "23.669.955"')
    plan = load_plan(_write(tmp_path, text))
    assert plan.indicators["IS-545"].plan_target == 23_669_955


def test_weights_must_name_the_objectives_indicators(tmp_path):
    text = _sample().replace("indicadores: [IS-545, IS-546]", "indicadores: [IS-545, IS-546]\n    pesos: {IS-545: 2}")
    message = _error(_write(tmp_path, text))
    assert "un peso para cada indicador del objetivo (IS-545, IS-546)" in message
    ok = _sample().replace("indicadores: [IS-545, IS-546]", "indicadores: [IS-545, IS-546]\n    pesos: {IS-545: 3, IS-546: 1}")
    plan = load_plan(_write(tmp_path, ok))
    assert plan.objectives[4].weights == (3.0, 1.0)
