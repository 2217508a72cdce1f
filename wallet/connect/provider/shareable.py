"""Which credentials an app may be offered: the holder's Open Badges 3.0 ones, as they came.

Served are credentials whose original bytes are an Open Badges 3.0 credential the API can
carry unchanged: a JSON (JSON-LD) ``OpenBadgeCredential``/``AchievementCredential``, or one
secured as a compact JWS (VC-JWT). Baked images, PDFs, SD-JWT VCs, CLRs and Open Badges 2.0
assertions are not offered (their originals are not that shape), and neither are hidden ones.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from wallet.envelope import CredentialFormat
from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.models import Credential

_FORMATS = (CredentialFormat.VC_DATA_INTEGRITY, CredentialFormat.VC_JWT)
_MEDIA_TYPES = ("application/json", "text/plain")
_BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
# The pattern the GetOpenBadgeCredentialsResponse schema gives for compactJwsString items.
COMPACT_JWS = re.compile(r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$")


@dataclass(frozen=True)
class Served:
    """A credential as the API serves it: its JSON text, or its compact JWS, verbatim."""

    credential: Credential
    json_text: bytes | None = None
    compact_jws: str | None = None


def shareable_credentials(session: Session, user_id: int) -> list[Served]:
    """The holder's credentials an app may be given, oldest first."""
    rows = session.scalars(
        select(Credential)
        .options(undefer(Credential.raw))
        .where(
            Credential.user_id == user_id,
            Credential.format.in_(_FORMATS),
            Credential.media_type.in_(_MEDIA_TYPES),
            Credential.hidden.is_(False),
        )
        .order_by(Credential.id)
    )
    return served_forms(list(rows))


def served_forms(credentials: Sequence[Credential]) -> list[Served]:
    """The served form of each credential that still has one."""
    return [item for item in map(served_form, credentials) if item is not None]


def served_form(credential: Credential) -> Served | None:
    """How the API carries ``credential``, or None when it cannot carry it unchanged."""
    try:
        text = credential.raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return None
    if credential.format is CredentialFormat.VC_JWT and COMPACT_JWS.match(text):
        return Served(credential, compact_jws=text) if _jwt_is_badge(text) else None
    if credential.format is CredentialFormat.VC_DATA_INTEGRITY and text.startswith("{"):
        try:
            document = parse_json_object(text)
        except CredentialFormatError:
            return None
        return Served(credential, json_text=text.encode()) if _is_badge(document) else None
    return None


def _jwt_is_badge(jws: str) -> bool:
    payload = jws.split(".")[1]
    try:
        claims = parse_json_object(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, CredentialFormatError):
        return False
    vc = claims.get("vc")
    return _is_badge(vc if isinstance(vc, dict) else claims)


def _is_badge(document: JsonObject) -> bool:
    types: JsonValue = document.get("type")
    listed = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t in _BADGE_TYPES for t in listed)
