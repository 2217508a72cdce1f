"""``wallet demo``: one demo account whose portfolio covers every format and verifies offline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.web import FormClient
from wallet import create_app, demo
from wallet.cli import main
from wallet.config import Settings
from wallet.db import Database
from wallet.envelope import CredentialFormat
from wallet.fetching import OfflineFetcher
from wallet.holder import monitoring, pathways
from wallet.mail import create_mailer
from wallet.models import Credential, Notice, NoticeKind, User
from wallet.records import SkillFramework, record_from_json
from wallet.services import Services
from wallet.verification.report import CheckStatus, Verdict, report_from_json

AT = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def portfolio(db_session: Session) -> list[Credential]:
    demo.create_demo(db_session, AT)
    db_session.commit()
    return list(db_session.scalars(select(Credential).order_by(Credential.id)))


def test_create_demo_imports_every_format_and_all_verify(portfolio: list[Credential]) -> None:
    assert {credential.format for credential in portfolio} == {
        CredentialFormat.VC_DATA_INTEGRITY,
        CredentialFormat.VC_JWT,
        CredentialFormat.SD_JWT_VC,
        CredentialFormat.CLR2,
        CredentialFormat.ELM_JADES,
        CredentialFormat.OB2_SIGNED,
    }
    offline_only = [c.verdict for c in portfolio if c.format is CredentialFormat.OB2_SIGNED]
    others = {c.verdict for c in portfolio if c.format is not CredentialFormat.OB2_SIGNED}
    assert offline_only == [Verdict.UNVERIFIABLE] and others == {Verdict.VERIFIED}
    assert len(portfolio) == 9


def test_create_demo_signs_with_both_eddsa_cryptosuites(portfolio: list[Credential]) -> None:
    suites = {
        json.loads(credential.raw)["proof"]["cryptosuite"]
        for credential in portfolio
        if credential.format is CredentialFormat.VC_DATA_INTEGRITY and credential.container is None
    }
    assert suites == {"eddsa-rdfc-2022", "eddsa-jcs-2022"}


def test_create_demo_clr_holds_two_nested_credentials(portfolio: list[Credential]) -> None:
    [clr] = [c for c in portfolio if c.format is CredentialFormat.CLR2]
    assert len([c for c in portfolio if c.container_id == clr.id]) == 2


def test_create_demo_credentials_name_the_confirmed_email(portfolio: list[Credential]) -> None:
    recipients = [
        check.status
        for credential in portfolio
        if (check := report_from_json(credential.report).find("recipient")) is not None
    ]
    assert len(recipients) >= 7 and set(recipients) == {CheckStatus.PASSED}


def test_create_demo_records_carry_esco_digcomp_ects_and_levels(
    portfolio: list[Credential],
) -> None:
    records = [record_from_json(credential.record) for credential in portfolio]
    frameworks = {skill.framework for record in records for skill in record.skills}
    assert {SkillFramework.ESCO, SkillFramework.DIGCOMP} <= frameworks
    assert any(record.workload.ects for record in records)
    assert {record.level.eqf for record in records} >= {4, 6}
    assert any(record.level.nqf and record.level.nqf.framework == "PRK" for record in records)


def test_create_demo_twice_changes_nothing(
    db_session: Session, portfolio: list[Credential]
) -> None:
    again = demo.create_demo(db_session, AT)
    db_session.commit()
    assert not again.created
    assert db_session.scalar(select(func.count()).select_from(Credential)) == len(portfolio)
    assert db_session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_account_logs_in_with_the_printed_password(
    client: FormClient, portfolio: list[Credential]
) -> None:
    response = client.submit("/login", {"email": demo.DEMO_EMAIL, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]


def test_reverify_after_demo_warns_about_the_expiring_credential(
    settings: Settings, database: Database, portfolio: list[Credential], db_session: Session
) -> None:
    mailer = create_mailer(None, settings.mail_sender, settings.mail_dir)
    services = Services(settings=settings, database=database, mailer=mailer)
    services.fetcher = OfflineFetcher()  # the OB 2.0 badge's issuer is not on loopback
    summary = monitoring.reverify_all(services, at=AT)
    db_session.commit()  # end this session's read snapshot to see what reverify committed
    notices = list(db_session.scalars(select(Notice)))
    assert summary.errors == 0
    assert [notice.kind for notice in notices] == [NoticeKind.EXPIRING]


def test_demo_command_prints_the_login_and_is_idempotent(tmp_path: Path) -> None:
    env = {"WALLET_DATA_DIR": str(tmp_path), "WALLET_SECRET_KEY": "s" * 40}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    first = runner.invoke(main, ["demo"], env=env)
    second = runner.invoke(main, ["demo"], env=env)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert demo.DEMO_EMAIL in first.output and demo.DEMO_PASSWORD in first.output
    assert "9 credentials" in first.output and "already exists" in second.output


def test_create_demo_follows_a_real_data_analyst_pathway(
    db_session: Session, portfolio: list[Credential]
) -> None:
    assert not [c for c in portfolio if c.title.startswith("Ścieżka")]
    [user] = db_session.scalars(select(User))
    summaries = {s.title.get("pl"): s for s in pathways.pathway_summaries(db_session, user.id, AT)}
    analyst = next(s for title, s in summaries.items() if title and "Analityk danych" in title)
    # SQL (ESCO), Python at EQF 6 and DigComp 4.1 level 4 count; data quality is missing
    assert (analyst.requirements_met, analyst.requirements_total) == (3, 5)
    assert analyst.suggestions >= 1  # "Wizualizacja danych" waits for the holder
    assert not analyst.satisfied
    digcomp = next(s for title, s in summaries.items() if title and "DigComp" in title)
    assert digcomp.requirements_met >= 2  # 3.1 and 4.1 at level 4


def test_demo_command_prints_cv_pdf_and_share_urls_that_answer(tmp_path: Path) -> None:
    env = {
        "WALLET_DATA_DIR": str(tmp_path),
        "WALLET_SECRET_KEY": "s" * 40,
        "WALLET_BASE_URL": "http://wallet.test:8000",
    }
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    output = runner.invoke(main, ["demo"], env=env).output
    urls = dict(re.findall(r"^(CV page|CV PDF|Share link): (\S+)$", output, re.MULTILINE))
    assert set(urls) == {"CV page", "CV PDF", "Share link"}, output
    assert all(url.startswith("http://wallet.test:8000/") for url in urls.values())
    client = create_app(environ=env).test_client()
    paths = {name: url.removeprefix("http://wallet.test:8000") for name, url in urls.items()}
    cv_page = client.get(paths["CV page"])
    assert cv_page.status_code == 200 and demo.DEMO_NAME in cv_page.get_data(as_text=True)
    pdf = client.get(paths["CV PDF"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    share = client.get(paths["Share link"]).get_data(as_text=True)
    assert share.count('class="tag tag-ok verdict"') == 3
    assert "Pokazane częściowo przez posiadacza" in share
