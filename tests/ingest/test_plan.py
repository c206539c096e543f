"""pipeline/ingest/plan.py: the sample plan, and every way plan.yaml can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest import load_plan
from pipeline.core.model import Annualization, Unit

from tests.conftest import SAMPLE

SEED = Path(__file__).parents[1] / "fixtures" / "seed_pei_2024.txt"  # the text of the original PEI 2024 presentation


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


def test_mistyped_field_names_are_told_what_they_are_close_to(tmp_path):
    text = _sample().replace("    meta_vigencia: 25\n", "    meta_vigecia: 25\n", 1).replace("titulo:", "titlo:", 1)
    message = _error(_write(tmp_path, text))
    assert "¿Quiso decir «meta_vigencia»?" in message
    assert "¿Quiso decir «titulo»?" in message


def test_mistyped_ids_are_told_what_they_are_close_to(tmp_path):
    text = _sample().replace("indicadores: [IS-513, IS-514]", "indicadores: [IS-513, IS514]")
    text = text.replace("objetivos:\n", EJES.replace("objetivos: [5, 6, 7, 8]", "objetivos: [5, 6, 7, 80]"), 1)
    message = _error(_write(tmp_path, text))
    assert "«IS514» en el objetivo 4" in message and "¿Quiso decir «IS-514»?" in message
    assert "el objetivo 80 en el eje «E2»" in message and "¿Quiso decir «8»?" in message


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("meta_vigencia: 12", "meta_vigencia: -12", "mayor o igual que 0"),
        ("meta_vigencia: 12", "meta_vigencia: doce", "un número en «indicadores[3] (id IS-543).meta_vigencia»"),
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


def test_a_missing_field_says_what_is_expected_rather_than_repeating_what_was_found(tmp_path):
    message = _error(_write(tmp_path, _sample().replace("    meta_vigencia: 25\n", "", 1)))
    found, expected = message.split("se encontró ", 1)[1].split("; se esperaba ", 1)
    assert found == "que falta el campo «indicadores[6] (id IS-513).meta_vigencia»"
    assert expected.startswith("«meta_vigencia», un campo que todo indicador debe tener"), expected


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


# --- units: porcentaje, numero or any unit text ---------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [("porcentaje", "porcentaje"), ("Porcentaje", "porcentaje"), (" PORCENTAJE ", "porcentaje"), ("%", "porcentaje"),
     ("numero", "numero"), ("Número", "numero"), ("km", "km"), (" km ", "km"), ("m²", "m²"),
     ("hectáreas", "hectáreas"), ("pesos", "pesos"), ("días  hábiles", "días hábiles")],
)
def test_units_are_any_unit_text(tmp_path, written, expected):
    text = _sample().replace("    unidad: numero\n", f"    unidad: '{written}'\n", 1)
    plan = load_plan(_write(tmp_path, text))
    unit = plan.indicators["IS-514"].unit  # the first `unidad: numero`
    assert unit == Unit(expected) and unit.name == expected
    assert (unit is Unit.PORCENTAJE) == (expected == "porcentaje")  # execution.py's `is` check keeps working
    assert (unit is Unit.NUMERO) == (expected == "numero")


def test_a_unit_cannot_be_empty(tmp_path):
    message = _error(_write(tmp_path, _sample().replace("    unidad: numero\n", "    unidad: ' '\n", 1)))
    assert "una unidad: porcentaje, numero o la unidad de medida" in message


def test_a_percentage_unit_written_otherwise_keeps_the_100_limit(tmp_path):
    from pipeline.ingest import load_execution

    text = _sample().replace("    unidad: porcentaje\n", "    unidad: Porcentaje\n")
    folder = _write(tmp_path, text)
    plan = load_plan(folder)
    ind = next(i for i in plan.indicators.values() if i.unit is Unit.PORCENTAJE)
    (folder / "seguimiento.csv").write_text(
        f"indicador,anio,trimestre,valor\n{ind.id},2024,1,150\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        load_execution(folder, plan)
    assert "150" in str(info.value)


# --- real plans: quarterly targets, targets as levels, ejes and weights ----------------------

IS_545 = "    meta_vigencia: 4155036\n"  # suma, the one indicator of objective 5 made here


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = _sample()
    assert old in text, old
    return _write(tmp_path, text.replace(old, new, 1))


def test_quarterly_targets_that_do_not_add_up_to_the_year_are_rejected(tmp_path):
    # 100 per quarter against 10 a year would silently show 1 000 %
    folder = _with(tmp_path, "    meta_vigencia: 12\n", "    meta_vigencia: 10\n    metas_trimestrales: [100, 100, 100, 100]\n")
    message = _error(folder)
    assert "«IS-543»" in message and "metas trimestrales de 2024 que suman 400" in message
    assert "que sumen la meta de 2024 (10)" in message
    assert f"línea {_line_of((folder / 'plan.yaml').read_text(encoding='utf-8'), 'metas_trimestrales: [100')}" in message


def test_quarterly_targets_within_half_a_percent_are_accepted(tmp_path):
    plan = load_plan(_with(tmp_path, "    meta_vigencia: 12\n", "    meta_vigencia: 12\n    metas_trimestrales: [3, 3, 3, 3.05]\n"))
    assert plan.indicators["IS-543"].quarterly_for(2024) == (3, 3, 3, 3.05)


def test_constante_quarterly_targets_end_at_the_years_target(tmp_path):
    text = _sample()
    block = text[text.index("  - id: IG-07-02"):]
    target = next(line for line in block.splitlines() if line.startswith("    meta_vigencia:"))
    value = target.split(":")[1].strip()
    message = _error(_with(tmp_path, f"{target}\n  - id: IG-08-01", f"{target}\n    metas_trimestrales: [1, 1, 1, 1]\n  - id: IG-08-01"))
    assert "constante «IG-07-02»" in message and f"igual a la meta del año ({value})" in message
    ok = load_plan(_with(tmp_path, f"{target}\n  - id: IG-08-01", f"{target}\n    metas_trimestrales: [{value}, {value}, {value}, {value}]\n  - id: IG-08-01"))
    assert ok.indicators["IG-07-02"].quarterly_for(2024) == (float(value),) * 4


def test_quarterly_targets_per_year(tmp_path):
    new = "    meta_vigencia: 12\n    metas_anuales: {2023: 8}\n    metas_trimestrales: {2023: [2, 2, 2, 2], 2024: [0, 6, 6, 0]}\n"
    plan = load_plan(_with(tmp_path, "    meta_vigencia: 12\n", new))
    assert plan.indicators["IS-543"].quarterly_targets == {2023: (2, 2, 2, 2), 2024: (0, 6, 6, 0)}
    message = _error(_with(tmp_path, "    meta_vigencia: 12\n", "    meta_vigencia: 12\n    metas_trimestrales: {2022: [1, 1, 1, 1]}\n"))
    assert "metas trimestrales de 2022 del indicador «IS-543», que no tiene meta para 2022" in message
    message = _error(_with(tmp_path, "    meta_vigencia: 12\n", "    meta_vigencia: 12\n    metas_trimestrales: {2024: [3, 3, 3]}\n"))
    assert "3 elementos" in message and "metas_trimestrales" in message


def test_targets_as_levels_need_the_year_before(tmp_path):
    base = "    anualizacion: creciente\n    linea_base: null\n"
    message = _error(_with(tmp_path, base, base + "    metas_como: nivel\n    metas_trimestrales: [1, 2, 3, 4]\n"))
    assert "la meta de 2024 del indicador «IS-321» escrita como nivel" in message
    assert "sin el nivel meta de 2023" in message
    assert "que no tiene meta para 2024" not in message  # the quarterly targets are not blamed too
    message = _error(_with(tmp_path, base, base + "    metas_como: nivel\n    metas_anuales: {2022: 80, 2023: 90}\n"))
    assert "la meta de 2022 del indicador «IS-321» escrita como nivel" in message  # 2021 is missing
    levels = "    metas_como: Nivel\n    metas_anuales: {2020: 60, 2021: 70, 2022: 80, 2023: 90}\n"
    text = _sample().replace(base, base + levels, 1).replace("    meta_vigencia: 10\n", "    meta_vigencia: 100\n", 1)
    ind = load_plan(_write(tmp_path, text)).indicators["IS-321"]
    assert ind.year_target == 100 and ind.target_for_year(2024, 2024, 2020) == 10
    assert ind.target_for_year(2020, 2024, 2020) == 60  # from 0: no baseline
    message = _error(_with(tmp_path, base, base + levels.replace("90}", "120}")))
    assert "un nivel meta de 2024 (10) menor que el del año anterior en el indicador creciente «IS-321»" in message


EJES = """ejes:
  - id: E1
    nombre: "Eje 1. Gestión"
    peso: 3
    objetivos: [1, 2, 3, 4]
  - id: E2
    nombre: "Eje 2. Ciudadanía"
    objetivos: [5, 6, 7, 8]
