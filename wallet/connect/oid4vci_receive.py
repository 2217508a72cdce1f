"""Receiving credentials a holder was offered over OpenID4VCI, into the holder's import queue.

Every credential is received before anything is stored, then queued as one import job, so it
is read and verified like an upload; a failure on the way leaves nothing behind.
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from wallet.connect.oid4vci_credentials import CredentialRequest, fresh_nonce, request_credential
from wallet.connect.oid4vci_metadata import (
    FORMATS,
    AuthorizationServer,
    IssuerMetadata,
    read_authorization_server,
    read_issuer_metadata,
    supports_pre_authorized,
)
from wallet.connect.oid4vci_offer import (
    CredentialOffer,
    PreAuthorizedGrant,
    TxCode,
    offer_from_document,
    read_offer,
)
from wallet.connect.oid4vci_proof import binding_for, holder_binding, proof_signer
from wallet.connect.oid4vci_tokens import (
    MAX_TX_CODE_LENGTH,
    IssuanceToken,
    authorization_code_token,
    authorization_request,
    pre_authorized_token,
    push_authorization_request,
)
from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.holder import import_jobs
from wallet.holder.import_jobs import UploadPart
from wallet.jsonvalues import JsonObject, parse_json_object
from wallet.models import ImportJob
from wallet.sealing import SealBroken, seal, unseal
from wallet.share.keys import holder_key

# The holder has this long to type the transaction code or to consent at the issuer.
PENDING_FOR = timedelta(minutes=10)
_PENDING = "credential offer in progress"
MAX_PENDING_LENGTH = 3000
# One offer brings at most this much: what an upload of files may be, and no more.
MAX_RECEIVED = 50
MAX_RECEIVED_BYTES = 16 * 1024 * 1024
# Refusals after which the offer still waits: the holder may type the code again.
TX_CODE_RETRY = frozenset({"oid4vci_tx_code", "oid4vci_tx_code_form"})


@dataclass(frozen=True)
class ReceiveConfig:
    """What the web layer supplies: the app secret and Plecak's identity as an OAuth client."""

    secret: str
    client_id: str
    redirect_uri: str
    allow_http: bool = False


@dataclass(frozen=True)
class Received:
    """The credentials came: the queued job (None if the holder had every one already)."""

    issuer_name: str
    job: ImportJob | None
    in_background: bool


@dataclass(frozen=True)
class AwaitingTxCode:
    """The offer needs the transaction code the issuer sent the holder another way."""

    pending: str
    issuer_name: str
    credential_issuer: str
    tx_code: TxCode


@dataclass(frozen=True)
class AwaitingConsent:
    """The holder must sign in and consent at the issuer; Plecak waits at its callback."""

    pending: str
    url: str


def accept_offer(
    session: Session,
    user_id: int,
    http: HttpClient,
    text: str,
    config: ReceiveConfig,
    now: datetime,
) -> Received | AwaitingTxCode | AwaitingConsent:
    """Read a pasted offer and the issuer's metadata, then receive or say what is needed.

    The pre-authorized code is preferred (no detour); a transaction code or the holder's
    consent at the issuer means a second step, carried by the sealed ``pending`` text.
    """
    offer = read_offer(http, text, allow_http=config.allow_http)
    metadata = _issuer(http, offer, config)
    pre = offer.pre_authorized
    if pre is not None:
        server = read_authorization_server(
            http, metadata, pre.authorization_server, allow_http=config.allow_http
        )
        if supports_pre_authorized(server) or offer.authorization is None:
            if pre.tx_code is not None:
                kept: JsonObject = {"offer": offer.to_json(), "name": metadata.name}
                pending = _seal(config, user_id, kept, now)
                return AwaitingTxCode(pending, metadata.name, offer.credential_issuer, pre.tx_code)
            token = pre_authorized_token(http, server.token_endpoint, pre.code, None)
            return _receive(session, user_id, http, offer, metadata, token, config, now)
    return _start_authorization(http, user_id, offer, metadata, config, now)


def waiting_for_tx_code(
    user_id: int, pending: str, config: ReceiveConfig, now: datetime
) -> AwaitingTxCode:
    """The offer in progress that waits for a transaction code (to ask for it again)."""
    kept, offer, tx_code = _waiting_offer(config, user_id, pending, now)
    name = kept.get("name")
    return AwaitingTxCode(
        pending,
        name if isinstance(name, str) else offer.credential_issuer,
        offer.credential_issuer,
        tx_code,
    )


