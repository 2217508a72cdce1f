"""Share links as services: tokens, revocation, expiry, passcodes, the view log, disclosure."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.portfolio import add_credential, loopback_context
from wallet.errors import NotFoundError, ValidationError
from wallet.models import DeviceClass, HolderKey, ShareLink, User
from wallet.share import links, pages
from wallet.share.keys import holder_key
from wallet.share.links import Choice
from wallet.share.live import MemoryReportCache
from wallet.verification.standing import Standing

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SECRET = "test-secret-key-that-is-long-enough-0123456789"
ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "vpverify"
GRADE = {"resultDescription": None}


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user()


def graded(session: Session, user_id: int, title: str, grade: str = "A-secret-grade") -> int:
    """A credential carrying a result (a grade) that a link may hide."""
    return add_credential(
        session,
        user_id,
        title=title,
        credentialSubject={
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "https://example.org/a/1",
                "type": ["Achievement"],
                "name": title,
                "description": "Course",
                "criteria": {"narrative": "Pass the exam"},
            },
            "result": [{"type": ["Result"], "value": grade}],
        },
    )


def new_link(session: Session, user_id: int, ids: list[int], **kwargs: object) -> links.NewLink:
    created = links.create_share(
        session,
        user_id,
        label="for ACME",
        choices=[Choice(i, *(bool(kwargs.get("whole")),) * 3) for i in ids],
        expires_at=kwargs.pop("expires_at", None),  # type: ignore[arg-type]
        passcode=kwargs.pop("passcode", None),  # type: ignore[arg-type]
        now=NOW,
    )
    session.commit()
    return created


def whole_link(session: Session, user_id: int, ids: list[int]) -> links.NewLink:
    """A link showing every field of each credential."""
    return new_link(session, user_id, ids, whole=True)


def test_create_share_token_has_192_bits_and_only_its_hash_is_stored(
    db_session: Session, owner: User
) -> None:
    cid = add_credential(db_session, owner.id, title="One")
    tokens = {new_link(db_session, owner.id, [cid]).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) >= 32 for t in tokens)
    stored = set(db_session.scalars(select(ShareLink.token_hash)))
    assert not tokens & stored
    assert {links.token_hash(t) for t in tokens} == stored


def test_find_live_share_unknown_revoked_and_expired_raise_the_same_error(
    db_session: Session, owner: User
) -> None:
    cid = add_credential(db_session, owner.id, title="One")
    live = new_link(db_session, owner.id, [cid])
    revoked = new_link(db_session, owner.id, [cid])
    links.revoke_share(db_session, owner.id, revoked.link.id, NOW)
    expiring = new_link(db_session, owner.id, [cid], expires_at=NOW + timedelta(days=1))
    assert links.find_live_share(db_session, live.token, NOW).id == live.link.id
    later = NOW + timedelta(days=2)
    errors = []
    for token, at in [("x" * 32, NOW), (revoked.token, NOW), (expiring.token, later)]:
        with pytest.raises(links.LinkUnavailableError) as caught:
            links.find_live_share(db_session, token, at)
        errors.append((caught.value.code, caught.value.http_status, caught.value.message))
    assert len(set(errors)) == 1


def test_create_share_with_another_users_credential_is_refused(
    db_session: Session, owner: User, make_user: Callable[..., User]
) -> None:
    other = make_user(email="other@example.org")
    foreign = add_credential(db_session, other.id, title="Not yours")
    with pytest.raises(NotFoundError):
        new_link(db_session, owner.id, [foreign])
    with pytest.raises(ValidationError):
        new_link(db_session, owner.id, [])


def test_check_passcode_wrong_five_times_locks_even_the_right_one(
    db_session: Session, owner: User
) -> None:
    cid = add_credential(db_session, owner.id, title="One")
    link = new_link(db_session, owner.id, [cid], passcode="sesame-42").link
    links.check_passcode(link, "sesame-42", NOW)
    for _ in range(links.MAX_ATTEMPTS):
        with pytest.raises(links.PasscodeRequiredError):
            links.check_passcode(link, "wrong", NOW)
    with pytest.raises(links.PasscodeRequiredError):
        links.check_passcode(link, "sesame-42", NOW)
    links.check_passcode(link, "sesame-42", NOW + links.LOCK_TIME + timedelta(seconds=1))


def test_record_view_keeps_time_and_device_class_only(db_session: Session, owner: User) -> None:
    cid = add_credential(db_session, owner.id, title="One")
    link = new_link(db_session, owner.id, [cid]).link
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    links.record_view(db_session, link, iphone, NOW)
    links.record_view(db_session, link, "Mozilla/5.0 (X11; Linux x86_64)", NOW)
    db_session.commit()
    db_session.refresh(link)
    assert {v.device for v in link.views} == {DeviceClass.PHONE, DeviceClass.COMPUTER}


def test_share_page_hides_the_grade_unless_chosen_and_verifies_live(
    db_session: Session, owner: User
) -> None:
    cid = graded(db_session, owner.id, "Data course")
    cache = MemoryReportCache()
    hidden = pages.preview_page(
        db_session, owner.id, [Choice(cid)], None, "en", cache, lambda at: loopback_context(), NOW
    )
    [shown] = hidden.credentials
    assert shown.grade is None and not shown.whole
    assert shown.standing is Standing.VERIFIED and shown.live
    assert not hidden.offers_presentation
    whole = pages.preview_page(
        db_session,
        owner.id,
        [Choice(cid, show_grade=True, show_evidence=True, show_recipient=True)],
        None,
        "en",
        cache,
        lambda at: loopback_context(),
        NOW,
    )
    assert whole.credentials[0].grade is not None and "A-secret-grade" in whole.credentials[0].grade
    assert whole.credentials[0].whole and whole.offers_presentation


def test_holder_key_is_stable_and_sealed(db_session: Session, owner: User) -> None:
    did, key = holder_key(db_session, owner.id, SECRET)
    again, key2 = holder_key(db_session, owner.id, SECRET)
    assert did == again and did.startswith("did:key:z6Mk")
    assert key.private_bytes_raw() == key2.private_bytes_raw()
    stored = db_session.scalar(select(HolderKey).where(HolderKey.user_id == owner.id))
    assert stored is not None and key.private_bytes_raw() not in stored.encrypted_private_key
    with pytest.raises(InvalidTag):
        holder_key(db_session, owner.id, "another-secret-of-sufficient-length-000000")


def _independent_verify(document: dict[str, object], challenge: str, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    node = shutil.which("node")
    if node is None or not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.skip("node or the independent verifier (npm install in tools/vpverify) is missing")
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(document))
    contexts = ROOT / "wallet" / "contexts"
    run = subprocess.run(
        [
            node,
            str(VERIFIER / "verify.mjs"),
            str(path),
            challenge,
            "https://plecak.test",
            str(contexts),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return {"rc": run.returncode, **json.loads(run.stdout.strip().splitlines()[-1])}


def test_link_presentation_is_accepted_by_an_independent_verifier(
    db_session: Session, owner: User, tmp_path: Path
) -> None:
    first = add_credential(db_session, owner.id, title="Whole one")
    second = add_credential(db_session, owner.id, title="Whole two")
    link = whole_link(db_session, owner.id, [first, second]).link
    document = pages.link_presentation(db_session, link, SECRET, "https://plecak.test", NOW)
    assert len(document["verifiableCredential"]) == 2  # type: ignore[arg-type]
    result = _independent_verify(document, link.challenge, tmp_path)
    assert result["rc"] == 0, result
    assert result["presentation"] is True and result["credentials"] == [True, True]


def test_link_presentation_tampered_or_wrong_challenge_is_rejected_independently(
    db_session: Session, owner: User, tmp_path: Path
) -> None:
    cid = add_credential(db_session, owner.id, title="Whole one")
    link = whole_link(db_session, owner.id, [cid]).link
    document = pages.link_presentation(db_session, link, SECRET, "https://plecak.test", NOW)
    assert _independent_verify(document, "another-challenge", tmp_path)["rc"] == 1
    document["holder"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert _independent_verify(document, link.challenge, tmp_path)["rc"] == 1


def test_link_presentation_leaves_out_credentials_shown_in_part(
    db_session: Session, owner: User
) -> None:
    cid = graded(db_session, owner.id, "Graded")
    link = new_link(db_session, owner.id, [cid]).link
    document = pages.link_presentation(db_session, link, SECRET, "https://plecak.test", NOW)
    assert document["verifiableCredential"] == []
    assert "A-secret-grade" not in json.dumps(document)
