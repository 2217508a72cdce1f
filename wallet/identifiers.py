"""The holder's recipient identifiers, and email confirmation by signed, expiring links."""

from __future__ import annotations

import re
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.accounts import normalise_email
from wallet.errors import N_, ConflictError, NotFoundError, ValidationError
from wallet.mail import OutgoingMail
from wallet.models import HolderIdentifier, HolderKey, IdentifierKind, User
from wallet.verification.context import RecipientClaims

_CONFIRM_SALT = "plecak.identifier-confirmation"
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")


def normalise_identifier(kind: IdentifierKind, value: str) -> str:
    """The canonical spelling of an identifier, or ``ValidationError`` naming the problem."""
    text = value.strip()
    if kind is IdentifierKind.EMAIL:
        return normalise_email(text)
    if kind is IdentifierKind.PHONE:
        digits = re.sub(r"[\s().-]", "", text)
        if not _PHONE.match(digits):
            raise ValidationError(N_("Enter a phone number in international form."), code="phone")
        return digits
    if kind is IdentifierKind.DID:
        if not _DID.match(text):
            raise ValidationError(N_("Enter a DID such as did:key:z6Mk…"), code="did")
        return text
    if not re.match(r"^https?://[^\s/]+", text) or len(text) > 512:
        raise ValidationError(N_("Enter a web address starting with https://"), code="url")
    return text


def add_identifier(
    session: Session, user: User, kind: IdentifierKind, value: str
) -> HolderIdentifier:
    """Record an unconfirmed identifier for ``user``."""
    canonical = normalise_identifier(kind, value)
    exists = session.scalar(
        select(HolderIdentifier).where(
            HolderIdentifier.user_id == user.id,
            HolderIdentifier.kind == kind,
            HolderIdentifier.value == canonical,
        )
    )
    if exists is not None:
        raise ConflictError(N_("You have already added this identifier."), code="duplicate")
    identifier = HolderIdentifier(user_id=user.id, kind=kind, value=canonical)
    session.add(identifier)
    session.flush()
    return identifier


def get_identifier(session: Session, user: User, identifier_id: int) -> HolderIdentifier:
    """One of ``user``'s identifiers; ``NotFoundError`` for anyone else's."""
    identifier = session.get(HolderIdentifier, identifier_id)
    if identifier is None or identifier.user_id != user.id:
        raise NotFoundError(N_("No such identifier."))
    return identifier


def remove_identifier(session: Session, user: User, identifier_id: int) -> None:
    """Forget one of ``user``'s identifiers."""
    session.delete(get_identifier(session, user, identifier_id))
    session.flush()


def confirmation_token(secret_key: str, identifier: HolderIdentifier) -> str:
    """A signed token naming the identifier, its owner and its value."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_CONFIRM_SALT)
    return serializer.dumps([identifier.id, identifier.user_id, identifier.value])


def confirmation_mail(identifier: HolderIdentifier, link: str, language: str) -> OutgoingMail:
    """The message that carries the confirmation link."""
    if language == "pl":
        subject = "Plecak: potwierdź adres e-mail"
        body = (
            f"Aby potwierdzić, że adres {identifier.value} należy do Ciebie, otwórz link:\n\n"
            f"{link}\n\nJeśli to nie Ty dodałeś ten adres, zignoruj tę wiadomość.\n"
        )
    else:
        subject = "Plecak: confirm your email address"
        body = (
            f"To confirm that {identifier.value} is yours, open this link:\n\n{link}\n\n"
            "If you did not add this address, ignore this message.\n"
        )
    return OutgoingMail(to=identifier.value, subject=subject, body=body)


def confirm_identifier(
    session: Session, user: User, token: str, *, secret_key: str, max_age: int, now: datetime
) -> HolderIdentifier:
    """Mark the identifier named by ``token`` confirmed, if the token is valid and ``user``'s."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_CONFIRM_SALT)
    try:
        identifier_id, user_id, value = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise ValidationError(N_("This confirmation link has expired."), code="expired") from None
    except (BadSignature, ValueError, TypeError):
        raise ValidationError(
            N_("This confirmation link is not valid."), code="bad_token"
        ) from None
    if user_id != user.id:
        raise NotFoundError(N_("This confirmation link belongs to another account."))
    identifier = get_identifier(session, user, int(identifier_id))
    if identifier.value != value:
        raise ValidationError(N_("This confirmation link is not valid."), code="bad_token")
    if identifier.confirmed_at is None:
        identifier.confirmed_at = now
    return identifier


def recipient_claims(session: Session, user_id: int) -> RecipientClaims:
    """The user's identifiers, confirmed or not, and those other accounts have confirmed.

    The account's registration address counts once confirmed like any other identifier; the
    holder's own did:key counts as confirmed, since only this account holds its private key.
    """
    rows = session.execute(
        select(
            HolderIdentifier.user_id, HolderIdentifier.value, HolderIdentifier.confirmed_at
        ).where((HolderIdentifier.user_id == user_id) | HolderIdentifier.confirmed_at.is_not(None))
    )
    confirmed: set[str] = set()
    unconfirmed: set[str] = set()
    elsewhere: set[str] = set()
    for owner, value, confirmed_at in rows:
        if owner == user_id:
            (confirmed if confirmed_at is not None else unconfirmed).add(value)
        elif confirmed_at is not None:
            elsewhere.add(value)
    holder_did = session.scalar(select(HolderKey.did).where(HolderKey.user_id == user_id))
    if holder_did is not None:
        confirmed.add(holder_did)
    return RecipientClaims(frozenset(confirmed), frozenset(unconfirmed), frozenset(elsewhere))
