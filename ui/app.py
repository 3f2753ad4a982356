"""Planwerk in the browser: `streamlit run ui/app.py` (a thin client of `assistant`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Pages import `ui.*` and `assistant.*`; Streamlit only puts ui/ itself on the path.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
# Models come from installed packages only; never ask a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import streamlit as st  # noqa: E402

st.set_page_config(
    page_title="Planwerk",
    page_icon=":material/map:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("views/chat.py", title="Chat", icon=":material/chat:", url_path="chat", default=True),
    st.Page(
        "views/documents.py", title="Dokumente", icon=":material/folder_open:", url_path="dokumente"
    ),
    st.Page("views/drafts.py", title="Entwürfe", icon=":material/edit_note:", url_path="entwuerfe"),
    st.Page(
        "views/indicators.py",
        title="Indikatoren",
        icon=":material/leaderboard:",
        url_path="indikatoren",
    ),
    st.Page(
        "views/settings.py",
        title="Einstellungen",
        icon=":material/settings:",
        url_path="einstellungen",
    ),
]

from ui import auth, state  # noqa: E402

auth.gate()
st.navigation(PAGES, position="sidebar").run()
# After the page is drawn, so that the first page does not wait for the answer path.
state.warm_up()
