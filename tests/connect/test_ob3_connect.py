"""Connecting an Open Badges 3.0 platform: consent, tokens, paging, sync again, errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.connect.conftest import RecordingRunner, connect, di_badge, follow_consent, jws_badge
from tests.support.httpserver import LocalServer
from tests.support.ob3_api_issuer import OB3Issuer
from tests.support.web import FormClient
from wallet.models import Connection, ConnectionState, Credential, ImportItem, User
from wallet.verification.report import Verdict


def stored(session: Session) -> list[Credential]:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    return list(session.scalars(select(Credential).order_by(Credential.id)))


def connections(session: Session) -> list[Connection]:
    session.commit()
    session.expire_all()
    return list(session.scalars(select(Connection).order_by(Connection.id)))


def credential_gets(issuer: OB3Issuer) -> list[str]:
    return [r for r in issuer.requests if r.startswith("GET /ims/ob/v3p0/credentials")]


def test_connect_new_platform_receives_and_verifies_every_credential(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("Data Literacy"), jws_badge("Teamwork"), di_badge("Statistics")]

    response = connect(client, issuer)

    assert response.status_code == 302
    assert re.fullmatch(r"/imports/\d+", response.headers["Location"])
    assert runner.wakes == 1 and runner.run() == 1
    credentials = stored(db_session)
    assert sorted(c.title for c in credentials) == ["Data Literacy", "Statistics", "Teamwork"]
    assert {c.verdict for c in credentials} == {Verdict.VERIFIED}
    assert {c.user_id for c in credentials} == {ola.id}
    [connection] = connections(db_session)
    assert connection.state is ConnectionState.ACTIVE
    assert connection.name == "Akademia Testowa"
    assert connection.credential_count == 3 and connection.last_synced_at is not None
    page = client.get("/connect").get_data(as_text=True)
    assert "Akademia Testowa" in page and "Sync again" in page


def test_connect_registers_with_pkce_and_the_exact_redirect_uri(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner
) -> None:
    started = client.submit("/connect", {"address": issuer.base_url})

    query = parse_qs(urlsplit(started.headers["Location"]).query)
    [registered] = issuer.clients.values()
    assert registered.metadata["redirect_uris"] == ["http://127.0.0.1:5000/connect/callback"]
    assert query["redirect_uri"] == registered.metadata["redirect_uris"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43 and len(query["state"][0]) >= 32
    assert query["scope"] == ["https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"]


def test_connect_tokens_and_client_secret_are_sealed_at_rest(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    connect(client, issuer)

    [connection] = connections(db_session)
    [token] = issuer.tokens
    [registered] = issuer.clients.values()
    sealed = (connection.sealed_tokens or b"") + (connection.sealed_client_secret or b"")
    assert sealed
    for secret in (token.access_token, token.refresh_token or "", registered.client_secret):
        assert secret.encode() not in sealed
    assert connection.pending_state_hash is None and connection.sealed_verifier is None


@pytest.mark.parametrize("page_links", [True, False], ids=["link-header", "total-count"])
def test_sync_many_pages_follows_the_paging_to_the_end(
    client: FormClient,
    ola: User,
    issuer: OB3Issuer,
    runner: RecordingRunner,
    db_session: Session,
    page_links: bool,
) -> None:
    issuer.credentials = [di_badge(f"Badge {n}") for n in range(7)]
    issuer.max_page, issuer.page_links = 3, page_links

    connect(client, issuer)
    runner.run()

    offsets = [parse_qs(urlsplit(r.split()[1]).query)["offset"] for r in credential_gets(issuer)]
    assert offsets == [["0"], ["3"], ["6"]]
    assert sorted(c.title for c in stored(db_session)) == [f"Badge {n}" for n in range(7)]


def test_connect_consent_denied_says_so_and_keeps_nothing(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.consent = False
    issuer.credentials = [di_badge("Data Literacy")]

    response = connect(client, issuer)

    assert response.status_code == 400
    assert "You did not allow Plecak to read your credentials" in response.get_data(as_text=True)
    assert connections(db_session) == [] and stored(db_session) == []
    assert not credential_gets(issuer) and not issuer.tokens


def test_callback_replayed_state_is_refused_once_used(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    started = client.submit("/connect", {"address": issuer.base_url})
    back = urlsplit(follow_consent(started.headers["Location"]))
    assert client.get(f"{back.path}?{back.query}").status_code == 302

    again = client.get(f"{back.path}?{back.query}")

    assert again.status_code == 400
    assert "could not be matched to a connection you started" in again.get_data(as_text=True)
    assert len(issuer.tokens) == 1 and len(connections(db_session)) == 1


def test_callback_forged_state_is_refused(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    started = client.submit("/connect", {"address": issuer.base_url})
    back = urlsplit(follow_consent(started.headers["Location"]))
    code = parse_qs(back.query)["code"][0]

    response = client.get(f"/connect/callback?code={code}&state=forged")

    assert response.status_code == 400
    assert not issuer.tokens
    [connection] = connections(db_session)
    assert connection.state is ConnectionState.PENDING and connection.sealed_tokens is None


def test_sync_after_token_expiry_refreshes_and_receives_the_new_credential(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    runner.run()
    issuer.credentials.append(di_badge("Second"))
    issuer.end_access()
    [connection] = connections(db_session)

    response = client.submit(f"/connect/{connection.id}/sync")

    assert response.status_code == 302 and "/imports/" in response.headers["Location"]
    runner.run()
    assert [c.title for c in stored(db_session)] == ["First", "Second"]
    assert issuer.requests.count("POST /oauth/token") == 2  # the code, then one refresh
    assert len(issuer.live_tokens()) == 1


def test_sync_with_token_about_to_end_refreshes_before_asking(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.expires_in = 5  # within the leeway: treated as already over
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    assert issuer.requests.count("POST /oauth/token") == 2  # refreshed before the first page
    [connection] = connections(db_session)
    before = len(credential_gets(issuer))

    client.submit(f"/connect/{connection.id}/sync")

    assert issuer.requests.count("POST /oauth/token") == 3
    assert len(credential_gets(issuer)) == before + 1  # no request was made with the old token


def test_sync_refresh_refused_asks_to_connect_again_and_changes_no_credential(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    runner.run()
    issuer.credentials.append(di_badge("Second"))
    issuer.end_access()
    issuer.refuse_refresh = True
    [connection] = connections(db_session)

    response = client.submit(f"/connect/{connection.id}/sync")

    assert response.status_code == 400
    assert "Connect again to keep receiving" in response.get_data(as_text=True)
    [connection] = connections(db_session)
    assert connection.state is ConnectionState.REAUTHORIZE and connection.sealed_tokens is None
    assert [c.title for c in stored(db_session)] == ["First"]


def test_connect_again_after_refused_refresh_restores_the_connection(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    issuer.end_access()
    issuer.refuse_refresh = True
    [connection] = connections(db_session)
    client.submit(f"/connect/{connection.id}/sync")
    issuer.refuse_refresh = False

    connect(client, issuer)

    [again] = connections(db_session)
    assert again.id == connection.id and again.state is ConnectionState.ACTIVE
    assert len(issuer.clients) == 1  # the registration is kept


def test_sync_again_receives_only_new_credentials(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First"), jws_badge("Second")]
    connect(client, issuer)
    runner.run()
    [connection] = connections(db_session)

    unchanged = client.submit(f"/connect/{connection.id}/sync")
    unchanged_page = client.get("/connect").get_data(as_text=True)
    issuer.credentials.append(di_badge("Third"))
    added = client.submit(f"/connect/{connection.id}/sync")
    runner.run()

    assert unchanged.status_code == 302 and unchanged.headers["Location"] == "/connect"
    assert "Nothing new" in unchanged_page
    assert "/imports/" in added.headers["Location"]
    assert [c.title for c in stored(db_session)] == ["First", "Second", "Third"]
    items = db_session.scalar(select(func.count()).select_from(ImportItem))
    assert items == 3  # the second sync queued nothing, the third only the new one
    [connection] = connections(db_session)
    assert connection.credential_count == 3


def test_remove_connection_forgets_it_and_keeps_the_credentials(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    runner.run()
    [connection] = connections(db_session)

    response = client.submit(f"/connect/{connection.id}/remove")

    assert response.status_code == 302
    assert connections(db_session) == []
    assert [c.title for c in stored(db_session)] == ["First"]
    assert "Akademia Testowa" not in client.get("/connect").get_data(as_text=True)


MALFORMED = {
    "not-json": b"<html>Not here</html>",
    "no-security-schemes": {"openapi": "3.0.1", "info": {"title": "X"}, "components": {}},
    "no-read-scope": "no-read-scope",
    "relative-nonsense": "javascript-token-url",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_connect_malformed_discovery_is_refused_before_registering(
    client: FormClient,
    ola: User,
    issuer: OB3Issuer,
    runner: RecordingRunner,
    db_session: Session,
    case: str,
) -> None:
    document = issuer.description()
    flow = document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    if case == "no-read-scope":
        flow["scopes"] = {"https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly": "x"}
    elif case == "relative-nonsense":
        flow["tokenUrl"] = "javascript:alert(1)"
    else:
        document = MALFORMED[case]
    issuer.discovery = document

    response = client.submit("/connect", {"address": issuer.base_url})

    assert response.status_code == 400
    assert "does not describe an Open Badges platform" in response.get_data(as_text=True)
    assert connections(db_session) == [] and not issuer.clients


@pytest.mark.parametrize("member", ["tokenUrl", "authorizationUrl", "x-imssf-registrationUrl"])
def test_connect_platform_pointing_at_a_private_address_is_refused(
    client: FormClient,
    ola: User,
    issuer: OB3Issuer,
    runner: RecordingRunner,
    db_session: Session,
    member: str,
) -> None:
    document = issuer.description()
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    holder = scheme if member.startswith("x-") else scheme["flows"]["authorizationCode"]
    holder[member] = "http://10.20.30.40/oauth"
    issuer.discovery = document

    response = client.submit("/connect", {"address": issuer.base_url})

    assert response.status_code == 400
    assert "Plecak fetches only from public web addresses" in response.get_data(as_text=True)
    assert connections(db_session) == [] and not issuer.clients


def test_connect_discovery_redirecting_to_a_private_address_is_refused(
    client: FormClient, ola: User, http_server: LocalServer, db_session: Session
) -> None:
    http_server.serve(
        "/ims/ob/v3p0/discovery",
        b"",
        status=302,
        headers={"Location": "http://192.168.7.1/ims/ob/v3p0/discovery"},
    )

    response = client.submit("/connect", {"address": http_server.base_url})

    assert response.status_code == 400
    assert "Plecak fetches only from public web addresses" in response.get_data(as_text=True)
    assert connections(db_session) == []


def test_connect_unreachable_platform_says_so(
    client: FormClient, ola: User, db_session: Session
) -> None:
    response = client.submit("/connect", {"address": "http://127.0.0.1:9"})

    assert response.status_code == 400
    assert "could not be reached" in response.get_data(as_text=True)
    assert connections(db_session) == []


def test_connection_of_another_holder_cannot_be_synced_or_removed(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    issuer: OB3Issuer,
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    victim = make_user(email="victim@example.org")
    intruder = make_user(email="intruder@example.org")
    login_as(victim)
    issuer.credentials = [di_badge("Victim's badge")]
    connect(client, issuer)
    runner.run()
    [connection] = connections(db_session)
    db_session.commit()
    gets = len(credential_gets(issuer))
    client.submit("/logout")
    login_as(intruder)

    synced = client.submit(f"/connect/{connection.id}/sync")
    removed = client.submit(f"/connect/{connection.id}/remove")
    page = client.get("/connect").get_data(as_text=True)

    assert synced.status_code == 404 and removed.status_code == 404
    assert "Akademia Testowa" not in page
    assert len(credential_gets(issuer)) == gets
    assert [c.id for c in connections(db_session)] == [connection.id]


def test_callback_of_another_holders_authorization_is_refused(
    app_client_factory: Callable[[], FormClient],
    make_user: Callable[..., User],
    issuer: OB3Issuer,
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    victim_client, intruder_client = app_client_factory(), app_client_factory()
    victim, intruder = (
        make_user(email="victim@example.org"),
        make_user(email="intruder@example.org"),
    )
    for browser, user in ((victim_client, victim), (intruder_client, intruder)):
        browser.submit("/login", {"email": user.email, "password": TEST_PASSWORD})
    started = victim_client.submit("/connect", {"address": issuer.base_url})
    back = urlsplit(follow_consent(started.headers["Location"]))

    stolen = intruder_client.get(f"{back.path}?{back.query}")
    own = victim_client.get(f"{back.path}?{back.query}")

    assert stolen.status_code == 400
    assert own.status_code == 302  # the victim's state is still unused
    [connection] = connections(db_session)
    assert connection.user_id == victim.id and connection.state is ConnectionState.ACTIVE


def test_callback_code_refused_by_the_platform_keeps_nothing(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    started = client.submit("/connect", {"address": issuer.base_url})
    back = urlsplit(follow_consent(started.headers["Location"]))
    issuer.codes.clear()  # the platform no longer knows the code it gave

    response = client.get(f"{back.path}?{back.query}")

    assert response.status_code == 400
    assert "refused to give Plecak access" in response.get_data(as_text=True)
    assert connections(db_session) == [] and not issuer.tokens


def test_sync_platform_gone_says_so_and_keeps_the_connection_as_it_was(
    client: FormClient, ola: User, issuer: OB3Issuer, runner: RecordingRunner, db_session: Session
) -> None:
    issuer.credentials = [di_badge("First")]
    connect(client, issuer)
    [connection] = connections(db_session)
    synced_at, sealed = connection.last_synced_at, connection.sealed_tokens
    db_session.commit()
    service = dict(connection.service)
    service["credentials_url"] = "http://127.0.0.1:9/ims/ob/v3p0/credentials"
    connection.service = service
    db_session.commit()

    response = client.submit(f"/connect/{connection.id}/sync")

    assert response.status_code == 400
    assert "could not be reached" in response.get_data(as_text=True)
    [after] = connections(db_session)
    assert after.state is ConnectionState.ACTIVE
    assert after.last_synced_at == synced_at and after.sealed_tokens == sealed
