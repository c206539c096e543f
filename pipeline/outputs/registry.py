"""The outputs of a cut, declared once: what each is called, what it is, whether it is
distributed and how it is rendered.

`OUTPUTS` lists them in publication order (the order of the manifest and of the files the
command prints); `manifest.json` is not one of them: `pipeline.delivery.publish` writes it about them.
The flow renders every output in the list (`render_order`), publishes them, and distributes
those that are `distributed`; the manifest records each file with the `key` of the output that
made it, so a resend knows what to distribute without guessing from file names; the tests and
the list of files in docs/referencia/resultados.md read this list.

Adding an output is one entry here, its renderer (a module, and a template if it has one) and
its tests: see docs/architecture.md «Add an output».

An output is one file, or a folder of files (`folder="web"`): its renderer then returns
`Artifact`s whose names are paths under that folder (`web/index.html`, `web/estilo.css`), one
of them its `file_name`. A folder output is copied to the publication folder as a whole and is
never attached to the e-mail (`emailed`); only the deck and the PDF are.

Nothing here imports Prefect: `flows.report_entity` runs each output's `render` as a task
named `step` (or as a plain function in a batch).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.core.attainment import PlanResult
from pipeline.report.changes import Comparison, cambios_table
from pipeline.outputs.datapackage import DATAPACKAGE_FILE, datapackage_bytes
from pipeline.core.model import Plan
from pipeline.core.periods import Cut
from pipeline.outputs.artifacts import MANIFEST_FILE, Artifact, csv_bytes, relative_path
from pipeline.outputs.pdf import render_pdf
from pipeline.outputs.deck import render_deck
from pipeline.outputs.web import INDEX, LINKS, render_web
from pipeline.report.slides import Report
from pipeline.core.settings import Settings
from pipeline.report.tables import avance_table, objetivos_table, serie_table
from pipeline.outputs.tables_xlsx import TABLES_XLSX, tables_workbook

__all__ = [
    "Output",
    "Rendering",
    "Deliverables",
    "OUTPUTS",
    "PPTX",
    "PDF",
    "CSV",
    "XLSX",
    "output",
    "cut_tables",
    "render_order",
    "deliverables",
]

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
HTML = "text/html"

FileName = Callable[[Settings, str, Cut, Plan], str]
"""An output's path in its cut's folder, from the entity's settings, its slug, the cut and its
plan (whose sigla and title a configured name may use)."""


@dataclass(frozen=True)
class Rendering:
    """Everything an output is drawn from: one entity's computed cut.

    `tables` holds the tables as data frames (`avance`, `objetivos`, `cambios`, `serie`), before they are CSV;
    `rendered` holds the artifacts of the outputs this one `needs`, by key, already rendered
    (the PDF attaches avance.csv's very bytes; a data package describes the CSV files as
    written). `document` is the report's document model (`pipeline.report.document.Document`:
    sections, figures, tables, charts' data and alt text, decided once), which `report` lays
    out as slides and an output without pagination (the web page) draws from directly; None
    only where a caller has none to give (tests of renderers that do not read it).
    """

    slug: str
    cut: Cut
    settings: Settings
    plan: Plan
    result: PlanResult
    report: Report
    tables: Mapping[str, pd.DataFrame]
    document: Any = None
    rendered: Mapping[str, tuple[Artifact, ...]] = field(default_factory=dict)

    def content(self, key: str) -> bytes:
        """The bytes of the one file an output this one needs rendered."""
        (artifact,) = self.rendered[key]
        return artifact.content


@dataclass(frozen=True)
class Output:
    """One output of a cut.

    Invariants (checked by tests/outputs/test_registry.py): keys and file names are distinct across
    `OUTPUTS`; `needs` names outputs of the list, without cycles; a `folder` output's file name
    is inside its folder, and a single-file output's has no folder.

    - `key`: its identifier in the manifest's records and in other outputs' `needs`.
    - `file_name(settings, slug, cut, plan)`: its path inside the cut's folder; for a folder output,
      the main file (`web/index.html`).
    - `media_type`: of that file.
    - `render(rendering)`: the file's bytes, or, for a folder output, its `Artifact`s (paths
      under `folder`, the main file among them).
    - `step`: the name of its Prefect task, shown in the UI (Spanish).
    - `description_es`: what it is, for people (Spanish).
    - `distributed`: copied to the publication folder (the web page links to the published
      CSVs and data package, so they are distributed too).
    - `attached`: attached to the distribution e-mail as well (single files only: the deck and
      the PDF; a folder or the data files are not).
    - `folder`: for an output of several files, the sub-folder of the cut that holds them all.
    - `needs`: keys of the outputs whose artifacts `render` reads (`Rendering.rendered`).
    """

    key: str
    file_name: FileName
    media_type: str
    render: Callable[[Rendering], bytes | Sequence[Artifact]]
    step: str
    description_es: str
    distributed: bool = False
    folder: str | None = None
    needs: tuple[str, ...] = ()
    attached: bool = False

    @property
    def emailed(self) -> bool:
        """Attached to the distribution e-mail: a distributed single file declared `attached`."""
        return self.distributed and self.attached and self.folder is None

    def path(self, settings: Settings, slug: str, cut: Cut, plan: Plan) -> str:
        return self.file_name(settings, slug, cut, plan)

    def artifacts(self, rendering: Rendering) -> tuple[Artifact, ...]:
        """Render this output: its files, each marked with this output's key and media type.

        Raises `UnsafePathError` for a path that could leave the cut's folder, and ValueError
        for a folder output whose files are not all in its folder or miss its main file.
        """
        main = self.path(rendering.settings, rendering.slug, rendering.cut, rendering.plan)
        made = self.render(rendering)
        if isinstance(made, bytes):
            if self.folder is not None:
                raise ValueError(f"output {self.key!r} is a folder: its renderer must return Artifacts")
            relative_path(main, f"la salida «{self.key}»")
            return (Artifact(main, made, self.key, self.media_type),)
        if self.folder is None:
            raise ValueError(f"output {self.key!r} is one file: its renderer must return bytes")
        files = []
        for artifact in made:
            path = relative_path(artifact.name, f"la salida «{self.key}»")
            if path.parts[0] != self.folder or len(path.parts) < 2:
                raise ValueError(f"output {self.key!r} wrote {artifact.name!r}, outside its folder {self.folder!r}")
            media_type = self.media_type if artifact.name == main else artifact.media_type or _guessed_type(artifact.name)
            files.append(Artifact(artifact.name, artifact.content, self.key, media_type))
        if main not in {a.name for a in files}:
            raise ValueError(f"output {self.key!r} did not write its main file {main!r}")
        return tuple(files)


def _guessed_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _configured(index: int) -> FileName:
    """A file name the entity's configuration gives (`Theme.file_names`: 0 the deck's,
    `tema.archivo_presentacion`; 1 the PDF's, `tema.archivo_pdf`), over {slug}, {periodo}, and the
    plan's {sigla} and {titulo}."""

    def name(settings: Settings, slug: str, cut: Cut, plan: Plan) -> str:
        return settings.theme.file_names(slug, str(cut), plan.acronym, plan.title)[index]

    return name


