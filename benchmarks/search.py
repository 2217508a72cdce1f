"""Index synthetic credentials and time one holder's searches, on Whoosh and PostgreSQL.

Usage: python benchmarks/search.py [--documents 100000] [--owners 20] [--queries 300]
                                   [--postgres-url postgresql://user@host/db]
Documents mix Polish and English titles, descriptions, issuers, skills and tags over several
owners. Prints the index build time, the p50/p95 latency of varied queries (words in other
inflections, prefixes, facet filters, browsing) for one owner (the target is p95 ≤ 20 ms), and
the first search after a change to that owner's credentials, which re-reads their collection.
With a PostgreSQL URL the same is run on a scratch schema ``search_benchmark`` that is dropped
after.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from wallet.db import Database, create_database_engine
from wallet.models import Credential, User
from wallet.schema import upgrade_schema
from wallet.search import Facet, IndexChanges, SearchDocument, SearchIndex, SearchQuery
from wallet.search.postgres_index import PostgresIndex
from wallet.search.whoosh_index import WhooshIndex
from wallet.verification.report import Verdict

TOPICS = [
    ("programowanie", "programowania", "Programming"),
    ("zarządzanie projektami", "zarządzania projektami", "Project management"),
    ("analiza danych", "analizy danych", "Data analysis"),
    ("bezpieczeństwo sieci", "bezpieczeństwa sieci", "Network security"),
    ("rachunkowość", "rachunkowości", "Accounting"),
    ("komunikacja interpersonalna", "komunikacji interpersonalnej", "Communication"),
    ("uczenie maszynowe", "uczenia maszynowego", "Machine learning"),
    ("grafika komputerowa", "grafiki komputerowej", "Computer graphics"),
    ("pierwsza pomoc", "pierwszej pomocy", "First aid"),
    ("język angielski", "języka angielskiego", "English language"),
    ("marketing cyfrowy", "marketingu cyfrowego", "Digital marketing"),
    ("kryptografia", "kryptografii", "Cryptography"),
]
KINDS = ["Kurs", "Szkolenie", "Certyfikat", "Mikropoświadczenie", "Warsztaty", "Course", "Badge"]
ISSUERS = [
    f"{kind} {city}"
    for kind in ("Uniwersytet", "Politechnika")
    for city in ("Warszawska", "Łódzka", "Gdańska", "Krakowska", "Wrocławska", "Poznańska")
] + ["Open University", "Digital Skills Academy", "Cisco Networking Academy", "Coursera"]
SKILLS = [
    "Python",
    "SQL",
    "Excel",
    "Zarządzanie zespołem",
    "Komunikacja",
    "Analiza",
    "Java",
    "Bezpieczeństwo",
    "Leadership",
    "Teamwork",
    "Statystyka",
    "Kryptografia",
]
TAGS = ["praca", "studia", "wolontariat", "hobby", "job", "2024 goals"]
VERDICTS = [Verdict.VERIFIED] * 8 + [Verdict.FAILED, Verdict.UNVERIFIABLE]


def synthetic_documents(count: int, owners: int, seed: int = 7) -> Iterator[SearchDocument]:
    """``count`` varied documents, spread evenly over user ids 1…``owners``."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(KINDS)}: {rng.choice(topic[:2]).capitalize()}"
        yield SearchDocument(
            credential_id=number,
            user_id=(number % owners) + 1,
            title=title,
            issuer=rng.choice(ISSUERS),
            issued_on=datetime(rng.randint(2015, 2025), rng.randint(1, 12), 1, tzinfo=UTC),
            verdict=rng.choice(VERDICTS),
            description=f"{topic[2]} — {rng.choice(topic[:2])}. Zajęcia praktyczne i projekt.",
            criteria="Zaliczenie egzaminu końcowego; final assessment passed.",
            skills=tuple(rng.sample(SKILLS, rng.randint(1, 3))),
            tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
            note=rng.choice(["", "", "Ważne na rozmowę kwalifikacyjną", "Ask for a reference"]),
            level=rng.choice([None, "EQF 4", "EQF 5", "EQF 6", "PRK 6"]),
        )


def varied_queries(owner: int, count: int, seed: int = 11) -> list[SearchQuery]:
    """Words in other forms, prefixes, two-word queries, filters and plain browsing."""
    rng = random.Random(seed)
    words = [
        "programowanie",
        "zarzadzanie",
        "analiza danych",
        "bezpieczenstwo",
        "managing",
        "security",
        "kryptografia",
        "uczenia",
        "pyth",
        "rachunkowosc",
        "komunikacji",
        "english",
        "marketing",
        "pomoc",
        "certyfikat",
        "projekt",
        "egzamin",
        "machine",
    ]
    filters = [
        (Facet.STATUS, "verified"),
        (Facet.SKILL, "Python"),
        (Facet.YEAR, "2021"),
        (Facet.ISSUER, "Politechnika Łódzka"),
        (Facet.TAG, "praca"),
        (Facet.LEVEL, "EQF 6"),
    ]
    queries = []
    for number in range(count):
        kind = number % 4
        if kind == 0:
            queries.append(SearchQuery(owner, rng.choice(words)))
        elif kind == 1:
            queries.append(SearchQuery(owner, rng.choice(words), (rng.choice(filters),)))
        elif kind == 2:
            queries.append(SearchQuery(owner, f"{rng.choice(words)} {rng.choice(words)}"))
        else:
            queries.append(SearchQuery(owner, "", (rng.choice(filters),), page=rng.randint(1, 3)))
    return queries


