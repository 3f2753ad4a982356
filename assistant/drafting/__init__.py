"""IHK drafting: outlines, grounded section drafting, the funding-criteria check, export.
It builds on `answering`, `services` (handed in), `indicators`, `index`, `llm`, `language`,
`access` (the guard, the audit log), `platform`, `assistant.models` and `ingest`;
`workspace`, the CLI and the UI import it (and `services` the fact sheet `area_profile`,
inside a function).

Modules, in the order a draft is made:

- `outlines`  IHK outlines from prompts/outlines/*.yaml (`load_outline`, `list_outlines`);
              a funding-call outline `extends` the general one.
- `facts`     indicator facts of a Quartier (value, "Stand", city value, ratio, change),
              each citable with its cells and computations (`indicator_fact`).
- `evidence`  quotable units of retrieved passages that concern the Quartier.
- `area_profile` the fact sheet of an area („Fasse die Ausgangslage … zusammen“) from
              its facts, the reports' findings and the planned measures.
- `chain`     the goal-measure-indicator chain of the measures, gaps listed.
- `writer`    `SectionWriter.write(quartier, outline, section)` -> `SectionDraft`:
              extractive (structured, quoted) or with a language model (prose, verified).
- `store`     SQLAlchemy tables drafts / draft_sections / draft_section_versions and
              `DraftStore` (hand edits are never overwritten silently).
- `service`   `DraftingService(services)`: create, write, edit, take over chat answers,
              assemble a `DraftDocument`.
- `criteria`  `load_call(path)` -> `CallChecklist` of cited requirements.
- `check`     `check_units(checklist, units, title, encode)` -> erfüllt / teilweise / fehlt.
- `history`   the version history of a section: who changed what (from the audit log),
              word diffs, restoring an old version.
- `comments`  comments on draft sections with @mentions of workspace members (tables
              section_comments / comment_mentions, `CommentStore`).
- `export`    `export(document, path)` as DOCX or Markdown.
- `cli`       `draft_command`, `criteria_command` for the `planwerk` command.
"""
