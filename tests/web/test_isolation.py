"""Two users: walking every URL rule as the wrong user reveals and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import Table, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import TEST_PASSWORD
from tests.support.portfolio import add_credential, victim_portfolio
from tests.support.web import FormClient
from wallet.backup.container import open_backup
from wallet.holder import import_jobs, pathways
from wallet.holder.import_jobs import UploadPart
from wallet.identifiers import add_identifier, confirmation_token
from wallet.models import (
    AccessKind,
    AppAccess,
    AppClient,
    AppGrant,
    AppGrantCredential,
    Base,
    Connection,
    ConnectionState,
    IdentifierKind,
    MatchDecision,
    Notice,
    NoticeKind,
    User,
)
from wallet.models.base import utcnow
from wallet.share import links

# Endpoints that are public by design, or that only act on the caller's own session.
PUBLIC_OR_SELF = {
    "static",
    "auth.login",
    "auth.register",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password",
    "main.set_language",
    "pathways.schema",
}
# A share link's pages are public to whoever holds its token, by design.
PUBLIC_OR_SELF |= {"public.share_view", "public.presentation", "public.original", "public.image"}
PUBLIC_OR_SELF |= {"public.sd_jwt"}
PUBLIC_OR_SELF |= {
    "public.cv_page",
    "public.cv_pdf",
    "public.cv_resume",
    "public.cv_europass",
}  # a published CV is public by choice
# The Open Badges API and its OAuth endpoints authenticate apps by client secret and bearer
# token, never by the session (tests/connect/test_provider_isolation.py walks them per holder).
PUBLIC_OR_SELF |= {
    "ob_api.discovery",
    "ob_api.register",
    "ob_api.token",
    "ob_api.revoke",
    "ob_api.credentials",
    "ob_api.profile",
    "ob_api.read_only",
}
SECRET_VALUE = "victim-secret@example.org"


def snapshot(session: Session, user_id: int) -> dict[str, list[tuple[object, ...]]]:
    """Every row the user owns, in every table (owned rows carry a ``user_id``)."""
    session.commit()  # end any read snapshot (keeping what the app wrote), then reload
    session.expire_all()
    rows: dict[str, list[tuple[object, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        owner = _owner_column(table)
        if owner is None:
            continue
        query = select(table).where(owner == user_id).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in session.execute(query)]
    return rows


def _owner_column(table: Table):  # type: ignore[no-untyped-def]
    if table.name == "users":
        return table.c.id
    return table.c.get("user_id")


def victim_arguments(app: Flask, session: Session, victim: User) -> dict[str, str]:
    identifier = add_identifier(session, victim, IdentifierKind.EMAIL, SECRET_VALUE)
    notice = Notice(user_id=victim.id, kind=NoticeKind.EXPIRING, details={"title": SECRET_VALUE})
    session.add(notice)
    session.commit()
    secret = app.extensions["wallet"].settings.secret_key
    owned = victim_portfolio(session, victim.id, SECRET_VALUE)
    return {
        "identifier_id": str(identifier.id),
        "token": confirmation_token(secret, identifier),
        "notice_id": str(notice.id),
        "job_id": str(victim_job(session, victim)),
        "companion_id": owned["credential_id"],
        "pathway_id": str(victim_pathway(session, victim, int(owned["credential_id"]))),
        "key": "digcomp-2.2",
        **owned,
        "link_id": str(victim_link(session, victim)),
        "connection_id": str(victim_connection(session, victim)),
        "grant_id": str(victim_grant(session, victim, int(owned["credential_id"]))),
    }


def victim_connection(session: Session, victim: User) -> int:
    """A connection of the victim's named by the secret, with an authorization under way."""
    connection = Connection(
        user_id=victim.id,
        address=f"https://{SECRET_VALUE.split('@')[1]}/ims/ob/v3p0/discovery",
        name=SECRET_VALUE,
        state=ConnectionState.ACTIVE,
        service={"registration_url": SECRET_VALUE},
        client_id=SECRET_VALUE,
        auth_method="client_secret_basic",
        pending_state_hash=hashlib.sha256(b"victim-state").hexdigest(),
        pending_until=utcnow() + timedelta(minutes=5),
        sealed_tokens=b"sealed",
    )
    session.add(connection)
    session.commit()
    return connection.id


def victim_grant(session: Session, victim: User, credential_id: int) -> int:
    """An app named by the secret that may read one of the victim's credentials, and did."""
    app = AppClient(
        client_id="victim-app",
        secret_hash=hashlib.sha256(b"victim-app-secret").hexdigest(),
        name=SECRET_VALUE,
        client_uri=f"https://{SECRET_VALUE.split('@')[1]}/",
        redirect_uris=[f"https://{SECRET_VALUE.split('@')[1]}/cb"],
        scope="https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
        auth_method="client_secret_basic",
        grant_types=["authorization_code", "refresh_token"],
    )
    session.add(app)
    session.flush()
    grant = AppGrant(user_id=victim.id, client_id=app.id, scope=app.scope, granted_at=utcnow())
    grant.shared = [AppGrantCredential(credential_id=credential_id)]
    session.add(grant)
    session.flush()
    session.add(
        AppAccess(
            grant_id=grant.id,
            user_id=victim.id,
            kind=AccessKind.CREDENTIALS,
            item_count=1,
            detail={"credential_ids": [credential_id]},
        )
    )
    session.commit()
    return grant.id


