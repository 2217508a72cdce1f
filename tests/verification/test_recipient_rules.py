"""The recipient rule, rule by rule: what is read as a recipient and every outcome's words.

Identities are compared whole as read from OB 2.0 assertions, OB 3.0 subjects and VC-JWT claims;
each ``recipient`` check is compared whole (status, English and Polish wording, detail). The
hashed identity of 1EdTech's published OB 2.0 assertion example is read as published.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.support.recipients import recipient_context
from wallet.verification.recipient import (
    RecipientIdentity,
    check_recipient,
    match_recipient,
    recipient_identities,
)
from wallet.verification.report import Check, CheckStatus, Message

ALICE = "alice@example.org"
BOB = "bob@example.org"
DID = "did:example:alice"
# 1EdTech's OB 2.0 assertion example (spec "Hosted" example, `recipient`).
SPEC_SALT = "deadsea"
SPEC_DIGEST = "c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5"

UNCHECKABLE = Check(
    "recipient",
    CheckStatus.WARNING,
    Message(
        "The credential does not name its recipient in a way Plecak can check.",
        "Poświadczenie nie wskazuje odbiorcy w sposób, który Plecak może sprawdzić.",
    ),
)
HASHED_UNCONFIRMED = Check(
    "recipient",
    CheckStatus.WARNING,
    Message(
        "The credential was issued to a hashed identifier: add and confirm the one it was "
        "issued to, so Plecak can check that it is yours.",
        "Poświadczenie wystawiono dla identyfikatora zapisanego skrótem: dodaj i potwierdź ten, "
        "dla którego je wystawiono, aby Plecak mógł sprawdzić, że jest Twoje.",
    ),
    detail="unconfirmed",
)
HASH_OF_OTHER_ACCOUNT = Check(
    "recipient",
    CheckStatus.FAILED,
    Message(
        "The credential was issued to someone else: another account has confirmed the "
        "identifier it names.",
        "Poświadczenie wystawiono komuś innemu: identyfikator, który wskazuje, potwierdziło "
        "inne konto.",
    ),
    detail="other_account",
)


def _passed(kind: str) -> Check:
    return Check(
        "recipient",
        CheckStatus.PASSED,
        Message("The credential was issued to you.", "Poświadczenie wystawiono Tobie."),
        detail=kind,
    )


def _unconfirmed(shown: str) -> Check:
    return Check(
        "recipient",
        CheckStatus.WARNING,
        Message(
            f"The credential was issued to {shown}, which you have not confirmed.",
            f"Poświadczenie wystawiono dla {shown}, a tego identyfikatora nie potwierdzono.",
        ),
        detail="unconfirmed",
    )


def _taken(shown: str) -> Check:
    return Check(
        "recipient",
        CheckStatus.FAILED,
        Message(
            f"The credential was issued to {shown}, which another account has confirmed.",
            f"Poświadczenie wystawiono dla {shown}, a ten identyfikator potwierdziło inne konto.",
        ),
        detail="other_account",
    )


def _mismatch(names: str) -> Check:
    return Check(
        "recipient",
        CheckStatus.FAILED,
        Message(
            f"The credential was issued to someone else: its hashed recipient matches none of "
            f"your identifiers ({names}).",
            f"Poświadczenie wystawiono komuś innemu: skrót odbiorcy nie pasuje do żadnego z "
            f"Twoich identyfikatorów ({names}).",
        ),
        detail="hash_mismatch",
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _hashed(kind: str, text: str, salt: str = "") -> RecipientIdentity:
    return RecipientIdentity(kind, _sha256(text + salt), hashed=True, algorithm="sha256", salt=salt)


# --- what is read as the recipient ----------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        (
            {
                "type": "email",
                "hashed": True,
                "salt": SPEC_SALT,
                "identity": "sha256$" + SPEC_DIGEST,
            },
            RecipientIdentity("email", SPEC_DIGEST, True, "sha256", SPEC_SALT),
        ),
        (
            {"type": "email", "hashed": True, "identity": "SHA256$" + SPEC_DIGEST.upper()},
            RecipientIdentity("email", SPEC_DIGEST.upper(), True, "sha256"),
        ),
        (
            {"type": "email", "hashed": True, "identity": "MD5$abc"},
            RecipientIdentity("email", "abc", True, "md5"),
        ),
        (
            {"type": "email", "hashed": True, "identity": "sha1$abc", "salt": "s"},
            RecipientIdentity("email", "sha1$abc", True, None, "s"),
        ),
        (
            {"type": "email", "hashed": True, "identity": "sha256$ab$cd"},
            RecipientIdentity("email", "ab$cd", True, "sha256"),
        ),
        (
            {"type": "email", "hashed": True, "identity": "sha256$"},
            RecipientIdentity("email", "sha256$", True, None),
        ),
        (
            {"type": "email", "hashed": True, "identity": "abc"},
            RecipientIdentity("email", "abc", True, None),
        ),
        (
            {"type": "url", "hashed": "true", "identity": "https://a.example", "salt": "s"},
            RecipientIdentity("url", "https://a.example", salt="s"),
        ),
        ({"identity": ALICE, "salt": 5}, RecipientIdentity("email", ALICE)),
        ({"type": 7, "identity": ALICE}, RecipientIdentity("email", ALICE)),
        ({"type": "", "identity": ALICE}, RecipientIdentity("email", ALICE)),
        (
            {"type": "telephone", "identity": "+48123456789"},
            RecipientIdentity("telephone", "+48123456789"),
        ),
    ],
    ids=[
        "spec-example",
        "upper-case-algorithm",
        "md5",
        "unknown-algorithm",
        "digest-with-dollar",
        "empty-digest",
        "no-algorithm",
        "hashed-not-true",
        "salt-not-text",
        "type-not-text",
        "type-empty",
        "telephone",
    ],
)
def test_ob2_recipient_is_read_as_one_identity(
    recipient: dict[str, Any], expected: RecipientIdentity
) -> None:
    assert recipient_identities({"type": "Assertion", "recipient": recipient}) == (expected,)


@pytest.mark.parametrize(
    "recipient",
    [{"type": "email"}, {"identity": ""}, {"identity": 5}, {"identityHash": ALICE}],
    ids=["no-identity", "empty", "number", "ob3-key"],
)
def test_ob2_recipient_without_identity_text_names_none(recipient: dict[str, Any]) -> None:
    payload = {"recipient": recipient, "credentialSubject": {"id": DID}, "sub": DID}
    assert recipient_identities(payload) == ()


def test_recipient_that_is_no_object_falls_back_to_the_subject() -> None:
    payload = {"recipient": ALICE, "credentialSubject": {"id": DID}}
    assert recipient_identities(payload) == (RecipientIdentity("id", DID),)


def test_subject_ids_and_identifiers_are_read_in_order() -> None:
    payload = {
        "credentialSubject": [
            {
                "id": "MAILTO:" + ALICE,
                "identifier": [
                    {"identityType": "emailAddress", "hashed": True, "identityHash": "sha256$ab"},
                    "no object",
                    {"identityType": "studentId", "identityHash": "s-1", "salt": "x"},
                    {"identityType": "studentId"},
                    {"identity": "ob2-key", "type": "email"},
                ],
            },
            "no object",
            {"id": DID, "identifier": {"identityHash": BOB}},
            {"id": 5, "identifier": "no object"},
        ]
    }
    assert recipient_identities(payload) == (
        RecipientIdentity("emailAddress", "MAILTO:" + ALICE),
        RecipientIdentity("emailAddress", "ab", True, "sha256"),
        RecipientIdentity("studentId", "s-1", salt="x"),
        RecipientIdentity("id", DID),
        RecipientIdentity("email", BOB),
    )


def test_vc_jwt_claims_read_the_vc_subject_before_sub() -> None:
    payload = {"vc": {"credentialSubject": {"id": DID}}, "sub": "did:example:sub"}
    assert recipient_identities(payload) == (RecipientIdentity("id", DID),)


@pytest.mark.parametrize(
    "payload",
    [
        {"sub": "did:example:sub"},
        {"vc": "no object", "credentialSubject": {"id": DID}, "sub": "did:example:sub"},
        {"credentialSubject": {"identifier": [{"identityType": "x"}]}, "sub": "did:example:sub"},
    ],
    ids=["no-subject", "vc-no-object", "subject-names-nothing"],
)
def test_sub_names_the_recipient_when_the_subject_does_not(payload: dict[str, Any]) -> None:
    assert recipient_identities(payload) == (RecipientIdentity("id", "did:example:sub"),)


def test_sub_that_is_no_text_names_none() -> None:
    assert recipient_identities({"sub": 5, "credentialSubject": "x"}) == ()


# --- whether an identity is one of the holder's identifiers ---------------------------------


@pytest.mark.parametrize(
    ("identity", "confirmed", "expected"),
    [
        (RecipientIdentity("email", " MAILTO:Alice@Example.org "), ALICE, True),
        (RecipientIdentity("Email", ALICE), " mailto:ALICE@example.org ", True),
        (RecipientIdentity("http://schema.org/email", ALICE), "Alice@example.org", True),
        (RecipientIdentity("emailAddress", ALICE), "Alice@example.org", True),
        (RecipientIdentity("id", DID), " " + DID + " ", True),
        (RecipientIdentity("id", " " + DID), DID, True),
        (RecipientIdentity("id", DID), "did:example:Alice", False),
        (RecipientIdentity("url", "mailto:" + DID), DID, True),
        (RecipientIdentity("url", "Mailto:" + DID), DID, True),
        (RecipientIdentity("url", DID), "MAILTO:" + DID, True),
        (RecipientIdentity("url", "mailto:x"), "mailto:x", True),
        (RecipientIdentity("url", "https://a.example/X"), "https://a.example/x", False),
        (_hashed("email", ALICE), "MAILTO:Alice@Example.org", True),
        (_hashed("email", "Alice@Example.org"), "Alice@Example.org", True),
        (_hashed("email", "Alice@Example.org"), ALICE, False),
        (_hashed("email", ALICE, "pepper"), ALICE, True),
        (_hashed("email", "pepper" + ALICE), ALICE, False),
        (_hashed("url", "https://a.example/X"), " https://a.example/X ", True),
        (_hashed("url", "https://a.example/x"), "https://a.example/X", False),
        (_hashed("url", DID), "mailto:" + DID, True),
        (
            RecipientIdentity("email", _sha256(ALICE).upper(), True, "sha256"),
            ALICE,
            True,
        ),
        (
            RecipientIdentity("email", hashlib.md5(ALICE.encode()).hexdigest(), True, "md5"),
            ALICE,
            True,
        ),
        (RecipientIdentity("email", _sha256(ALICE), True, None), ALICE, False),
        (RecipientIdentity("email", ALICE, True, None), ALICE, False),
    ],
    ids=[
        "plain-email-mailto-case-space",
        "plain-email-kind-case",
        "plain-schema-email",
        "plain-email-address",
        "plain-id-space",
        "plain-id-own-space",
        "plain-id-case",
        "plain-url-mailto",
        "plain-url-mailto-case",
        "plain-url-confirmed-mailto",
        "plain-url-mailto-only",
        "plain-url-case",
        "hash-lower-case",
        "hash-as-written",
        "hash-as-written-other-case",
        "hash-salt-after",
        "hash-salt-before",
        "hash-url-space",
        "hash-url-case",
        "hash-url-mailto",
        "hash-upper-hex",
        "hash-md5",
        "hash-no-algorithm",
        "hash-no-algorithm-plain-value",
    ],
)
def test_identity_matches_confirmed_identifier(
    identity: RecipientIdentity, confirmed: str, expected: bool
) -> None:
    assert identity.matches(confirmed) is expected


def test_spec_example_hash_is_no_match_for_other_addresses() -> None:
    identity = recipient_identities(
        {
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": SPEC_SALT,
                "identity": "sha256$" + SPEC_DIGEST,
            }
        }
    )
    assert identity[0].matches(ALICE) is False
    assert match_recipient(identity, frozenset({ALICE})) == _mismatch(ALICE)


# --- the recipient check --------------------------------------------------------------------


@pytest.mark.parametrize(
    "identities",
    [(), (RecipientIdentity("email", "sha1$ab", True, None),)],
    ids=["none", "unknown-algorithm"],
)
def test_nothing_checkable_warns(identities: tuple[RecipientIdentity, ...]) -> None:
    assert match_recipient(identities, frozenset({ALICE}), elsewhere=frozenset({ALICE})) == (
        UNCHECKABLE
    )


def test_check_recipient_reads_the_payload_and_the_holders_identifiers() -> None:
    payload = {"recipient": {"type": "email", "identity": ALICE}}
    assert check_recipient(payload, recipient_context(confirmed=(ALICE,))) == _passed("email")
    assert check_recipient(payload, recipient_context(unconfirmed=(ALICE,))) == _unconfirmed(ALICE)
    assert check_recipient(payload, recipient_context(elsewhere=(ALICE,))) == _taken(ALICE)
    assert check_recipient({}, recipient_context(confirmed=(ALICE,))) == UNCHECKABLE


def test_any_identity_confirmed_passes_naming_its_kind() -> None:
    identities = (
        RecipientIdentity("email", BOB),
        RecipientIdentity("sha1", "x", True, None),
        _hashed("emailAddress", ALICE),
    )
    assert match_recipient(identities, frozenset({"x", ALICE}), elsewhere=frozenset({BOB})) == (
        _passed("emailAddress")
    )


def test_unusable_hash_never_passes() -> None:
    identities = (RecipientIdentity("email", ALICE, True, None), RecipientIdentity("id", DID))
    assert match_recipient(identities, frozenset({ALICE})) == _unconfirmed(DID)


def test_identity_confirmed_elsewhere_fails_naming_the_first() -> None:
    identities = (
        RecipientIdentity("id", DID),
        RecipientIdentity("email", "mailto:" + BOB),
        RecipientIdentity("email", "carol@example.org"),
    )
    elsewhere = frozenset({"carol@example.org", BOB})
    assert match_recipient(identities, frozenset({ALICE}), elsewhere=elsewhere) == _taken(BOB)


def test_hash_confirmed_elsewhere_fails_without_naming_it() -> None:
    identities = (RecipientIdentity("id", DID), _hashed("email", BOB))
    assert match_recipient(identities, frozenset(), elsewhere=frozenset({BOB})) == (
        HASH_OF_OTHER_ACCOUNT
    )


def test_taken_before_hash_mismatch() -> None:
    identities = (_hashed("email", "carol@example.org"), RecipientIdentity("id", DID))
    assert match_recipient(identities, frozenset({ALICE}), elsewhere=frozenset({DID})) == (
        _taken(DID)
    )


def test_hash_mismatch_names_each_comparable_identifier_in_order() -> None:
    identities = (_hashed("email", "carol@example.org"),)
    confirmed = frozenset({"mailto:zed@example.org", DID, "https://a.example", "+48123456789"})
    unconfirmed = frozenset({" alice@work.example", "did:web:a.example"})
    assert match_recipient(identities, confirmed, unconfirmed=unconfirmed) == _mismatch(
        "alice@work.example, zed@example.org"
    )


@pytest.mark.parametrize(
    ("kind", "claimed", "names"),
    [
        (
            "telephone",
            ("+48123456", "123456", "12345", "+1234567890123456", "1234567890123451"),
            "+48123456, 123456",
        ),
        ("Phone", ("123456789012345", "+12345", "12a456"), "123456789012345"),
        ("phoneNumber", ("x123456",), None),
        ("http://schema.org/telephone", ("1234567",), "1234567"),
        (
            "url",
            ("http://a.example", "https://b.example", "did:x", "ftp://c.example"),
            "did:x, http://a.example, https://b.example",
        ),
        ("ID", ("HTTP://a.example", ALICE), None),
        ("did", (" did:x",), "did:x"),
        ("http://schema.org/url", ("https://b.example",), "https://b.example"),
        ("email", ("mailto:" + ALICE, "did:x@y", "a:b@c", "nobody"), ALICE),
        ("EmailAddress", ("a@b",), "a@b"),
        ("studentId", ("s-1", ALICE, "https://a.example"), None),
    ],
    ids=[
        "telephone",
        "phone-case",
        "phone-letter",
        "schema-telephone",
        "url",
        "id-case",
        "did",
        "schema-url",
        "email",
        "email-address-case",
        "other-kind",
    ],
)
def test_hash_is_compared_with_identifiers_of_its_kind(
    kind: str, claimed: tuple[str, ...], names: str | None
) -> None:
    identities = (_hashed(kind, "someone else"),)
    expected = HASHED_UNCONFIRMED if names is None else _mismatch(names)
    assert match_recipient(identities, frozenset(claimed)) == expected
    assert match_recipient(identities, frozenset(), unconfirmed=frozenset(claimed)) == expected


def test_hash_mismatch_of_the_first_comparable_identity_is_reported() -> None:
    identities = (
        _hashed("studentId", "x"),
        _hashed("url", "https://other.example"),
        _hashed("email", "carol@example.org"),
    )
    claimed = frozenset({ALICE, "https://a.example"})
    assert match_recipient(identities, claimed) == _mismatch("https://a.example")


def test_hash_mismatch_comes_before_a_later_unconfirmed_match() -> None:
    identities = (_hashed("url", "https://other.example"), _hashed("email", ALICE))
    unconfirmed = frozenset({"https://a.example", "mailto:" + ALICE, "alice@work.example"})
    assert match_recipient(identities, frozenset(), unconfirmed=unconfirmed) == (
        _mismatch("https://a.example")
    )
    unconfirmed = frozenset({"mailto:" + ALICE, "alice@work.example"})
    assert match_recipient(identities, frozenset(), unconfirmed=unconfirmed) == _unconfirmed(ALICE)


def test_unconfirmed_names_the_first_unconfirmed_match() -> None:
    identities = (RecipientIdentity("email", ALICE),)
    unconfirmed = frozenset({"mailto:Alice@example.org", "ALICE@example.org"})
    assert match_recipient(identities, frozenset(), unconfirmed=unconfirmed) == (
        _unconfirmed("ALICE@example.org")
    )


def test_unconfirmed_names_the_first_plain_identity_when_no_claim_matches() -> None:
    identities = (
        _hashed("studentId", "s-1"),
        RecipientIdentity("email", " mailto:Bob@Example.org "),
        RecipientIdentity("id", DID),
    )
    assert match_recipient(identities, frozenset({ALICE})) == _unconfirmed("Bob@Example.org")


def test_unconfirmed_prefers_a_matching_claim_over_a_plain_value() -> None:
    identities = (RecipientIdentity("id", DID), _hashed("studentId", "s-1"))
    unconfirmed = frozenset({"s-1"})
    assert match_recipient(identities, frozenset(), unconfirmed=unconfirmed) == _unconfirmed(DID)
    identities = (_hashed("studentId", "s-1"), RecipientIdentity("id", DID))
    assert match_recipient(identities, frozenset(), unconfirmed=unconfirmed) == _unconfirmed("s-1")


def test_hashed_identity_matching_nothing_claimed_warns() -> None:
    identities = (_hashed("email", ALICE), _hashed("studentId", "s-1"))
    assert match_recipient(identities, frozenset({DID})) == HASHED_UNCONFIRMED


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://a.example/" + "x" * 101, "https://a.example/" + "x" * 101),
        (" https://a.example/" + "x" * 102, "https://a.example/" + "x" * 102),
        ("https://a.example/" + "x" * 103, "https://a.example/" + "x" * 99 + "…"),
    ],
    ids=["119-kept", "120-kept", "121-cut-to-117"],
)
def test_long_identifiers_are_cut_in_the_sentence(value: str, shown: str) -> None:
    identities = (RecipientIdentity("url", value),)
    assert match_recipient(identities, frozenset()) == _unconfirmed(shown)
    assert match_recipient(identities, frozenset(), elsewhere=frozenset({value})) == _taken(shown)
    hashed = (_hashed("url", "https://other.example"),)
    assert match_recipient(hashed, frozenset({value})) == _mismatch(shown)