objetivos:
"""


def test_ejes_and_weights_are_read(tmp_path):
    text = _sample().replace("objetivos:\n", EJES, 1).replace("agregacion", "x")
    text = text.replace("indicadores: [IS-545, IS-546]", "indicadores: [IS-545, IS-546]\n    peso: 2", 1)
    plan = load_plan(_write(tmp_path, "agregacion: indicadores\n" + text))
    assert [(a.id, a.name, a.weight, a.objective_ids) for a in plan.axes] == [
        ("E1", "Eje 1. Gestión", 3.0, (1, 2, 3, 4)), ("E2", "Eje 2. Ciudadanía", 1.0, (5, 6, 7, 8))]
    assert [o.weight for o in plan.objectives] == [1, 1, 1, 1, 2, 1, 1, 1]
    assert plan.aggregation.value == "indicadores"


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("objetivos: [5, 6, 7, 8]", "objetivos: [5, 6, 7]", ["el objetivo 8, que no está en ningún eje"]),
        ("objetivos: [5, 6, 7, 8]", "objetivos: [4, 5, 6, 7, 8]", ["el objetivo 4 en el eje «E2», que ya está en el eje «E1»", "cada objetivo en un solo eje"]),
        ("objetivos: [5, 6, 7, 8]", "objetivos: [5, 6, 7, 8, 9]", ["el objetivo 9 en el eje «E2», que no está definido"]),
        ("  - id: E2", "  - id: E1", ["el id «E1» repetido", "un id distinto para cada eje"]),
        ("    peso: 3\n", "    peso: 0\n", ["un número mayor que 0"]),
        ("    peso: 3\n", "    peso: -1\n", ["un número mayor que 0"]),
    ],
)
def test_invalid_ejes_are_named_with_their_line(tmp_path, old, new, fragments):
    text = _sample().replace("objetivos:\n", EJES, 1)
    assert old in text
    text = text.replace(old, new, 1)
    message = _error(_write(tmp_path, text))
    for fragment in fragments:
        assert fragment in message, message
    assert "línea" in message


def test_responsable_is_read(tmp_path):
    plan = load_plan(_with(tmp_path, "    meta_vigencia: 12\n", "    meta_vigencia: 12\n    responsable: Secretaría de Infraestructura\n"))
    assert plan.indicators["IS-543"].responsible == "Secretaría de Infraestructura"
    assert plan.indicators["IS-545"].responsible is None


def test_porcentaje_targets_that_look_like_fractions_are_warned(tmp_path):
    """A PDM written from a spreadsheet keeps 25 % as 0,25: every attainment would be 100 x too large."""
    from pipeline.ingest import load_inputs
    from tests.messy_workbook import write_entity

    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "    meta_cuatrienio: 100\n    meta_vigencia: 20\n", "    meta_cuatrienio: 1\n    meta_vigencia: 0.25\n"), encoding="utf-8")
    warnings = load_inputs(folder).warnings
    fractions = [w for w in warnings if "«C-03»" in w.found]
    assert len(fractions) == 1 and "1, 0,25" in fractions[0].found and fractions[0].file == plan


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("entidad: Secretaría General de la Alcaldía Mayor de Bogotá", 'entidad: "Secretaría General\\nBcc: x@y.co"'),
        ("entidad: Secretaría General de la Alcaldía Mayor de Bogotá", "entidad: |\n  Secretaría\n  General"),
        ("titulo: Plan Estratégico Institucional", 'titulo: "Plan\\u0007 Estratégico"'),
        ("titulo: Plan Estratégico Institucional", 'titulo: "Plan\\u2028Estratégico"'),
    ],
)
def test_entity_name_and_title_are_single_line(tmp_path, old, new):
    message = _error(_with(tmp_path, old, new))
    assert f"línea {_line_of(_sample(), old.split(':')[0] + ':')}" in message
    assert "una sola línea" in message and "\n" not in message.split(": ", 1)[1]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"])
def test_an_invisible_character_in_a_plan_id_is_named_with_its_position(tmp_path, invisible):
    escaped = f"\\u{ord(invisible):04x}"
    message = _error(_with(tmp_path, "  - id: IS-321\n", f'  - id: "IS-{escaped}321"\n'))
    assert f"línea {_line_of(_sample(), '  - id: IS-321')}" in message
    assert "invisible" in message and "posición 4" in message and f"U+{ord(invisible):04X}" in message
    assert "«IS-321»" in message and invisible not in message


def test_characters_the_font_cannot_draw_are_warned_about_with_field_and_line(tmp_path):
    from pipeline.ingest.plan import read_plan

    assert read_plan(SAMPLE)[1] == ()
    folder = _with(tmp_path, "    etiqueta: Indicador sectorial 321\n", "    etiqueta: Indicador 321 😀 中文\n")
    plan, warnings = read_plan(folder)
    assert plan.indicators["IS-321"].label == "Indicador 321 😀 中文"  # a warning, not an error
    (warning,) = warnings
    assert warning.file == folder / "plan.yaml" and warning.row == _line_of(_sample(), "etiqueta: Indicador sectorial 321")
    assert "indicadores[1] (id IS-321).etiqueta" in warning.found
    assert "«😀» (U+1F600)" in warning.found and "«中» (U+4E2D)" in warning.found and "Open Sans" in warning.found
    assert warning.sentence().startswith("se encontraron 3 caracteres")


# --- limits: a plan that is too large, or grows when read, is refused before it is expanded ----


def billion_laughs(levels: int = 9) -> str:
    """The YAML bomb: each level lists the one above ten times, 10**levels strings in all."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_bomb_is_refused_before_it_expands(tmp_path):
    message = _error(_write(tmp_path, _sample() + billion_laughs()))
    assert str(tmp_path / "plan.yaml") in message
    assert "alias" in message and "200.000" in message, message  # what was found, and the limit


