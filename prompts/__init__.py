"""German prompt templates, answer styles and outlines (data files, loaded by name)."""
