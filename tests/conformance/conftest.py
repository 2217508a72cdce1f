"""Print the conformance score at the end of the run."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter

from tests.support.conformance import SCOREBOARD


def pytest_terminal_summary(
    terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    board = config.stash.get(SCOREBOARD, None)
    if board is None or not board.areas:
        return
    terminalreporter.section("conformance corpus")
    for line in board.table():
        terminalreporter.write_line(line)
    for mismatch in board.mismatches:
        terminalreporter.write_line("mismatch: " + mismatch)
