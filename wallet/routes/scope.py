"""Per-request access to the app's services and one database session per request."""

from __future__ import annotations

from typing import cast

from flask import current_app, g
from flask_login import current_user
from sqlalchemy.orm import Session

from wallet import accounts
from wallet.config import Settings
from wallet.models import User
from wallet.services import Services


def services() -> Services:
    """The services ``create_app`` wired for this app."""
    return cast(Services, current_app.extensions["wallet"])


def settings() -> Settings:
    """The validated settings."""
    return services().settings


def db_session() -> Session:
    """This request's session; the handler commits it once."""
    if "db_session" not in g:
        g.db_session = services().database.sessions()
    return cast(Session, g.db_session)


def close_request_session(_error: BaseException | None = None) -> None:
    """Roll back whatever was not committed and close the session."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the user a session cookie names (by session id, never row id)."""
    return accounts.find_session_user(db_session(), session_id)


def user() -> User:
    """The logged-in user (views using it are ``login_required``)."""
    return cast(User, current_user._get_current_object())
