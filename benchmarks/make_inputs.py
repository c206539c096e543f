"""Generate synthetic entities for the benchmarks: plan.yaml and seguimiento.csv per entity.

    python benchmarks/make_inputs.py OUT --entities 60 --indicators 13
    python benchmarks/make_inputs.py OUT --entities 1 --indicators 500 --slug plan-500
    python benchmarks/make_inputs.py OUT --pdm --indicators 300 --slug pdm-300
    python benchmarks/make_inputs.py OUT --pdm --indicators 173 --sizes 30,143 --slug pdm-grande

Seed-sized entities copy the sample's texts (8 objectives, 13 indicators); larger plans keep ten
indicators per objective, so a report grows in proportion to its indicators. Every
annualization type appears, with and without baseline, with quarterly execution for the
vigencia up to T3 and closing values for the earlier years. The figures are random but
repeatable (one seed per entity).

`--pdm` writes a municipal development plan (PDM 2024-2027, vigencia 2025) shaped like a real
Plan Indicativo: five ejes with weights, ten indicators per objective, objectives weighted within
their eje, units km, hectáreas, porcentaje, numero and pesos, creciente/decreciente targets as
levels (`metas_como: nivel`), maintenance targets held all year (`[6, 6, 6, 6]`), quarterly
targets per year, responsables, and execution for 2024 and 2025 up to T3.

`--sizes 30,143` groups the indicators into objectives of those sizes instead (real plans have
objectives of 78 and 143 metas); the sizes must add up to `--indicators`.

`--district` writes a district instead (issue 22): `--sectors` sectors (default 15) of
`--entities` entities each (default 4), each entity of 20 to 300 indicators (spread evenly, in a
repeatable order), and sectores.yaml with its heads and weights. Every entity numbers its
indicators from IND-0001 with the same annualization and unit for the same number, so the
entities of a sector share their first indicators (at least 20): the sector's shared indicators.

    python benchmarks/make_inputs.py OUT --district --sectors 15 --entities 4
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Sequence
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


def _groups(ids: list[str], sizes: Sequence[int]) -> list[list[str]]:
    """`ids` cut into consecutive groups of `sizes`."""
    if sum(sizes) != len(ids) or any(n < 1 for n in sizes):
        raise ValueError(f"objective sizes {list(sizes)} do not add up to {len(ids)} indicators")
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    return [ids[start : start + n] for start, n in zip(starts, sizes)]


def make_entity(folder: Path, indicators: int, seed: int, sizes: Sequence[int] | None = None) -> None:
    """Write one entity folder with `indicators` indicators (grouped into objectives of `sizes`)."""
    rng = random.Random(seed)
    sample = YAML().load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    plan_indicators, rows = [], []
    for number in range(1, indicators + 1):
        indicator, indicator_rows = _indicator(rng, number)
        plan_indicators.append(indicator)
        rows += indicator_rows
    count = 8 if indicators <= 15 else -(-indicators // PER_OBJECTIVE)
    ids = [i["id"] for i in plan_indicators]
    objectives = []
    groups = _groups(ids, sizes) if sizes else None
    for n in range(len(groups) if groups else count):
        if groups:
            members = groups[n]
        else:
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
    _write(folder, plan, rows, rng, indicators)


def _write(folder: Path, plan: dict, rows: list[tuple], rng: random.Random, indicators: int) -> None:
    """plan.yaml and seguimiento.csv, with comments on about a quarter of the rows."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(plan, handle)
    for index in rng.sample(range(len(rows)), k=min(len(rows), max(3, indicators // 4))):
        rows[index] = (*rows[index], _sentence(rng, rng.randint(8, 20)))
    with (folder / "seguimiento.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicador", "anio", "trimestre", "valor", "comentario"])
        for row in rows:
            writer.writerow(row if len(row) == 5 else (*row, ""))


PDM_FIRST, PDM_VIGENCIA, PDM_LAST = 2024, 2025, 2027
PDM_UNITS = ("km", "hectáreas", "porcentaje", "numero", "pesos")
PDM_EJES = ("Tenjo con bienestar", "Tenjo productivo", "Tenjo sostenible", "Tenjo seguro", "Tenjo con buen gobierno")
DEPENDENCIES = ("Secretaría de Infraestructura", "Secretaría de Ambiente", "Secretaría de Salud",
                "Secretaría de Hacienda", "Secretaría de Gobierno")


def _pdm_indicator(rng: random.Random, number: int) -> tuple[dict, list[tuple]]:
    """One meta of the PDM and its execution (2024 closed, 2025 up to T3)."""
    kind = TYPES[number % len(TYPES)]
    unit = PDM_UNITS[number % len(PDM_UNITS)]
    ident = f"MP-{number:03d}"
    indicator: dict = {
        "id": ident,
        "nombre": _sentence(rng, rng.randint(10, 24)),
        "anualizacion": kind,
        "unidad": unit,
        "responsable": DEPENDENCIES[number % len(DEPENDENCIES)],
    }
    rows: list[tuple] = []
    scale = {"pesos": 1_000_000, "numero": 10, "km": 1, "hectáreas": 5, "porcentaje": 1}[unit]
    if kind == "suma":
        t24, t25 = rng.randint(2, 10) * 10 * scale, rng.randint(2, 10) * 10 * scale
        indicator.update(
            meta_cuatrienio=t24 + t25 * 3, meta_vigencia=t25, metas_anuales={2024: t24},
            metas_trimestrales={2024: [round(t24 * f, 2) for f in (0.1, 0.2, 0.3, 0.4)], 2025: [round(t25 / 4, 2)] * 4},
        )
        rows += [(ident, 2024, q, round(t24 * f * rng.uniform(0.7, 1.2), 2)) for q, f in zip((1, 2, 3, 4), (0.1, 0.2, 0.3, 0.4))]
        rows += [(ident, 2025, q, round(t25 / 4 * rng.uniform(0.3, 1.4), 2)) for q in (1, 2, 3)]
    elif kind == "creciente":
        base = rng.randint(10, 30) * (scale if unit != "porcentaje" else 1)
        step = 5 * (scale if unit != "porcentaje" else 1)
        indicator.update(
            linea_base=base, metas_como="nivel", meta_cuatrienio=base + 4 * step,
            metas_anuales={2024: base + step}, meta_vigencia=base + 2 * step,
            metas_trimestrales={2025: [round(step * f, 2) for f in (0.1, 0.2, 0.3, 0.4)]},
        )
        level = base + step * rng.uniform(0.7, 1.1)
        rows.append((ident, 2024, 4, round(level, 2)))
        for q in (1, 2, 3):
            level += step * rng.uniform(-0.05, 0.4)  # now and then a level falls: flagged
            rows.append((ident, 2025, q, round(level, 2)))
    elif kind == "decreciente":
        base = 60 * (scale if unit != "porcentaje" else 1)
        step = 5 * (scale if unit != "porcentaje" else 1)
        indicator.update(
            linea_base=base, metas_como="nivel", meta_cuatrienio=base - 4 * step,
            metas_anuales={2024: base - step}, meta_vigencia=base - 2 * step,
        )
        level = base - step * rng.uniform(0.7, 1.1)
        rows.append((ident, 2024, 4, round(level, 2)))
        for q in (1, 2, 3):
            level -= step * rng.uniform(0.0, 0.4)
            rows.append((ident, 2025, q, round(level, 2)))
    else:  # maintenance: a level held all year
        held = rng.randint(3, 12) * (scale if unit != "porcentaje" else 5)
        indicator.update(
            meta_cuatrienio=held, meta_vigencia=held, metas_anuales={2024: held},
            metas_trimestrales={2024: [held] * 4, 2025: [held] * 4},
        )
        rows.append((ident, 2024, 4, held))
        rows += [(ident, 2025, q, round(held * rng.uniform(0.6, 1.0), 2)) for q in (1, 2, 3)]
    return indicator, rows


def make_pdm(folder: Path, indicators: int = 300, seed: int = 300, sizes: Sequence[int] | None = None) -> None:
    """Write one municipality's PDM (plan.yaml with ejes) and its seguimiento.csv (objectives of
    ten indicators, or of `sizes`)."""
    rng = random.Random(seed)
    sample = YAML().load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    plan_indicators, rows = [], []
    for number in range(1, indicators + 1):
        indicator, indicator_rows = _pdm_indicator(rng, number)
        plan_indicators.append(indicator)
        rows += indicator_rows
    ids = [i["id"] for i in plan_indicators]
    count = -(-indicators // PER_OBJECTIVE)
    groups = _groups(ids, sizes) if sizes else [ids[n * PER_OBJECTIVE : (n + 1) * PER_OBJECTIVE] for n in range(count)]
    objectives = [
        {"id": n + 1, "texto": _sentence(rng, rng.randint(10, 22)), "indicadores": members, "peso": rng.choice([1, 1, 2, 3])}
        for n, members in enumerate(groups)
    ]
    ejes = [
        {"id": f"E{k + 1}", "nombre": f"Eje {k + 1}. {name}", "peso": [0.3, 0.2, 0.2, 0.15, 0.15][k],
         "objetivos": [o["id"] for o in objectives[k :: len(PDM_EJES)]]}
        for k, name in enumerate(PDM_EJES)
    ]
    plan = {
        "entidad": f"Alcaldía sintética {folder.name}",
        "titulo": "Plan de Desarrollo Municipal",
        "vigencia": PDM_VIGENCIA,
        "periodo_plan": [PDM_FIRST, PDM_LAST],
        **{key: str(sample[key]) for key in ("normatividad", "fuente_normatividad", "mision", "vision")},
        "ejes": [e for e in ejes if e["objetivos"]],
        "objetivos": objectives,
        "indicadores": plan_indicators,
    }
    _write(folder, plan, rows, rng, indicators)


DISTRICT_SMALLEST, DISTRICT_LARGEST = 20, 300


def make_district(out: Path, sectors: int = 15, per_sector: int = 4, seed: int = 22,
                  smallest: int = DISTRICT_SMALLEST, largest: int = DISTRICT_LARGEST) -> list[int]:
    """Write `sectors` × `per_sector` entity folders and sectores.yaml under `out`; the entities'
    sizes (indicators), in folder order."""
    rng = random.Random(seed)
    total = sectors * per_sector
    sizes = [round(smallest + (largest - smallest) * k / max(1, total - 1)) for k in range(total)]
    rng.shuffle(sizes)
    lines = ["distrito: Distrito sintético", "sectores:"]
    for s in range(sectors):
        slugs = [f"sector-{s + 1:02d}-entidad-{e + 1}" for e in range(per_sector)]
        for e, slug in enumerate(slugs):
            make_entity(out / slug, sizes[s * per_sector + e], seed=seed * 1000 + s * per_sector + e)
        weights = ", ".join(f"{slug}: {rng.choice([1, 1, 2, 3])}" for slug in slugs)
        lines += [
            f"  - id: sector-{s + 1:02d}",
            f"    nombre: Sector sintético {s + 1}",
            f"    cabeza: {slugs[0]}",
            f"    entidades: [{', '.join(slugs)}]",
            f"    pesos: {{{weights}}}",
        ]
    (out / "sectores.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder that receives one folder per entity")
    parser.add_argument("--entities", type=int, default=1)
    parser.add_argument("--indicators", type=int, default=13)
    parser.add_argument("--slug", default="entidad", help="entity folders are SLUG-01, SLUG-02 ... (or SLUG for one)")
    parser.add_argument("--pdm", action="store_true", help="a municipal PDM with ejes, units, levels and quarterly targets")
    parser.add_argument("--sizes", help="objective sizes, e.g. 30,143 (they add up to --indicators)")
    parser.add_argument("--district", action="store_true", help="a district: --sectors sectors of --entities entities and sectores.yaml")
    parser.add_argument("--sectors", type=int, default=15)
    args = parser.parse_args()
    if args.district:
        per_sector = args.entities if args.entities > 1 else 4
        sizes = make_district(args.out, args.sectors, per_sector)
        print(f"{args.sectors} sectores, {len(sizes)} entidades de {min(sizes)} a {max(sizes)} indicadores en {args.out}")
        return
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else None
    for n in range(1, args.entities + 1):
        name = args.slug if args.entities == 1 else f"{args.slug}-{n:02d}"
        make = make_pdm if args.pdm else make_entity
        make(args.out / name, args.indicators, seed=n * 1000 + args.indicators, sizes=sizes)
    print(f"{args.entities} entidades de {args.indicators} indicadores en {args.out}")


if __name__ == "__main__":
    main()
