"""A holder's whole wallet, made through the real services, to back up and restore."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.portfolio import add_credential, loopback_context
from tests.support.samples import load_sample
from wallet.holder import credentials, pathways, portfolio
from wallet.identifiers import add_identifier
from wallet.jsonvalues import JsonValue
from wallet.models import Credential, IdentifierKind, MatchDecision, ShareLink, User
from wallet.share import cv, links
from wallet.share.keys import holder_key
from wallet.verification.context import RecipientClaims, VerificationContext

AT = datetime(2026, 6, 1, tzinfo=UTC)


def restore_context(claims: RecipientClaims) -> VerificationContext:
    """How the restore verifies: loopback only, at the portfolio's instant."""
    base = loopback_context(claims.confirmed)
    return VerificationContext(
        fetcher=base.fetcher,
        at=AT,
        recipients=claims.confirmed,
        unconfirmed=claims.unconfirmed,
        elsewhere=claims.elsewhere,
        web_scheme="http",
    )


def _pathway_document() -> bytes:
    return json.dumps(
        {
            "format": "plecak-pathway/1",
            "id": "my-pathway",
            "version": "1",
            "title": {"pl": "Moja ścieżka", "en": "My pathway"},
            "root": {
                "id": "root",
                "type": "all_of",
                "label": {"pl": "Wszystko"},
                "children": [
                    {"id": "m", "type": "leaf", "label": {"pl": "m"}, "match": [{"type": "manual"}]}
                ],
            },
        }
    ).encode()


def signed_clr() -> bytes:
    """A transcript (CLR 2.0) signed by its issuer, holding two signed credentials."""
    issuer = TestIssuer.generate()
    document = load_sample("clr2_two_credentials")
    document["issuer"] = {"id": issuer.did, "type": ["Profile"], "name": "Politechnika"}
    nested: list[JsonValue] = []
    for part in ("sql", "python"):
        credential = achievement_credential(issuer.did, id=f"urn:uuid:{part}", name=part)
        nested.append(issuer.sign(credential, "eddsa-rdfc-2022"))
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    subject["verifiableCredential"] = nested
    return json.dumps(issuer.sign(document, "eddsa-rdfc-2022")).encode()


def whole_wallet(session: Session, user: User, secret: str) -> dict[str, int]:
    """Credentials (one inside a CLR), notes, tags, collections, pathway, CV, link, key."""
    first = add_credential(session, user.id, title="Analiza danych")
    second = add_credential(session, user.id, title="Bezpieczeństwo sieci")
    third = add_credential(session, user.id, title="Hidden one")
    clr = signed_clr()
    results = credentials.import_bytes(session, user.id, clr, "transcript.json", loopback_context())
    inner = [r.credential_id for r in results[1:] if r.credential_id is not None]
    # The holder deleted one credential of the transcript: a restore must not bring it back.
    portfolio.delete_credential(session, user.id, inner[-1])
    portfolio.set_note(session, user.id, first, "Zdane z wyróżnieniem")
    portfolio.set_hidden(session, user.id, third, True)
    portfolio.add_tag(session, user.id, first, "dane")
    portfolio.add_tag(session, user.id, second, "dane")
    portfolio.add_tag(session, user.id, second, "sieci")
    collection = portfolio.file_credential(session, user.id, second, new_name="Na rozmowę")
    portfolio.add_to_collection(session, user.id, collection.id, first)
    stored = pathways.import_pathway(session, user.id, _pathway_document())
    pathways.decide(session, user.id, stored.id, "m", first, MatchDecision.CONFIRMED)
    pathways.set_on_cv(session, user.id, stored.id, True)
    email = add_identifier(session, user, IdentifierKind.EMAIL, "ola.praca@example.org")
    email.confirmed_at = AT
    add_identifier(session, user, IdentifierKind.DID, "did:web:ola.example.org")
    cv.save_profile(
        session,
        user.id,
        cv.ProfileInput(
            display_name="Ola Nowak",
            language="pl",
            headline={"pl": "Analityczka", "en": "Analyst"},
            summary={"pl": "O mnie", "en": "About me"},
            contacts=["ola@example.org"],
            experience=cv.parse_entries("Analityczka | Firma | 2024–"),
            education=cv.parse_entries("Informatyka | Politechnika | 2020"),
            languages=["polski", "angielski"],
            skills=["SQL"],
            credential_ids=[second, first],
            slug="ola-nowak",
            published=True,
        ),
        AT,
    )
    created = links.create_share(
        session,
        user.id,
        label="Rekruterka",
        choices=[links.Choice(first, show_grade=True), links.Choice(second)],
        expires_at=AT + timedelta(days=30),
        passcode="tajne-haslo",
        now=AT,
    )
    links.record_view(session, created.link, "Mozilla/5.0 (iPhone)", AT + timedelta(hours=1))
    holder_key(session, user.id, secret)
    session.commit()
    return {"first": first, "second": second, "third": third, "link": created.link.id}


def credential_count(session: Session, user_id: int) -> int:
    return len(session.scalars(select(Credential.id).where(Credential.user_id == user_id)).all())


def link_of(session: Session, user_id: int) -> ShareLink:
    link = session.scalar(select(ShareLink).where(ShareLink.user_id == user_id))
    assert link is not None
    return link
