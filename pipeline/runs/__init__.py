"""A Prefect run of the report, around the flows: what `flows.py` wires together.

`steps` (the Prefect tasks of one entity's cut: read, compute, render, publish, record,
distribute), `batch` (an entity's result, a batch gathered so one failure does not stop the
others), `context` (what a run knows of itself: schedule, cut, allowed folders), `consolidation` (the
sectors of sectores.yaml after a batch, or alone), `deployments`
(names and schedule), `folders` (confinement of served runs), `failures` (a failed run's Spanish
state and notice), `progress` (the command line's progress and the run's log), `run_log`
(PipelineErrors without tracebacks in Prefect's log), `runners` (threads, processes, Dask).

May import every package below it (`pipeline.workbooks` down to `pipeline.core`) and Prefect;
never `pipeline.app` or `flows`.
"""
