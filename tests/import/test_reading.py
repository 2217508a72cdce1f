"""Reading JSON and signed text: format detection from content and the re-exported API."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.ob2_issuer import OB2_CONTEXT, b64url, sign_jws
from wallet import importing
from wallet.errors import CredentialFormatError

Format = importing.CredentialFormat


def _ob2(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": "https://issuer.example/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": "https://issuer.example/badges/1",
        "issuedOn": "2024-05-01T10:00:00Z",
        "verification": {"type": "HostedBadge"},
    }
    document.update(overrides)
    return document


def _vc(*types: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", *types],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:alice"},
        **extra,
    }


def _read(document: dict[str, Any] | str) -> list[Any]:
    text = document if isinstance(document, str) else json.dumps(document)
    return importing.read_envelopes(text.encode(), "upload.json")


@pytest.fixture(scope="module")
def es256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def test_importing_reexports_are_the_package_functions() -> None:
    package = importlib.import_module("wallet.import")
    assert importing.read_envelopes is package.read_envelopes
    assert importing.read_archive is package.read_archive
    assert importing.upgrade_legacy_assertion is package.upgrade_legacy_assertion


@pytest.mark.parametrize(
    ("verification", "expected"),
    [
        ({"type": "HostedBadge"}, Format.OB2_HOSTED),
        ({"type": "hosted"}, Format.OB2_HOSTED),
        ({"type": "SignedBadge"}, Format.OB2_SIGNED),
    ],
)
def test_read_envelopes_ob2_json_format_follows_verification(
    verification: dict[str, str], expected: Any
) -> None:
    [envelope] = _read(_ob2(verification=verification))
    assert envelope.format is expected
    assert envelope.media_type == "application/json"
    assert envelope.payload["id"] == "https://issuer.example/assertions/1"


def test_read_envelopes_vc_with_proof_is_data_integrity() -> None:
    [envelope] = _read(_vc("OpenBadgeCredential", proof={"type": "DataIntegrityProof"}))
    assert envelope.format is Format.VC_DATA_INTEGRITY


def test_read_envelopes_vc_without_proof_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        _read(_vc("OpenBadgeCredential"))


def test_read_envelopes_clr_yields_itself_and_each_nested_credential(
    es256_key: ec.EllipticCurvePrivateKey,
) -> None:
    nested_json = _vc("OpenBadgeCredential", proof={"type": "DataIntegrityProof"})
    nested_jwt = sign_jws(_vc("OpenBadgeCredential"), es256_key)
    clr = _vc("ClrCredential", proof={"type": "DataIntegrityProof"})
    clr["credentialSubject"] = {
        "type": "ClrSubject",
        "verifiableCredential": [nested_json, nested_jwt],
    }
    envelopes = _read(clr)
    assert [e.format for e in envelopes] == [Format.CLR2, Format.VC_DATA_INTEGRITY, Format.VC_JWT]
    assert [e.source for e in envelopes] == ["upload.json", "upload.json#1", "upload.json#2"]
    assert [e.container for e in envelopes] == [None, "upload.json", "upload.json"]


def test_read_envelopes_edc_type_is_elm_jsonld() -> None:
    [envelope] = _read(_vc("EuropeanDigitalCredential"))
    assert envelope.format is Format.ELM_JSONLD


def test_read_envelopes_jades_json_serialisation_is_elm_jades() -> None:
    credential = _vc("EuropeanDigitalCredential")
    protected = b64url(json.dumps({"alg": "RS256", "b64": False, "crit": ["b64"]}).encode())
    jades = {
        "payload": json.dumps(credential),
        "signatures": [{"protected": protected, "signature": "AAAA"}],
    }
    [envelope] = _read(jades)
    assert envelope.format is Format.ELM_JADES
    assert envelope.payload == credential
    assert envelope.secured is not None


def test_read_envelopes_compact_jws_of_assertion_is_ob2_signed(
    es256_key: ec.EllipticCurvePrivateKey,
) -> None:
    token = sign_jws(_ob2(verification={"type": "SignedBadge"}), es256_key)
    [envelope] = _read(token)
    assert envelope.format is Format.OB2_SIGNED
    assert envelope.secured == token
    assert envelope.media_type == "text/plain"


def test_read_envelopes_compact_jws_of_vc_is_vc_jwt(es256_key: ec.EllipticCurvePrivateKey) -> None:
    token = sign_jws({"iss": "did:example:issuer", "vc": _vc("OpenBadgeCredential")}, es256_key)
    [envelope] = _read(token + "\n")
    assert envelope.format is Format.VC_JWT
    assert envelope.payload["iss"] == "did:example:issuer"


def test_read_envelopes_sd_jwt_is_sd_jwt_vc(es256_key: ec.EllipticCurvePrivateKey) -> None:
    token = sign_jws({"iss": "https://issuer.example", "vct": "urn:example:vct"}, es256_key)
    disclosure = b64url(json.dumps(["salt", "given_name", "Alice"]).encode())
    text = f"{token}~{disclosure}~"
    [envelope] = _read(text)
    assert envelope.format is Format.SD_JWT_VC
    assert envelope.secured == text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'{"name": "not a credential"}',
        b'{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass"}',
        b"[]",
        b"hello world",
        b"\xff\xd8\xff\xe0 jpeg",
        b"%PDF-1.7",
        b"<html><body>hi</body></html>",
        b"\x00\x01\x02\x03\xfe",
    ],
)
def test_read_envelopes_non_credential_input_raises_format_error(data: bytes) -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(data, "upload")


def test_read_envelopes_zip_is_refused_with_a_pointer_to_read_archive() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(b"PK\x05\x06" + b"\x00" * 18, "export.zip")


def test_read_envelopes_deeply_nested_json_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(b'{"a":' * 100 + b"1" + b"}" * 100, "deep.json")
