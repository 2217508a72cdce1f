"""Share links through the web: create, open logged out, hidden fields absent, revoke, CSRF, XSS."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.share.test_links import graded
from tests.support.portfolio import add_credential
from tests.support.web import FormClient
from tests.web.test_xss import PAYLOAD, Findings, hostile_di_credential
from wallet.models import ShareLink, ShareView, User

GRADE = "A-secret-grade"
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def create_link(client: FormClient, ids: list[int], **fields: str) -> str:
    """Create a link through the form; returns its path ``/s/<token>``."""
    data: dict[str, object] = {"label": "for ACME recruitment", "credential": [str(i) for i in ids]}
    response = client.submit("/shares", {**data, **fields})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    match = re.search(
        r'value="https?://[^/"]+(/s/[A-Za-z0-9_-]+)"', response.get_data(as_text=True)
    )
    assert match
    return match.group(1)


def test_share_link_hiding_grades_shows_three_verified_credentials_logged_out(
    app: Flask,
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user()
    ids = [graded(db_session, holder.id, f"Course {n}") for n in range(3)]
    extra = graded(db_session, holder.id, "Not shared")
    login_as(holder)
    preview = client.submit("/shares/preview", {"label": "x", "credential": [str(i) for i in ids]})
    assert preview.status_code == 200 and GRADE not in preview.get_data(as_text=True)
    path = create_link(client, ids)
    stranger = app.test_client()
    page = stranger.get(path, headers={"User-Agent": PHONE, "Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert [f"Course {n}" in html for n in range(3)] == [True] * 3
    assert "Not shared" not in html and GRADE not in html
    assert f"/credentials/{extra}" not in html
    assert html.count("Verified: genuine and unchanged") == 3
    assert "shown in part by the holder" in html.lower()
    polish = stranger.get(path, headers={"Accept-Language": "pl", "User-Agent": PHONE}).get_data(
        as_text=True
    )
    assert polish.count("Zweryfikowane: autentyczne i niezmienione") == 3
    for offered in re.findall(r'href="(/s/[^"]+)"', html):
        body = stranger.get(offered).get_data()
        assert GRADE.encode() not in body, offered
    assert stranger.get(f"{path}/0/original").status_code == 404
    db_session.commit()
    views = db_session.scalars(select(ShareView)).all()
    assert [v.device.value for v in views] == ["phone", "phone"]


def test_revoked_unknown_and_expired_links_answer_the_same_neutral_404(
    app: Flask,
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user(name="Zofia Holderska")
    cid = add_credential(db_session, holder.id, title="Shared")
    login_as(holder)
    path = create_link(client, [cid])
    expired = create_link(client, [cid], expires_on="2030-01-01")
    link_id = db_session.scalars(select(ShareLink.id).order_by(ShareLink.id)).first()
    db_session.execute(
        ShareLink.__table__.update()
        .where(ShareLink.id != link_id)
        .values(expires_at=ShareLink.created_at)
    )
    db_session.commit()
    assert client.submit(f"/shares/{link_id}/revoke").status_code == 302
    stranger = app.test_client()
    answers = []
    for probe in (path, expired, "/s/" + "A" * 32, "/s/short"):
        response = stranger.get(probe)
        # Only the fresh CSRF token and the address itself (in the language form) may differ.
        body = CSRF.sub("", response.get_data(as_text=True)).replace(probe, "")
        answers.append((response.status_code, body))
    assert {status for status, _ in answers} == {404}
    assert len({body for _, body in answers}) == 1
    assert "Zofia" not in answers[0][1] and "Shared" not in answers[0][1]


def test_share_forms_without_csrf_token_are_refused(
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user()
    cid = add_credential(db_session, holder.id, title="Shared")
    login_as(holder)
    response = client.post("/shares", data={"label": "x", "credential": [str(cid)]})
    assert response.status_code == 400
    assert db_session.scalars(select(ShareLink)).all() == []
    path = create_link(client, [cid])
    db_session.commit()  # end the read snapshot to see what the app wrote
    link_id = db_session.scalars(select(ShareLink.id)).one()
    assert client.post(f"/shares/{link_id}/revoke").status_code == 400
    assert client.get(path).status_code == 200


def test_passcode_link_opens_only_with_its_passcode(
    app: Flask,
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user()
    cid = add_credential(db_session, holder.id, title="Guarded")
    login_as(holder)
    path = create_link(client, [cid], passcode="sesame-42")
    stranger: FormClient = app.test_client()  # type: ignore[assignment]
    locked = stranger.get(path)
    assert locked.status_code == 401 and "Guarded" not in locked.get_data(as_text=True)
    assert stranger.get(f"{path}/presentation.json").status_code == 401
    assert stranger.submit(path, {"passcode": "wrong"}).status_code == 401
    opened = stranger.submit(path, {"passcode": "sesame-42"})
    assert opened.status_code == 200 and "Guarded" in opened.get_data(as_text=True)


def test_public_share_page_renders_hostile_credential_text_inert(
    app: Flask,
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user()
    cid = hostile_di_credential(db_session, holder.id)
    login_as(holder)
    path = create_link(client, [cid], **{f"evidence_{cid}": "1"})
    html = app.test_client().get(path).get_data(as_text=True)
    findings = Findings()
    findings.feed(html[html.index("<main") :])
    own_images = [p for p in findings.problems if p.startswith("<img>") and "'/s/" in p]
    assert [p for p in findings.problems if p not in own_images] == []
    assert "&lt;script&gt;" in html and PAYLOAD not in html


def test_holder_sees_the_view_log_and_another_user_cannot(
    app: Flask,
    client: FormClient,
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
) -> None:
    holder = make_user()
    cid = add_credential(db_session, holder.id, title="Logged")
    login_as(holder)
    path = create_link(client, [cid])
    app.test_client().get(path, headers={"User-Agent": PHONE})
    db_session.commit()
    link_id = db_session.scalars(select(ShareLink.id)).one()
    detail = client.get(f"/shares/{link_id}").get_data(as_text=True)
    assert "phone" in detail or "telefon" in detail
    intruder = make_user(email="intruder@example.org")
    other: FormClient = app.test_client()  # type: ignore[assignment]
    other.submit("/login", {"email": intruder.email, "password": "correct horse battery"})
    assert other.get(f"/shares/{link_id}").status_code == 404