def receive_with_tx_code(
    session: Session,
    user_id: int,
    http: HttpClient,
    pending: str,
    tx_code: str,
    config: ReceiveConfig,
    now: datetime,
) -> Received:
    """Send the pre-authorized code with the holder's transaction code, and receive."""
    _kept, offer, asked = _waiting_offer(config, user_id, pending, now)
    pre = cast(PreAuthorizedGrant, offer.pre_authorized)  # _waiting_offer checked it is there
    code = tx_code.strip()
    if not code or len(code) > MAX_TX_CODE_LENGTH or (asked.numeric and not code.isdigit()):
        raise ConnectError("the transaction code has the wrong form", reason="oid4vci_tx_code_form")
    metadata = _issuer(http, offer, config)
    server = read_authorization_server(
        http, metadata, pre.authorization_server, allow_http=config.allow_http
    )
    token = pre_authorized_token(http, server.token_endpoint, pre.code, code)
    return _receive(session, user_id, http, offer, metadata, token, config, now)


def finish_authorization(
    session: Session,
    user_id: int,
    http: HttpClient,
    pending: str,
    *,
    state: str,
    code: str | None,
    error: str | None,
    issuer: str | None = None,
    config: ReceiveConfig,
    now: datetime,
) -> Received:
    """Complete the authorization code flow the issuer answered, and receive.

    ``issuer`` is the answer's ``iss`` (RFC 9207): when given it must be the server asked,
    so that another server cannot pass its code off as this one's.
    """
    kept = _open(config, user_id, pending, now)
    expected = kept.get("state")
    if not state or not isinstance(expected, str) or not hmac.compare_digest(expected, state):
        raise ConnectError("the state does not match the offer", reason="oid4vci_authorization")
    if error is not None or not code:
        reason = "oid4vci_denied" if error == "access_denied" else "oid4vci_token"
        raise ConnectError(f"the issuer answered error={error!r}", reason=reason)
    offer = offer_from_document(_object(kept, "offer"), allow_http=config.allow_http)
    metadata = _issuer(http, offer, config)
    server = _code_server(http, offer, metadata, config)
    if issuer is not None and issuer != server.issuer:
        raise ConnectError(
            f"the answer names issuer {issuer!r}, not {server.issuer}",
            reason="oid4vci_authorization",
        )
    token = authorization_code_token(
        http,
        server.token_endpoint,
        client_id=config.client_id,
        code=code,
        redirect_uri=config.redirect_uri,
        code_verifier=str(kept.get("verifier", "")),
    )
    return _receive(session, user_id, http, offer, metadata, token, config, now, client=True)


def _waiting_offer(
    config: ReceiveConfig, user_id: int, pending: str, now: datetime
) -> tuple[JsonObject, CredentialOffer, TxCode]:
    """The kept state, the offer and its transaction code of an offer waiting for that code."""
    kept = _open(config, user_id, pending, now)
    offer = offer_from_document(_object(kept, "offer"), allow_http=config.allow_http)
    if offer.pre_authorized is None or offer.pre_authorized.tx_code is None:
        raise ConnectError("the pending offer asks for no transaction code", reason="oid4vci_offer")
    return kept, offer, offer.pre_authorized.tx_code


def _issuer(http: HttpClient, offer: CredentialOffer, config: ReceiveConfig) -> IssuerMetadata:
    """The issuer's metadata, refused before any code is spent if an offer cannot be kept."""
    metadata = read_issuer_metadata(http, offer.credential_issuer, allow_http=config.allow_http)
    for identifier in offer.configuration_ids:
        configuration = metadata.configurations.get(identifier)
        if configuration is None:
            raise ConnectError(
                f"the issuer's metadata does not describe {identifier!r}",
                reason="oid4vci_metadata",
            )
        if configuration.format not in FORMATS:
            raise ConnectError(
                f"{identifier} is issued as {configuration.format}", reason="oid4vci_unsupported"
            )
        binding_for(configuration)
    return metadata


def _start_authorization(
    http: HttpClient,
    user_id: int,
    offer: CredentialOffer,
    metadata: IssuerMetadata,
    config: ReceiveConfig,
    now: datetime,
) -> AwaitingConsent:
    server = _code_server(http, offer, metadata, config)
    if server.authorization_endpoint is None:
        raise ConnectError(
            f"{server.issuer} has no authorization endpoint", reason="oid4vci_metadata"
        )
    configurations = [metadata.configurations[i] for i in offer.configuration_ids]
    request = authorization_request(
        server.authorization_endpoint,
        client_id=config.client_id,
        redirect_uri=config.redirect_uri,
        scopes=tuple(c.scope for c in configurations if c.scope is not None),
        configuration_ids=offer.configuration_ids,
        issuer_state=offer.authorization.issuer_state if offer.authorization else None,
        resource=offer.credential_issuer if metadata.authorization_servers else None,
    )
    if server.par_endpoint is not None:
        request = push_authorization_request(
            http,
            server.par_endpoint,
            request,
            authorization_endpoint=server.authorization_endpoint,
            client_id=config.client_id,
        )
    kept: JsonObject = {
        "offer": offer.to_json(),
        "state": request.state,
        "verifier": request.code_verifier,
    }
    return AwaitingConsent(_seal(config, user_id, kept, now), request.url)


