"""A holder's connections to Open Badges 3.0 platforms: connect, authorize, sync and remove."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.connect.discovery import READ_SCOPE, ServiceDescription, read_service_description
from wallet.connect.ob_api_client import AccessEnded, RemoteCredential, fetch_credentials
from wallet.connect.registration import ClientIdentity, ClientRegistration, register_client
from wallet.connect.tokens import TokenSet, authorization_request, exchange_code, refresh_tokens
from wallet.errors import N_, ConnectError, NotFoundError, WalletError
from wallet.fetching import HttpClient
from wallet.holder import import_jobs
from wallet.holder.import_jobs import UploadPart
from wallet.models import Connection, ConnectionState, ImportJob
from wallet.sealing import SealBroken, seal, unseal

logger = logging.getLogger(__name__)

# The holder has this long to give consent on the platform; the state is single use.
PENDING_FOR = timedelta(minutes=10)
_CLIENT_SECRET = "connection client secret"  # noqa: S105 (a purpose, not a secret)
_TOKENS = "connection tokens"
_VERIFIER = "connection pkce verifier"


@dataclass(frozen=True)
class ConnectConfig:
    """What the web layer supplies: the app secret, Plecak's identity and its callback."""

    secret: str
    identity: ClientIdentity
    redirect_uri: str
    allow_http: bool = False


def start_connection(
    session: Session,
    user_id: int,
    http: HttpClient,
    address: str,
    config: ConnectConfig,
    now: datetime,
) -> str:
    """Read the platform's description, register if needed; the URL to send the holder to.

    The connection is kept as pending with the state's hash and the sealed PKCE verifier until
    the holder comes back. The caller commits.
    """
    description = read_service_description(http, address, allow_http=config.allow_http)
    connection = session.scalar(
        select(Connection).where(
            Connection.user_id == user_id, Connection.address == description.discovery_url
        )
    )
    if connection is None or _registered_elsewhere(connection, description):
        client = register_client(
            http, description, config.identity, redirect_uri=config.redirect_uri, scope=READ_SCOPE
        )
        connection = connection or Connection(
            user_id=user_id, address=description.discovery_url, state=ConnectionState.PENDING
        )
        connection.client_id = client.client_id
        connection.auth_method = client.auth_method
        connection.sealed_client_secret = (
            None
            if client.client_secret is None
            else seal(
                config.secret,
                _CLIENT_SECRET,
                client.client_secret.encode(),
                _context(connection),
            )
        )
    connection.name = description.name
    connection.service = description.to_json()
    request = authorization_request(
        description.authorization_url, connection.client_id, config.redirect_uri, READ_SCOPE
    )
    connection.pending_state_hash = _hash(request.state)
    connection.sealed_verifier = seal(
        config.secret, _VERIFIER, request.code_verifier.encode(), _context(connection)
    )
    connection.pending_until = now + PENDING_FOR
    session.add(connection)
    session.flush()
    return request.url


def finish_connection(
    session: Session,
    user_id: int,
    http: HttpClient,
    *,
    state: str,
    code: str | None,
    error: str | None,
    config: ConnectConfig,
    now: datetime,
) -> Connection:
    """Complete the authorization the platform answered; the caller commits, even on error.

    The pending state is used up whatever happens. A failure removes a connection that never
    worked (nothing half-made is left) and keeps one that did as it was; ``ConnectError`` says
    why.
    """
    connection = _pending(session, user_id, state, now)
    sealed_verifier = connection.sealed_verifier or b""
    connection.pending_state_hash = connection.sealed_verifier = connection.pending_until = None
    try:
        if error is not None or not code:
            reason = "connect_denied" if error == "access_denied" else "connect_token"
            raise ConnectError(f"the platform answered error={error!r}", reason=reason)
        verifier = _open(config.secret, _VERIFIER, sealed_verifier, connection)
        description = ServiceDescription.from_json(connection.service)
        tokens = exchange_code(
            http,
            description.token_url,
            _client(connection, config.secret),
            code=code,
            redirect_uri=config.redirect_uri,
            code_verifier=verifier,
            scope=READ_SCOPE,
            now=now,
        )
    except WalletError:
        _abandon(session, connection)
        raise
    _store_tokens(connection, tokens, config.secret)
    connection.state = ConnectionState.ACTIVE
    session.flush()
    return connection


