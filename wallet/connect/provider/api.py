"""The Open Badges API reads: a bearer token's credentials page and profile, each logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from authlib.oauth2.rfc6749 import ResourceProtector
from authlib.oauth2.rfc6749.errors import OAuth2Error
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from wallet.connect.provider.exchange import Exchange
from wallet.connect.provider.grants import shared_query
from wallet.connect.provider.scopes import API_PATH, ProviderConfig
from wallet.connect.provider.shareable import served_forms
from wallet.connect.provider.tokens import BearerValidator, TokenView
from wallet.jsonvalues import JsonObject
from wallet.models import AccessKind, AppAccess, AppGrant, Credential, User

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class ApiRefusal(Exception):
    """A request the API answers with an imsx status (401, 403, 400 or 405)."""

    def __init__(
        self,
        status: int,
        code_minor: str,
        description: str,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code_minor = code_minor
        self.description = description
        self.headers = tuple(headers)

    def body(self) -> JsonObject:
        """The Imsx_StatusInfo document the specification gives for every error."""
        return status_info(self.code_minor, self.description)


def status_info(code_minor: str, description: str) -> JsonObject:
    """An ``Imsx_StatusInfo`` failure with one code minor field."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "Plecak", "imsx_codeMinorFieldValue": code_minor}
            ]
        },
    }


@dataclass(frozen=True)
class Paging:
    """The query of a credentials request."""

    limit: int
    offset: int
    since: datetime | None = None


@dataclass(frozen=True)
class CredentialPage:
    """One page of served credentials, the total and the paging links."""

    body: bytes
    total: int
    links: str


def authorize_access(
    session: Session, request: Exchange, scope: str, now: datetime, config: ProviderConfig
) -> TokenView:
    """The token the request carries, if it is live and has ``scope``; ``ApiRefusal`` if not."""
    protector = ResourceProtector()
    protector.register_token_validator(BearerValidator(session, now, realm=config.name))
    try:
        token: TokenView = protector.validate_request([scope], request)
    except OAuth2Error as error:
        if error.status_code == 403:
            raise ApiRefusal(
                403, "forbidden", f"the access token lacks the scope {scope}"
            ) from None
        challenge = f'Bearer realm="{config.name}", error="invalid_token"'
        raise ApiRefusal(
            401,
            "unauthorizedrequest",
            "a live bearer access token is required",
            [("WWW-Authenticate", challenge)],
        ) from None
    return token


def parse_paging(query: Mapping[str, Sequence[str]]) -> Paging:
    """``limit``, ``offset`` and ``since`` as the specification defines them."""
    limit = _integer(query, "limit", DEFAULT_LIMIT, minimum=1)
    offset = _integer(query, "offset", 0, minimum=0)
    since = None
    if query.get("since"):
        try:
            since = datetime.fromisoformat(query["since"][0].replace("Z", "+00:00"))
        except ValueError:
            raise ApiRefusal(400, "invalid_query_parameter", "since is not a date-time") from None
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    return Paging(min(limit, MAX_LIMIT), offset, since)


def read_credentials(
    session: Session, token: TokenView, paging: Paging, config: ProviderConfig, now: datetime
) -> CredentialPage:
    """A page of what the grant shares, as the originals; the read goes in the access log."""
    grant = token.grant
    query = shared_query(grant)
    if paging.since is not None:
        query = query.where(Credential.issued_on > paging.since)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(
        query.options(undefer(Credential.raw)).offset(paging.offset).limit(paging.limit)
    )
    served = served_forms(list(rows))
    _log(
        session,
        grant,
        AccessKind.CREDENTIALS,
        now,
        count=len(served),
        detail={
            "offset": paging.offset,
            "total": total,
            "credential_ids": [item.credential.id for item in served],
        },
    )
    json_texts = [item.json_text for item in served if item.json_text is not None]
    # The originals go out byte for byte: spliced into the page, not parsed and re-encoded.
    body = (
        b'{"credential":['
        + b",".join(json_texts)
        + b'],"compactJwsString":'
        + json.dumps([item.compact_jws for item in served if item.compact_jws]).encode()
        + b"}"
    )
    return CredentialPage(body, total, _links(config, paging, total))


def read_profile(
    session: Session, token: TokenView, config: ProviderConfig, now: datetime
) -> JsonObject:
    """The holder's profile as this app sees it: a per-app id, name and e-mail address."""
    grant = token.grant
    user = session.get(User, grant.user_id)
    assert user is not None  # the grant's foreign key cascades
    _log(session, grant, AccessKind.PROFILE, now, count=1, detail={"fields": ["name", "email"]})
    return {
        "@context": [OB3_CONTEXT],
        "id": profile_id(config.secret, grant),
        "type": ["Profile"],
        "name": user.display_name,
        "email": user.email,
    }


def profile_id(secret: str, grant: AppGrant) -> str:
    """A stable id for the holder that differs per app, so apps cannot match it up."""
    digest = hmac.new(
        secret.encode(), f"profile {grant.user_id} {grant.client_id}".encode(), hashlib.sha256
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4).urn


def _log(
    session: Session,
    grant: AppGrant,
    kind: AccessKind,
    now: datetime,
    *,
    count: int,
    detail: JsonObject,
) -> None:
    session.add(
        AppAccess(
            grant_id=grant.id,
            user_id=grant.user_id,
            at=now,
            kind=kind,
            item_count=count,
            detail=detail,
        )
    )
    session.flush()


def _integer(query: Mapping[str, Sequence[str]], name: str, default: int, *, minimum: int) -> int:
    values = query.get(name)
    if not values:
        return default
    text = values[0]
    if not text.isdigit() or len(text) > 9 or int(text) < minimum:
        raise ApiRefusal(
            400, "invalid_query_parameter", f"{name} must be an integer of at least {minimum}"
        )
    return int(text)


def _links(config: ProviderConfig, paging: Paging, total: int) -> str:
    """RFC 8288 links: first and last always, next while incomplete, prev past the start."""
    base = config.url(f"{API_PATH}/credentials")
    extra = {"since": paging.since.isoformat()} if paging.since else {}

    def at(offset: int) -> str:
        return f"<{base}?{urlencode({'limit': paging.limit, 'offset': offset, **extra})}>"

    last = max(0, (total - 1) // paging.limit * paging.limit)
    links = [f'{at(0)}; rel="first"', f'{at(last)}; rel="last"']
    if paging.offset + paging.limit < total:
        links.append(f'{at(paging.offset + paging.limit)}; rel="next"')
    if paging.offset > 0:
        links.append(f'{at(max(0, paging.offset - paging.limit))}; rel="prev"')
    return ", ".join(links)
