"""An axe-core scan of the page a browser shows, against WCAG 2.0 and 2.1 A and AA."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_AXE = Axe()


@dataclass(frozen=True)
class Violation:
    """One broken axe rule and the elements that break it."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def describe(self) -> str:
        """A line per violation, naming the rule, what it asks for and where it fails."""
        return f"{self.rule} ({self.impact}): {self.help} — at {', '.join(self.targets)}"


def scan_page(page: Page) -> list[Violation]:
    """Run axe on ``page`` (its context must bypass CSP so the script can be injected)."""
    options = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}
    results = _AXE.run(page, options=options)
    return [_violation(raw) for raw in results.response["violations"]]


def _violation(raw: dict[str, Any]) -> Violation:
    targets = tuple(" ".join(map(str, node["target"])) for node in raw["nodes"])
    return Violation(
        rule=str(raw["id"]),
        impact=str(raw.get("impact") or "unknown"),
        help=str(raw["help"]),
        targets=targets,
    )


def assert_accessible(page: Page) -> None:
    """Fail with every violation listed when axe finds any on ``page``."""
    violations = scan_page(page)
    listing = "\n".join(violation.describe() for violation in violations)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{listing}"
