"""Login, the open workspace and the person's rights in the web app.

Only active when `Settings.auth` is true (`PLANWERK_AUTH=true`); otherwise the app runs
as before: one user, the configured workspace, every control enabled. The account and
session layer is imported only then: it brings drafting and ingestion along, which the
first page of a single-user app does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from assistant.access.policy import UNGUARDED, Guard, Policy
from assistant.access.roles import ACTION_LABELS, ROLE_LABELS, Action, PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

USER = "auth.user"  # the logged-in Principal (a snapshot; roles are reread per check)
WORKSPACE = "auth.workspace"  # the chosen workspace's name
_LOGIN_ERROR = "auth.login_error"


def enabled() -> bool:
    from ui import state

    return state.current_settings().auth


def gate() -> None:
    """Show the login form (and stop the run) until someone is logged in; then the
    sidebar with the person, the workspace selector and „Abmelden“."""
    if not enabled():
        return
    if st.session_state.get(USER) is None:
        _login_form()
        st.stop()
    _sidebar()


def _engine() -> Engine:
    from assistant.platform.db import engine_for
    from ui import state

    return engine_for(state.current_settings())


def _login_form() -> None:
    from assistant.workspace.accounts import Accounts, LoginFailed

    accounts = Accounts(_engine())
    accounts.bootstrap_from_env()
    st.title("Planwerk – Anmeldung")
    with st.form("auth.login"):
        username = st.text_input("Benutzername", key="auth.username")
        password = st.text_input("Passwort", type="password", key="auth.password")
        submitted = st.form_submit_button("Anmelden", type="primary")
    if submitted:
        try:
            user = accounts.authenticate(username, password, source=_client_address())
        except LoginFailed as error:
            st.error(error.message, icon=":material/lock:")
            return
        st.session_state[USER] = user
        st.session_state.pop(WORKSPACE, None)
        st.rerun()


def _client_address() -> str:
    """Where a login comes from (the connection's address), so failed logins lock a name
    only for that address; "" from this machine, e.g. behind a reverse proxy on it."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""  # None locally, a stub in AppTest


def _sidebar() -> None:
    from assistant.workspace.accounts import Accounts
    from assistant.workspace.workspaces import Workspaces
    from ui import state

    user = st.session_state[USER]
    engine = _engine()
    visible = Workspaces(engine).visible_to(Accounts(engine).principal(user.username))
    with st.sidebar:
        st.markdown(f"**Angemeldet:** {user.label} (`{user.username}`)")
        if visible:
            names = [w.name for w in visible]
            labels = {w.name: w.label for w in visible}
            current = st.session_state.get(WORKSPACE)
            if current not in names:
                default = state.current_settings().workspace
                current = default if default in names else names[0]
            chosen = st.selectbox(
                "Arbeitsbereich",
                names,
                index=names.index(current),
                format_func=lambda n: labels[n],
                key="auth.workspace_select",
            )
            st.session_state[WORKSPACE] = chosen
            current = policy()
            role = current.role if current is not None else None
            if role is not None:
                st.caption(f"Rolle: {ROLE_LABELS[role]}")
        else:
            st.session_state[WORKSPACE] = None
            st.warning("Ihnen ist noch kein Arbeitsbereich zugewiesen.")
        if st.button("Abmelden", icon=":material/logout:", key="auth.logout"):
            Accounts(engine).logout(user)
            for key in (USER, WORKSPACE, "auth.workspace_select"):
                st.session_state.pop(key, None)
            st.rerun()
    if not visible:
        st.info(
            "Bitte eine Administratorin oder einen Administrator bitten, Ihnen eine Rolle in "
            "einem Arbeitsbereich zu geben."
        )
        st.stop()


def workspace() -> str | None:
    """The chosen workspace when logged in, else None (the configured one is used)."""
    if not enabled():
        return None
    return st.session_state.get(WORKSPACE)


def policy() -> Policy | None:
    """The logged-in person in the chosen workspace; None without login."""
    if not enabled() or st.session_state.get(USER) is None or not workspace():
        return None
    from ui import state

    try:
        return state.services().policy(st.session_state[USER])
    except PermissionDenied as error:
        st.error(str(error))
        st.stop()


def guard() -> Guard:
    """What the services check and log for the person; without login nothing."""
    return policy() or UNGUARDED


def allowed(action: Action) -> bool:
    """May the current person do `action`? Always True without login."""
    current = policy()
    return current is None or current.can(action)


def refusal(action: Action) -> str:
    """The German explanation shown next to disabled controls."""
    current = policy()
    role = ROLE_LABELS[current.role] if current is not None and current.role else "keine"
    return (
        f"Mit der Rolle „{role}“ dürfen Sie hier nicht {ACTION_LABELS[action]}. Bitte eine "
        "Administratorin oder einen Administrator des Arbeitsbereichs um die Rolle "
        "„Bearbeitung“ bitten."
    )


def check(action: Action, target: str = "") -> bool:
    """Check `action` through the policy (a refusal is written to the audit log and
    shown); True without login."""
    try:
        guard().require(action, target)
    except PermissionDenied as error:
        st.error(str(error))
        return False
    return True
