"""A link's SD-JWT presentation carries only the chosen disclosures, checked by another library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.support.jose_issuer import SdJwtBuilder, did_jwk, issue_sd_jwt, new_key
from tests.support.portfolio import loopback_context
from tests.support.samples import load_sample
from wallet.holder import credentials
from wallet.models import Credential, ShareItem, User
from wallet.share.sdjwt import sd_jwt_presentation

sd_jwt_verifier = pytest.importorskip("sd_jwt.verifier", reason="the sd-jwt library is missing")
jwk = pytest.importorskip("jwcrypto.jwk")


def imported_sd_jwt(session: Session, user_id: int) -> tuple[Credential, dict[str, Any]]:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = {**load_sample("eudi_learning_credential_claims"), "iss": issuer}
    claims.pop("status")
    builder = SdJwtBuilder()
    concealed = builder.conceal(claims, "family_name", "given_name", "assessment_grade")
    token = issue_sd_jwt(concealed, builder.disclosures, key, header={"kid": issuer + "#0"})
    [result] = credentials.import_bytes(
        session, user_id, token.encode(), "c.sd-jwt", loopback_context()
    )
    session.commit()
    assert result.credential_id is not None, result
    credential = session.get(Credential, result.credential_id)
    assert credential is not None
    return credential, key.public_jwk()


def independently_verified(presentation: str, public: dict[str, Any]) -> dict[str, Any]:
    """The claims the reference implementation (sd-jwt, by the OpenWallet Foundation) accepts."""
    verifier = sd_jwt_verifier.SDJWTVerifier(presentation, lambda issuer, header: jwk.JWK(**public))
    return dict(verifier.get_verified_payload())


def test_sd_jwt_presentation_without_grade_verifies_and_omits_it(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    owner = make_user()
    credential, public = imported_sd_jwt(db_session, owner.id)
    hidden = ShareItem(credential_id=credential.id, position=0, show_grade=False)
    presentation = sd_jwt_presentation(hidden, credential)
    assert presentation is not None and presentation.count("~") == 1
    claims = independently_verified(presentation, public)
    assert "assessment_grade" not in claims and "given_name" not in claims
    assert claims["achievement_title"]
    shown = ShareItem(credential_id=credential.id, position=0, show_grade=True)
    presentation = sd_jwt_presentation(shown, credential)
    assert presentation is not None
    claims = independently_verified(presentation, public)
    assert "assessment_grade" in claims and "family_name" not in claims


def test_sd_jwt_presentation_with_tampered_disclosure_is_rejected_independently(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    owner = make_user()
    credential, public = imported_sd_jwt(db_session, owner.id)
    item = ShareItem(credential_id=credential.id, position=0, show_grade=True)
    presentation = sd_jwt_presentation(item, credential)
    assert presentation is not None
    issuer_jwt, disclosure, _ = presentation.split("~")
    forged = issuer_jwt + "~" + disclosure[:-2] + "AA" + "~"
    with pytest.raises(Exception):  # noqa: B017 (the library raises its own or a decode error)
        independently_verified(forged, public)
