"""Share links: create with chosen credentials and fields, revoke, open by token, log views."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.errors import N_, NotFoundError, ValidationError, WalletError
from wallet.models import Credential, DeviceClass, ShareItem, ShareLink, ShareView
from wallet.passwords import hash_password, password_matches

TOKEN_BYTES = 24  # 192 bits from the OS's CSPRNG
MAX_ITEMS = 100
MAX_ATTEMPTS = 5
LOCK_TIME = timedelta(minutes=15)


class LinkUnavailableError(WalletError):
    """Unknown, expired and revoked links look the same: nothing tells them apart."""

    code = "link_unavailable"
    http_status = 404


class PasscodeRequiredError(WalletError):
    """The link is protected by a passcode that was not given, or was wrong."""

    code = "passcode_required"
    http_status = 401


@dataclass(frozen=True)
class Choice:
    """One credential the holder puts in a link, with the optional fields to disclose."""

    credential_id: int
    show_grade: bool = False
    show_evidence: bool = False
    show_recipient: bool = False


@dataclass(frozen=True)
class NewLink:
    """A created link and its token, which is shown to the holder once and never stored."""

    link: ShareLink
    token: str


def token_hash(token: str) -> str:
    """The stored form of a random token or secret (a fast hash is enough: 192 random bits+)."""
    return hashlib.sha256(token.encode()).hexdigest()


def validate_choices(
    session: Session, user_id: int, choices: Sequence[Choice]
) -> list[tuple[Choice, Credential]]:
    """The holder's own credentials for ``choices``, in order; refuses empty or foreign ones."""
    if not choices:
        raise ValidationError(N_("Choose at least one credential to share."))
    if len(choices) > MAX_ITEMS:
        raise ValidationError(N_("A link can share at most 100 credentials."))
    found = []
    for choice in dict((c.credential_id, c) for c in choices).values():
        credential = session.get(Credential, choice.credential_id)
        if credential is None or credential.user_id != user_id:
            raise NotFoundError(N_("No such credential."))
        found.append((choice, credential))
    return found


def create_share(
    session: Session,
    user_id: int,
    *,
    label: str,
    choices: Sequence[Choice],
    expires_at: datetime | None,
    passcode: str | None,
    now: datetime,
) -> NewLink:
    """A new link disclosing exactly ``choices``; the caller commits."""
    label = label.strip()[:120]
    if not label:
        raise ValidationError(N_("Give the link a label, so you know whom you sent it to."))
    if expires_at is not None and expires_at <= now:
        raise ValidationError(N_("The link's expiry date must be in the future."))
    chosen = validate_choices(session, user_id, choices)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        user_id=user_id,
        token_hash=token_hash(token),
        label=label,
        created_at=now,
        expires_at=expires_at,
        passcode_hash=hash_password(passcode) if passcode else None,
        failed_attempts=0,
        challenge=secrets.token_urlsafe(16),
    )
    link.items = [
        ShareItem(
            user_id=user_id,
            credential_id=credential.id,
            position=position,
            show_grade=choice.show_grade,
            show_evidence=choice.show_evidence,
            show_recipient=choice.show_recipient,
        )
        for position, (choice, credential) in enumerate(chosen)
    ]
    session.add(link)
    session.flush()
    return NewLink(link, token)


def list_shares(session: Session, user_id: int) -> list[ShareLink]:
    """The holder's links, newest first."""
    query = select(ShareLink).where(ShareLink.user_id == user_id)
    return list(session.scalars(query.order_by(ShareLink.created_at.desc(), ShareLink.id.desc())))


def get_share(session: Session, user_id: int, link_id: int) -> ShareLink:
    """One of the holder's links; ``NotFoundError`` for anyone else's."""
    link = session.get(ShareLink, link_id)
    if link is None or link.user_id != user_id:
        raise NotFoundError(N_("No such link."))
    return link


def revoke_share(session: Session, user_id: int, link_id: int, now: datetime) -> ShareLink:
    """Stop a link at once (revoking twice keeps the first time)."""
    link = get_share(session, user_id, link_id)
    if link.revoked_at is None:
        link.revoked_at = now
    session.flush()
    return link


def is_live(link: ShareLink, now: datetime) -> bool:
    """Whether the link still opens."""
    return link.revoked_at is None and (link.expires_at is None or link.expires_at > now)


def find_live_share(session: Session, token: str, now: datetime) -> ShareLink:
    """The live link ``token`` opens; one ``LinkUnavailableError`` for every other case."""
    found = None
    if 20 <= len(token) <= 64:
        found = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if found is None or not is_live(found, now):
        raise LinkUnavailableError(N_("This link does not work (any more)."))
    return found


def check_passcode(link: ShareLink, passcode: str | None, now: datetime) -> None:
    """Accept the link's passcode; wrong attempts lock the link for a while after five."""
    if link.passcode_hash is None:
        return
    if link.locked_until is not None and link.locked_until > now:
        raise PasscodeRequiredError(N_("Too many wrong passcodes. Try again later."))
    if passcode and password_matches(link.passcode_hash, passcode):
        link.failed_attempts = 0
        return
    if passcode:
        link.failed_attempts += 1
        if link.failed_attempts >= MAX_ATTEMPTS:
            link.failed_attempts, link.locked_until = 0, now + LOCK_TIME
    raise PasscodeRequiredError(N_("This link needs a passcode."))


def device_class(user_agent: str) -> DeviceClass:
    """The coarse device type of a User-Agent (all that the view log keeps)."""
    agent = user_agent.lower()
    if "ipad" in agent or "tablet" in agent:
        return DeviceClass.TABLET
    if "mobile" in agent or "android" in agent or "iphone" in agent:
        return DeviceClass.PHONE
    if any(word in agent for word in ("windows", "macintosh", "x11", "linux", "cros")):
        return DeviceClass.COMPUTER
    return DeviceClass.OTHER


def record_view(session: Session, link: ShareLink, user_agent: str, now: datetime) -> None:
    """Add one opening to the link's view log."""
    session.add(
        ShareView(
            link_id=link.id, user_id=link.user_id, viewed_at=now, device=device_class(user_agent)
        )
    )
    session.flush()
