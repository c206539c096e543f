"""The input edge: read and validate plan.yaml or plan.xlsx, the seguimiento and configuracion.yaml.

Everything here may raise `pipeline.errors.InputError`, whose message names the file and, where
it applies, the sheet, row and column. `plan` and `plan_xlsx` read the plan; `execution` the
seguimiento (one file, a wide matrix, a folder of files), split by concern into `cells` (one
cell), `files` (a file's bytes as rows), `headings` (the header row), `shapes` (long, wide,
template, folder) and `checks` (rows checked into the clean table); `settings` and `yaml_source`
configuracion.yaml; `source` the bytes read (for the manifest); `limits` the bounds on hostile
input; `template_schema` the data-entry template's columns, shared with `pipeline.workbooks`;
`images` the logo; `entities` and `coverage` the entities of an input folder.

May import: `pipeline.core` and `pipeline.errors` (checked by import-linter, pyproject.toml); one
recorded exception, `images` drawing an SVG logo once with the PDF's WeasyPrint set-up.
"""

from pipeline.ingest.entities import Entity, EntityInputs, find_entities, load_inputs, select_entities
from pipeline.ingest.execution import Execution, find_execution_file, load_execution
from pipeline.ingest.plan import load_plan
from pipeline.ingest.settings import load_settings

__all__ = [
    "Entity",
    "EntityInputs",
    "Execution",
    "find_entities",
    "find_execution_file",
    "load_execution",
    "load_inputs",
    "load_plan",
    "load_settings",
    "select_entities",
]
