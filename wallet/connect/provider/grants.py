"""A holder's consents: give one, list them, revoke one, and read an app's access log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from wallet.connect.provider.scopes import CREDENTIALS_SCOPE, split_scope
from wallet.connect.provider.shareable import shareable_credentials
from wallet.errors import N_, NotFoundError, ValidationError
from wallet.models import (
    AppAccess,
    AppAuthorizationCode,
    AppClient,
    AppGrant,
    AppGrantCredential,
    AppToken,
    Credential,
)


def approve_grant(
    session: Session,
    user_id: int,
    app: AppClient,
    scope: str,
    credential_ids: Sequence[int],
    now: datetime,
) -> AppGrant:
    """Record the holder's consent: these scopes and exactly these credentials; caller commits.

    Consenting again replaces what an earlier consent to the same app allowed.
    """
    chosen = set(credential_ids)
    if CREDENTIALS_SCOPE not in split_scope(scope):
        chosen = set()
    offered = {item.credential.id for item in shareable_credentials(session, user_id)}
    if not chosen <= offered:
        raise ValidationError(
            N_("Choose only credentials from the list."),
            detail=f"credentials {sorted(chosen - offered)} cannot be shared",
        )
    grant = session.scalar(
        select(AppGrant).where(AppGrant.user_id == user_id, AppGrant.client_id == app.id)
    )
    if grant is None:
        grant = AppGrant(user_id=user_id, client_id=app.id, scope=scope, granted_at=now)
        session.add(grant)
    grant.scope, grant.granted_at, grant.revoked_at = scope, now, None
    grant.shared = [AppGrantCredential(credential_id=number) for number in sorted(chosen)]
    session.flush()
    return grant


def list_grants(session: Session, user_id: int) -> list[AppGrant]:
    """The holder's apps: those with access first, then those whose access ended."""
    grants = session.scalars(
        select(AppGrant).where(AppGrant.user_id == user_id).order_by(AppGrant.granted_at.desc())
    )
    return sorted(grants, key=lambda grant: grant.revoked_at is not None)


def get_grant(session: Session, user_id: int, grant_id: int) -> AppGrant:
    """One of the holder's grants; ``NotFoundError`` for anyone else's."""
    grant = session.get(AppGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFoundError(N_("No such app."))
    return grant


def revoke_grant(session: Session, user_id: int, grant_id: int, now: datetime) -> AppGrant:
    """End an app's access at once: its tokens and codes go; the access log stays."""
    grant = get_grant(session, user_id, grant_id)
    session.execute(delete(AppToken).where(AppToken.grant_id == grant.id))
    session.execute(delete(AppAuthorizationCode).where(AppAuthorizationCode.grant_id == grant.id))
    grant.shared = []
    if grant.revoked_at is None:
        grant.revoked_at = now
    session.flush()
    return grant


def shared_query(grant: AppGrant) -> Select[Credential]:
    """The credentials the grant lets its app read, oldest first (only the holder's own)."""
    return (
        select(Credential)
        .join(AppGrantCredential, AppGrantCredential.credential_id == Credential.id)
        .where(AppGrantCredential.grant_id == grant.id, Credential.user_id == grant.user_id)
        .order_by(Credential.id)
    )


def shared_credentials(session: Session, grant: AppGrant) -> list[Credential]:
    """What the grant lets its app read, for the holder's page."""
    return list(session.scalars(shared_query(grant)))


def access_log(session: Session, user_id: int, grant_id: int, limit: int = 200) -> list[AppAccess]:
    """The app's reads, newest first."""
    grant = get_grant(session, user_id, grant_id)
    query = select(AppAccess).where(AppAccess.grant_id == grant.id, AppAccess.user_id == user_id)
    return list(
        session.scalars(query.order_by(AppAccess.at.desc(), AppAccess.id.desc()).limit(limit))
    )


def credential_titles(session: Session, user_id: int, log: Sequence[AppAccess]) -> dict[int, str]:
    """Titles of the holder's credentials the log names, by id (deleted ones are missing)."""
    ids = [n for entry in log for n in entry.detail.get("credential_ids", []) if isinstance(n, int)]
    if not ids:
        return {}
    rows = session.execute(
        select(Credential.id, Credential.title).where(
            Credential.user_id == user_id, Credential.id.in_(list(ids))
        )
    )
    return {number: title for number, title in rows}
