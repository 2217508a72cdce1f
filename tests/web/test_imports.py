"""The import pages: files, pasted text and web addresses, the job page and its JSON."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.archives import BAD_ENTRY, backpack_export, signed_badge
from tests.support.httpserver import LocalServer
from tests.support.published import CONFORMANCE
from tests.support.web import FormClient
from wallet.envelope import CredentialFormat
from wallet.holder import import_jobs
from wallet.holder.job_runner import job_context
from wallet.models import Credential, ImportJob, JobState, User

DATA = Path(__file__).resolve().parent.parent / "data"


class RecordingRunner:
    """Stands in for the worker thread: counts wakes and runs jobs only when told to."""

    def __init__(self, app: Flask) -> None:
        self.services = app.extensions["wallet"]
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1

    def run(self) -> int:
        sessions = self.services.database.sessions
        return import_jobs.run_pending_jobs(sessions, job_context(self.services))


@pytest.fixture
def runner(app: Flask) -> RecordingRunner:
    runner = RecordingRunner(app)
    app.extensions["wallet_jobs"] = runner
    return runner


@pytest.fixture
def ola(make_user: Callable[..., User], login_as: Callable[[User], None]) -> User:
    user = make_user()
    login_as(user)
    return user


def jobs(session: Session) -> list[ImportJob]:
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    return list(session.scalars(select(ImportJob).order_by(ImportJob.id)))


def credential_count(session: Session) -> int:
    session.commit()  # end any read snapshot (keeping what the app wrote)
    return int(session.scalar(select(func.count()).select_from(Credential)) or 0)


def upload(client: FormClient, *files: tuple[bytes, str]) -> str:
    """Post files as the file picker would; returns the job page it redirects to."""
    data = {"files": [(io.BytesIO(body), name) for body, name in files]}
    response = client.submit("/imports/files", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/imports/\d+", location)
    return location


def test_new_page_logged_in_offers_files_text_and_address(
    client: FormClient, ola: User, runner: RecordingRunner
) -> None:
    page = client.get("/imports").get_data(as_text=True)
    assert "Add credentials" in page
    for field in ('type="file"', 'name="text"', 'name="url"', 'enctype="multipart/form-data"'):
        assert field in page
    assert "js/import.js" in page


def test_upload_single_file_imports_at_once_and_links_the_credential(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    location = upload(client, (signed_badge("Data Literacy"), "badge.json"))
    [job] = jobs(db_session)
    assert job.state is JobState.DONE and runner.wakes == 0
    [credential] = db_session.scalars(select(Credential)).all()
    assert credential.user_id == ola.id
    page = client.get(location).get_data(as_text=True)
    assert "Imported" in page and "Verified" in page and "Data Literacy" in page
    assert f'href="/credentials/{credential.id}"' in page
    assert "<progress" in page and 'value="100"' in page and "Refresh" not in page


def test_upload_edc_xml_imports_the_europass_credential(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    sample = CONFORMANCE / "edc" / "elm" / "EDC_WileECoyote_Simple.xml"
    location = upload(client, (sample.read_bytes(), "diploma.xml"))
    [credential] = db_session.scalars(select(Credential)).all()
    assert credential.format is CredentialFormat.ELM_XML
    assert credential.media_type == "application/xml"
    page = client.get(location).get_data(as_text=True)
    assert "Imported" in page and "Sample credential" in page
    detail = client.get(f"/credentials/{credential.id}")
    assert detail.status_code == 200 and "Wile Coyote" in detail.get_data(as_text=True)


def test_upload_archive_runs_as_job_and_reports_each_item(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    archive = backpack_export(3, bad={"photo.jpg": BAD_ENTRY})
    location = upload(client, (archive, "export.zip"))
    [job] = jobs(db_session)
    assert job.state is JobState.QUEUED and runner.wakes == 1
    queued = client.get(location).get_data(as_text=True)
    assert "Waiting to start" in queued and "Refresh" in queued and runner.wakes == 2

    assert runner.run() == 1
    progress = client.get(f"{location}.json").get_json()
    assert (progress["state"], progress["processed"], progress["total"]) == ("done", 4, 4)
    assert progress["percent"] == 100 and progress["finished"] is True
    assert [item["outcome"] for item in progress["items"]] == ["imported"] * 3 + ["failed"]
    assert [item["verdict"] for item in progress["items"]] == ["verified"] * 3 + [None]
    failed = progress["items"][3]
    assert failed["source"] == "export.zip!photo.jpg" and "not a credential" in failed["message"]
    assert failed["url"] is None and progress["items"][0]["url"].startswith("/credentials/")
    page = client.get(location).get_data(as_text=True)
    assert "3 imported" in page and "1 not imported" in page and "export.zip!photo.jpg" in page
    assert credential_count(db_session) == 3


def test_upload_several_files_runs_as_one_job(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    upload(client, (signed_badge("One"), "one.json"), (signed_badge("Two"), "two.json"))
    [job] = jobs(db_session)
    assert job.state is JobState.QUEUED and job.source == "one.json, two.json"
    runner.run()
    assert jobs(db_session)[0].processed == 2 and credential_count(db_session) == 2


def test_upload_same_badge_twice_second_is_duplicate(
    client: FormClient, ola: User, runner: RecordingRunner
) -> None:
    badge = signed_badge()
    upload(client, (badge, "badge.json"))
    location = upload(client, (badge, "again.json"))
    [item] = client.get(f"{location}.json").get_json()["items"]
    assert item["outcome"] == "duplicate" and item["url"] is not None


def test_upload_no_file_is_rejected_without_a_job(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    response = client.submit("/imports/files", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and jobs(db_session) == []
    assert "Choose at least one file." in response.get_data(as_text=True)


def test_paste_text_imports_the_credential(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    response = client.submit("/imports/text", {"text": signed_badge().decode()})
    assert response.status_code == 302
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "imported" and item["source"] == "pasted text"
    assert credential_count(db_session) == 1


def test_paste_generic_rfc9901_sd_jwt_imports_it_as_unverifiable(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    # RFC 9901 section 5.1: typ example+sd-jwt and no vct; the issuer key is nowhere published.
    token = (DATA / "conformance" / "jwt" / "rfc9901-5.1-issued.sd-jwt").read_text()
    response = client.submit("/imports/text", {"text": token})
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "imported"
    credential = db_session.scalars(select(Credential)).one()
    page = client.get(f"/credentials/{credential.id}")
    assert page.status_code == 200
    assert "John Doe" in page.get_data(as_text=True)


def test_paste_text_not_a_credential_reports_one_failed_item(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    response = client.submit("/imports/text", {"text": "hello"})
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "failed" and item["message"]
    assert credential_count(db_session) == 0


def test_paste_text_empty_is_rejected_without_a_job(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    response = client.submit("/imports/text", {"text": ""})
    assert response.status_code == 400 and jobs(db_session) == []


def test_url_of_credential_is_fetched_and_imported(
    client: FormClient,
    ola: User,
    runner: RecordingRunner,
    http_server: LocalServer,
    db_session: Session,
) -> None:
    url = http_server.serve("/badges/1.json", signed_badge().decode())
    response = client.submit("/imports/url", {"url": url})
    assert response.status_code == 302
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "imported" and item["source"] == url


def test_url_of_badge_page_follows_its_alternate_link(
    client: FormClient,
    ola: User,
    runner: RecordingRunner,
    http_server: LocalServer,
    db_session: Session,
) -> None:
    http_server.serve("/assertions/7", signed_badge().decode(), content_type="application/ld+json")
    page = '<!doctype html><html><head><link rel="alternate" type="application/ld+json" '
    page += 'href="/assertions/7"></head><body>My badge</body></html>'
    url = http_server.serve("/public/badge", page, content_type="text/html")
    response = client.submit("/imports/url", {"url": url})
    assert response.status_code == 302
    [item] = client.get(response.headers["Location"] + ".json").get_json()["items"]
    assert item["outcome"] == "imported" and item["source"] == http_server.url("/assertions/7")
    assert http_server.requests == ["/public/badge", "/assertions/7"]


def test_url_of_page_without_credential_link_shows_error(
    client: FormClient,
    ola: User,
    runner: RecordingRunner,
    http_server: LocalServer,
    db_session: Session,
) -> None:
    url = http_server.serve(
        "/about", "<html><body>Nothing here</body></html>", content_type="text/html"
    )
    response = client.submit("/imports/url", {"url": url})
    assert response.status_code == 400 and jobs(db_session) == []
    assert "does not link to a credential" in response.get_data(as_text=True)


def test_url_answering_404_shows_error(
    client: FormClient,
    ola: User,
    runner: RecordingRunner,
    http_server: LocalServer,
    db_session: Session,
) -> None:
    response = client.submit("/imports/url", {"url": http_server.url("/missing")})
    assert response.status_code == 400 and jobs(db_session) == []
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_url_not_http_is_rejected_without_fetching(
    client: FormClient, ola: User, runner: RecordingRunner, db_session: Session
) -> None:
    response = client.submit("/imports/url", {"url": "file:///etc/passwd"})
    assert response.status_code == 400 and jobs(db_session) == []


def test_job_pages_of_another_user_are_not_found(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    runner: RecordingRunner,
    db_session: Session,
) -> None:
    victim = make_user(email="victim@example.org")
    job = import_jobs.create_job(
        db_session, victim.id, [import_jobs.UploadPart("secret.zip", backpack_export(1))]
    )
    db_session.commit()
    login_as(make_user(email="intruder@example.org"))
    for path in (f"/imports/{job.id}", f"/imports/{job.id}.json"):
        response = client.get(path)
        assert response.status_code == 404 and "secret.zip" not in response.get_data(as_text=True)
    assert "secret.zip" not in client.get("/imports").get_data(as_text=True)
    assert runner.wakes == 0


def test_new_page_lists_recent_imports(
    client: FormClient, ola: User, runner: RecordingRunner
) -> None:
    location = upload(client, (signed_badge(), "my-badge.json"))
    page = client.get("/imports").get_data(as_text=True)
    assert f'href="{location}"' in page and "my-badge.json" in page and "finished" in page


def test_new_page_anonymous_is_sent_to_log_in(client: FormClient) -> None:
    response = client.get("/imports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture(autouse=True)
def _english(client: FormClient) -> None:
    """These tests read the English interface text."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_job_json_from_a_position_sends_only_the_items_after_it(
    client: FormClient, ola: User, runner: RecordingRunner
) -> None:
    location = upload(client, (backpack_export(3, bad={"photo.jpg": BAD_ENTRY}), "export.zip"))
    runner.run()
    later = client.get(f"{location}.json?from=2").get_json()
    assert later["first"] == 2 and [item["position"] for item in later["items"]] == [2, 3]
    assert later["status"] == client.get(f"{location}.json").get_json()["status"]
    assert "3 imported" in later["status"] and "1 not imported" in later["status"]
    assert len(client.get(f"{location}.json?from=-4").get_json()["items"]) == 4
    assert client.get(f"{location}.json?from=9").get_json()["items"] == []
