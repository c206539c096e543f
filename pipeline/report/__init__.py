"""What the report says and how it is laid out, before any output draws it.

`document` builds the document model (figures, sections, tables, charts' data and alt text,
wording decided once); `layout` paginates it into slides for the deck and the PDF, whose
kinds and fixed places are in `slides`; `chart_slides` makes the charts' slides and
`chart_layout` decides each chart's form and split; `tables` gives avance.csv's and
objetivos.csv's frames; `summary` the Markdown for the Prefect UI; `changes` what changed since
the previous cut.

May import: `pipeline.core`, `pipeline.ingest` (for the record types it reads) and `pipeline.errors`.
"""
