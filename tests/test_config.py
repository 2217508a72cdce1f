"""Start-up refuses bad configuration, naming the variable to fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wallet import create_app
from wallet.config import load_settings
from wallet.errors import ConfigurationError


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    base = {"WALLET_DATA_DIR": str(tmp_path), "WALLET_SECRET_KEY": "k" * 40}
    base.update(values)
    return base


def test_missing_secret_key_outside_testing_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="WALLET_SECRET_KEY"):
        load_settings({"WALLET_DATA_DIR": str(tmp_path)})


def test_short_secret_key_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="WALLET_SECRET_KEY"):
        load_settings(env(tmp_path, WALLET_SECRET_KEY="short"))


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WALLET_DATABASE_URL", "mysql://root@localhost/wallet"),
        ("WALLET_SMTP_URL", "http://mail.example"),
        ("WALLET_RATELIMIT_STORAGE_URL", "memcached://localhost"),
        ("WALLET_BASE_URL", "ftp://example.org"),
        ("WALLET_SECURE_COOKIES", "perhaps"),
        ("WALLET_CONFIRM_MAX_AGE", "soon"),
        ("WALLET_IMPORT_PROCESSES", "many"),
        ("WALLET_IMPORT_PROCESSES", "0"),
        ("WALLET_IMPORT_PROCESSES", "65"),
    ],
)
def test_bad_value_names_its_variable(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_settings(env(tmp_path, **{variable: value}))


def test_defaults_put_the_database_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.database_url == f"sqlite:///{tmp_path / 'wallet.sqlite3'}"
    assert settings.mail_dir == tmp_path / "mail"


def test_import_processes_default_to_the_cores_and_read_the_variable(tmp_path: Path) -> None:
    assert load_settings(env(tmp_path)).import_processes == (os.cpu_count() or 1)
    assert load_settings(env(tmp_path, WALLET_IMPORT_PROCESSES="1")).import_processes == 1


def test_secret_key_file_is_used_when_the_variable_is_absent(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("f" * 48)
    assert load_settings({"WALLET_DATA_DIR": str(tmp_path)}).secret_key == "f" * 48


def test_app_refuses_an_unmigrated_database_and_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="wallet db upgrade"):
        create_app(environ=env(tmp_path))
