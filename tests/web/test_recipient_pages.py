"""The recipient check as a holder meets it: confirmed identifiers, other accounts' ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from tests.support.portfolio import AT, add_credential
from tests.support.web import FormClient
from wallet.models import Credential, HolderIdentifier, IdentifierKind, User
from wallet.verification.report import CheckStatus, Verdict, report_from_json

LEARNER = "did:example:learner"
Login = Callable[[User], None]


@pytest.fixture
def owner(make_user: Callable[..., User], login_as: Login, client: FormClient) -> User:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user()
    login_as(user)
    return user


def confirm(session: Session, user: User, kind: IdentifierKind, value: str) -> None:
    session.add(HolderIdentifier(user_id=user.id, kind=kind, value=value, confirmed_at=AT))
    session.commit()


def recheck(client: FormClient, session: Session, credential_id: int) -> Credential:
    assert client.submit(f"/credentials/{credential_id}/verify").status_code == 302
    session.commit()
    session.expire_all()
    credential = session.get(Credential, credential_id)
    assert credential is not None
    return credential


def test_recheck_did_credential_after_confirming_email_stays_verified_with_warning(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id)
    confirm(db_session, owner, IdentifierKind.EMAIL, owner.email)
    credential = recheck(client, db_session, credential_id)
    recipient = report_from_json(credential.report).find("recipient")
    assert recipient is not None and recipient.status is CheckStatus.WARNING
    assert credential.verdict is Verdict.VERIFIED
    html = client.get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert f"issued to {LEARNER}, which you have not confirmed" in html
    assert "Failed verification" not in html


def test_recheck_credential_whose_did_another_account_confirmed_fails(
    client: FormClient, owner: User, db_session: Session, make_user: Callable[..., User]
) -> None:
    credential_id = add_credential(db_session, owner.id)
    confirm(db_session, make_user(email="other@example.org"), IdentifierKind.DID, LEARNER)
    credential = recheck(client, db_session, credential_id)
    recipient = report_from_json(credential.report).find("recipient")
    assert recipient is not None and recipient.detail == "other_account"
    assert credential.verdict is Verdict.FAILED
    html = client.get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert "which another account has confirmed" in html


def test_recheck_credential_to_own_confirmed_did_passes(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id)
    confirm(db_session, owner, IdentifierKind.DID, LEARNER)
    credential = recheck(client, db_session, credential_id)
    recipient = report_from_json(credential.report).find("recipient")
    assert recipient is not None and recipient.status is CheckStatus.PASSED
