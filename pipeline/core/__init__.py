"""The pure core: the plan's model, cuts, attainment rules and report settings.

Data in, data out: nothing here reads or writes files, talks to Prefect or draws an output.
Modules: `model` (the plan as frozen records), `periods` (cuts), `attainment` (the rules of
docs/rules.md), `consolidation` (a sector's and the district's figures from published cuts), `plausibility` («dato por revisar»), `settings` (semáforo scale, theme, e-mail,
distribution settings as records), `numbers` and `formatting` (numbers as Colombian Spanish
writes them), `text` (emphasis runs and text measures), `characters`, `fingerprint`,
`placeholders`.

May import: the standard library, pandas and `pipeline.errors`; no other `pipeline` package
(checked by import-linter, pyproject.toml).
"""
