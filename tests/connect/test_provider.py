"""Plecak as an Open Badges 3.0 API provider, driven by an independent OAuth client.

The app side is Authlib's ``requests`` client (not Plecak's own code): it registers, sends
the holder through consent with PKCE, reads pages, the profile, refreshes and revokes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.connect.conftest import di_badge, jws_badge
from tests.support.ob3_provider import (
    API,
    APP_REDIRECT,
    CREDENTIALS_SCOPE,
    PROFILE_SCOPE,
    HolderBrowser,
    Provider,
    register_app,
)
from tests.support.ob3_schemas import assert_valid
from tests.support.portfolio import loopback_context
from tests.support.web import csrf_token_from
from wallet.holder import credentials
from wallet.models import (
    AppAccess,
    AppAuthorizationCode,
    AppClient,
    AppGrant,
    AppToken,
    Credential,
    User,
)


@pytest.fixture
def holder(make_user: Callable[..., User], db_session: Session) -> User:
    """A holder with two JSON badges, a VC-JWT badge, and a hidden badge (never offered)."""
    user = make_user(email="ola@example.org", name="Ola Nowak")
    for source, data in [
        ("data.json", json.dumps(di_badge("Data Literacy")).encode()),
        ("team.jwt", jws_badge("Teamwork").encode()),
        ("stats.json", json.dumps(di_badge("Statistics")).encode()),
        ("hidden.json", json.dumps(di_badge("Hidden Badge")).encode()),
    ]:
        credentials.import_bytes(db_session, user.id, data, source, loopback_context())
    hidden = db_session.scalar(select(Credential).where(Credential.title == "Hidden Badge"))
    assert hidden is not None
    hidden.hidden = True
    db_session.commit()
    return user


@pytest.fixture
def browser(provider: Provider, holder: User) -> HolderBrowser:
    browser = HolderBrowser(provider)
    browser.log_in(holder.email)
    return browser


def oauth_client(provider: Provider, registration: dict[str, object], scope: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=registration["client_id"],
        client_secret=registration["client_secret"],
        scope=scope,
        redirect_uri=APP_REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def authorize(
    provider: Provider,
    browser: HolderBrowser,
    client: OAuth2Session,
    *,
    chosen: list[int] | None = None,
) -> dict[str, object]:
    """Consent as the holder and trade the code, PKCE verifier and all; the token response."""
    verifier = generate_token(64)
    url, _state = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=verifier
    )
    answer = browser.answer(url, approve=True, credentials=chosen)
    assert answer.status_code == 302, answer.text
    callback = answer.headers["Location"]
    assert callback.startswith(APP_REDIRECT + "?")
    return dict(
        client.fetch_token(
            provider.url("/oauth/token"), authorization_response=callback, code_verifier=verifier
        )
    )


def held(session: Session, title: str) -> Credential:
    session.expire_all()
    found = session.scalar(select(Credential).where(Credential.title == title))
    assert found is not None
    return found


def read_all(client: OAuth2Session, provider: Provider, limit: int) -> tuple[list[object], int]:
    """Follow the Link headers from the first page; every page is checked against the schema."""
    items: list[object] = []
    url: str | None = provider.url(f"{API}/credentials?limit={limit}&offset=0")
    pages = 0
    while url:
        answer = client.get(url, timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert_valid("getopenbadgecredentialsresponse", body)
        items += body["credential"] + body["compactJwsString"]
        assert answer.headers["X-Total-Count"] == "3"
        url = answer.links.get("next", {}).get("url")
        assert "first" in answer.links and "last" in answer.links
        pages += 1
    return items, pages


def test_provider_app_reads_the_chosen_originals_by_pages_after_consent(
    provider: Provider, browser: HolderBrowser, holder: User, db_session: Session
) -> None:
    registration = register_app(provider)
    client = oauth_client(provider, registration, CREDENTIALS_SCOPE)
    offered_page = browser.open(
        client.create_authorization_url(
            provider.url("/oauth/authorize"), code_verifier=generate_token(64)
        )[0]
    )
    assert (
        "Portal Pracy" in offered_page.text
        and "https://jobs.example.org/privacy" in offered_page.text
    )
    offered = browser.offered(offered_page)
    titles = {held(db_session, t).id: t for t in ("Data Literacy", "Teamwork", "Statistics")}
    assert sorted(offered) == sorted(titles)  # the hidden badge is not offered

    token = authorize(provider, browser, client)

    assert token["token_type"] == "Bearer" and token["refresh_token"]
    items, pages = read_all(client, provider, limit=2)
    assert pages == 2
    originals = [held(db_session, t).raw for t in ("Data Literacy", "Teamwork", "Statistics")]
    assert json.loads(originals[0]) in items and json.loads(originals[2]) in items
    assert originals[1].decode() in items  # the compact JWS, character for character
    assert len(items) == 3


def test_provider_serves_only_the_credentials_the_holder_ticked(
    provider: Provider, browser: HolderBrowser, holder: User, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    chosen = held(db_session, "Statistics")

    authorize(provider, browser, client, chosen=[chosen.id])

    answer = client.get(provider.url(f"{API}/credentials"), timeout=10)
    assert answer.headers["X-Total-Count"] == "1"
    assert answer.json()["credential"] == [json.loads(chosen.raw)]
    assert answer.json()["compactJwsString"] == []


def test_provider_profile_refresh_and_revocation_then_401(
    provider: Provider, browser: HolderBrowser, holder: User, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}")
    first = authorize(provider, browser, client)

    profile = client.get(provider.url(f"{API}/profile"), timeout=10)
    assert profile.status_code == 200
    assert profile.json()["name"] == "Ola Nowak" and profile.json()["email"] == holder.email
    assert profile.json()["type"] == ["Profile"] and profile.json()["id"].startswith("urn:uuid:")

    renewed = client.refresh_token(provider.url("/oauth/token"))
    assert renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] != first["refresh_token"]
    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 200
    stale = requests.get(
        provider.url(f"{API}/credentials"),
        headers={"Authorization": f"Bearer {first['access_token']}"},
        timeout=10,
    )
    assert stale.status_code == 401  # the refresh ended the old pair

    revoked = client.revoke_token(provider.url("/oauth/revoke"), token=renewed["access_token"])
    assert revoked.status_code == 200
    after = client.get(provider.url(f"{API}/credentials"), timeout=10)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"].startswith("Bearer")
    assert_valid("imsx_statusinfo", after.json())
    assert (
        after.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "unauthorizedrequest"
    )
    db_session.expire_all()
    kinds = [a.kind.value for a in db_session.scalars(select(AppAccess).order_by(AppAccess.id))]
    assert kinds == ["profile", "credentials"]  # refused reads are not served, so not logged


def test_provider_stores_tokens_and_secrets_only_as_hashes(
    provider: Provider, browser: HolderBrowser, holder: User, db_session: Session
) -> None:
    registration = register_app(provider)
    client = oauth_client(provider, registration, CREDENTIALS_SCOPE)
    token = authorize(provider, browser, client)

    db_session.expire_all()
    dumped = " ".join(
        str(value)
        for model in (AppToken, AppClient, AppGrant)
        for row in db_session.scalars(select(model))
        for value in vars(row).values()
    )
    for secret in (token["access_token"], token["refresh_token"], registration["client_secret"]):
        assert isinstance(secret, str) and len(secret) >= 32
        assert secret not in dumped
    [row] = db_session.scalars(select(AppToken))
    assert row.access_token_hash == hashlib.sha256(str(token["access_token"]).encode()).hexdigest()


def test_provider_stores_authorization_codes_only_as_hashes(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    callback = browser.answer(url, approve=True).headers["Location"]

    code = parse_qs(urlsplit(callback).query)["code"][0]
    db_session.expire_all()
    [row] = db_session.scalars(select(AppAuthorizationCode))
    assert code not in " ".join(str(v) for v in vars(row).values())
    assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert row.code_challenge_method == "S256"


def test_provider_denied_consent_sends_access_denied_and_stores_no_grant(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    url, state = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    answer = browser.answer(url, approve=False)

    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [state]
    assert "code" not in query
    db_session.expire_all()
    assert list(db_session.scalars(select(AppGrant))) == []


def test_provider_unregistered_redirect_uri_is_refused_here_not_redirected(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    registration = register_app(provider)
    client = OAuth2Session(
        client_id=registration["client_id"],
        scope=CREDENTIALS_SCOPE,
        redirect_uri="http://127.0.0.1:9/elsewhere",
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    answer = browser.open(url)

    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "not one it registered" in answer.text


@pytest.mark.parametrize(
    ("extra", "description"),
    [({}, "PKCE is required"), ({"code_challenge_method": "plain"}, "must be S256")],
)
def test_provider_authorization_without_s256_pkce_is_refused(
    provider: Provider, browser: HolderBrowser, extra: dict[str, str], description: str
) -> None:
    registration = register_app(provider)
    client = OAuth2Session(
        client_id=registration["client_id"], scope=CREDENTIALS_SCOPE, redirect_uri=APP_REDIRECT
    )
    url, _ = (
        client.create_authorization_url(
            provider.url("/oauth/authorize"), code_challenge="x" * 43, **extra
        )
        if extra
        else client.create_authorization_url(provider.url("/oauth/authorize"))
    )

    answer = browser.open(url)

    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert description in query["error_description"][0]


def test_provider_code_with_the_wrong_verifier_gets_no_token(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )
    callback = browser.answer(url, approve=True).headers["Location"]
    code = parse_qs(urlsplit(callback).query)["code"][0]

    answer = requests.post(
        provider.url("/oauth/token"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": APP_REDIRECT,
            "code_verifier": generate_token(64),
        },
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )

    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    db_session.expire_all()
    assert list(db_session.scalars(select(AppToken))) == []


def test_provider_profile_only_token_cannot_read_credentials(
    provider: Provider, browser: HolderBrowser
) -> None:
    client = oauth_client(provider, register_app(provider), PROFILE_SCOPE)
    authorize(provider, browser, client)

    assert client.get(provider.url(f"{API}/profile"), timeout=10).status_code == 200
    answer = client.get(provider.url(f"{API}/credentials"), timeout=10)

    assert answer.status_code == 403
    assert_valid("imsx_statusinfo", answer.json())
    assert (
        answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "forbidden"
    )


def test_provider_holder_revoking_on_the_apps_page_ends_every_token(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    authorize(provider, browser, client)
    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 200
    db_session.expire_all()
    [grant] = db_session.scalars(select(AppGrant))
    apps_page = browser.open(provider.url("/apps"))
    assert "Portal Pracy" in apps_page.text

    revoked = browser.http.post(
        provider.url(f"/apps/{grant.id}/revoke"),
        data={"csrf_token": csrf_token_from(apps_page.text)},
        allow_redirects=False,
        timeout=10,
    )

    assert revoked.status_code == 302
    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 401
    with pytest.raises(OAuthError, match="invalid_grant"):
        client.refresh_token(provider.url("/oauth/token"))
    log = browser.open(provider.url(f"/apps/{grant.id}")).text
    assert "Access ended" in log and "Data Literacy" in log  # the log outlives the access


@pytest.mark.parametrize("query", ["limit=0", "offset=-1", "limit=x", "since=yesterday"])
def test_provider_bad_paging_query_is_a_400_status_info(
    provider: Provider, browser: HolderBrowser, query: str
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    authorize(provider, browser, client)

    answer = client.get(provider.url(f"{API}/credentials?{query}"), timeout=10)

    assert answer.status_code == 400
    assert (
        answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "invalid_query_parameter"
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["ftp://jobs.example.org/cb"]}, "invalid_redirect_uri"),
        ({"client_name": ""}, "invalid_client_metadata"),
        (
            {"scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"},
            "invalid_client_metadata",
        ),
    ],
)
def test_provider_registration_refuses_bad_metadata_and_stores_nothing(
    provider: Provider, db_session: Session, change: dict[str, object], error: str
) -> None:
    body = {"client_name": "Portal", "redirect_uris": [APP_REDIRECT], **change}

    answer = requests.post(provider.url("/oauth/register"), json=body, timeout=10)

    assert answer.status_code == 400 and answer.json()["error"] == error
    db_session.expire_all()
    assert list(db_session.scalars(select(AppClient))) == []


def test_provider_api_is_read_only(provider: Provider) -> None:
    answer = requests.post(provider.url(f"{API}/credentials"), data="a.b.c", timeout=10)

    assert answer.status_code == 405
    assert_valid("imsx_statusinfo", answer.json())


def test_provider_discovery_is_public_and_names_every_endpoint(provider: Provider) -> None:
    answer = requests.get(provider.url(f"{API}/discovery"), timeout=10)

    assert answer.status_code == 200
    document = answer.json()
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    flow = scheme["flows"]["authorizationCode"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == provider.url("/oauth/register")
    assert flow["authorizationUrl"] == provider.url("/oauth/authorize")
    assert flow["tokenUrl"] == flow["refreshUrl"] == provider.url("/oauth/token")
    assert {CREDENTIALS_SCOPE, PROFILE_SCOPE} <= set(flow["scopes"])
    assert document["info"]["x-imssf-privacyPolicyUrl"].startswith(provider.base_url)
    assert document["servers"] == [{"url": provider.url(API)}]


def test_provider_consent_waits_for_the_holder_to_log_in(provider: Provider, holder: User) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )
    browser = HolderBrowser(provider)

    sent = browser.open(url)

    assert sent.status_code == 302
    login_page = browser.http.get(provider.url(sent.headers["Location"]), timeout=10)
    logged_in = browser.http.post(
        login_page.url,
        data={
            "email": holder.email,
            "password": TEST_PASSWORD,
            "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
            "csrf_token": csrf_token_from(login_page.text),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 302
    consent = browser.open(provider.url(logged_in.headers["Location"]))
    assert consent.status_code == 200 and "Portal Pracy" in consent.text


def test_provider_expired_access_token_is_a_401_and_refresh_renews_it(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    authorize(provider, browser, client)
    db_session.expire_all()
    [row] = db_session.scalars(select(AppToken))
    row.expires_at = row.issued_at  # as if the hour had passed
    db_session.commit()

    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 401
    client.refresh_token(provider.url("/oauth/token"))
    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 200


def test_provider_expired_authorization_code_gets_no_token(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    verifier = generate_token(64)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=verifier
    )
    callback = browser.answer(url, approve=True).headers["Location"]
    db_session.expire_all()
    [code] = db_session.scalars(select(AppAuthorizationCode))
    code.expires_at = code.expires_at - timedelta(minutes=10)
    db_session.commit()

    with pytest.raises(OAuthError, match="invalid_grant"):
        client.fetch_token(
            provider.url("/oauth/token"), authorization_response=callback, code_verifier=verifier
        )
    db_session.expire_all()
    assert list(db_session.scalars(select(AppToken))) == []


def test_provider_consent_without_the_forms_token_is_refused(
    provider: Provider, browser: HolderBrowser, db_session: Session
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    forged = browser.http.post(url, data={"decision": "approve"}, allow_redirects=False, timeout=10)

    assert forged.status_code == 400 and "Location" not in forged.headers
    db_session.expire_all()
    assert list(db_session.scalars(select(AppGrant))) == []


def test_provider_an_apps_own_words_are_escaped_on_the_holders_pages(
    provider: Provider, browser: HolderBrowser
) -> None:
    name = '<script>alert("x")</script>Portal'
    client = oauth_client(provider, register_app(provider, client_name=name), CREDENTIALS_SCOPE)
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    consent = browser.open(url).text
    browser.answer(url, approve=True)
    listed = browser.open(provider.url("/apps")).text

    for page in (consent, listed):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


def test_provider_pages_speak_polish_to_a_polish_holder(
    provider: Provider, browser: HolderBrowser, holder: User, db_session: Session
) -> None:
    db_session.expire_all()
    stored_holder = db_session.get(User, holder.id)
    assert stored_holder is not None
    stored_holder.language = "pl"
    db_session.commit()
    client = oauth_client(provider, register_app(provider), f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}")

    token = authorize(provider, browser, client)
    client.get(provider.url(f"{API}/credentials"), timeout=10)
    client.get(provider.url(f"{API}/profile"), timeout=10)
    [grant] = db_session.scalars(select(AppGrant))
    url, _ = client.create_authorization_url(
        provider.url("/oauth/authorize"), code_verifier=generate_token(64)
    )

    consent = browser.open(url).text
    log = browser.open(provider.url(f"/apps/{grant.id}")).text

    assert token["access_token"]
    assert "Zezwolić aplikacji Portal Pracy na odczyt Twojego portfela?" in consent
    assert "Odczytać Twój profil: imię i nazwisko oraz adres e-mail." in consent
    assert "Dziennik dostępu" in log and "3 poświadczenia" in log
    assert "Twój profil (imię i nazwisko oraz adres e-mail)" in log


def test_provider_reused_refresh_token_ends_the_whole_grant(
    provider: Provider, browser: HolderBrowser
) -> None:
    client = oauth_client(provider, register_app(provider), CREDENTIALS_SCOPE)
    first = authorize(provider, browser, client)
    renewed = client.refresh_token(provider.url("/oauth/token"))

    reused = requests.post(
        provider.url("/oauth/token"),
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )

    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    # Either copy may be the stolen one: the renewed pair ends too (RFC 9700 section 4.14.2).
    assert client.get(provider.url(f"{API}/credentials"), timeout=10).status_code == 401
    again = requests.post(
        provider.url("/oauth/token"),
        data={"grant_type": "refresh_token", "refresh_token": renewed["refresh_token"]},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    assert again.status_code == 400
