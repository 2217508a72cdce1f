"""The ``wallet`` command line (its commands also plug into ``flask --app wallet …``)."""

from __future__ import annotations

import click

from wallet.config import Settings, data_dir_from, load_settings, write_secret_key
from wallet.db import Database
from wallet.errors import ConfigurationError
from wallet.schema import upgrade_schema


def settings_or_exit() -> Settings:
    """Validated settings, or a one-line error naming the variable to fix."""
    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(f"configuration error: {error.message}") from None


def _upgrade(settings: Settings) -> None:
    database = Database.from_url(settings.database_url)
    try:
        upgrade_schema(database.engine)
    finally:
        database.engine.dispose()


@click.group(name="db", help="Manage the database schema.")
def db_group() -> None:
    """Database commands."""


@db_group.command("upgrade", help="Apply every pending schema migration.")
def db_upgrade() -> None:
    _upgrade(settings_or_exit())
    click.echo("The database schema is up to date.")


@click.command("init", help="Create the data folder, a secret key and the database schema.")
def init_command() -> None:
    key_file = write_secret_key(data_dir_from())
    settings = settings_or_exit()
    _upgrade(settings)
    click.echo(f"Data folder ready: {settings.data_dir} (secret key in {key_file.name}).")


@click.command("serve", help="Run Plecak on a local address.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from wallet import create_app

    try:
        app = create_app(settings_or_exit())
    except ConfigurationError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Plecak is running on http://{host}:{port}/")
    click.echo("Open it in a browser and choose “Create an account” to log in.")
    run_simple(host, port, app, threaded=True)


@click.group(help="Plecak, an earner wallet for digital micro-credentials.")
def main() -> None:
    """The ``wallet`` console script."""


for _command in (db_group, init_command, serve_command):
    main.add_command(_command)
