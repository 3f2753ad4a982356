"""Documents in and out of a workspace: `ingestion` (`IngestPipeline`: read with `ingest`,
chunk, embed, write to `index` and the indicator store under the write lock), `uploads`
(browser uploads kept under `data_dir/uploads/`, uploaded maps beside them),
`document_actions` (re-index, delete, metadata), `source_view` (a cited page or table row
as the source panel shows it) and `demo_corpus` (the sample municipality). It may import
`index`, `indicators`, `access` (the guard), `platform`, `assistant.models` and `ingest`.
"""
