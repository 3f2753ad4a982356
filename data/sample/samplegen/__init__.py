"""Building blocks of ``make_sample.py``: figures, Markdown dialect and renderers."""
