"""The input edge: read and validate plan.yaml, seguimiento and configuracion.yaml.

Everything here may raise `pipeline.errors.InputError`, whose message names the file and, where
it applies, the sheet, row and column.
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
