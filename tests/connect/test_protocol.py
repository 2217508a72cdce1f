"""The protocol pieces on their own: sealing, addresses, paging, registration, token answers."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from tests.support.httpserver import LocalServer
from wallet.connect.discovery import ServiceDescription, discovery_url
from wallet.connect.ob_api_client import AccessEnded, fetch_credentials
from wallet.connect.registration import ClientIdentity, ClientRegistration, register_client
from wallet.connect.tokens import exchange_code
from wallet.errors import ConnectError, FetchError
from wallet.fetching import Fetched, SafeFetcher
from wallet.models.base import utcnow
from wallet.sealing import SealBroken, seal, unseal

SECRET = "test-secret-key-that-is-long-enough-0123456789"
API = "https://badges.example/ims/ob/v3p0/credentials"


class ScriptedHttp:
    """Answers each request with the next scripted response; records what was asked."""

    def __init__(self, *answers: Fetched) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, str, Mapping[str, str]]] = []

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        return self.send("GET", url)

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        accept: str = "application/json",
        max_bytes: int | None = None,
    ) -> Fetched:
        self.sent.append((method, url, dict(headers or {})))
        return self.answers.pop(0)

    def check(self, url: str) -> None:
        pass


def answer(status: int, body: object, **headers: str) -> Fetched:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    names = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return Fetched("https://badges.example/", status, "application/json", data, names)


def test_seal_opens_only_with_the_same_secret_purpose_and_context() -> None:
    sealed = seal(SECRET, "tokens", b"access", "user:1 https://a.example")

    assert unseal(SECRET, "tokens", sealed, "user:1 https://a.example") == b"access"
    for secret, purpose, context in (
        ("another-secret-key-that-is-long-enough-000", "tokens", "user:1 https://a.example"),
        (SECRET, "verifier", "user:1 https://a.example"),
        (SECRET, "tokens", "user:2 https://a.example"),
    ):
        with pytest.raises(SealBroken):
            unseal(secret, purpose, sealed, context)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealBroken):
        unseal(SECRET, "tokens", tampered, "user:1 https://a.example")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("badges.example", "https://badges.example/ims/ob/v3p0/discovery"),
        ("https://badges.example/", "https://badges.example/ims/ob/v3p0/discovery"),
        ("https://badges.example/tenant", "https://badges.example/tenant/ims/ob/v3p0/discovery"),
        (
            "https://badges.example/ims/ob/v3p0/discovery",
            "https://badges.example/ims/ob/v3p0/discovery",
        ),
    ],
)
def test_discovery_url_from_what_the_holder_typed(typed: str, expected: str) -> None:
    assert discovery_url(typed) == expected


@pytest.mark.parametrize("typed", ["ftp://badges.example", "https://", "https://a.example/?x=1"])
def test_discovery_url_not_a_platform_address_is_refused(typed: str) -> None:
    with pytest.raises(ConnectError) as raised:
        discovery_url(typed)
    assert raised.value.reason == "bad_address"


def test_fetch_credentials_next_link_to_another_site_is_not_followed() -> None:
    http = ScriptedHttp(
        answer(200, {"credential": [{"id": "a"}]}, link='<https://evil.example/steal>; rel="next"')
    )

    with pytest.raises(ConnectError) as raised:
        fetch_credentials(http, API, "token", label="x")

    assert raised.value.reason == "connect_credentials"
    assert [url for _method, url, _headers in http.sent] == [f"{API}?limit=50&offset=0"]


def test_fetch_credentials_sends_the_bearer_token_and_reads_both_lists() -> None:
    http = ScriptedHttp(
        answer(200, {"credential": [{"id": "a"}], "compactJwsString": ["h.p.s"]}, x_total_count="2")
    )

    found = fetch_credentials(http, API, "secret-token", label="Akademia")

    assert [item.data for item in found] == [b'{"id": "a"}', b"h.p.s"]
    assert [item.name for item in found] == ["Akademia: 1", "Akademia: 2"]
    assert http.sent[0][2]["Authorization"] == "Bearer secret-token"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (answer(401, {}), AccessEnded),
        (answer(500, {}), ConnectError),
        (answer(200, b"not json"), ConnectError),
        (answer(200, {"compactJwsString": ["not-a-jws"]}), ConnectError),
        (answer(200, {"credential": "nope"}), ConnectError),
    ],
    ids=["401", "500", "not-json", "bad-jws", "not-a-list"],
)
def test_fetch_credentials_bad_answer_raises(reply: Fetched, error: type[Exception]) -> None:
    with pytest.raises(error):
        fetch_credentials(ScriptedHttp(reply), API, "token", label="x")


def description() -> ServiceDescription:
    base = "https://badges.example"
    return ServiceDescription(
        discovery_url=f"{base}/ims/ob/v3p0/discovery",
        name="Badges",
        credentials_url=API,
        authorization_url=f"{base}/authorize",
        token_url=f"{base}/token",
        refresh_url=f"{base}/token",
        registration_url=f"{base}/register",
        scopes=("https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",),
    )


IDENTITY = ClientIdentity(
    "Plecak",
    "https://w.example/",
    "https://w.example/l.svg",
    "https://w.example/",
    "https://w.example/",
    "id",
    "1",
)


@pytest.mark.parametrize(
    "reply",
    [
        answer(201, {"client_id": "c", "client_secret": "s", "redirect_uris": ["https://x/cb"]}),
        answer(201, {"client_secret": "s"}),
        answer(201, {"client_id": "c", "token_endpoint_auth_method": "client_secret_basic"}),
        answer(400, {"error": "invalid_client_metadata"}),
    ],
    ids=["other-redirect-uri", "no-client-id", "no-secret", "refused"],
)
def test_register_client_unusable_answer_is_refused(reply: Fetched) -> None:
    with pytest.raises(ConnectError) as raised:
        register_client(
            ScriptedHttp(reply),
            description(),
            IDENTITY,
            redirect_uri="https://w.example/cb",
            scope="s",
        )
    assert raised.value.reason == "connect_registration"


@pytest.mark.parametrize(
    "reply",
    [
        answer(400, {"error": "invalid_grant"}),
        answer(200, {"token_type": "Bearer"}),
        answer(200, {"access_token": "a", "token_type": "mac"}),
    ],
    ids=["refused", "no-access-token", "not-bearer"],
)
def test_exchange_code_unusable_answer_is_refused(reply: Fetched) -> None:
    client = ClientRegistration("c", "s", "client_secret_basic")
    with pytest.raises(ConnectError) as raised:
        exchange_code(
            ScriptedHttp(reply),
            "https://badges.example/token",
            client,
            code="x",
            redirect_uri="https://w.example/cb",
            code_verifier="v" * 64,
            scope="s",
            now=utcnow(),
        )
    assert raised.value.reason == "connect_token"


def test_exchange_code_authenticates_with_basic_and_keeps_the_expiry() -> None:
    http = ScriptedHttp(
        answer(
            200,
            {"access_token": "a", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r"},
        )
    )
    now = utcnow()

    tokens = exchange_code(
        http,
        "https://badges.example/token",
        ClientRegistration("c", "s", "client_secret_basic"),
        code="x",
        redirect_uri="https://w.example/cb",
        code_verifier="v" * 64,
        scope="s",
        now=now,
    )

    assert http.sent[0][2]["Authorization"] == "Basic Yzpz"
    assert tokens.refresh_token == "r" and tokens.expires_at is not None
    assert (tokens.expires_at - now).total_seconds() == 3600 and not tokens.expired(now)


def test_send_returns_a_redirect_without_following_it(http_server: LocalServer) -> None:
    url = http_server.serve("/token", b"", status=307, headers={"Location": "http://10.0.0.1/"})

    fetched = SafeFetcher(allow_loopback=True).send("GET", url, headers={"Authorization": "x"})

    assert fetched.status == 307 and fetched.headers["location"] == "http://10.0.0.1/"
    assert http_server.requests == ["/token"]


def test_send_to_a_private_address_is_refused_before_connecting() -> None:
    with pytest.raises(FetchError) as raised:
        SafeFetcher(allow_loopback=True).send("POST", "http://10.0.0.1/token", body=b"")
    assert raised.value.reason == "address_refused"
