"""Baked badges: PNG chunks and SVG elements, with the caps that keep hostile images out."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.ob2_issuer import OB2_CONTEXT, bake_png, bake_svg, make_png, sign_jws
from wallet import importing
from wallet.errors import CredentialFormatError

Format = importing.CredentialFormat
ASSERTION: dict[str, Any] = {
    "@context": OB2_CONTEXT,
    "type": "Assertion",
    "id": "https://issuer.example/assertions/1",
    "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
    "badge": "https://issuer.example/badges/1",
    "issuedOn": "2024-05-01T10:00:00Z",
    "verification": {"type": "HostedBadge"},
}
OB3_CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"]},
    "credentialSubject": {"id": "did:example:alice", "type": ["AchievementSubject"]},
    "proof": {"type": "DataIntegrityProof"},
}
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


def test_read_envelopes_png_with_ob2_json_keeps_the_image_as_raw() -> None:
    png = bake_png(json.dumps(ASSERTION))
    [envelope] = importing.read_envelopes(png, "badge.png")
    assert envelope.format is Format.OB2_HOSTED
    assert envelope.raw == png
    assert envelope.media_type == "image/png"
    assert envelope.payload == ASSERTION


def test_read_envelopes_png_with_ob3_json_is_data_integrity() -> None:
    png = bake_png(json.dumps(OB3_CREDENTIAL), keyword=b"openbadgecredential")
    [envelope] = importing.read_envelopes(png, "badge.png")
    assert envelope.format is Format.VC_DATA_INTEGRITY


def test_read_envelopes_legacy_text_chunk_url_is_hosted_reference() -> None:
    png = bake_png("https://issuer.example/assertions/1", chunk=b"tEXt")
    [envelope] = importing.read_envelopes(png, "badge.png")
    assert envelope.format is Format.OB2_HOSTED
    assert envelope.payload == {"id": "https://issuer.example/assertions/1"}


def test_read_envelopes_png_with_jws_is_ob2_signed() -> None:
    token = sign_jws(
        ASSERTION | {"verification": {"type": "SignedBadge"}},
        ec.generate_private_key(ec.SECP256R1()),
    )
    [envelope] = importing.read_envelopes(bake_png(token), "badge.png")
    assert envelope.format is Format.OB2_SIGNED
    assert envelope.secured == token


def test_read_envelopes_png_with_bad_crc_is_refused() -> None:
    png = bytearray(bake_png(json.dumps(ASSERTION)))
    position = png.index(b"iTXt") + 20  # inside the chunk's text
    png[position] ^= 0x01
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(bytes(png), "badge.png")


def test_read_envelopes_png_with_oversized_dimensions_is_refused() -> None:
    baked = (b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + json.dumps(ASSERTION).encode())
    png = make_png(width=10_000, height=10_000, chunks=(baked,))
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(png, "huge.png")


def test_read_envelopes_png_without_badge_chunk_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(make_png(), "plain.png")


def test_read_envelopes_truncated_png_is_refused() -> None:
    png = bake_png(json.dumps(ASSERTION))
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(png[: len(png) - 20], "cut.png")


def test_read_envelopes_png_compressed_chunk_is_inflated() -> None:
    text = zlib.compress(json.dumps(ASSERTION).encode())
    data = b"openbadges\x00\x01\x00\x00\x00" + text
    [envelope] = importing.read_envelopes(make_png(chunks=((b"iTXt", data),)), "z.png")
    assert envelope.payload == ASSERTION


def test_read_envelopes_png_chunk_length_past_end_is_refused() -> None:
    png = bytearray(bake_png(json.dumps(ASSERTION)))
    position = png.index(b"iTXt") - 4
    png[position : position + 4] = struct.pack(">I", 2**30)
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(bytes(png), "bad.png")


def test_read_envelopes_svg_with_ob2_cdata_json_is_read() -> None:
    svg = bake_svg(json.dumps(ASSERTION))
    [envelope] = importing.read_envelopes(svg, "badge.svg")
    assert envelope.format is Format.OB2_HOSTED
    assert envelope.media_type == "image/svg+xml"
    assert envelope.payload == ASSERTION


def test_read_envelopes_svg_with_ob3_credential_is_read() -> None:
    svg = bake_svg(json.dumps(OB3_CREDENTIAL), element="credential", namespace=OB3_NAMESPACE)
    [envelope] = importing.read_envelopes(svg, "badge.svg")
    assert envelope.format is Format.VC_DATA_INTEGRITY


def test_read_envelopes_svg_verify_url_is_hosted_reference() -> None:
    svg = bake_svg("https://issuer.example/assertions/1", in_attribute=True)
    [envelope] = importing.read_envelopes(svg, "badge.svg")
    assert envelope.format is Format.OB2_HOSTED
    assert envelope.payload == {"id": "https://issuer.example/assertions/1"}


SVG11_DOCTYPE = (
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
)
BAKERY = Path(__file__).parent.parent / "data" / "conformance" / "ob" / "bakery"


@pytest.mark.parametrize("prolog", [SVG11_DOCTYPE, "<!DOCTYPE svg>", "\n<!DOCTYPE svg >"])
def test_read_envelopes_svg_with_public_doctype_is_read(prolog: str) -> None:
    svg = bake_svg(json.dumps(ASSERTION), prolog=prolog)
    [envelope] = importing.read_envelopes(svg, "badge.svg")
    assert envelope.format is Format.OB2_HOSTED
    assert envelope.payload["id"] == ASSERTION["id"]


def test_read_envelopes_published_bakery_svg_with_doctype_is_read() -> None:
    # The bakery's test image under the SVG 1.1 DOCTYPE, naming a hosted assertion.
    svg = (BAKERY / "derived_baked_doctype_hosted.svg").read_bytes()
    [envelope] = importing.read_envelopes(svg, "baked.svg")
    assert envelope.payload == {"id": "https://example.org/beths-robotics-badge.json"}


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>',
        "<!DOCTYPE svg [<!ATTLIST svg x CDATA 'y'>]>",
        "<!DOCTYPE svg SYSTEM 'file:///etc/passwd'>",
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd" [<!ENTITY a "b">]>',
        SVG11_DOCTYPE + SVG11_DOCTYPE,
        '<!ENTITY x SYSTEM "file:///etc/passwd">',
    ],
)
def test_read_envelopes_svg_with_dtd_or_entity_is_refused(prolog: str) -> None:
    svg = bake_svg(json.dumps(ASSERTION), prolog=prolog)
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(svg, "badge.svg")


def test_read_envelopes_svg_with_xinclude_is_refused() -> None:
    svg = bake_svg(json.dumps(ASSERTION)).replace(
        b"<circle",
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
        b"<circle",
    )
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(svg, "badge.svg")


def test_read_envelopes_svg_without_badge_element_is_refused() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>'
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(svg, "plain.svg")


def test_read_envelopes_malformed_svg_is_refused() -> None:
    with pytest.raises(CredentialFormatError):
        importing.read_envelopes(b"<svg><openbadges:assertion></svg>", "bad.svg")
