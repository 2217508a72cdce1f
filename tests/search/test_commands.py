"""``wallet search reindex`` and the search backend setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.search_data import store_credential
from wallet.accounts import register_user
from wallet.cli import main
from wallet.config import load_settings
from wallet.db import Database
from wallet.errors import ConfigurationError
from wallet.search import SearchQuery
from wallet.search.whoosh_index import WhooshIndex


def test_search_reindex_rebuilds_a_lost_whoosh_index_from_the_database(tmp_path: Path) -> None:
    env = {"WALLET_DATA_DIR": str(tmp_path)}
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    database = Database.from_url(f"sqlite:///{tmp_path / 'wallet.sqlite3'}")
    with database.sessions() as session:
        user = register_user(
            session, email="ola@example.org", password="x" * 12, display_name="Ola"
        )
        stored = store_credential(session, user.id, "Programowanie")
        session.commit()
    database.engine.dispose()
    shutil.rmtree(tmp_path / "search", ignore_errors=True)

    result = CliRunner().invoke(main, ["search", "reindex"], env=env)

    assert result.exit_code == 0, result.output
    assert "1" in result.output
    index = WhooshIndex(tmp_path / "search")
    hits = index.search(SearchQuery(user.id, "programowania")).hits
    index.close()
    assert [hit.credential_id for hit in hits] == [stored.id]


@pytest.mark.parametrize(
    "environ",
    [
        {"WALLET_SEARCH_BACKEND": "elastic"},
        {"WALLET_SEARCH_BACKEND": "postgres"},
    ],
)
def test_load_settings_unusable_search_backend_is_refused(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError):
        load_settings({"WALLET_DATA_DIR": str(tmp_path), "WALLET_TESTING": "1", **environ})


def test_load_settings_postgres_search_with_postgresql_database_is_accepted(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        {
            "WALLET_DATA_DIR": str(tmp_path),
            "WALLET_TESTING": "1",
            "WALLET_SEARCH_BACKEND": "postgres",
            "WALLET_DATABASE_URL": "postgresql://wallet@db/wallet",
        }
    )
    assert settings.search_backend == "postgres"


def test_load_settings_default_search_is_whoosh_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings({"WALLET_DATA_DIR": str(tmp_path), "WALLET_TESTING": "1"})
    assert (settings.search_backend, settings.search_dir) == ("whoosh", tmp_path / "search")
