"""Open Badges 0.5, 1.0 and 1.1 assertions read into the 2.0 model."""

from __future__ import annotations

import json
from typing import Any

from wallet import importing

Format = importing.CredentialFormat
OB_1_0: dict[str, Any] = {
    "uid": "abc123",
    "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
    "badge": "https://issuer.example/badges/1.json",
    "issuedOn": 1430352000,
    "verify": {"type": "hosted", "url": "https://issuer.example/assertions/abc123.json"},
    "evidence": "https://alice.example/work",
}
OB_0_5: dict[str, Any] = {
    "recipient": "sha256$2ad891a61112bb953171416acc9cfe2484d59a45a3ed574a1ca93b47d07629fe",
    "salt": "hashbrowns",
    "issued_on": "2011-06-01",
    "badge": {
        "version": "0.5.0",
        "name": "HTML5 Fundamental",
        "image": "/img/html5-basic.png",
        "description": "Knows the difference between a section and an article",
        "criteria": "/badges/html5-basic",
        "issuer": {
            "origin": "https://p2pu.example",
            "name": "P2PU",
            "contact": "admin@p2pu.example",
        },
    },
}


def _read(document: dict[str, Any]) -> Any:
    [envelope] = importing.read_envelopes(json.dumps(document).encode(), "old.json")
    return envelope


def test_read_envelopes_ob_1_0_hosted_assertion_is_upgraded() -> None:
    envelope = _read(OB_1_0)
    payload = envelope.payload
    assert envelope.format is Format.OB2_HOSTED
    assert payload["@context"] == "https://w3id.org/openbadges/v2"
    assert payload["type"] == "Assertion"
    assert payload["id"] == "https://issuer.example/assertions/abc123.json"
    assert payload["verification"] == {"type": "HostedBadge"}
    assert payload["issuedOn"] == "2015-04-30T00:00:00+00:00"
    assert payload["uid"] == "abc123"
    assert "verify" not in payload


def test_read_envelopes_ob_1_0_signed_assertion_names_its_key() -> None:
    envelope = _read(
        OB_1_0 | {"verify": {"type": "signed", "url": "https://issuer.example/key.pem"}}
    )
    assert envelope.format is Format.OB2_SIGNED
    assert envelope.payload["verification"] == {
        "type": "SignedBadge",
        "creator": "https://issuer.example/key.pem",
    }


def test_read_envelopes_ob_1_1_context_is_upgraded() -> None:
    document = OB_1_0 | {
        "@context": "https://w3id.org/openbadges/v1",
        "type": "Assertion",
        "id": "https://issuer.example/assertions/abc123.json",
        "issuedOn": "2016-02-03",
    }
    payload = _read(document).payload
    assert payload["@context"] == "https://w3id.org/openbadges/v2"
    assert payload["issuedOn"] == "2016-02-03T00:00:00+00:00"


def test_read_envelopes_ob_0_5_assertion_is_upgraded_with_hashed_recipient() -> None:
    envelope = _read(OB_0_5)
    payload = envelope.payload
    assert envelope.format is Format.OB2_HOSTED
    assert payload["recipient"] == {
        "type": "email",
        "identity": OB_0_5["recipient"],
        "hashed": True,
        "salt": "hashbrowns",
    }
    assert payload["badge"]["criteria"] == "https://p2pu.example/badges/html5-basic"
    assert payload["badge"]["issuer"] == {
        "type": "Profile",
        "name": "P2PU",
        "url": "https://p2pu.example",
        "email": "admin@p2pu.example",
    }
    assert "id" not in payload


def test_upgrade_legacy_badge_class_renames_alignment_fields() -> None:
    badge_class = {
        "name": "Basic",
        "description": "Basic badge",
        "image": "https://issuer.example/i.png",
        "criteria": "https://issuer.example/criteria",
        "issuer": "https://issuer.example/issuer.json",
        "alignment": [{"name": "Skill", "url": "https://framework.example/1"}],
    }
    upgraded = importing.upgrade_legacy_badge_class(badge_class, "https://issuer.example/b.json")
    assert upgraded["id"] == "https://issuer.example/b.json"
    assert upgraded["type"] == "BadgeClass"
    assert upgraded["alignment"] == [
        {"targetName": "Skill", "targetUrl": "https://framework.example/1"}
    ]
