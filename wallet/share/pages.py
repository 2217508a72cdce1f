"""The recipient's page of a link (and its byte-identical preview), and the link's presentation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from wallet.jsonvalues import JsonObject
from wallet.models import Credential, ShareItem, ShareLink, User
from wallet.share.disclosure import Disclosed, disclose, is_whole
from wallet.share.keys import holder_key
from wallet.share.links import Choice, validate_choices
from wallet.share.live import ReportCache, live_report
from wallet.share.presentation import build_presentation, presentable
from wallet.verification.context import VerificationContext


@dataclass(frozen=True)
class SharePage:
    """Everything the recipient sees: the holder's name and each disclosed credential."""

    holder_name: str
    credentials: tuple[Disclosed, ...]
    expires_at: datetime | None
    offers_presentation: bool


ContextFactory = Callable[[datetime], VerificationContext]


def _page(
    session: Session,
    user_id: int,
    pairs: Sequence[tuple[ShareItem, Credential]],
    expires_at: datetime | None,
    language: str,
    cache: ReportCache,
    context: ContextFactory,
    now: datetime,
) -> SharePage:
    user = session.get(User, user_id)
    shown = tuple(
        disclose(item, credential, live_report(credential, cache, context, now), language)
        for item, credential in pairs
    )
    return SharePage(
        holder_name=user.display_name if user else "",
        credentials=shown,
        expires_at=expires_at,
        offers_presentation=any(is_whole(i, c) and presentable(c) is not None for i, c in pairs),
    )


def link_pairs(session: Session, link: ShareLink) -> list[tuple[ShareItem, Credential]]:
    """The link's items with their credentials, in the holder's order."""
    pairs = []
    for item in link.items:
        credential = session.get(Credential, item.credential_id)
        if credential is not None and credential.user_id == link.user_id:
            pairs.append((item, credential))
    return pairs


def share_page(
    session: Session,
    link: ShareLink,
    language: str,
    cache: ReportCache,
    context: ContextFactory,
    now: datetime,
) -> SharePage:
    """The page a live link shows."""
    pairs = link_pairs(session, link)
    return _page(session, link.user_id, pairs, link.expires_at, language, cache, context, now)


def preview_page(
    session: Session,
    user_id: int,
    choices: Sequence[Choice],
    expires_at: datetime | None,
    language: str,
    cache: ReportCache,
    context: ContextFactory,
    now: datetime,
) -> SharePage:
    """The page a link made from ``choices`` would show, built the same way."""
    pairs = [
        (
            ShareItem(
                credential_id=credential.id,
                position=position,
                show_grade=choice.show_grade,
                show_evidence=choice.show_evidence,
                show_recipient=choice.show_recipient,
            ),
            credential,
        )
        for position, (choice, credential) in enumerate(validate_choices(session, user_id, choices))
    ]
    return _page(session, user_id, pairs, expires_at, language, cache, context, now)


def link_credential(session: Session, link: ShareLink, position: int) -> Credential | None:
    """The credential at ``position`` in the link, if it is shown whole (else ``None``)."""
    for item, credential in link_pairs(session, link):
        if item.position == position:
            return credential if is_whole(item, credential) else None
    return None


def link_presentation(
    session: Session, link: ShareLink, secret: str, domain: str, now: datetime
) -> JsonObject:
    """The link's VP: every credential shown whole, signed by the holder's key."""
    documents = [
        document
        for item, credential in link_pairs(session, link)
        if is_whole(item, credential) and (document := presentable(credential)) is not None
    ]
    did, key = holder_key(session, link.user_id, secret)
    return build_presentation(
        documents, holder=did, key=key, challenge=link.challenge, domain=domain, created=now
    )