def _fixed(file_name: str) -> FileName:
    return lambda settings, slug, cut, plan: file_name


def _deck(r: Rendering) -> bytes:
    return render_deck(r.report)


def _pdf(r: Rendering) -> bytes:
    return render_pdf(r.report, {a.name: a.content for a in r.rendered["avance"]})


def _avance(r: Rendering) -> bytes:
    return csv_bytes(r.tables["avance"])


def _objetivos(r: Rendering) -> bytes:
    return csv_bytes(r.tables["objetivos"])


def _cambios(r: Rendering) -> bytes:
    return csv_bytes(r.tables["cambios"])


def _serie(r: Rendering) -> bytes:
    return csv_bytes(r.tables["serie"])


def _tablas(r: Rendering) -> bytes:
    return tables_workbook(r.tables)


def _datapackage(r: Rendering) -> bytes:
    tables = {a.name: a.content for key in ("avance", "objetivos", "cambios", "serie") for a in r.rendered[key]}
    return datapackage_bytes(r.slug, r.plan, r.cut, tables, r.settings.bands.levels, r.settings.publication.licence)


def _web(r: Rendering) -> list[Artifact]:
    """The page links to every other file it needs rendered, with its size."""
    files = {key: r.rendered[key][0] for key in LINKS if key in r.rendered}
    made = render_web(
        r.document, r.settings.theme, {k: a.name for k, a in files.items()}, {k: len(a.content) for k, a in files.items()}
    )
    return [Artifact(name, content) for name, content in made.items()]