def test_too_many_aliases_are_refused(tmp_path):
    text = _sample() + "base: &b x\nusos: [" + ", ".join(["*b"] * 1001) + "]\n"
    message = _error(_write(tmp_path, text))
    assert "más de 1.000 usos de alias" in message and "a lo sumo 1.000" in message, message


def test_nesting_too_deep_is_refused(tmp_path):
    message = _error(_write(tmp_path, _sample() + "hondo: " + "[" * 150 + "]" * 150 + "\n"))
    assert "anidamiento" in message and "a lo sumo 100 niveles" in message, message


def test_a_plan_too_large_is_refused_unread(tmp_path):
    text = _sample() + "# " + "x" * (2 * 1024 * 1024) + "\n"
    message = _error(_write(tmp_path, text))
    assert "un archivo de 2 MB" in message and "a lo sumo 2 MB" in message, message
    assert "PEI_MAX_YAML_BYTES" in message


def test_the_yaml_limits_can_be_raised_from_the_environment(tmp_path, monkeypatch):
    text = _sample() + "base: &b x\nusos: [" + ", ".join(["*b"] * 1001) + "]\n"
    monkeypatch.setenv("PEI_MAX_YAML_ALIASES", "2000")
    assert "campo desconocido «base»" in _error(_write(tmp_path, text))


