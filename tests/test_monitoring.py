"""Status monitoring against real loopback issuers: revocation, expiry, hosting, notices, mail."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import make_issuer
from tests.support.status_lists import bitstring_entry, bitstring_list_credential, encode_list
from tests.support.web import FormClient
from wallet.cli import main
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import credentials, monitoring
from wallet.mail import create_mailer
from wallet.models import (
    Credential,
    HolderIdentifier,
    IdentifierKind,
    Notice,
    NoticeKind,
    User,
    VerificationRun,
)
from wallet.services import Services
from wallet.verification.context import RecipientClaims
from wallet.verification.data_integrity import JCS
from wallet.verification.report import CheckStatus, Verdict, report_from_json
from wallet.verification.standing import Standing

AT = datetime(2026, 6, 1, tzinfo=UTC)
LEARNER = "did:example:learner"
INDEX = 42


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def services(settings: Settings, database: Database) -> Services:
    mailer = create_mailer(None, settings.mail_sender, settings.mail_dir)
    return Services(settings=settings, database=database, mailer=mailer)


@pytest.fixture
def holder(make_user: Callable[..., User], db_session: Session) -> User:
    user = make_user(email="ola@example.org")
    for kind, value in ((IdentifierKind.DID, LEARNER), (IdentifierKind.EMAIL, "alice@example.org")):
        db_session.add(HolderIdentifier(user_id=user.id, kind=kind, value=value, confirmed_at=AT))
    db_session.commit()
    return user


class StatusIssuer:
    """A did:key issuer that publishes a signed Bitstring status list on a loopback server."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.key = TestIssuer.generate()
        self.list_url = server.url("/status/1")

    def publish(self, revoked: bool) -> None:
        encoded = encode_list({INDEX: 1} if revoked else {})
        listed = bitstring_list_credential(self.list_url, self.key.did, encoded)
        self.server.serve("/status/1", json.dumps(self.key.sign(listed, JCS)))

    def credential(self, **changes: object) -> bytes:
        document = achievement_credential(self.key.did, **changes)  # type: ignore[arg-type]
        document["credentialSubject"]["id"] = LEARNER  # type: ignore[index]
        return json.dumps(self.key.sign(document, JCS)).encode()


@pytest.fixture
def status_issuer(http_server: LocalServer) -> Iterator[StatusIssuer]:
    issuer = StatusIssuer(http_server)
    issuer.publish(revoked=False)
    yield issuer


def store(session: Session, services: Services, user: User, data: bytes) -> Credential:
    ctx = services.verification_context(
        RecipientClaims(frozenset({LEARNER, "alice@example.org"})), AT - timedelta(days=1)
    )
    [result] = credentials.import_bytes(session, user.id, data, "upload.json", ctx)
    session.commit()
    stored = session.get(Credential, result.credential_id)
    assert stored is not None
    return stored


def with_status(issuer: StatusIssuer) -> bytes:
    return issuer.credential(credentialStatus=bitstring_entry(issuer.list_url, INDEX))


