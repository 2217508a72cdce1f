"""Credential text comes from strangers: every page renders hostile fields inert."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import Session

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import make_issuer
from tests.support.portfolio import add_credential, loopback_context
from tests.support.web import FormClient
from wallet.holder import credentials, portfolio
from wallet.models import User

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(2)>'
JS_URL = "javascript:alert(document.cookie)"
MARKDOWN = f"**bold** [click]({JS_URL}) <script>alert(3)</script> ![x](javascript:alert(4))"
DANGEROUS_TAGS = {
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "img",
    "meta",
    "link",
}


class Findings(HTMLParser):
    """Everything live a page would run: scripts with a body, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"script without an app source: {values}")
        if tag in DANGEROUS_TAGS and not (tag == "img" and _own_image(values.get("src"))):
            self.problems.append(f"<{tag}> from data: {values}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if value and value.strip().lower().startswith(
                ("javascript:", "data:text", "vbscript:")
            ):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def _own_image(src: str | None) -> bool:
    return bool(src) and (src.startswith("/credentials/") or src.startswith("/static/"))  # type: ignore[union-attr]


def hostile_di_credential(session: Session, user_id: int) -> int:
    achievement = {
        "name": PAYLOAD,
        "description": MARKDOWN,
        "criteria": {"narrative": MARKDOWN, "id": JS_URL},
        "image": {"id": JS_URL},
        "alignment": [
            {"type": ["Alignment"], "targetName": PAYLOAD, "targetUrl": JS_URL},
            {"type": ["Alignment"], "targetName": PAYLOAD, "targetUrl": "http://x.example/s"},
        ],
    }
    evidence = [{"id": JS_URL, "type": ["Evidence"], "name": PAYLOAD, "description": PAYLOAD}]
    return add_credential(
        session,
        user_id,
        achievement,
        name=PAYLOAD,
        evidence=evidence,  # type: ignore[arg-type]
        issuer_name=PAYLOAD,
    )


def hostile_ob2_credential(session: Session, user_id: int, server: LocalServer) -> int:
    issuer = make_issuer(server, ec.generate_private_key(ec.SECP256R1()))
    issuer.profile["name"] = PAYLOAD
    issuer.profile["url"] = JS_URL
    issuer.badge_class |= {
        "name": PAYLOAD,
        "description": MARKDOWN,
        "criteria": {"narrative": MARKDOWN, "id": JS_URL},
        "alignment": [{"targetName": PAYLOAD, "targetUrl": JS_URL}],
        "tags": [PAYLOAD],
    }
    issuer.publish()
    assertion = issuer.assertion(evidence=[{"id": JS_URL, "narrative": PAYLOAD}])
    issuer.host(assertion)
    data = json.dumps(assertion).encode()
    [result] = credentials.import_bytes(session, user_id, data, "a.json", loopback_context())
    session.commit()
    assert result.credential_id is not None, result
    return result.credential_id


@pytest.fixture
def hostile_pages(
    make_user: Callable[..., User],
    login_as: Callable[[User], None],
    db_session: Session,
    http_server: LocalServer,
) -> list[str]:
    user = make_user()
    login_as(user)
    ids = [
        hostile_di_credential(db_session, user.id),
        hostile_ob2_credential(db_session, user.id, http_server),
    ]
    for credential_id in ids:
        portfolio.add_tag(db_session, user.id, credential_id, PAYLOAD[:80])
        portfolio.set_note(db_session, user.id, credential_id, PAYLOAD)
    collection = portfolio.create_collection(db_session, user.id, PAYLOAD)
    portfolio.add_to_collection(db_session, user.id, collection.id, ids[0])
    db_session.commit()
    pages = ["/", "/credentials", "/credentials?view=list&hidden=1", "/credentials/skills"]
    pages += ["/credentials/collections", f"/credentials/collections/{collection.id}"]
    for credential_id in ids:
        pages += [f"/credentials/{credential_id}", f"/credentials/{credential_id}/delete"]
    return pages


def test_every_page_with_hostile_credentials_renders_them_inert(
    client: FormClient, hostile_pages: list[str]
) -> None:
    for path in hostile_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        findings = Findings()
        findings.feed(html[html.index("<main") :])
        assert findings.problems == [], path
        assert "&lt;script&gt;" in html or path == "/credentials/collections", path


def test_hostile_markdown_keeps_its_harmless_formatting(
    client: FormClient, hostile_pages: list[str]
) -> None:
    detail = next(p for p in hostile_pages if p.startswith("/credentials/") and p[13:].isdigit())
    html = client.get(detail).get_data(as_text=True)
    assert "<strong>bold</strong>" in html
    assert "[click](javascript:" in html  # left as text, never made a link