def sync_connection(
    session: Session,
    user_id: int,
    connection_id: int,
    http: HttpClient,
    config: ConnectConfig,
    now: datetime,
) -> ImportJob | None:
    """Read every credential on the platform and queue the new ones for import.

    Each one then goes through the same reading and verification as an upload. Returns the
    job, or None when nothing is new. Renewed tokens are stored even if the sync then fails,
    so the caller commits either way.
    """
    connection = get_connection(session, user_id, connection_id)
    if connection.state is not ConnectionState.ACTIVE:
        raise ConnectError(
            f"connection {connection.id} is not authorized", reason="connect_reauthorize"
        )
    description = ServiceDescription.from_json(connection.service)
    tokens = _tokens(connection, config.secret)
    if tokens.expired(now):
        tokens = _refresh(session, connection, http, description, tokens, config, now)
    try:
        remote = _fetch(http, description, tokens, connection.name)
    except AccessEnded:
        tokens = _refresh(session, connection, http, description, tokens, config, now)
        remote = _fetch(http, description, tokens, connection.name)
    connection.last_synced_at = now
    connection.credential_count = len(remote)
    new = import_jobs.not_held(session, user_id, [UploadPart(r.name, r.data) for r in remote])
    job = None
    if new:
        job = import_jobs.create_job(session, user_id, new)
        connection.last_job_id = job.id
    session.flush()
    return job


def get_connection(session: Session, user_id: int, connection_id: int) -> Connection:
    """One of the holder's connections; ``NotFoundError`` for anyone else's."""
    connection = session.get(Connection, connection_id)
    if connection is None or connection.user_id != user_id:
        raise NotFoundError(N_("No such connection."))
    return connection


def list_connections(session: Session, user_id: int) -> list[Connection]:
    """The holder's connections, by name."""
    query = select(Connection).where(Connection.user_id == user_id)
    return list(session.scalars(query.order_by(Connection.name, Connection.id)))


def remove_connection(session: Session, user_id: int, connection_id: int) -> None:
    """Forget a connection and its tokens (credentials already received stay); caller commits."""
    session.delete(get_connection(session, user_id, connection_id))
    session.flush()


def _pending(session: Session, user_id: int, state: str, now: datetime) -> Connection:
    connection = session.scalar(
        select(Connection).where(
            Connection.user_id == user_id, Connection.pending_state_hash == _hash(state)
        )
    )
    if connection is None or connection.pending_until is None:
        raise ConnectError(
            "no authorization of this holder has that state", reason="connect_authorization"
        )
    if connection.pending_until <= now:
        connection.pending_state_hash = connection.sealed_verifier = connection.pending_until = None
        _abandon(session, connection)
        raise ConnectError("the authorization came back too late", reason="connect_authorization")
    return connection


def _abandon(session: Session, connection: Connection) -> None:
    """Remove a connection that never worked; one that did keeps its tokens."""
    if connection.state is ConnectionState.PENDING:
        session.delete(connection)
    session.flush()


def _refresh(
    session: Session,
    connection: Connection,
    http: HttpClient,
    description: ServiceDescription,
    tokens: TokenSet,
    config: ConnectConfig,
    now: datetime,
) -> TokenSet:
    try:
        renewed = refresh_tokens(
            http,
            description.refresh_url,
            _client(connection, config.secret),
            tokens,
            scope=READ_SCOPE,
            now=now,
        )
    except ConnectError as error:
        if error.reason == "connect_reauthorize":
            # The platform ended the grant: the holder must consent again to continue.
            connection.state = ConnectionState.REAUTHORIZE
            connection.sealed_tokens = None
            session.flush()
        raise
    _store_tokens(connection, renewed, config.secret)
    session.flush()
    return renewed


def _fetch(
    http: HttpClient, description: ServiceDescription, tokens: TokenSet, label: str
) -> list[RemoteCredential]:
    return fetch_credentials(http, description.credentials_url, tokens.access_token, label=label)


def _registered_elsewhere(connection: Connection, description: ServiceDescription) -> bool:
    """Whether the stored client belongs to another registration endpoint (or to none)."""
    registered = connection.service.get("registration_url") if connection.service else None
    return not connection.client_id or registered != description.registration_url


def _client(connection: Connection, secret: str) -> ClientRegistration:
    client_secret = None
    if connection.sealed_client_secret is not None:
        client_secret = _open(secret, _CLIENT_SECRET, connection.sealed_client_secret, connection)
    return ClientRegistration(connection.client_id, client_secret, connection.auth_method)


def _tokens(connection: Connection, secret: str) -> TokenSet:
    if connection.sealed_tokens is None:
        raise ConnectError(
            f"connection {connection.id} has no tokens", reason="connect_reauthorize"
        )
    return TokenSet.from_json(_open(secret, _TOKENS, connection.sealed_tokens, connection))


def _store_tokens(connection: Connection, tokens: TokenSet, secret: str) -> None:
    connection.sealed_tokens = seal(
        secret, _TOKENS, tokens.to_json().encode(), _context(connection)
    )


def _open(secret: str, purpose: str, sealed: bytes, connection: Connection) -> str:
    try:
        return unseal(secret, purpose, sealed, _context(connection)).decode()
    except SealBroken:
        # Sealed under another app secret (it was changed): only a new consent helps.
        logger.warning("connection %s: the sealed %s does not open", connection.id, purpose)
        raise ConnectError(
            f"the sealed {purpose} does not open", reason="connect_reauthorize"
        ) from None


def _context(connection: Connection) -> str:
    return f"user:{connection.user_id} {connection.address}"


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()
