"""Where documents are stored and searched from: the SQLite `catalog` (the commit point of
every document write), the BM25 `keyword_index` over an `inverted_index`, the Chroma
`vector_store`, `embedders`, `document_index` (one write path over all three) and the
metadata `filters` a search applies. It may import `platform`, `language`,
`assistant.models` and `ingest`.
"""
