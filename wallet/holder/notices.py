"""Notices to the holder about their credentials: listing, counting, marking read, mail text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wallet.errors import N_, NotFoundError
from wallet.mail import OutgoingMail
from wallet.models import Notice, NoticeKind
from wallet.verification.standing import Standing


@dataclass(frozen=True)
class NoticeItem:
    """One notice as pages and mail show it."""

    id: int
    kind: NoticeKind
    credential_id: int | None
    title: str
    created_at: datetime
    read: bool
    valid_until: datetime | None = None
    # Standings: older notices stored verdicts, whose values are standings too.
    verdict_before: Standing | None = None
    verdict_after: Standing | None = None


def notice_item(notice: Notice) -> NoticeItem:
    """The typed view of a stored notice (``details`` is written by ``holder.monitoring``)."""
    details = notice.details or {}
    until = details.get("valid_until")
    before = details.get("verdict_before")
    after = details.get("verdict_after")
    return NoticeItem(
        id=notice.id,
        kind=notice.kind,
        credential_id=notice.credential_id,
        title=str(details.get("title") or ""),
        created_at=notice.created_at,
        read=notice.read_at is not None,
        valid_until=datetime.fromisoformat(until) if isinstance(until, str) else None,
        verdict_before=Standing(before) if isinstance(before, str) else None,
        verdict_after=Standing(after) if isinstance(after, str) else None,
    )


def list_notices(session: Session, user_id: int) -> list[NoticeItem]:
    """The user's notices, newest first."""
    rows = session.scalars(
        select(Notice)
        .where(Notice.user_id == user_id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return [notice_item(row) for row in rows]


def unread_count(session: Session, user_id: int) -> int:
    """How many of the user's notices are unread (the header badge)."""
    count = session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
    )
    return int(count or 0)


def mark_read(session: Session, user_id: int, notice_id: int, now: datetime) -> None:
    """Mark one of the user's notices read; ``NotFoundError`` for anyone else's."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != user_id:
        raise NotFoundError(N_("No such notice."))
    if notice.read_at is None:
        notice.read_at = now
    session.flush()


def mark_all_read(session: Session, user_id: int, now: datetime) -> None:
    """Mark every unread notice of the user read."""
    session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=now)
    )
    session.flush()


_STANDINGS = {
    Standing.VERIFIED: ("verified", "zweryfikowane"),
    Standing.EXPIRED: ("expired", "wygasłe"),
    Standing.REVOKED: ("revoked", "unieważnione"),
    Standing.FAILED: ("failed verification", "niezweryfikowane (błąd)"),
    Standing.UNVERIFIABLE: ("could not be checked", "nie dało się sprawdzić"),
}


def notice_sentence(item: NoticeItem, language: str) -> str:
    """One plain-language sentence for a notice, in Polish or English (for mail)."""
    polish = language == "pl"
    title = f"„{item.title}”" if polish else f"“{item.title}”"
    if item.kind is NoticeKind.REVOKED:
        return f"Wystawca unieważnił {title}." if polish else f"The issuer has revoked {title}."
    if item.kind is NoticeKind.EXPIRED:
        return f"{title} straciło ważność." if polish else f"{title} has expired."
    if item.kind is NoticeKind.EXPIRING:
        day = item.valid_until.date().isoformat() if item.valid_until else "?"
        return f"{title} traci ważność {day}." if polish else f"{title} expires on {day}."
    before = _STANDINGS[item.verdict_before or Standing.UNVERIFIABLE][int(polish)]
    after = _STANDINGS[item.verdict_after or Standing.UNVERIFIABLE][int(polish)]
    if polish:
        return f"Wynik weryfikacji {title} zmienił się: było „{before}”, jest „{after}”."
    return f"The verification result of {title} changed from “{before}” to “{after}”."


def notice_mail(to: str, items: Sequence[NoticeItem], link: str, language: str) -> OutgoingMail:
    """One message listing what changed in the holder's credentials."""
    lines = "\n".join(f"- {notice_sentence(item, language)}" for item in items)
    if language == "pl":
        subject = "Plecak: zmiany w Twoich poświadczeniach"
        body = f"Sprawdziliśmy ponownie Twoje poświadczenia:\n\n{lines}\n\nSzczegóły: {link}\n"
    else:
        subject = "Plecak: changes to your credentials"
        body = f"We checked your credentials again:\n\n{lines}\n\nDetails: {link}\n"
    return OutgoingMail(to=to, subject=subject, body=body)
