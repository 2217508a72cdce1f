"""Two holders and OpenID4VCI offers: one's offer in progress never serves the other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD
from tests.connect.conftest import follow_consent
from tests.connect.offers import stored
from tests.support.oid4vci_issuer import JWT_VC, OID4VCIIssuer, running_oid4vci_issuer
from tests.support.web import FormClient
from wallet.models import User


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[OID4VCIIssuer]:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the issuer speaks plain HTTP
    with running_oid4vci_issuer() as running:
        yield running


@pytest.fixture
def browsers(
    app: Flask, make_user: Callable[..., User]
) -> tuple[tuple[FormClient, User], tuple[FormClient, User]]:
    """The victim's and the intruder's browsers, each logged in."""
    pairs = []
    for email in ("victim@example.org", "intruder@example.org"):
        user = make_user(email=email)
        browser: FormClient = app.test_client()  # type: ignore[assignment]
        browser.submit("/login", {"email": user.email, "password": TEST_PASSWORD})
        pairs.append((browser, user))
    return pairs[0], pairs[1]


def test_offer_callback_in_another_holders_browser_is_refused(
    browsers: tuple[tuple[FormClient, User], tuple[FormClient, User]],
    issuer: OID4VCIIssuer,
    db_session: Session,
) -> None:
    (victim_client, victim), (intruder_client, _intruder) = browsers
    back = urlsplit(
        follow_consent(
            victim_client.submit(
                "/connect/offer", {"offer": issuer.offer(JWT_VC, pre_authorized=False)}
            ).headers["Location"]
        )
    )

    stolen = intruder_client.get(f"{back.path}?{back.query}")
    own = victim_client.get(f"{back.path}?{back.query}")

    assert stolen.status_code == 400 and own.status_code == 302
    assert [c.user_id for c in stored(db_session)] == [victim.id]


def test_offer_pending_state_of_one_holder_does_not_open_for_another(
    browsers: tuple[tuple[FormClient, User], tuple[FormClient, User]],
    issuer: OID4VCIIssuer,
    db_session: Session,
) -> None:
    (victim_client, _victim), (intruder_client, _intruder) = browsers
    victim_client.submit("/connect/offer", {"offer": issuer.offer(JWT_VC, tx_code="4242")})
    with victim_client.session_transaction() as victim_session:
        pending = victim_session["oid4vci_pending"]
    with intruder_client.session_transaction() as intruder_session:
        intruder_session["oid4vci_pending"] = pending  # copied into the intruder's cookie

    response = intruder_client.submit("/connect/offer/code", {"tx_code": "4242"})

    assert response.status_code == 400 and issuer.requests.count("POST /token") == 0
    assert stored(db_session) == []
