"""After the outputs are drawn: publish a cut atomically, distribute it, recover, notify.

`publish` (staging folder swapped in one step, manifest, history), `published` (the cuts already
published, read back), `consolidated` (an entity's published cut read for its sector, and the
sector's folder published), `distribution` (publication folder and e-mail), `recovery` (distributions
a crash interrupted), `notices` (the failure e-mail), `portal` (the standing publication page,
feed and catalogue).

May import: `pipeline.outputs`, `pipeline.report`, `pipeline.ingest`, `pipeline.core` and
`pipeline.errors`; never `pipeline.workbooks`, `pipeline.runs`, `pipeline.app` or `flows`.
"""