def _code_server(
    http: HttpClient, offer: CredentialOffer, metadata: IssuerMetadata, config: ReceiveConfig
) -> AuthorizationServer:
    hint = offer.authorization.authorization_server if offer.authorization else None
    return read_authorization_server(http, metadata, hint, allow_http=config.allow_http)


def _receive(
    session: Session,
    user_id: int,
    http: HttpClient,
    offer: CredentialOffer,
    metadata: IssuerMetadata,
    token: IssuanceToken,
    config: ReceiveConfig,
    now: datetime,
    *,
    client: bool = False,
) -> Received:
    """Ask for every offered credential with a proof of the holder's key, then queue them."""
    did, key = holder_key(session, user_id, config.secret)
    client_id = config.client_id if client else None
    parts = _collect(http, offer, metadata, token, did, key, client_id=client_id, now=now)
    new = import_jobs.not_held(session, user_id, parts)
    job = import_jobs.create_job(session, user_id, new) if new else None
    session.flush()
    return Received(metadata.name, job, import_jobs.runs_in_background(new))


def _collect(
    http: HttpClient,
    offer: CredentialOffer,
    metadata: IssuerMetadata,
    token: IssuanceToken,
    did: str,
    key: Ed25519PrivateKey,
    *,
    client_id: str | None,
    now: datetime,
) -> list[UploadPart]:
    """Every offered credential, each request with a fresh nonce when the issuer gives them."""
    nonce = token.c_nonce
    legacy = metadata.nonce_endpoint is None and token.c_nonce is not None

    def renew() -> str | None:
        endpoint = metadata.nonce_endpoint
        return None if endpoint is None else fresh_nonce(http, endpoint)

    parts: list[UploadPart] = []
    for identifier in offer.configuration_ids:
        configuration = metadata.configurations[identifier]
        binding = holder_binding(configuration, did, key)
        sign = None
        if binding is not None:
            sign = proof_signer(
                binding, audience=offer.credential_issuer, issued_at=now, client_id=client_id
            )
        label = f"{metadata.name}: {configuration.name or identifier}"
        for dataset in token.credential_identifiers.get(identifier, (None,)):
            if sign is not None and metadata.nonce_endpoint is not None:
                nonce = renew()
            request = CredentialRequest(
                metadata.credential_endpoint,
                token.access_token,
                configuration,
                identifier=dataset,
                legacy=legacy,
            )
            answer = request_credential(http, request, nonce=nonce, sign=sign, renew_nonce=renew)
            nonce = answer.c_nonce or nonce
            parts += [UploadPart(label, data) for data in answer.credentials]
            if len(parts) > MAX_RECEIVED or sum(len(p.data) for p in parts) > MAX_RECEIVED_BYTES:
                raise ConnectError(
                    f"the offer brings more than {MAX_RECEIVED} credentials or "
                    f"{MAX_RECEIVED_BYTES} bytes",
                    reason="oid4vci_credential",
                )
    return parts


def _seal(config: ReceiveConfig, user_id: int, kept: JsonObject, now: datetime) -> str:
    kept = {**kept, "until": int((now + PENDING_FOR).timestamp())}
    sealed = seal(config.secret, _PENDING, json.dumps(kept).encode(), f"user:{user_id}")
    text = base64.urlsafe_b64encode(sealed).decode("ascii")
    if len(text) > MAX_PENDING_LENGTH:
        # It rides in the holder's session cookie, which browsers cap at about 4 kB.
        raise ConnectError("the offer is too large to keep between steps", reason="oid4vci_offer")
    return text


def _open(config: ReceiveConfig, user_id: int, pending: str, now: datetime) -> JsonObject:
    """What ``_seal`` kept for this holder; ``oid4vci_authorization`` if not theirs or too old."""
    try:
        sealed = base64.urlsafe_b64decode(pending.encode("ascii"))
        opened = unseal(config.secret, _PENDING, sealed, f"user:{user_id}")
        kept = parse_json_object(opened)
    except (SealBroken, ValueError, CredentialFormatError):  # a bad base64 is a ValueError
        raise ConnectError(
            "no offer of this holder is in progress", reason="oid4vci_authorization"
        ) from None
    until = kept.get("until")
    if not isinstance(until, int) or until <= now.timestamp():
        raise ConnectError("the offer in progress is too old", reason="oid4vci_authorization")
    return kept


def _object(kept: JsonObject, key: str) -> JsonObject:
    value = kept.get(key)
    if not isinstance(value, dict):
        raise ConnectError(f"the offer in progress has no {key}", reason="oid4vci_authorization")
    return value
