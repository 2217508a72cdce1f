"""Real credentials in a holder's wallet, imported through the real service for page tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from tests.support.di_issuer import TestIssuer, achievement_credential
from wallet.fetching import SafeFetcher
from wallet.holder import credentials, portfolio
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.context import VerificationContext

AT = datetime(2026, 6, 1, tzinfo=UTC)
# A 1×1 transparent PNG as a data URI, the way issuers embed small badge images.
PNG_DATA_URI = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def loopback_context(recipients: frozenset[str] = frozenset()) -> VerificationContext:
    """Verification inputs that may reach 127.0.0.1 only."""
    return VerificationContext(
        fetcher=SafeFetcher(allow_loopback=True), at=AT, recipients=recipients, web_scheme="http"
    )


def signed_credential(
    achievement: JsonObject | None = None,
    *,
    title: str | None = None,
    issuer_name: str | None = None,
    **changes: JsonValue,
) -> bytes:
    """An Open Badges 3.0 credential signed by a fresh did:key issuer, titled ``title``."""
    issuer = TestIssuer.generate()
    credential = achievement_credential(issuer.did, **changes)
    if issuer_name is not None:
        credential["issuer"] = {"id": issuer.did, "type": ["Profile"], "name": issuer_name}
    if title is not None:
        credential["name"] = title
        achievement = {**(achievement or {}), "name": title}
    if achievement is not None:
        subject = credential["credentialSubject"]
        assert isinstance(subject, dict)
        base = subject["achievement"]
        assert isinstance(base, dict)
        subject["achievement"] = {**base, **achievement}
    return json.dumps(issuer.sign(credential, "eddsa-rdfc-2022")).encode()


def add_credential(
    session: Session,
    user_id: int,
    achievement: JsonObject | None = None,
    *,
    title: str | None = None,
    issuer_name: str | None = None,
    **changes: JsonValue,
) -> int:
    """Import a fresh signed credential for ``user_id``, commit, and return its id."""
    data = signed_credential(achievement, title=title, issuer_name=issuer_name, **changes)
    [result] = credentials.import_bytes(session, user_id, data, "badge.json", loopback_context())
    session.commit()
    assert result.credential_id is not None, result
    return result.credential_id


def victim_portfolio(session: Session, user_id: int, secret: str) -> dict[str, str]:
    """A credential titled ``secret``, tagged and filed, as URL arguments for isolation tests."""
    credential_id = add_credential(session, user_id, title=secret)
    tag = portfolio.add_tag(session, user_id, credential_id, secret)
    collection = portfolio.file_credential(session, user_id, credential_id, new_name=secret)
    session.commit()
    return {
        "credential_id": str(credential_id),
        "tag_id": str(tag.id),
        "collection_id": str(collection.id),
    }
