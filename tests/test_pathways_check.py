"""``wallet pathways check``: the same readiness from files as the pathway page shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from tests.support.portfolio import loopback_context, signed_credential
from wallet.accounts import register_user
from wallet.cli import main
from wallet.holder import credentials, pathways

DATA = Path(__file__).parent / "data" / "pathways"
CTDL = DATA / "ctdl_data_literacy.json"
AT = datetime(2026, 6, 1, tzinfo=UTC)
COURSES = {
    "sql": "https://courses.example/sql-basics",
    "python": "https://courses.example/python-data",
    "viz": "https://courses.example/visualisation",
}


def course(name: str) -> bytes:
    alignment = {"type": ["Alignment"], "targetName": name, "targetUrl": COURSES[name]}
    return signed_credential({"alignment": [alignment], "ECTS": 1}, title=f"Kurs {name}")


def check(*args: str | Path) -> Result:
    return CliRunner().invoke(
        main, ["pathways", "check", "--offline", "--at", "2026-06-01", *map(str, args)]
    )


def files(tmp_path: Path, names: list[str]) -> dict[str, bytes]:
    found = {}
    for name in names:
        data = course(name)
        (tmp_path / f"{name}.json").write_bytes(data)
        found[str(tmp_path / f"{name}.json")] = data
    return found


def test_check_satisfied_pathway_exits_zero_and_names_sources(tmp_path: Path) -> None:
    sources = files(tmp_path, ["sql", "python", "viz"])
    outcome = check("--json", CTDL, *sources)
    assert outcome.exit_code == 0, outcome.output
    result: dict[str, Any] = json.loads(outcome.stdout)
    assert set(result) == {"pathway", "title", "satisfied", "progress", "credits", "requirements"}
    assert result["satisfied"] is True and result["progress"] == 1
    assert result["credits"] == {"earned": 3.0, "required": 3.0, "unit": "ECTS"}
    sql = next(r for r in result["requirements"] if r["title"] == "Databases and SQL")
    assert sql["matched"] == [str(tmp_path / "sql.json")]
    assert sql["why"] == ["alignment_uri: https://courses.example/sql-basics"]


def test_check_unsatisfied_pathway_exits_one_with_same_answer_as_the_web(
    tmp_path: Path, db_session: Session
) -> None:
    sources = files(tmp_path, ["sql", "python"])
    outcome = check("--json", CTDL, *sources)
    assert outcome.exit_code == 1, outcome.output
    cli = json.loads(outcome.stdout)
    user = register_user(db_session, email="ola@example.org", password="x" * 12, display_name="O")
    for source, data in sources.items():
        credentials.import_bytes(db_session, user.id, data, source, loopback_context())
    stored = pathways.import_pathway(db_session, user.id, CTDL.read_bytes())
    web = pathways.pathway_view(db_session, user.id, stored.id, AT).progress
    assert cli["satisfied"] is web.satisfied is False
    assert cli["progress"] == round(web.root.progress, 4)
    assert [(r["id"], r["satisfied"]) for r in cli["requirements"]] == [
        (n.node_id, n.satisfied) for n in web.root.walk()
    ]


def test_check_prints_readable_tree_saying_readiness_not_award(tmp_path: Path) -> None:
    sources = files(tmp_path, ["sql"])
    outcome = check(CTDL, *sources)
    assert outcome.exit_code == 1
    assert "not an award" in outcome.stdout
    assert "[x] Databases and SQL" in outcome.stdout
    assert "[ ] Python for data analysis" in outcome.stdout


def test_check_unreadable_pathway_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "plecak-pathway/1", "id": "x"}')
    outcome = check(bad)
    assert outcome.exit_code == 2
    assert "missing field" in outcome.stderr
    assert check(tmp_path / "absent.json").exit_code == 2


def test_check_reads_badgr_documents(tmp_path: Path) -> None:
    outcome = check("--json", DATA / "badgr_pathway.json")
    assert outcome.exit_code == 1
    assert json.loads(outcome.stdout)["progress"] == 0
