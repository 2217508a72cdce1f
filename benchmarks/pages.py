"""Time the holder's pages over a portfolio of 500 real, signed credentials.

Usage: python benchmarks/pages.py [--credentials 500] [--requests 50] [--issuers 12]
Builds a SQLite database in a temporary folder with one holder whose credentials are Open Badges
3.0 credentials signed (eddsa-jcs-2022) by did:key issuers and imported through the product's
own import service. Then, logged in through the Flask test client, it requests the credential
list (default sort, each sort key, grid and list views), the detail page of a sample of
credentials and the skills page, and prints p50/p95 milliseconds per page. The target is a p95
well under 100 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet import accounts, create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.holder import credentials
from wallet.holder.portfolio import SortKey
from wallet.jsonvalues import JsonObject
from wallet.models import Credential
from wallet.schema import upgrade_schema
from wallet.services import Services
from wallet.verification.data_integrity import JCS, proof_configuration, unsecured_document
from wallet.verification.multibase import ED25519_PUB, encode_multibase
from wallet.verification.report import Verdict

EMAIL = "bench@example.org"
PASSWORD = "benchmark password 2026"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOPICS = [
    ("Programowanie w Pythonie", "Programowanie w Pythonie dla analityków danych.", "Python"),
    ("Data Literacy", "Reads and questions charts and tables.", "Data literacy"),
    ("Zarządzanie projektami", "Planowanie i prowadzenie projektów zespołowych.", "Project work"),
    ("Network Security", "Secures small office networks.", "Network security"),
    ("Pierwsza pomoc", "Udziela pierwszej pomocy przedmedycznej.", "First aid"),
    ("Machine Learning Basics", "Trains and evaluates simple models.", "Machine learning"),
    ("Rachunkowość", "Prowadzi księgi małej firmy.", "Accounting"),
    ("Komunikacja", "Prowadzi trudne rozmowy w zespole.", "Communication"),
]


@dataclass(frozen=True)
class Issuer:
    """An Ed25519 key, named by did:key, that signs with eddsa-jcs-2022."""

    name: str
    key: Ed25519PrivateKey

    @property
    def did(self) -> str:
        """The issuer's did:key."""
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return f"did:key:{encode_multibase(ED25519_PUB + raw)}"

    def sign(self, document: JsonObject) -> JsonObject:
        """``document`` with a DataIntegrityProof: SHA-256 of JCS config and document, signed."""
        options: JsonObject = {
            "type": "DataIntegrityProof",
            "cryptosuite": JCS,
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": f"{self.did}#{self.did.removeprefix('did:key:')}",
            "proofPurpose": "assertionMethod",
        }
        config = proof_configuration(document, options)
        data = _sha256(rfc8785.dumps(config)) + _sha256(rfc8785.dumps(unsecured_document(document)))
        return {
            **document,
            "proof": {**options, "proofValue": encode_multibase(self.key.sign(data))},
        }


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def badge(issuer: Issuer, number: int, rng: random.Random) -> bytes:
    """Credential ``number``: a topic, a date and a skill alignment, signed by ``issuer``."""
    title, description, skill = rng.choice(TOPICS)
    issued = datetime(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
    document: JsonObject = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{rng.getrandbits(128):032x}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} {number}",
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
        "validFrom": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://issuer.example/achievements/{number}",
                "type": ["Achievement"],
                "name": f"{title} {number}",
                "description": description,
                "criteria": {"narrative": "Pass the final assessment."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": skill,
                        "targetUrl": f"https://skills.example/{skill.lower().replace(' ', '-')}",
                        "targetType": "ceasn:Competency",
                    }
                ],
            },
        },
    }
    return json.dumps(issuer.sign(document)).encode()


def build_portfolio(services: Services, count: int, issuers: int) -> tuple[int, list[int]]:
    """Register the holder and import ``count`` credentials; returns its id and theirs."""
    rng = random.Random(2026)
    signers = [Issuer(f"Issuer {n}", Ed25519PrivateKey.generate()) for n in range(issuers)]
    ctx = services.verification_context(frozenset(), datetime.now(UTC))
    ids: list[int] = []
    with services.database.sessions() as session:
        user = accounts.register_user(
            session, email=EMAIL, password=PASSWORD, display_name="Bench Holder"
        )
        session.commit()
        for number in range(count):
            data = badge(signers[number % issuers], number, rng)
            [result] = credentials.import_bytes(session, user.id, data, f"{number}.json", ctx)
            assert result.credential_id is not None, result
            ids.append(result.credential_id)
            if number % 50 == 49:
                session.commit()
        session.commit()
        return user.id, ids


def log_in(client: FlaskClient) -> None:
    """Log in through the form, with the CSRF token the page rendered."""
    page = client.get("/login").get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, "the login page has no CSRF token"
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1)}
    assert client.post("/login", data=form).status_code == 302


def measure(
    client: FlaskClient,
    paths: Callable[[int], str],
    count: int,
    headers: Mapping[str, str] | None = None,
) -> tuple[float, float]:
    """p50 and p95 milliseconds of ``count`` GETs (after two warm-ups), each answering 200."""
    for n in range(2):
        client.get(paths(n), headers=headers)
    timings = []
    for n in range(count):
        start = time.perf_counter()
        response = client.get(paths(n), headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (paths(n), response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


def same(path: str) -> Callable[[int], str]:
    """Request ``path`` every time."""
    return lambda _n: path


def run_pages(app: Flask, ids: list[int], count: int) -> list[tuple[str, float, float]]:
    """Time every page; returns (page, p50, p95) rows."""
    client = app.test_client()
    log_in(client)
    rows = []
    sample = random.Random(7).sample(ids, min(len(ids), count))
    for view in ("grid", "list"):
        client.get(f"/credentials?view={view}")  # the layout is remembered for the session
        for sort in (None, *SortKey):
            query = "" if sort is None else f"?sort={sort.value}"
            p50, p95 = measure(client, same(f"/credentials{query}"), count)
            rows.append((f"list {view}, sort {sort.value if sort else 'default'}", p50, p95))
    p50, p95 = measure(client, lambda n: f"/credentials/{sample[n % len(sample)]}", count)
    rows.append((f"detail ({len(sample)} credentials)", p50, p95))
    p50, p95 = measure(client, same("/credentials/skills"), count)
    rows.append(("skills", p50, p95))
    return rows


def verdicts(session: Session, ids: list[int]) -> list[Verdict]:
    """The stored verdict of each credential in ``ids``."""
    return list(session.scalars(select(Credential.verdict).where(Credential.id.in_(ids))))


def main() -> None:
    """Build the portfolio in a temporary folder, time the pages, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--issuers", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        settings = Settings(
            secret_key="benchmark-secret-key-that-is-long-enough-0123",
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'wallet.sqlite3'}",
            testing=True,
        )
        database = Database.from_url(settings.database_url)
        upgrade_schema(database.engine)
        app = create_app(settings, database=database)
        services: Services = app.extensions["wallet"]
        start = time.perf_counter()
        _user_id, ids = build_portfolio(services, args.credentials, args.issuers)
        built = time.perf_counter() - start
        with database.sessions() as session:
            verified = verdicts(session, ids).count(Verdict.VERIFIED)
        print(
            f"imported {len(ids)} credentials ({verified} verified) in {built:.1f} s; "
            f"{args.requests} requests per page"
        )
        for page, p50, p95 in run_pages(app, ids, args.requests):
            print(f"{page:<32} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        database.engine.dispose()


if __name__ == "__main__":
    main()
