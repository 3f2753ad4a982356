"""Indicator tables: a typed long-format store, cited operations and the graded social index.
It may import `language`, `platform`, `assistant.models` and `ingest`.

numbers    German number cells ("1.234,5", "12,3 %", ".") -> value or reason
headers    column headers -> name, unit, reference date
tables     CSV/XLSX/ODS/XLS/JSON -> long format (wide, long, panel, transposed, one sheet per year)
gazetteer  area names and codes, name variants, city/district totals
catalogue  prompts/indicators.yaml: canonical names, units, directions; header fallback
store      IndicatorStore on SQLAlchemy, per document, all or nothing
operations lookup, ranking, comparison, sum of areas, share of two counts, change, deviation,
           threshold share, social index
composite  the graded index (z-scores, sum, classes), dynamics and overlay; pure pandas
router     German questions -> operation -> cited German answer (or None)
table_index, export, cli   `planwerk indicators …`, CSV/XLSX export
"""
