"""Password reset by email: a signed, expiring link that works once, with no table.

The token names the account and a fingerprint of its current password hash, so setting a new
password (which always makes a new salted hash) spends every link issued before it.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.accounts import check_password_strength
from wallet.errors import N_, ValidationError
from wallet.mail import OutgoingMail
from wallet.models import User
from wallet.passwords import hash_password

RESET_MAX_AGE_SECONDS = 60 * 60
_SALT = "plecak-password-reset"
_INVALID = N_("This password reset link is not valid or has already been used. Ask for a new one.")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def reset_token(secret_key: str, user: User) -> str:
    """A signed token naming ``user`` and the password it may replace."""
    return _serializer(secret_key).dumps([user.id, _fingerprint(user)])


def account_for_reset(session: Session, email: str) -> User | None:
    """The account using ``email``, or ``None``; callers answer the same either way."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def reset_mail(user: User, link: str, language: str) -> OutgoingMail:
    """The message that carries the reset link."""
    hours = RESET_MAX_AGE_SECONDS // 3600
    if language == "pl":
        subject = "Plecak: ustaw nowe hasło"
        body = (
            f"Aby ustawić nowe hasło do konta {user.email}, otwórz link:\n\n{link}\n\n"
            f"Link działa raz i przez {hours} godz. Jeśli to nie Ty prosiłeś o zmianę hasła, "
            "zignoruj tę wiadomość: hasło zostaje bez zmian.\n"
        )
    else:
        subject = "Plecak: set a new password"
        body = (
            f"To set a new password for {user.email}, open this link:\n\n{link}\n\n"
            f"The link works once, for {hours} hour(s). If you did not ask for this, ignore "
            "this message: your password stays as it is.\n"
        )
    return OutgoingMail(to=user.email, subject=subject, body=body)


def user_for_token(session: Session, token: str, *, secret_key: str, max_age: int) -> User:
    """The account a still-valid token may reset; ``ValidationError`` otherwise."""
    try:
        user_id, fingerprint = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ValidationError(
            N_("This password reset link has expired. Ask for a new one."), code="expired"
        ) from None
    except (BadSignature, ValueError, TypeError):
        raise ValidationError(_INVALID, code="bad_token") from None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(fingerprint, _fingerprint(user))
    ):
        raise ValidationError(_INVALID, code="bad_token")
    return user


def reset_password(
    session: Session, token: str, new_password: str, *, secret_key: str, max_age: int
) -> User:
    """Set a new password through a valid token, which the change spends."""
    user = user_for_token(session, token, secret_key=secret_key, max_age=max_age)
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    session.flush()
    return user