def test_field_and_cross_reference_problems_are_listed_in_one_pass(tmp_path):
    text = _sample().replace("    anualizacion: suma\n", "    anualizacion: sumas\n", 1)  # IS-543's field
    text = text.replace("indicadores: [IS-513, IS-514]", "indicadores: [IS-513, IS514]")
    text = text.replace("objetivos:\n", EJES.replace("objetivos: [5, 6, 7, 8]", "objetivos: [5, 6, 7, 80]"), 1)
    text = text.replace("vigencia: 2024", "vigencia: 2026", 1)
    message = _error(_write(tmp_path, text))
    assert "«sumas»" in message
    assert "«IS514» en el objetivo 4" in message and "¿Quiso decir «IS-514»?" in message
    assert "el objetivo 80 en el eje «E2», que no está definido" in message
    assert "un año del periodo del plan (2020 a 2024)" in message
    # IS-543 is wrong in one field, yet defined: the objectives naming it are not told otherwise.
    assert "«IS-543» en el objetivo" not in message
    assert "el objetivo 8, que no está en ningún eje" in message  # what the 80 leaves, as for a valid plan
    assert message.count("\n  - ") == 5, message  # not the vigencia's targets: they wait for the vigencia


def test_what_cannot_be_cross_checked_is_not_guessed(tmp_path):
    # An indicator without a valid id, an eje whose objective list is wrong: what depends on them waits.
    text = _sample().replace("  - id: IS-513\n", "  - id: ''\n", 1)
    text = text.replace("objetivos:\n", EJES.replace("objetivos: [5, 6, 7, 8]", "objetivos: cinco"), 1)
    message = _error(_write(tmp_path, text))
    assert "IS-513» en el objetivo" not in message  # it may be the indicator whose id is empty
    assert "que no está en ningún eje" not in message  # they may be in the eje whose list is wrong
    assert message.count("\n  - ") == 2, message


