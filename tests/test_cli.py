"""The ``wallet`` command: init then serve brings up the login page on a fresh data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from wallet.cli import main

WALLET = [sys.executable, "-c", "from wallet.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_init_then_serve_answers_with_the_login_page(tmp_path: Path) -> None:
    env = {**os.environ, "WALLET_DATA_DIR": str(tmp_path)}
    env.pop("WALLET_SECRET_KEY", None)
    subprocess.run([*WALLET, "init"], env=env, check=True, stdout=subprocess.DEVNULL, timeout=60)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    port = _free_port()
    server = subprocess.Popen(
        [*WALLET, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/login")
        assert "Plecak" in page and 'name="password"' in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_on_an_unmigrated_database_says_which_command_fixes_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve"], env={"WALLET_DATA_DIR": str(tmp_path), "WALLET_SECRET_KEY": "s" * 40}
    )
    assert result.exit_code != 0
    assert "wallet db upgrade" in result.output


def test_missing_secret_key_names_the_variable(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"WALLET_DATA_DIR": str(tmp_path)})
    assert result.exit_code != 0
    assert "WALLET_SECRET_KEY" in result.output


def _modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``statement``."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    return set(done.stdout.split())


def test_importing_the_command_line_loads_no_app_database_or_verifier() -> None:
    loaded = _modules_after("import wallet.cli")
    heavy = {
        "flask",
        "sqlalchemy",
        "alembic",
        "argon2",
        "pyld",
        "whoosh",
        "weasyprint",
        "wallet.routes",
        "wallet.search",
        "wallet.holder.job_runner",
        "wallet.services",
        "wallet.verification.verifier",
    }
    assert heavy & loaded == set()


def test_importing_accounts_computes_no_password_hash() -> None:
    counted = (
        "import argon2\n"
        "calls = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "def counting(self, *args, **kwargs):\n"
        "    calls.append(1)\n"
        "    return real(self, *args, **kwargs)\n"
        "argon2.PasswordHasher.hash = counting\n"
        "import wallet.accounts\n"
        "assert not calls, 'a hash was computed at import'"
    )
    _modules_after(counted)


def test_verify_loads_no_app_database_or_signature_path_validator(tmp_path: Path) -> None:
    sample = Path(__file__).parent / "data" / "vc-corpus-sample" / "jcs-valid-000.json"
    loaded = _modules_after(
        "from click.testing import CliRunner\n"
        "from wallet.cli import main\n"
        f"arguments = ['verify', '--offline', '--at', '2026-06-01', {str(sample)!r}]\n"
        "result = CliRunner().invoke(main, arguments)\n"
        "assert result.exit_code == 0, result.output"
    )
    assert {"flask", "sqlalchemy", "alembic", "argon2", "pyhanko_certvalidator"} & loaded == set()