def time_queries(index: SearchIndex, queries: list[SearchQuery]) -> tuple[float, float, int]:
    """p50 and p95 milliseconds over ``queries`` (after one warm-up each), and total hits."""
    for query in queries[:20]:
        index.search(query)
    timings, found = [], 0
    for query in queries:
        start = time.perf_counter()
        results = index.search(query)
        timings.append((time.perf_counter() - start) * 1000)
        found += results.total
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], found


def time_after_change(index: SearchIndex, session: Session, document: SearchDocument) -> float:
    """Milliseconds of the first search after ``document`` is rewritten (its owner re-read)."""
    index.apply(session, IndexChanges(documents=(document,)))
    session.commit()
    start = time.perf_counter()
    index.search(SearchQuery(document.user_id, "kurs"))
    return (time.perf_counter() - start) * 1000


def run_whoosh(args: argparse.Namespace) -> None:
    """Build a Whoosh index in a temporary folder and time the queries."""
    with tempfile.TemporaryDirectory() as folder:
        index = WhooshIndex(Path(folder))
        start = time.perf_counter()
        count = index.rebuild(None, synthetic_documents(args.documents, args.owners))  # type: ignore[arg-type]
        built = time.perf_counter() - start
        p50, p95, found = time_queries(index, varied_queries(1, args.queries))
        changed = time_after_change(index, Session(), first_document(args))
        index.close()
    report("whoosh", count, built, p50, p95, found, args.queries, changed)


def run_postgres(args: argparse.Namespace) -> None:
    """Fill a scratch schema (users, credentials, search rows) and time the same queries."""
    admin = create_database_engine(args.postgres_url)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS search_benchmark CASCADE"))
        connection.execute(text("CREATE SCHEMA search_benchmark"))
    separator = "&" if "?" in args.postgres_url else "?"
    url = f"{args.postgres_url}{separator}options=-csearch_path%3Dsearch_benchmark"
    database = Database.from_url(url)
    try:
        upgrade_schema(database.engine)
        documents = list(synthetic_documents(args.documents, args.owners))
        with database.sessions() as session:
            session.execute(insert(User), [_user(owner) for owner in range(1, args.owners + 1)])
            session.execute(insert(Credential), [_credential(document) for document in documents])
            session.commit()
            index = PostgresIndex(database.sessions)
            start = time.perf_counter()
            count = index.rebuild(session, documents)
            session.commit()
            session.execute(text("ANALYZE search_documents"))
            session.commit()
            built = time.perf_counter() - start
        p50, p95, found = time_queries(index, varied_queries(1, args.queries))
        with database.sessions() as session:
            changed = time_after_change(index, session, first_document(args))
        report("postgres", count, built, p50, p95, found, args.queries, changed)
    finally:
        database.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS search_benchmark CASCADE"))
        admin.dispose()


def first_document(args: argparse.Namespace) -> SearchDocument:
    """The first synthetic document that belongs to owner 1."""
    return next(d for d in synthetic_documents(args.documents, args.owners) if d.user_id == 1)


def _user(owner: int) -> dict[str, object]:
    return {
        "id": owner,
        "email": f"owner{owner}@example.org",
        "password_hash": "-",
        "display_name": f"Owner {owner}",
    }


def _credential(document: SearchDocument) -> dict[str, object]:
    return {
        "id": document.credential_id,
        "user_id": document.user_id,
        "content_hash": f"{document.credential_id:064d}",
        "raw": b"{}",
        "media_type": "application/json",
        "source": "benchmark",
        "format": "ob3-ldp",
        "record": {},
        "record_version": 0,
        "linked": {},
        "title": document.title,
        "issuer_name": document.issuer,
        "issued_on": document.issued_on,
        "verdict": document.verdict,
        "report": [],
        "verified_at": datetime.now(UTC),
    }


def report(
    name: str, count: int, built: float, p50: float, p95: float, found: int, n: int, changed: float
) -> None:
    """One line of figures per backend."""
    print(
        f"{name}: indexed {count} documents in {built:.1f} s; {n} queries for one owner: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({found / n:.0f} matches per query on average); "
        f"first search after a change {changed:.0f} ms"
    )


def main() -> None:
    """Parse the options and run each backend asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=20)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    run_whoosh(args)
    if args.postgres_url:
        run_postgres(args)


if __name__ == "__main__":
    main()
