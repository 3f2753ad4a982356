"""Running an installation: `status` (what the settings page shows: documents, app
database, language model) and `backup` (`planwerk backup` / `restore` of catalog, vector
store, app database and uploads as one archive). It may import `index`, `llm`, `platform`
and `ingest`; only the CLI, the workspace commands and the UI import it.
"""
