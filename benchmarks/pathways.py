"""Time readiness for 50 pathways over 1,000 credentials (target: under 50 ms in total).

Usage: python benchmarks/pathways.py [--pathways 50] [--credentials 1000] [--rounds 5]
The pathways are the shipped templates plus generated ZSK-shaped, credit-sum and exclusive
pathways; the credentials are normalised records with ESCO and DigComp alignments, tags,
issuers, levels, ECTS and learning-outcome text, a tenth of them expired, revoked or failed.
It prints the best and median total time of evaluating every pathway once.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from wallet.envelope import CredentialFormat
from wallet.pathways.catalogue import templates
from wallet.pathways.definition import read_pathway
from wallet.pathways.evaluate import evaluate
from wallet.pathways.matching import Holding, PortfolioIndex
from wallet.pathways.model import Pathway
from wallet.records import (
    CredentialRecord,
    LearningOutcome,
    Level,
    LocalizedText,
    MatchKeys,
    Skill,
    SkillFramework,
    Workload,
)
from wallet.verification.standing import Standing

AT = datetime(2026, 6, 1, tzinfo=UTC)
ESCO = "http://data.europa.eu/esco/skill/"
# A vocabulary of 400 words, 8 per credential: outcome texts share words, but not most of them.
BASE = [
    "danych",
    "analiza",
    "jakość",
    "sieci",
    "bezpieczeństwo",
    "python",
    "sql",
    "wizualizacja",
    "raport",
    "model",
]
WORDS = [f"{word}{n}" if n else word for n in range(40) for word in BASE]


def make_records(count: int, rng: random.Random) -> list[Holding]:
    """``count`` varied holdings."""
    found = []
    for number in range(count):
        code = f"{rng.randint(1, 5)}.{rng.randint(1, 4)}"
        skills = (
            Skill(
                f"http://data.europa.eu/snb/dcf/{number}",
                LocalizedText.of({"en": f"DigComp {code} competence, Level {rng.randint(2, 6)}"}),
                SkillFramework.DIGCOMP,
                str(rng.randint(2, 6)),
            ),
            Skill(f"{ESCO}{rng.randint(0, 300)}", framework=SkillFramework.ESCO),
        )
        text = " ".join(rng.sample(WORDS, 8))
        record = CredentialRecord(
            format=CredentialFormat.VC_DATA_INTEGRITY,
            title=LocalizedText.of({"pl": f"Kurs {number}"}),
            skills=skills,
            learning_outcomes=(LearningOutcome(LocalizedText.of({"pl": text})),),
            tags=(f"tag{rng.randint(0, 40)}",),
            level=Level(eqf=rng.randint(3, 7)),
            workload=Workload(ects=float(rng.randint(1, 5))),
            valid_until=AT + timedelta(days=rng.randint(-30, 900)),
            match_keys=MatchKeys(
                achievement_ids=(f"urn:ach:{rng.randint(0, 500)}",),
                alignment_uris=tuple(s.uri for s in skills),
                tags=(f"tag{rng.randint(0, 40)}",),
                issuer_ids=(f"did:web:issuer{rng.randint(0, 30)}",),
            ),
        )
        standing = rng.choices(
            [Standing.VERIFIED, Standing.EXPIRED, Standing.REVOKED, Standing.FAILED],
            [90, 4, 3, 3],
        )[0]
        found.append(Holding(number, record, standing, f"c{number}.json"))
    return found


def make_pathways(count: int, rng: random.Random) -> list[Pathway]:
    """The templates, then generated pathways up to ``count``."""
    found = [p for _, p in templates()]
    while len(found) < count:
        number = len(found)
        leaves = [
            {
                "id": f"l{i}",
                "type": "leaf",
                "label": {"en": f"l{i}"},
                "match": [
                    rng.choice(
                        [
                            {"type": "alignment_uri", "value": f"{ESCO}{rng.randint(0, 300)}"},
                            {"type": "achievement_id", "value": f"urn:ach:{rng.randint(0, 500)}"},
                            {"type": "tag", "value": f"tag{rng.randint(0, 40)}"},
                            {"type": "lo_text", "value": " ".join(rng.sample(BASE, 2))},
                            {"type": "issuer", "value": f"did:web:issuer{rng.randint(0, 30)}"},
                        ]
                    )
                ],
            }
            for i in range(rng.randint(4, 12))
        ]
        half = len(leaves) // 2
        root = {
            "id": "root",
            "type": "all_of",
            "label": {"en": "root"},
            "children": [
                {
                    "id": "a",
                    "type": "at_least_n",
                    "n": 2,
                    "exclusive": True,
                    "label": {"en": "a"},
                    "children": leaves[:half],
                },
                {
                    "id": "b",
                    "type": "min_credits",
                    "min_credits": 10,
                    "label": {"en": "b"},
                    "children": leaves[half:],
                },
            ],
        }
        found.append(
            read_pathway(
                {
                    "format": "plecak-pathway/1",
                    "id": f"p{number}",
                    "version": "1",
                    "title": {"en": f"p{number}"},
                    "root": root,
                }
            )
        )
    return found


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pathways", type=int, default=50)
    parser.add_argument("--credentials", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    holdings = make_records(args.credentials, rng)
    pathways = make_pathways(args.pathways, rng)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        index = PortfolioIndex.of(holdings)
        met = sum(evaluate(p, holdings, AT, index=index).satisfied for p in pathways)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{len(pathways)} pathways × {len(holdings)} credentials: "
        f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms "
        f"(index included; {met} satisfied)"
    )


if __name__ == "__main__":
    main()