def victim_pathway(session: Session, victim: User, credential_id: int) -> int:
    """A pathway of the victim's own named by the secret, with a confirmed match."""
    document = {
        "format": "plecak-pathway/1",
        "id": "victim-pathway",
        "version": "1",
        "title": {"pl": SECRET_VALUE},
        "root": {
            "id": "root",
            "type": "all_of",
            "label": {"pl": SECRET_VALUE},
            "children": [
                {"id": "m", "type": "leaf", "label": {"pl": "m"}, "match": [{"type": "manual"}]}
            ],
        },
    }
    stored = pathways.import_pathway(session, victim.id, json.dumps(document).encode())
    pathways.decide(session, victim.id, stored.id, "m", credential_id, MatchDecision.CONFIRMED)
    session.commit()
    return stored.id


def victim_link(session: Session, victim: User) -> int:
    credential_id = add_credential(session, victim.id, title=SECRET_VALUE)
    created = links.create_share(
        session,
        victim.id,
        label=SECRET_VALUE,
        choices=[links.Choice(credential_id)],
        expires_at=None,
        passcode=None,
        now=utcnow(),
    )
    session.commit()
    return created.link.id


def victim_job(session: Session, victim: User) -> int:
    job = import_jobs.create_job(session, victim.id, [UploadPart(SECRET_VALUE, b"{}")])
    session.commit()
    return job.id


def test_every_url_rule_as_the_wrong_user_reveals_and_changes_nothing(
    app: Flask, make_user: Callable[..., User], db_session: Session
) -> None:
    victim = make_user(email="victim@example.org")
    intruder = make_user(email="intruder@example.org")
    arguments = victim_arguments(app, db_session, victim)
    before = snapshot(db_session, victim.id)
    visited = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_OR_SELF:
            continue
        missing = set(rule.arguments) - set(arguments)
        assert not missing, f"add victim values for {missing} ({rule.rule}) to this test"
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: arguments[m.group(1)], rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            client: FormClient = app.test_client()  # type: ignore[assignment]
            client.submit("/login", {"email": intruder.email, "password": TEST_PASSWORD})
            if method == "GET":
                response = client.get(path)
            else:
                response = client.submit(path, {}, method=method)
            visited += 1
            body = readable_body(response)
            assert SECRET_VALUE not in body, f"{method} {path} shows the victim's data"
            assert response.status_code in (200, 302, 400, 404), f"{method} {path}"
    assert visited >= 6
    assert snapshot(db_session, victim.id) == before


def readable_body(response: TestResponse) -> str:
    """The response as text; a ZIP download (the data export) as the text of its entries."""
    data = response.get_data()
    if response.mimetype == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(data))
        data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", "replace")


def test_backup_and_export_of_the_wrong_user_hold_only_their_own_data(
    app: Flask, make_user: Callable[..., User], db_session: Session
) -> None:
    victim = make_user(email="victim@example.org")
    intruder = make_user(email="intruder@example.org")
    victim_arguments(app, db_session, victim)
    before = snapshot(db_session, victim.id)
    client: FormClient = app.test_client()  # type: ignore[assignment]
    client.submit("/login", {"email": intruder.email, "password": TEST_PASSWORD})
    passphrase = "an intruder's own passphrase"
    made = client.submit(
        "/account/backup/download", {"passphrase": passphrase, "confirm": passphrase}
    )
    assert made.status_code == 200
    opened = open_backup(made.get_data(), passphrase).decode()
    assert SECRET_VALUE not in opened and "victim" not in opened
    exported = client.submit("/account/backup/export")
    assert exported.status_code == 200
    text = readable_body(exported)
    assert "intruder@example.org" in text and SECRET_VALUE not in text and "victim" not in text
    # Restoring the intruder's backup touches only the intruder's account.
    client.submit(
        "/account/backup/restore",
        {"backup": (io.BytesIO(made.get_data()), "b.plecak"), "backup_passphrase": passphrase},
        content_type="multipart/form-data",
    )
    assert snapshot(db_session, victim.id) == before


def test_anonymous_visitor_is_sent_to_log_in_everywhere(app: Flask) -> None:
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_OR_SELF or rule.arguments:
            continue
        if "GET" in (rule.methods or set()):
            response = client.get(rule.rule)
            assert response.status_code == 302, rule.rule
            assert "/login" in response.headers["Location"]
