"""Language-model backends behind one interface: `base` (the `Generator` protocol that the
model-backed writer here and the extractive writer in `answering` both implement, plus
`Turn`), `chat` and `backends` (Ollama, OpenAI-compatible servers, llama.cpp), `prompting`
and `styles` (what the model is asked, in which answer style), citation markers,
prompt-injection guards, the watchdog, `doctor` (is the model reachable), and
`verification` (each sentence a model wrote checked against the sources it cites, for
answers and drafts). It may import `platform`, `language`, `assistant.models` and `ingest`,
never `answering`, `retrieval` or the stores.
"""
