"""German language and the reading of a question, shared by every stage that needs it:
`german` (the analyser: Snowball stems, umlaut folding, compounds, synonyms), `cues` (the
cue words of prompts/fragen.yaml), `question` (`analyse_question` into one frozen
`QuestionAnalysis`, read by retrieval, indicators, answering and drafting alike) and
`guideline` (the parts of a funding guideline a question asks for). It sits below
retrieval and answering so that both can read the analysis without importing each other;
it imports only `platform` (the prompt files), `assistant.models` and `ingest`.
"""
