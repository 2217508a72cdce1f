"""Status monitoring: re-verify credentials that can change and notify holders of the changes.

A credential can change when it points at a status or revocation list, has an expiry date or is
an Open Badges 2.0 assertion whose issuer may stop hosting it. Each credential is re-verified in
its own transaction (the run joins its history) together with the notices it causes; mail goes
out only after those transactions committed.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.accounts import normalise_email
from wallet.envelope import CredentialFormat
from wallet.errors import N_, NotFoundError
from wallet.holder.credentials import reverify_credential
from wallet.holder.notices import notice_item, notice_mail
from wallet.identifiers import recipient_claims
from wallet.models import Credential, Notice, NoticeKind, User
from wallet.models.base import utcnow
from wallet.records import record_from_json
from wallet.services import Services
from wallet.verification.report import Report, report_from_json
from wallet.verification.standing import Standing, standing_of

logger = logging.getLogger(__name__)

DEFAULT_EXPIRING_DAYS = 30
_HOSTED_FORMATS = frozenset({CredentialFormat.OB2_HOSTED, CredentialFormat.OB2_SIGNED})
# Kinds that tell the holder something once per credential, however often it is re-checked.
_ONCE_PER_CREDENTIAL = frozenset({NoticeKind.REVOKED, NoticeKind.EXPIRED, NoticeKind.EXPIRING})


@dataclass(frozen=True)
class ReverifySummary:
    """What one monitoring pass did."""

    checked: int = 0
    changed: int = 0
    notices: int = 0
    errors: int = 0
    mailed: int = 0


@dataclass(frozen=True)
class PlannedNotice:
    """A notice the latest verification calls for, before de-duplication."""

    kind: NoticeKind
    details: dict[str, Any]


def can_change(credential: Credential) -> bool:
    """True when time or the issuer can change the verdict (status list, expiry, hosting)."""
    if credential.format in _HOSTED_FORMATS:
        return True
    record = record_from_json(credential.record)
    if record.status_entries or record.valid_until is not None:
        return True
    revocation = report_from_json(credential.report).find("revocation")
    return revocation is not None and revocation.required


def plan_notices(
    before: Standing,
    report: Report,
    valid_until: datetime | None,
    at: datetime,
    expiring_days: int,
) -> list[PlannedNotice]:
    """The notices a new report calls for, compared with the standing before it."""
    planned: list[PlannedNotice] = []
    after = standing_of(report)
    revocation = report.find("revocation")
    until = {"valid_until": valid_until.isoformat()} if valid_until else {}
    if after is Standing.REVOKED and revocation is not None:
        planned.append(PlannedNotice(NoticeKind.REVOKED, {"detail": revocation.detail}))
    if after is Standing.EXPIRED:
        planned.append(PlannedNotice(NoticeKind.EXPIRED, until))
    elif valid_until is not None and at < valid_until <= at + timedelta(days=expiring_days):
        planned.append(PlannedNotice(NoticeKind.EXPIRING, until))
    # A revocation or expiry already explains the change; say it once, not twice.
    if after is not before and after not in (Standing.REVOKED, Standing.EXPIRED):
        changed = {"verdict_before": before.value, "verdict_after": after.value}
        planned.append(PlannedNotice(NoticeKind.VERDICT_CHANGED, changed))
    return planned


def reverify_stored(
    session: Session,
    credential: Credential,
    services: Services,
    at: datetime,
    expiring_days: int,
    *,
    fetch_seconds: float | None = None,
) -> list[Notice]:
    """Re-verify one credential (a new run in its history) and add the notices it calls for.

    A change of standing always makes a notice; the same standing found again makes none of
    the kinds said once per credential (revoked, expired, expiring).
    """
    before = standing_of(report_from_json(credential.report))
    claims = recipient_claims(session, credential.user_id)
    ctx = services.verification_context(claims, at, fetch_seconds=fetch_seconds)
    run = reverify_credential(session, credential, ctx)
    report = report_from_json(run.report)
    valid_until = record_from_json(credential.record).valid_until
    planned = plan_notices(before, report, valid_until, at, expiring_days)
    changed = standing_of(report) is not before
    already = set(session.scalars(select(Notice.kind).where(Notice.credential_id == credential.id)))
    notices = [
        Notice(
            user_id=credential.user_id,
            credential_id=credential.id,
            kind=plan.kind,
            details={"title": credential.title, **plan.details},
            created_at=at,
        )
        for plan in planned
        if plan.kind not in _ONCE_PER_CREDENTIAL
        or plan.kind not in already
        or (changed and plan.kind is not NoticeKind.EXPIRING)
    ]
    session.add_all(notices)
    session.flush()
    return notices


def reverify_all(
    services: Services,
    *,
    at: datetime,
    user_email: str | None = None,
    expiring_days: int = DEFAULT_EXPIRING_DAYS,
) -> ReverifySummary:
    """Re-check every credential that can change (of one user, if given), then mail notices."""
    user_id = _user_id(services, user_email) if user_email else None
    checked = changed = created = errors = 0
    for credential_id in _candidate_ids(services, user_id):
        with services.database.sessions() as session:
            try:
                credential = session.get(Credential, credential_id)
                if credential is None or not can_change(credential):
                    continue
                before = credential.verdict
                notices = reverify_stored(session, credential, services, at, expiring_days)
                session.commit()
            except Exception:
                # The outermost boundary of one credential: log it and go on with the rest.
                logger.exception("re-verifying credential %s failed", credential_id)
                session.rollback()
                errors += 1
                continue
            checked += 1
            changed += credential.verdict is not before
            created += len(notices)
    mailed = mail_pending_notices(services, user_id=user_id)
    return ReverifySummary(checked, changed, created, errors, mailed)


def mail_pending_notices(services: Services, *, user_id: int | None = None) -> int:
    """Mail each holder their notices not mailed yet (one message each); returns how many."""
    sent = 0
    with services.database.sessions() as session:
        for user, notices in _pending_by_user(session, user_id):
            link = services.settings.base_url + "/notices"
            items = [notice_item(notice) for notice in notices]
            mail = notice_mail(user.email, items, link, user.language or "pl")
            try:
                services.mailer.send(mail)
            except (OSError, smtplib.SMTPException):
                # Left unmailed, so the next pass tries again.
                logger.exception("mailing notices to user %s failed", user.id)
                continue
            now = utcnow()
            for notice in notices:
                notice.mailed_at = now
            session.commit()
            sent += 1
    return sent


def _pending_by_user(session: Session, user_id: int | None) -> Iterator[tuple[User, list[Notice]]]:
    query = select(Notice).where(Notice.mailed_at.is_(None)).order_by(Notice.id)
    if user_id is not None:
        query = query.where(Notice.user_id == user_id)
    grouped: dict[int, list[Notice]] = defaultdict(list)
    for notice in session.scalars(query):
        grouped[notice.user_id].append(notice)
    for owner_id, notices in grouped.items():
        user = session.get(User, owner_id)
        if user is not None:
            yield user, notices


def _candidate_ids(services: Services, user_id: int | None) -> list[int]:
    query = select(Credential.id).order_by(Credential.id)
    if user_id is not None:
        query = query.where(Credential.user_id == user_id)
    with services.database.sessions() as session:
        return list(session.scalars(query))


def _user_id(services: Services, email: str) -> int:
    with services.database.sessions() as session:
        found = session.scalar(select(User.id).where(User.email == normalise_email(email)))
    if found is None:
        raise NotFoundError(N_("No account uses this email address."))
    return found
