"""Prompt templates are data files in the `prompts` package, never strings in code."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from string import Formatter
from typing import Any

import yaml


@lru_cache(maxsize=32)
def prompt_text(name: str) -> str:
    """The text of `prompts/<name>` (UTF-8), read once per process."""
    return files("prompts").joinpath(name).read_text(encoding="utf-8").strip()


@lru_cache(maxsize=8)
def prompt_data(name: str) -> Any:
    """The parsed YAML of `prompts/<name>`."""
    return yaml.safe_load(files("prompts").joinpath(name).read_text(encoding="utf-8"))


def render(name: str, **values: str) -> str:
    """Fill a template's `{placeholders}`; a missing or extra value is a programming error.

    Values are inserted once and never re-parsed, so braces inside documents are harmless.
    """
    template = prompt_text(name)
    wanted = {field for _, field, _, _ in Formatter().parse(template) if field}
    if wanted != values.keys():
        raise KeyError(f"{name} expects {sorted(wanted)}, got {sorted(values)}")
    return template.format_map(values)
