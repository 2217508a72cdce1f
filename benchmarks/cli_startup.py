"""Time how fast the ``wallet`` command starts and verifies one file, each in a fresh process.

Usage: python benchmarks/cli_startup.py [CREDENTIAL_FILE] [--runs N]
Prints the median (and slowest) of N runs of: importing ``wallet.cli``; ``wallet --help``;
``wallet verify --offline`` of one credential (by default an eddsa-rdfc-2022 Open Badges 3.0
credential from the test corpus), start to finish; and, for scale, a Node.js process that does
nothing, when ``node`` is installed. Exits 1 if the verification does not succeed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "vc-corpus-sample" / "rdfc-valid-000.json"
IMPORT_ONLY = (
    "import time\n"
    "started = time.perf_counter()\n"
    "import wallet.cli\n"
    "print(time.perf_counter() - started)"
)


def wallet_command() -> list[str]:
    """The installed console script, or the same entry point through this interpreter."""
    script = Path(sys.executable).parent / "wallet"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from wallet.cli import main; main()"]


def timed(command: Sequence[str]) -> float:
    """Seconds from starting ``command`` to its end; it must succeed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def import_seconds() -> float:
    """Seconds ``import wallet.cli`` takes inside a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return float(done.stdout)


def report(label: str, samples: list[float]) -> None:
    median, slowest = statistics.median(samples) * 1000, max(samples) * 1000
    print(f"{label:<44} median {median:7.0f} ms   slowest {slowest:7.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("credential", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    wallet = wallet_command()
    verify = [*wallet, "verify", "--offline", "--at", "2026-06-01", str(options.credential)]
    try:
        timed(verify)  # once to warm the file cache and the bytecode
    except subprocess.CalledProcessError:
        print(f"wallet verify did not verify {options.credential}", file=sys.stderr)
        return 1
    report("import wallet.cli", [import_seconds() for _ in range(options.runs)])
    report("wallet --help", [timed([*wallet, "--help"]) for _ in range(options.runs)])
    report(
        f"wallet verify --offline {options.credential.name}",
        [timed(verify) for _ in range(options.runs)],
    )
    node = shutil.which("node")
    if node:
        report("node -e 0 (an empty Node.js process)", [timed([node, "-e", "0"]) for _ in range(5)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
