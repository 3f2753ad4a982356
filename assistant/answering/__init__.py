"""Answering a question once it is analysed and its passages are found: `service`
(`AnswerService`, the answer pipeline of docs/architecture.md), the answer strategies
behind `llm.base.Generator` — `extractive` (quotes the best units, no model; with
`table_extremes`, `lists`, `arithmetic`, `unit_signals`, `definitions`) beside the
model-backed writer of `llm`, chosen by `factory.make_generator` — `length` (answers cut to
their style), `conversation` (threads, messages, follow-up rewriting) and `feedback` (what
users say about answers, snippets kept for drafts). It may import `retrieval`, `indicators`,
`llm`, `index`, `language`, `access` (the guard, the thread table), `platform`,
`assistant.models` and `ingest`, never `drafting`, `workspace` or `services`.
"""
