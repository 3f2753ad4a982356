"""User accounts: creation, argon2 passwords, login (password or OIDC), the first admin.

There is no default password anywhere: the first administrator comes from
`PLANWERK_ADMIN_USER` / `PLANWERK_ADMIN_PASSWORD` or from the prompt of
`planwerk user init`. Logins and failed logins go to the audit log; after
`MAX_FAILED_LOGINS` failures within `LOCKOUT` from one source (the client's address) an
account refuses logins from that source for a while; other sources may still log in.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from assistant.access import audit
from assistant.access.audit import AuditLog
from assistant.access.models import User, as_utc, utcnow
from assistant.access.principals import active_principal, principal_of
from assistant.access.roles import Principal, require_system_admin

MIN_PASSWORD_CHARS = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
ADMIN_USER_ENV = "PLANWERK_ADMIN_USER"
ADMIN_PASSWORD_ENV = "PLANWERK_ADMIN_PASSWORD"

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,118}[a-z0-9]$")
_hasher = PasswordHasher()


@lru_cache(maxsize=2)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the user does not exist, so both cases take the same time.
    Made on the first login, not at import: hashing costs about 0.1 s, which every
    process importing this module (the CLI, the app) would otherwise pay."""
    return hasher.hash("planwerk-timing-equaliser")


