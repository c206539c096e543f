"""The office's Excel side: the data-entry templates, plan.xlsx, the marked copies and `validar`.

`template` and `template_files` build and write the seguimiento workbook of a cut; `plan_workbook`
writes plan.xlsx; `annotate` the marked copies of inputs with problems; `validation` checks an
entity's inputs without reporting.

May import: `pipeline.delivery` (atomic writes), `pipeline.outputs` (text cells), `pipeline.report`,
`pipeline.ingest`, `pipeline.core` and `pipeline.errors`; never `pipeline.runs`, `pipeline.app`,
Prefect or `flows`.
"""
