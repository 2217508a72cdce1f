"""The credential pages as a holder sees them: list, detail, original file, image, re-verify."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import make_issuer, make_png
from tests.support.portfolio import (
    PNG_DATA_URI,
    add_credential,
    loopback_context,
    signed_credential,
)
from tests.support.web import FormClient
from wallet.holder import credentials, portfolio
from wallet.models import Credential, User, VerificationRun
from wallet.routes.credentials import PAGE_SIZE

ESCO = "http://data.europa.eu/esco/skill/5d7d8c5e-0a3e-4d7b-9a84-4b56b2e3b2a1"
Login = Callable[[User], None]


@pytest.fixture
def owner(make_user: Callable[..., User], login_as: Login, client: FormClient) -> User:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user()
    login_as(user)
    return user


def page(client: FormClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_index_lists_title_issuer_and_verdict(
    client: FormClient, owner: User, db_session: Session
) -> None:
    add_credential(db_session, owner.id, title="Data Literacy")
    html = page(client, "/credentials")
    assert "Data Literacy" in html and "Politechnika Przykładowa" in html
    assert "Verified" in html


def test_index_expired_credential_is_marked_expired(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id, validUntil="2026-02-01T00:00:00Z")
    html = page(client, "/credentials")
    # Expired is amber and says so in words; a genuine expired credential is no forgery.
    assert re.search(r'class="tag tag-warn verdict">.*?Expired</span>', html)
    assert "Failed verification" not in html and "is-flagged" in html
    detail = page(client, f"/credentials/{credential_id}")
    assert "Expired" in detail and "Failed verification" not in detail


def test_search_facets_and_hits_use_the_standing_vocabulary(
    client: FormClient, owner: User, db_session: Session
) -> None:
    add_credential(db_session, owner.id, title="Old badge", validUntil="2026-02-01T00:00:00Z")
    add_credential(db_session, owner.id, title="New badge")
    html = page(client, "/search?q=badge")
    assert "Expired (1)" in html and "Verified (1)" in html
    assert "Failed verification" not in html
    filtered = page(client, "/search?q=badge&status=expired")
    assert "Old badge" in filtered and "New badge" not in filtered


def test_index_hidden_credential_shown_only_when_asked(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id, title="Secret hobby")
    client.submit(f"/credentials/{credential_id}/hide")
    assert "Secret hobby" not in page(client, "/credentials")
    assert "Secret hobby" in page(client, "/credentials?hidden=1")


def test_index_sort_by_title_orders_cards(
    client: FormClient, owner: User, db_session: Session
) -> None:
    for name in ("Beta", "Alpha", "Gamma"):
        add_credential(db_session, owner.id, title=name)
    html = page(client, "/credentials?sort=title&order=desc")
    found = re.findall(r'class="credential-title"><a [^>]*>([^<]+)<', html)
    assert found == ["Gamma", "Beta", "Alpha"]


def test_index_view_choice_is_remembered(
    client: FormClient, owner: User, db_session: Session
) -> None:
    add_credential(db_session, owner.id)
    assert "credentials-grid" in page(client, "/credentials")
    assert "credentials-list" in page(client, "/credentials?view=list")
    assert "credentials-list" in page(client, "/credentials?sort=title")


def test_start_page_summarises_and_links_to_the_list(
    client: FormClient, owner: User, db_session: Session
) -> None:
    add_credential(db_session, owner.id, title="Data Literacy")
    html = page(client, "/")
    assert "Verified: 1" in html and 'href="/credentials"' in html and "Data Literacy" in html


def test_detail_shows_achievement_facts_and_every_check(
    client: FormClient, owner: User, db_session: Session
) -> None:
    achievement = {
        "description": "Reads *charts*.",
        "criteria": {"narrative": "Pass **both** tests."},
        "alignment": [{"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": ESCO}],
    }
    credential_id = add_credential(db_session, owner.id, achievement)
    html = page(client, f"/credentials/{credential_id}")
    assert "<em>charts</em>" in html and "<strong>both</strong>" in html
    assert f'<a href="{ESCO}" rel="nofollow noopener">Data analysis</a>' in html
    assert "missing" in html  # no country, workload, level… in this credential
    stored = db_session.get(Credential, credential_id)
    assert stored is not None
    for check in stored.report:
        assert f"<code>{check['code']}</code>" in html
    assert "<details" in html


def test_detail_of_another_users_credential_is_not_found(
    client: FormClient, owner: User, db_session: Session, make_user: Callable[..., User]
) -> None:
    theirs = add_credential(db_session, make_user(email="other@example.org").id, title="Theirs")
    for suffix in ("", "/original", "/image"):
        assert client.get(f"/credentials/{theirs}{suffix}").status_code == 404
    assert client.submit(f"/credentials/{theirs}/verify").status_code == 404


def test_original_is_the_stored_bytes_as_an_attachment(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id, title='Data "Literacy"/../x')
    response = client.get(f"/credentials/{credential_id}/original")
    stored = db_session.get(Credential, credential_id)
    assert stored is not None
    assert response.data == stored.raw
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="?[A-Za-z0-9_.-]+\.json"?', disposition)
    assert "/" not in disposition and ".." not in disposition


def test_image_from_data_uri_is_served_with_a_locked_down_policy(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id, {"image": {"id": PNG_DATA_URI}})
    response = client.get(f"/credentials/{credential_id}/image")
    assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")
    assert response.headers["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline';"
    )


def test_image_missing_shows_the_placeholder(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id)
    response = client.get(f"/credentials/{credential_id}/image")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


def ob2_credential(db_session: Session, user_id: int, server: LocalServer) -> int:
    issuer = make_issuer(server, ec.generate_private_key(ec.SECP256R1()))
    assertion = issuer.assertion()
    issuer.host(assertion)
    data = json.dumps(assertion).encode()
    [result] = credentials.import_bytes(db_session, user_id, data, "a.json", loopback_context())
    db_session.commit()
    assert result.credential_id is not None
    return result.credential_id


def test_image_of_hosted_badge_is_fetched_once_through_the_app(
    client: FormClient, owner: User, db_session: Session, http_server: LocalServer
) -> None:
    credential_id = ob2_credential(db_session, owner.id, http_server)
    http_server.serve("/badges/1/image", make_png(), content_type="image/png")
    first = client.get(f"/credentials/{credential_id}/image")
    second = client.get(f"/credentials/{credential_id}/image")
    assert first.data == second.data == make_png()
    assert http_server.requests.count("/badges/1/image") == 1
    assert "/badges/1/image" not in page(client, f"/credentials/{credential_id}")


def test_reverify_adds_a_run_and_returns_to_the_credential(
    client: FormClient, owner: User, db_session: Session
) -> None:
    credential_id = add_credential(db_session, owner.id)
    response = client.submit(f"/credentials/{credential_id}/verify")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/credentials/{credential_id}")
    runs = db_session.scalar(
        select(func.count()).where(VerificationRun.credential_id == credential_id)
    )
    assert runs == 2


def test_skills_page_lists_each_skill_with_its_credentials(
    client: FormClient, owner: User, db_session: Session
) -> None:
    achievement = {
        "alignment": [{"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": ESCO}]
    }
    credential_id = add_credential(db_session, owner.id, achievement, title="Data Literacy")
    html = page(client, "/credentials/skills")
    assert "Data analysis" in html and f'href="/credentials/{credential_id}"' in html


def test_list_over_one_page_is_paged_with_links(
    client: FormClient, owner: User, db_session: Session
) -> None:
    for number in range(PAGE_SIZE + 2):
        add_credential(db_session, owner.id, title=f"Badge {number:03d}")
    first = client.get("/credentials?sort=title&order=asc").get_data(as_text=True)
    assert "Badge 000" in first and f"Badge {PAGE_SIZE:03d}" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/credentials?sort=title&order=asc&page=2").get_data(as_text=True)
    assert f"Badge {PAGE_SIZE + 1:03d}" in second and "Badge 000" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_search_page_leaves_out_hidden_credentials(
    client: FormClient, owner: User, db_session: Session
) -> None:
    hidden = add_credential(db_session, owner.id, title="Secret hobby badge")
    add_credential(db_session, owner.id, title="Public badge")
    portfolio.set_hidden(db_session, owner.id, hidden, True)
    db_session.commit()
    html = page(client, "/search?q=badge")
    assert "Public badge" in html
    assert "Secret hobby badge" not in html


def test_skills_page_counts_only_verified_valid_credentials_once_per_title(
    client: FormClient, owner: User, db_session: Session
) -> None:
    achievement = {
        "alignment": [{"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": ESCO}]
    }
    first = add_credential(db_session, owner.id, achievement, title="Data Literacy")
    copy = add_credential(db_session, owner.id, achievement, title="Data Literacy")
    forged = json.loads(signed_credential(achievement, title="Forged Analytics"))
    forged["issuer"]["name"] = "Fake Academy"  # changed after signing: the proof breaks
    [result] = credentials.import_bytes(
        db_session, owner.id, json.dumps(forged).encode(), "forged.json", loopback_context()
    )
    db_session.commit()
    expired = add_credential(
        db_session, owner.id, achievement, title="Old Analytics", validUntil="2026-02-01T00:00:00Z"
    )
    html = page(client, "/credentials/skills")
    evidence, _, rest = html.partition("Not counted as evidence")
    assert evidence.count("Data Literacy") == 1
    assert f'href="/credentials/{first}"' in evidence
    assert f'href="/credentials/{copy}"' not in html
    assert "Forged Analytics" not in evidence and "Old Analytics" not in evidence
    assert f'href="/credentials/{result.credential_id}"' in rest and "Fake Academy" in rest
    assert "Failed verification" in rest
    assert f'href="/credentials/{expired}"' in rest and "Expired" in rest


def test_detail_facts_panel_reads_as_a_person_reads_it(
    client: FormClient, owner: User, db_session: Session
) -> None:
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    alignment = {"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": ESCO}
    achievement = {"creditsAvailable": 5, "alignment": [alignment, alignment]}
    subject = {
        "id": did,
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": "sha256$" + "0" * 64,
            }
        ],
        "achievement": {
            "id": "https://issuer.example/achievements/data-literacy",
            "type": ["Achievement"],
            "name": "Data Literacy",
            "criteria": {"narrative": "Pass."},
            **achievement,
        },
    }
    credential_id = add_credential(db_session, owner.id, credentialSubject=subject)
    html = page(client, f"/credentials/{credential_id}")
    facts = html.split('id="facts-heading"', 1)[1].split("</dl>", 1)[0]
    assert "5 credits (system not stated)" in facts and "creditsAvailable" not in facts
    assert f"you ({did})" in facts and "id: did" not in facts
    assert "you (an email address, hashed)" in facts and "emailAddress" not in facts
    assert facts.count(f'<a href="{ESCO}" rel="nofollow noopener">Data analysis</a>') == 1