class AccountError(ValueError):
    """A refused account operation (German message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginFailed(AccountError):
    pass


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    email: str
    is_admin: bool
    active: bool
    has_password: bool
    created_at: datetime
    last_login_at: datetime | None


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(
            f"Ungültiger Benutzername „{username}“: 3 bis 120 Zeichen, nur Kleinbuchstaben, "
            "Ziffern und . _ @ - (nicht am Anfang oder Ende)."
        )
    return name


def check_password(password: str, username: str = "") -> None:
    """Refuse passwords that are too short or equal to the user name."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(
            f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_CHARS} Zeichen, bitte."
        )
    if username and password.strip().lower() == username.lower():
        raise AccountError("Das Passwort darf nicht der Benutzername sein.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class Accounts:
    """User accounts in the app database."""

    def __init__(self, engine: Engine, audit_log: AuditLog | None = None) -> None:
        self.engine = engine
        self.audit = audit_log or AuditLog(engine)

    # -- reading -----------------------------------------------------------------------

    def has_users(self) -> bool:
        with Session(self.engine) as session:
            return bool(session.scalar(select(func.count()).select_from(User)))

    def user(self, username: str) -> UserInfo | None:
        with Session(self.engine) as session:
            row = session.scalar(select(User).where(User.username == username.strip().lower()))
            return _info(row) if row is not None else None

    def users(self) -> list[UserInfo]:
        with Session(self.engine) as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.username))]

    def principal(self, username: str) -> Principal:
        """The person with their current roles; raises `AccountError` if unknown or locked."""
        principal = active_principal(self.engine, username)
        if principal is None:
            raise AccountError(f"Ein aktives Konto „{username}“ gibt es nicht.")
        return principal

    # -- changing ----------------------------------------------------------------------

    def create_user(
        self,
        by: Principal,
        username: str,
        password: str | None = None,
        *,
        display_name: str = "",
        email: str = "",
        is_admin: bool = False,
    ) -> UserInfo:
        """Create an account (system administrators only); no password = OIDC login only."""
        require_system_admin(by, "Konten anlegen")
        return self._create(by.username, username, password, display_name, email, is_admin)

    def _create(
        self,
        actor: str,
        username: str,
        password: str | None,
        display_name: str,
        email: str,
        is_admin: bool,
    ) -> UserInfo:
        name = normalise_username(username)
        if password is not None:
            check_password(password, name)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            if session.scalar(select(User.id).where(User.username == name)) is not None:
                raise AccountError(f"Das Konto „{name}“ gibt es schon.")
            row = User(
                username=name,
                display_name=display_name.strip(),
                email=email.strip(),
                password_hash=hash_password(password) if password is not None else None,
                is_admin=is_admin,
                active=True,
                created_at=utcnow(),
            )
            session.add(row)
        self.audit.record(actor, audit.USER_CREATE, target=name, is_admin=is_admin)
        return _info(row)

    def set_password(self, by: Principal, username: str, password: str) -> None:
        """Change a password: one's own, or anyone's as system administrator."""
        name = username.strip().lower()
        if by.username != name:
            require_system_admin(by, "Passwörter anderer Konten setzen")
        check_password(password, name)
        with Session(self.engine) as session, session.begin():
            row = session.scalar(select(User).where(User.username == name))
            if row is None:
                raise AccountError(f"Ein Konto „{username}“ gibt es nicht.")
            row.password_hash = hash_password(password)
        self.audit.record(by.username, audit.USER_UPDATE, target=name, change="password")

    def set_active(self, by: Principal, username: str, active: bool) -> None:
        require_system_admin(by, "Konten sperren oder entsperren")
        name = username.strip().lower()
        with Session(self.engine) as session, session.begin():
            row = session.scalar(select(User).where(User.username == name))
            if row is None:
                raise AccountError(f"Ein Konto „{username}“ gibt es nicht.")
            row.active = active
        self.audit.record(by.username, audit.USER_UPDATE, target=name, active=active)
        if active:  # also ends a lockout after failed logins
            self.audit.record(by.username, audit.UNLOCK, target=name)

    def set_admin(self, by: Principal, username: str, is_admin: bool) -> None:
        require_system_admin(by, "Systemadministrator-Rechte vergeben")
        name = username.strip().lower()
        with Session(self.engine) as session, session.begin():
            row = session.scalar(select(User).where(User.username == name))
            if row is None:
                raise AccountError(f"Ein Konto „{username}“ gibt es nicht.")
            row.is_admin = is_admin
        self.audit.record(by.username, audit.USER_UPDATE, target=name, is_admin=is_admin)

    # -- first administrator -----------------------------------------------------------

    def create_first_admin(self, username: str, password: str, display_name: str = "") -> UserInfo:
        """The first account, a system administrator; refused once any account exists."""
        if self.has_users():
            raise AccountError(
                "Es gibt bereits Konten. Weitere Konten legt eine Administratorin oder ein "
                "Administrator mit „planwerk user create“ an."
            )
        return self._create("system", username, password, display_name, "", True)

    def bootstrap_from_env(self, environ: Mapping[str, str] | None = None) -> UserInfo | None:
        """On first start: create the admin from `PLANWERK_ADMIN_USER`/`_PASSWORD` if both
        are set and no account exists yet; None when nothing was created."""
        env = os.environ if environ is None else environ
        username = env.get(ADMIN_USER_ENV, "").strip()
        password = env.get(ADMIN_PASSWORD_ENV, "")
        if not username or not password or self.has_users():
            return None
        return self.create_first_admin(username, password)

    # -- login -------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, source: str = "") -> Principal:
        """Check a password login; raises `LoginFailed` with a German message.

        `source` is where the attempt comes from (the client's address; "" if unknown).
        `MAX_FAILED_LOGINS` failures of a name from one source within `LOCKOUT` (counted
        since the last login or unlock) lock the name for that source for the rest of that
        window, so someone guessing a name cannot lock its owner out elsewhere; attempts
        during the lockout are refused without extending it. A name that is no account is
        logged only as a digest: a password typed into the name field never lands in the
        audit log.
        """
        name = username.strip().lower()
        refused = LoginFailed("Benutzername oder Passwort ist falsch.")
        with Session(self.engine, expire_on_commit=False) as session:
            known = session.scalar(select(User.id).where(User.username == name)) is not None
        actor = name if known else _unknown_actor(name)
        if self._locked_out(actor, name, source):
            self.audit.record(actor, audit.LOGIN_LOCKED, target=source)
            raise LoginFailed(
                "Zu viele fehlgeschlagene Anmeldungen. Bitte in "
                f"{int(LOCKOUT.total_seconds() // 60)} Minuten erneut versuchen."
            )
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = session.scalar(select(User).where(User.username == name))
            stored = row.password_hash if row is not None and row.active else None
            if not _verify(stored or _dummy_hash(_hasher), password) or stored is None:
                failure = "unknown" if row is None else ("locked" if not row.active else "")
                self.audit.record(
                    actor, audit.LOGIN_FAILED, target=source, reason=failure or "password"
                )
                raise refused
            assert row is not None
            if _hasher.check_needs_rehash(stored):
                row.password_hash = hash_password(password)
            row.last_login_at = utcnow()
            principal = principal_of(session, row)
        self.audit.record(name, audit.LOGIN, target=source, method="password")
        return principal

    def _locked_out(self, actor: str, name: str, source: str) -> bool:
        """Too many failures from `source` since the window began, the last login from
        there or the last unlock."""
        starts = [
            utcnow() - LOCKOUT,
            self.audit.latest(audit.LOGIN, actor=actor, target=source),
            self.audit.latest(audit.UNLOCK, target=name),
        ]
        since = max(as_utc(t) for t in starts if t is not None)
        failures = self.audit.count(
            actor=actor, action=audit.LOGIN_FAILED, since=since, target=source
        )
        return failures >= MAX_FAILED_LOGINS

    def external_login(self, username: str, display_name: str = "", email: str = "") -> Principal:
        """A login confirmed by the identity provider (OIDC via Streamlit's `st.login`).

        Known accounts log in; unknown ones are refused: an administrator creates the
        account (without password) and grants its roles first.
        """
        name = username.strip().lower()
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = session.scalar(select(User).where(User.username == name))
            if row is None or not row.active:
                self.audit.record(name, audit.LOGIN_FAILED, reason="oidc-unknown")
                raise LoginFailed(
                    f"Für „{username}“ gibt es kein aktives Planwerk-Konto. Bitte eine "
                    "Administratorin oder einen Administrator bitten, es anzulegen."
                )
            if display_name and not row.display_name:
                row.display_name = display_name
            if email and not row.email:
                row.email = email
            row.last_login_at = utcnow()
            principal = principal_of(session, row)
        self.audit.record(name, audit.LOGIN, method="oidc")
        return principal

    def logout(self, user: Principal) -> None:
        self.audit.record(user.username, audit.LOGOUT)


def _unknown_actor(name: str) -> str:
    """How the audit log names a login attempt for no existing account: a digest, so a
    password typed as the name is not stored, while repeated attempts still add up."""
    return "unbekannt:" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _info(row: User) -> UserInfo:
    return UserInfo(
        row.id,
        row.username,
        row.display_name,
        row.email,
        row.is_admin,
        row.active,
        row.password_hash is not None,
        row.created_at,
        row.last_login_at,
    )
