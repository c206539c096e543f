"""Generate synthetic entities for the benchmarks: plan.yaml and seguimiento.csv per entity.

    python benchmarks/make_inputs.py OUT --entities 60 --indicators 13
    python benchmarks/make_inputs.py OUT --entities 1 --indicators 500 --slug plan-500

Seed-sized entities copy the sample's texts (8 objectives, 13 indicators); larger plans keep ten
indicators per objective, so a report grows in proportion to its indicators. Every
annualization type appears, with and without baseline, with quarterly execution for the
vigencia up to T3 and closing values for the earlier years. The figures are random but
repeatable (one seed per entity).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PLAN = ROOT / "inputs" / "secretaria-general" / "plan.yaml"
VIGENCIA, FIRST = 2024, 2020
TYPES = ("suma", "creciente", "decreciente", "constante")
PER_OBJECTIVE = 10

WORDS = (
    "fortalecer la gestión pública distrital mediante estrategias de innovación, transparencia y "
    "participación ciudadana con enfoque territorial y diferencial en las localidades de Bogotá"
).split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _indicator(rng: random.Random, number: int) -> tuple[dict, list[tuple]]:
    kind = TYPES[number % len(TYPES)]
    ident = f"IND-{number:04d}"
    percent = kind != "suma" or number % 3 == 0
    indicator = {
        "id": ident,
        "etiqueta": f"Indicador {number}",
        "nombre": _sentence(rng, rng.randint(12, 30)),
        "anualizacion": kind,
        "linea_base": None,
        "unidad": "porcentaje" if percent else "numero",
    }
    rows: list[tuple] = []
    if kind == "suma":
        year_target = rng.randint(10, 25) if percent else rng.randint(1_000, 5_000_000)
        indicator.update(meta_cuatrienio=year_target * 5, meta_vigencia=year_target)
        for year in range(FIRST, VIGENCIA):
            rows.append((ident, year, 4, round(year_target * rng.uniform(0.8, 1.1), 2)))
        for quarter in (1, 2, 3):
            rows.append((ident, VIGENCIA, quarter, round(year_target / 4 * rng.uniform(0.3, 1.4), 2)))
    elif kind == "creciente":
        indicator.update(meta_cuatrienio=100, meta_vigencia=20)
        level = 0.0
        for year in range(FIRST, VIGENCIA):
            level = min(80.0, level + rng.uniform(15, 21))
            rows.append((ident, year, 4, round(level, 2)))
        for quarter in (1, 2, 3):
            level = min(100.0, level + rng.uniform(1, 6))
            rows.append((ident, VIGENCIA, quarter, round(level, 2)))
    elif kind == "decreciente":
        indicator.update(linea_base=60, meta_cuatrienio=20, meta_vigencia=28)
        level = 60.0
        for year in range(FIRST, VIGENCIA):
            level = max(28.0, level - rng.uniform(5, 8))
            rows.append((ident, year, 4, round(level, 2)))
        for quarter in (1, 2, 3):
            level = max(20.0, level - rng.uniform(0.5, 2.5))
            rows.append((ident, VIGENCIA, quarter, round(level, 2)))
    else:
        indicator.update(meta_cuatrienio=100, meta_vigencia=100)
        for year in range(FIRST, VIGENCIA):
            rows.append((ident, year, 4, round(rng.uniform(85, 100), 2)))
        for quarter in (1, 2, 3):
            rows.append((ident, VIGENCIA, quarter, round(rng.uniform(60, 100), 2)))
    return indicator, rows


def make_entity(folder: Path, indicators: int, seed: int) -> None:
    """Write one entity folder with `indicators` indicators."""
    rng = random.Random(seed)
    yaml = YAML()
    sample = yaml.load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    plan_indicators, rows = [], []
    for number in range(1, indicators + 1):
        indicator, indicator_rows = _indicator(rng, number)
        plan_indicators.append(indicator)
        rows += indicator_rows
    count = 8 if indicators <= 15 else -(-indicators // PER_OBJECTIVE)
    ids = [i["id"] for i in plan_indicators]
    objectives = []
    for n in range(count):
        members = ids[n::count] if indicators <= 15 else ids[n * PER_OBJECTIVE : (n + 1) * PER_OBJECTIVE]
        members = members or [ids[n % len(ids)]]  # fewer indicators than objectives: share one
        objectives.append({"id": n + 1, "texto": _sentence(rng, rng.randint(14, 28)), "indicadores": members})
    plan = {
        "entidad": f"Entidad sintética {folder.name}",
        "titulo": "Plan Estratégico Institucional",
        "vigencia": VIGENCIA,
        "periodo_plan": [FIRST, VIGENCIA],
        **{key: str(sample[key]) for key in ("normatividad", "fuente_normatividad", "mision", "vision")},
        "objetivos": objectives,
        "indicadores": plan_indicators,
    }
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(plan, handle)
    for index in rng.sample(range(len(rows)), k=min(len(rows), max(3, indicators // 4))):
        rows[index] = (*rows[index], _sentence(rng, rng.randint(8, 20)))
    with (folder / "seguimiento.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicador", "anio", "trimestre", "valor", "comentario"])
        for row in rows:
            writer.writerow(row if len(row) == 5 else (*row, ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder that receives one folder per entity")
    parser.add_argument("--entities", type=int, default=1)
    parser.add_argument("--indicators", type=int, default=13)
    parser.add_argument("--slug", default="entidad", help="entity folders are SLUG-01, SLUG-02 ... (or SLUG for one)")
    args = parser.parse_args()
    for n in range(1, args.entities + 1):
        name = args.slug if args.entities == 1 else f"{args.slug}-{n:02d}"
        make_entity(args.out / name, args.indicators, seed=n * 1000 + args.indicators)
    print(f"{args.entities} entidades de {args.indicators} indicadores en {args.out}")


if __name__ == "__main__":
    main()
