"""The outputs of a cut, drawn from the document and its layout: draw only.

`registry` declares every output once (file name, media type, distributed, renderer); `artifacts`
is what an output is made of (`Artifact`, the one CSV writer); `deck` (python-pptx), `pdf` and
`pdf_ua` (Jinja2 + WeasyPrint), `web` (the accessible page), `charts` (SVG), `datapackage`,
`tables_xlsx`, `cells` (spreadsheet text that is never a formula), `paths` (the templates), `sector` (a sector's deck,
PDF, CSVs, data package and web page).

May import: `pipeline.report`, `pipeline.core` and `pipeline.errors`; never `pipeline.ingest`,
`pipeline.delivery`, `pipeline.runs`, `pipeline.app`, Prefect or `flows`.
"""
