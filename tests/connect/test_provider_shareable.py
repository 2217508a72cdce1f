"""Which stored credentials the provider can serve unchanged, and in which member."""

from __future__ import annotations

import base64
import json

import pytest

from tests.connect.conftest import di_badge, jws_badge
from wallet.connect.provider.shareable import served_form
from wallet.envelope import CredentialFormat
from wallet.models import Credential


def stored(fmt: CredentialFormat, raw: bytes) -> Credential:
    return Credential(format=fmt, raw=raw, media_type="application/json", title="t")


def unsigned_jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'EdDSA'})}.{part(claims)}.c2ln"


def test_served_form_json_badge_is_served_byte_for_byte_without_a_bom() -> None:
    text = json.dumps(di_badge("Data Literacy"), indent=3).encode()

    served = served_form(stored(CredentialFormat.VC_DATA_INTEGRITY, b"\xef\xbb\xbf" + text + b"\n"))

    assert served is not None and served.json_text == text and served.compact_jws is None


def test_served_form_vc_jwt_badge_is_served_as_its_compact_jws() -> None:
    jws = jws_badge("Teamwork")

    served = served_form(stored(CredentialFormat.VC_JWT, f"{jws}\n".encode()))

    assert served is not None and served.compact_jws == jws and served.json_text is None


def test_served_form_reads_the_badge_type_inside_a_vc_claim() -> None:
    jws = unsigned_jwt({"vc": {"type": ["VerifiableCredential", "AchievementCredential"]}})

    assert served_form(stored(CredentialFormat.VC_JWT, jws.encode())) is not None


@pytest.mark.parametrize(
    ("fmt", "raw"),
    [
        # a Verifiable Credential that is no Open Badge
        (
            CredentialFormat.VC_DATA_INTEGRITY,
            json.dumps({"type": ["VerifiableCredential", "EuropeanDigitalCredential"]}).encode(),
        ),
        (
            CredentialFormat.VC_JWT,
            unsigned_jwt({"vc": {"type": ["VerifiableCredential"]}}).encode(),
        ),
        # a badge baked into an image: its original is the PNG, not JSON
        (CredentialFormat.VC_DATA_INTEGRITY, b"\x89PNG\r\n\x1a\n" + b"\0" * 16),
        # an Open Badges 2.0 assertion and a CLR are other APIs' business
        (CredentialFormat.OB2_SIGNED, jws_badge("Old").encode()),
        (CredentialFormat.CLR2, json.dumps(di_badge("Record")).encode()),
        # a JWT whose payload is not JSON
        (CredentialFormat.VC_JWT, b"eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln"),
    ],
)
def test_served_form_other_credentials_are_not_offered(fmt: CredentialFormat, raw: bytes) -> None:
    assert served_form(stored(fmt, raw)) is None
