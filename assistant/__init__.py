"""Planwerk core library: cited answers and drafts from municipal planning documents.

The packages form layers, each importing only those below it (checked by
tests/test_import_direction.py): `platform` (settings, app database, migrations, locks) and
`language` (German analyser, cue words, question analysis) at the bottom; `llm` (model
backends and their shared interface) and `index` (catalog, keyword and vector stores) on
them; `retrieval`, `indicators` and `documents` above; `answering` (answer strategies and
the answer service); `drafting`; `workspace` and `operations` on top. At the root stay
`models` (the data types every layer shares), `services` (the composition root that builds
each part once from `Settings`) and `cli` (the `planwerk` entry point). Nothing here imports
the UI or Streamlit; `ingest` (loaders, no stores, no models) is below all of it.
"""
