"""Finding the passages for a question: `hybrid` (BM25 and dense search fused by reciprocal
rank), `rerank` (the configured re-ranking stages), `answerability` (the checks that refuse
a question no passage can answer) and `places` (GeoNames towns). It reads the
`QuestionAnalysis` from `language` and searches `index`; it may also import `platform`,
`assistant.models` and `ingest`, never `answering`.
"""
