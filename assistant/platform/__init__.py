"""The ground every other package stands on: `config` (the one pydantic `Settings`), `db`
(the SQLAlchemy app database, SQLite or PostgreSQL, and `engine_for`), `migrations` (its
Alembic schema), `write_lock` (one writer per workspace across processes) and `templates`
(the texts and YAML data of the `prompts` package, read once). It may import `ingest` and
`assistant.models`; other packages only inside functions (`config` validates stage and
check names against `retrieval` and `answering` when it is read, `migrations` collects the
tables the other packages declare on `db.Base`).
"""