def expiring_in(issuer: StatusIssuer, days: int) -> bytes:
    return issuer.credential(validUntil=(AT + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"))


def notice_kinds(session: Session, user: User) -> list[NoticeKind]:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    query = select(Notice.kind).where(Notice.user_id == user.id).order_by(Notice.id)
    return list(session.scalars(query))


def reload(session: Session, credential: Credential) -> Credential:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    found = session.get(Credential, credential.id)
    assert found is not None
    return found


def mails(folder: Path) -> list[str]:
    return sorted(path.read_text() for path in folder.glob("*.eml")) if folder.exists() else []


def test_reverify_all_set_status_bit_fails_revocation_and_notifies(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    stored = store(db_session, services, holder, with_status(status_issuer))
    assert stored.verdict is Verdict.VERIFIED
    status_issuer.publish(revoked=True)
    summary = monitoring.reverify_all(services, at=AT)
    stored = reload(db_session, stored)
    revocation = report_from_json(stored.report).find("revocation")
    assert revocation is not None and revocation.status is CheckStatus.FAILED
    assert stored.verdict is Verdict.FAILED and len(stored.runs) == 2
    assert notice_kinds(db_session, holder) == [NoticeKind.REVOKED]
    assert (summary.checked, summary.changed, summary.notices, summary.mailed) == (1, 1, 1, 1)
    [mail] = mails(services.settings.mail_dir)
    assert "To: ola@example.org" in mail


def test_reverify_all_run_twice_creates_no_duplicate_notice_or_mail(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    store(db_session, services, holder, with_status(status_issuer))
    status_issuer.publish(revoked=True)
    monitoring.reverify_all(services, at=AT)
    again = monitoring.reverify_all(services, at=AT + timedelta(hours=1))
    assert notice_kinds(db_session, holder) == [NoticeKind.REVOKED]
    assert (again.checked, again.notices, again.mailed) == (1, 0, 0)
    assert len(mails(services.settings.mail_dir)) == 1


def test_reverify_all_with_smtp_delivers_the_notice_mail(
    db_session: Session,
    services: Services,
    holder: User,
    status_issuer: StatusIssuer,
    inbox: tuple[Inbox, int],
) -> None:
    smtp = create_mailer(f"smtp://127.0.0.1:{inbox[1]}", "Plecak <no-reply@example.org>", Path())
    store(db_session, services, holder, with_status(status_issuer))
    status_issuer.publish(revoked=True)
    monitoring.reverify_all(replace(services, mailer=smtp), at=AT)
    [message] = inbox[0].messages
    assert message["To"] == "ola@example.org"
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    db_session.expire_all()
    assert db_session.scalar(select(Notice.mailed_at)) is not None


def test_reverify_all_hosted_assertion_answering_410_is_revoked(
    db_session: Session, services: Services, holder: User, http_server: LocalServer
) -> None:
    issuer = make_issuer(http_server, ec.generate_private_key(ec.SECP256R1()))
    assertion = issuer.assertion()
    issuer.host(assertion)
    stored = store(db_session, services, holder, json.dumps(assertion).encode())
    assert stored.verdict is Verdict.VERIFIED
    issuer.host(assertion, status=410)
    monitoring.reverify_all(services, at=AT)
    stored = reload(db_session, stored)
    revocation = report_from_json(stored.report).find("revocation")
    assert revocation is not None and revocation.status is CheckStatus.FAILED
    assert notice_kinds(db_session, holder) == [NoticeKind.REVOKED]


def test_reverify_all_credential_expiring_in_ten_days_warns_once(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    stored = store(db_session, services, holder, expiring_in(status_issuer, 10))
    monitoring.reverify_all(services, at=AT)
    monitoring.reverify_all(services, at=AT + timedelta(days=1))
    assert notice_kinds(db_session, holder) == [NoticeKind.EXPIRING]
    assert reload(db_session, stored).verdict is Verdict.VERIFIED


def test_reverify_all_expiry_beyond_the_window_warns_nothing(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    store(db_session, services, holder, expiring_in(status_issuer, 10))
    summary = monitoring.reverify_all(services, at=AT, expiring_days=5)
    assert summary.checked == 1 and notice_kinds(db_session, holder) == []


def test_reverify_all_expiry_passed_notifies_expired_only(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    stored = store(db_session, services, holder, expiring_in(status_issuer, 10))
    monitoring.reverify_all(services, at=AT + timedelta(days=11))
    assert notice_kinds(db_session, holder) == [NoticeKind.EXPIRED]
    assert reload(db_session, stored).verdict is Verdict.FAILED


def test_reverify_all_unreachable_status_list_notifies_verdict_change(
    db_session: Session,
    services: Services,
    holder: User,
    status_issuer: StatusIssuer,
    http_server: LocalServer,
) -> None:
    store(db_session, services, holder, with_status(status_issuer))
    http_server.serve("/status/1", "gone", status=404)
    monitoring.reverify_all(services, at=AT)
    db_session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    notice = db_session.scalar(select(Notice))
    assert notice is not None and notice.kind is NoticeKind.VERDICT_CHANGED
    assert notice.details["verdict_after"] == Verdict.UNVERIFIABLE.value


def test_reverify_all_skips_credentials_that_cannot_change(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    stored = store(db_session, services, holder, status_issuer.credential())
    summary = monitoring.reverify_all(services, at=AT)
    assert summary.checked == 0 and len(reload(db_session, stored).runs) == 1


def test_reverify_all_for_one_user_leaves_the_others_alone(
    db_session: Session,
    services: Services,
    holder: User,
    status_issuer: StatusIssuer,
    make_user: Callable[..., User],
) -> None:
    other = make_user(email="other@example.org")
    mine = store(db_session, services, holder, expiring_in(status_issuer, 10))
    theirs = store(db_session, services, other, expiring_in(status_issuer, 10))
    summary = monitoring.reverify_all(services, at=AT, user_email="OLA@example.org")
    assert summary.checked == 1
    assert len(reload(db_session, mine).runs) == 2 and len(reload(db_session, theirs).runs) == 1


def test_reverify_all_unreadable_credential_is_logged_and_the_rest_go_on(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    broken = store(db_session, services, holder, expiring_in(status_issuer, 10))
    store(db_session, services, holder, expiring_in(status_issuer, 20))
    db_session.execute(update(Credential).where(Credential.id == broken.id).values(raw=b"junk"))
    db_session.commit()
    summary = monitoring.reverify_all(services, at=AT)
    assert (summary.checked, summary.errors) == (1, 1)
    runs = db_session.scalar(
        select(func.count())
        .select_from(VerificationRun)
        .where(VerificationRun.credential_id == broken.id)
    )
    assert runs == 1


def test_plan_notices_failed_revocation_does_not_also_report_a_verdict_change() -> None:
    report = report_from_json(
        [{"code": "revocation", "status": "failed", "message": {"en": "x", "pl": "x"}}]
    )
    planned = monitoring.plan_notices(Standing.VERIFIED, report, None, AT, 30)
    assert [plan.kind for plan in planned] == [NoticeKind.REVOKED]


def test_reverify_command_unknown_user_exits_with_an_error(tmp_path: Path) -> None:
    env = {"WALLET_DATA_DIR": str(tmp_path), "WALLET_SECRET_KEY": "s" * 40}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(main, ["reverify", "--user", "nobody@example.org"], env=env)
    assert result.exit_code == 1


def test_reverify_command_prints_a_summary(tmp_path: Path) -> None:
    env = {"WALLET_DATA_DIR": str(tmp_path), "WALLET_SECRET_KEY": "s" * 40}
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=env)
    result = runner.invoke(main, ["reverify", "--expiring-days", "10"], env=env)
    assert result.exit_code == 0, result.output
    assert "Re-checked 0 credentials" in result.output


def test_reverify_all_revoked_reinstated_revoked_again_notifies_each_change(
    db_session: Session, services: Services, holder: User, status_issuer: StatusIssuer
) -> None:
    store(db_session, services, holder, with_status(status_issuer))
    for hour, revoked in enumerate((True, False, True)):
        status_issuer.publish(revoked=revoked)
        monitoring.reverify_all(services, at=AT + timedelta(hours=hour))
    assert notice_kinds(db_session, holder) == [
        NoticeKind.REVOKED,
        NoticeKind.VERDICT_CHANGED,
        NoticeKind.REVOKED,
    ]


def test_plan_notices_expired_turning_failed_reports_the_change() -> None:
    report = report_from_json(
        [
            {"code": "expiry", "status": "failed", "message": {"en": "x", "pl": "x"}},
            {"code": "signature", "status": "failed", "message": {"en": "x", "pl": "x"}},
        ]
    )
    [planned] = monitoring.plan_notices(Standing.EXPIRED, report, None, AT, 30)
    assert planned.kind is NoticeKind.VERDICT_CHANGED
    assert planned.details == {"verdict_before": "expired", "verdict_after": "failed"}


def test_recheck_route_status_change_creates_a_notice_each_time(
    client: FormClient,
    login_as: Callable[[User], None],
    db_session: Session,
    services: Services,
    holder: User,
    status_issuer: StatusIssuer,
) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    stored = store(db_session, services, holder, with_status(status_issuer))
    login_as(holder)
    for revoked in (True, False):
        status_issuer.publish(revoked=revoked)
        assert client.submit(f"/credentials/{stored.id}/verify").status_code == 302
    assert notice_kinds(db_session, holder) == [NoticeKind.REVOKED, NoticeKind.VERDICT_CHANGED]
    html = client.get("/notices").get_data(as_text=True)
    assert "The issuer has revoked this credential." in html
    assert "changed from “revoked” to “verified”" in html
