"""What the OpenID4VCI tests share: pasting offers and reading what the app kept."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.support.oid4vci_issuer import OID4VCIIssuer
from tests.support.web import FormClient
from wallet.models import Credential, HolderKey, ImportJob, User

PRIVATE = "http://10.0.0.1/steal"


def stored(session: Session) -> list[Credential]:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    return list(session.scalars(select(Credential).order_by(Credential.id)))


def count(session: Session, model: type[object]) -> int:
    session.commit()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def holder_did(session: Session, user: User) -> str:
    session.commit()
    return str(session.scalar(select(HolderKey.did).where(HolderKey.user_id == user.id)))


def paste(client: FormClient, offer: str) -> TestResponse:
    return client.submit("/connect/offer", {"offer": offer})


def page(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def token_requests(issuer: OID4VCIIssuer) -> int:
    return issuer.requests.count("POST /token")


def assert_nothing_kept(session: Session) -> None:
    assert stored(session) == []
    assert count(session, ImportJob) == 0
    assert count(session, HolderKey) == 0  # a key made for the refused offer is rolled back


def start_authorization(client: FormClient, issuer: OID4VCIIssuer, *ids: str) -> str:
    started = paste(client, issuer.offer(*ids, pre_authorized=False))
    assert started.status_code == 302, page(started)
    return started.headers["Location"]
