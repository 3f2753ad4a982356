"""Entwürfe: IHK drafts (the drafting feature's page, ui/drafts_page.py)."""

from __future__ import annotations

from ui import state
from ui.drafts_page import render_drafts_page

render_drafts_page(state.services())