# --- the plan's sigla -------------------------------------------------------------------------


def _pdm_folder(tmp_path: Path, **fields) -> Path:
    """A municipality's PDM (Alcaldía Municipal de Tenjo) with `fields` added to plan.yaml."""
    from ruamel.yaml import YAML

    from tests.plans import pdm

    data = pdm(2024) | {"entidad": "Alcaldía Municipal de Tenjo"} | fields
    tmp_path.mkdir(parents=True)
    with (tmp_path / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(data, handle)
    return tmp_path


def test_a_plan_s_acronym_is_its_sigla_else_the_initials_of_its_title(tmp_path, sample_plan):
    assert sample_plan.acronym == "PEI" and sample_plan.given_acronym is None
    assert load_plan(_pdm_folder(tmp_path / "a")).acronym == "PDM"
    given = load_plan(_pdm_folder(tmp_path / "b", sigla="PDM-Tenjo"))
    assert given.acronym == "PDM-Tenjo" and given.given_acronym == "PDM-Tenjo"


@pytest.mark.parametrize("sigla", ["PDM/Tenjo", "P D M", ".PDM", "PDM:2024", "X" * 31])
def test_a_sigla_that_cannot_go_in_a_file_name_is_refused_with_its_line(tmp_path, sigla):
    folder = _pdm_folder(tmp_path / "p", sigla=sigla)
    with pytest.raises(InputError) as info:
        load_plan(folder)
    message = str(info.value)
    assert "sigla" in message and "una sigla de letras, números, «-» o «_»" in message and "Traceback" not in message