OUTPUTS: tuple[Output, ...] = (
    Output("deck", _configured(0), PPTX, _deck, "Generar presentación (.pptx)",
           "Presentación institucional del corte", distributed=True, attached=True),
    Output("pdf", _configured(1), PDF, _pdf, "Generar reporte PDF",
           "Reporte en PDF diagramado como la presentación, con avance.csv adjunto", distributed=True,
           attached=True, needs=("avance",)),
    Output("avance", _fixed("avance.csv"), CSV, _avance, "Generar avance.csv",
           "Avance de cada indicador en cada objetivo", distributed=True),
    Output("objetivos", _fixed("objetivos.csv"), CSV, _objetivos, "Generar objetivos.csv",
           "Avance de cada objetivo, de cada eje y del plan", distributed=True),
    Output("cambios", _fixed("cambios.csv"), CSV, _cambios, "Generar cambios.csv",
           "Cambios de cada indicador desde el corte anterior, de los más graves a los demás", distributed=True),
    Output("serie", _fixed("serie.csv"), CSV, _serie, "Generar serie.csv",
           "Serie del avance de cada indicador, objetivo, eje y del plan en cada trimestre del plan hasta el corte",
           distributed=True),
    Output("tablas", _fixed(TABLES_XLSX), XLSX, _tablas, "Generar tablas.xlsx",
           "Las tablas del corte (avance, objetivos, cambios y serie) en un libro de Excel: una hoja por tabla, cifras como números con formato "
           "en español (porcentajes como 87,5 %)", distributed=True),
    Output("datapackage", _fixed(DATAPACKAGE_FILE), JSON, _datapackage, "Generar datapackage.json",
           "Paquete de datos (Frictionless) que describe avance.csv, objetivos.csv, cambios.csv y serie.csv", distributed=True,
           needs=("avance", "objetivos", "cambios", "serie")),
    Output("web", _fixed(INDEX), HTML, _web, "Generar página web accesible",
           "El reporte como página web accesible (WCAG 2.1 AA), con sus enlaces de descarga", distributed=True,
           folder="web", needs=("pdf", "deck", "avance", "objetivos", "cambios", "serie", "tablas", "datapackage")),
)
"""Every output of a cut, in publication order. manifest.json (`publish.MANIFEST_FILE`) follows them."""


def cut_tables(plan: Plan, series: Sequence[PlanResult], comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The cut's tables as data frames (`Rendering.tables`), before they are CSV: from its series
    (the plan at every cut up to the report's, which is last) and its comparison with the
    previous cut."""
    result = series[-1]
    return {
        "avance": avance_table(plan, result), "objetivos": objetivos_table(result),
        "cambios": cambios_table(plan, comparison), "serie": serie_table(plan, series),
    }


def output(key: str, outputs: Iterable[Output] = OUTPUTS) -> Output:
    """The registered output with this key."""
    for candidate in outputs:
        if candidate.key == key:
            return candidate
    raise KeyError(f"no output {key!r}; registered: {', '.join(o.key for o in outputs)}")


def render_order(outputs: Sequence[Output] = OUTPUTS) -> list[Output]:
    """The outputs in the order they can be rendered: in their listed order, except that an
    output's `needs` come before it. Raises ValueError for an unknown need or a cycle."""
    by_key = {o.key: o for o in outputs}
    ordered: list[Output] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(item: Output) -> None:
        if item.key in done:
            return
        if item.key in visiting:
            raise ValueError(f"outputs need each other in a cycle through {item.key!r}")
        visiting.add(item.key)
        for need in item.needs:
            if need not in by_key:
                raise ValueError(f"output {item.key!r} needs {need!r}, which is not registered")
            visit(by_key[need])
        visiting.discard(item.key)
        done.add(item.key)
        ordered.append(item)

    for item in outputs:
        visit(item)
    return ordered


@dataclass(frozen=True)
class Deliverables:
    """What a published cut distributes: paths relative to its folder."""

    copied: tuple[str, ...] = ()  # to the publication folder: every file of the distributed outputs
    attached: tuple[str, ...] = ()  # to the e-mail: the distributed single files


def _legacy_key(path: str, outputs: Sequence[Output]) -> str | None:
    """The output a manifest record written before records named their output was made by: the
    only single-file output of that file's media type (.pptx the deck, .pdf the PDF), if any."""
    media_type = mimetypes.guess_type(path)[0]
    if path.endswith(".pptx"):
        media_type = PPTX
    matches = [o.key for o in outputs if o.folder is None and o.media_type == media_type]
    return matches[0] if len(matches) == 1 and "/" not in path else None


def deliverables(records: Iterable[tuple[str, str | None]], outputs: Sequence[Output] = OUTPUTS) -> Deliverables:
    """Which of a cut's published files are distributed, from (path, output key) pairs in
    publication order, as the manifest records them. A file of no registered output (an output
    since removed) is not distributed."""
    by_key = {o.key: o for o in outputs}
    copied, attached = [], []
    for path, key in records:
        if path == MANIFEST_FILE:
            continue
        made_by = by_key.get(key if key is not None else _legacy_key(path, outputs) or "")
        if made_by is None or not made_by.distributed:
            continue
        copied.append(path)
        if made_by.emailed:
            attached.append(path)
    return Deliverables(tuple(copied), tuple(attached))
