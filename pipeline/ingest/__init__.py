"""The input edge: read and validate plan.yaml, seguimiento and configuracion.yaml.

Everything here may raise `pipeline.errors.InputError`, whose message names the file and, where
it applies, the sheet, row and column.
"""

from pipeline.ingest.entities import Entity, find_entities
from pipeline.ingest.execution import find_execution_file, load_execution
from pipeline.ingest.plan import load_plan
from pipeline.ingest.settings import load_settings

__all__ = ["Entity", "find_entities", "find_execution_file", "load_execution", "load_plan", "load_settings"]
