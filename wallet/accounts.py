"""Accounts: registration, authentication, password changes and deletion."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wallet.errors import N_, AuthenticationError, ConflictError, ValidationError
from wallet.models import User
from wallet.models.accounts import new_session_id
from wallet.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    is_common_password,
    needs_rehash,
    password_matches,
)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def _dummy_hash() -> str:
    # A fixed hash so that an unknown address costs as much time as a wrong password; made on
    # first use, not at import (every command line start would pay for it).
    return hash_password("not-a-real-password")


def normalise_email(email: str) -> str:
    """The address trimmed and lower-cased, or ``ValidationError`` if it is not one."""
    value = email.strip().lower()
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise ValidationError(N_("Enter a valid email address."), code="invalid_email")
    return value


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short, too long or among the most common ones."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(N_("The password must have at least 10 characters."), code="weak")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(N_("The password is too long."), code="long_password")
    if is_common_password(password):
        raise ValidationError(
            N_("This password is too common; choose one that is harder to guess."),
            code="common_password",
        )


def register_user(session: Session, *, email: str, password: str, display_name: str) -> User:
    """Create an account; ``ConflictError`` if the address is taken."""
    address = normalise_email(email)
    check_password_strength(password)
    name = display_name.strip()[:120] or address.split("@")[0]
    if session.scalar(select(func.count()).where(User.email == address)):
        raise ConflictError(N_("An account with this email address already exists."), code="taken")
    user = User(email=address, password_hash=hash_password(password), display_name=name)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The user with these credentials, or ``AuthenticationError`` (same for either mistake)."""
    address = email.strip().lower()
    user = session.scalar(select(User).where(User.email == address))
    if user is None:
        password_matches(_dummy_hash(), password)
        raise AuthenticationError(N_("Wrong email address or password."))
    if not password_matches(user.password_hash, password):
        raise AuthenticationError(N_("Wrong email address or password."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not password_matches(user.password_hash, current):
        raise AuthenticationError(N_("The current password is wrong."))
    check_password_strength(new)
    user.password_hash = hash_password(new)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """End every session of the account: cookies name it by the identifier replaced here."""
    user.session_id = new_session_id()


def find_session_user(session: Session, session_id: str) -> User | None:
    """The account a session cookie names, or None once that session has ended."""
    if not session_id or len(session_id) > 64:
        return None
    return session.scalar(select(User).where(User.session_id == session_id))


def set_language(user: User, language: str | None, languages: tuple[str, ...]) -> None:
    """Remember the user's interface language (None follows the browser)."""
    if language is not None and language not in languages:
        raise ValidationError(N_("Unknown language."), code="language")
    user.language = language


def delete_account(session: Session, user: User, *, password: str) -> None:
    """Delete the user and, through cascades, every row that belongs to them."""
    if not password_matches(user.password_hash, password):
        raise AuthenticationError(N_("The password is wrong."))
    session.execute(delete(User).where(User.id == user.id))
    session.flush()


def user_files_dir(files_root: Path, user_id: int) -> Path:
    """The folder holding a user's stored files."""
    return files_root / str(user_id)


def remove_user_files(files_root: Path, user_id: int) -> None:
    """Remove a deleted user's files; run after the deleting transaction commits."""
    shutil.rmtree(user_files_dir(files_root, user_id), ignore_errors=True)
