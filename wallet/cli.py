"""The ``wallet`` command line (its commands also plug into ``flask --app wallet …``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from wallet.config import Settings, data_dir_from, load_settings, write_secret_key
from wallet.errors import ConfigurationError, WalletError

if TYPE_CHECKING:
    from wallet.services import Services

# Each command imports what it needs when it runs: starting ``wallet`` loads no database
# driver, verifier, search index or web app, so ``wallet verify`` and ``--help`` start at once.

T = TypeVar("T")


def settings_or_exit() -> Settings:
    """Validated settings, or a one-line error naming the variable to fix."""
    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(f"configuration error: {error.detail}") from None


def _upgrade(settings: Settings) -> int:
    """Migrate the schema, then re-derive records the current mappers would derive differently."""
    from wallet.db import Database
    from wallet.holder.credentials import rederive_records
    from wallet.schema import upgrade_schema

    database = Database.from_url(settings.database_url)
    try:
        upgrade_schema(database.engine)
        with database.sessions() as session:
            rederived = rederive_records(session)
            session.commit()
    finally:
        database.engine.dispose()
    return rederived


@click.group(name="db", help="Manage the database schema.")
def db_group() -> None:
    """Database commands."""


@db_group.command("upgrade", help="Apply every pending schema migration.")
def db_upgrade() -> None:
    rederived = _upgrade(settings_or_exit())
    click.echo(f"The database schema is up to date; {rederived} credential records re-derived.")


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
        raise click.ClickException(error.detail) from None
    click.echo(f"Plecak is running on http://{host}:{port}/")
    click.echo("Open it in a browser and choose “Create an account” to log in.")
    run_simple(host, port, app, threaded=True)


@click.command("verify", help="Verify credentials in files or at URLs and explain each verdict.")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per credential per line.")
@click.option(
    "--at", "at_text", metavar="DATETIME", help="Judge dates as of this ISO 8601 instant."
)
@click.option(
    "--documents",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON map of URL → local file, consulted before the network.",
)
@click.option("--offline", is_flag=True, help="Fetch nothing outside the document map.")
@click.option("--recipient", "recipients", multiple=True, help="An identifier of the holder.")
@click.option(
    "--trust-anchor",
    "trust_anchors",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A PEM or DER certificate that seals and signed PDFs may chain to.",
)
@click.option(
    "--allow-loopback", is_flag=True, help="Fetch from 127.0.0.1: for local test issuers."
)
@click.option("--language", type=click.Choice(["en", "pl"]), default="en", show_default=True)
def verify_command(
    sources: tuple[str, ...],
    as_json: bool,
    at_text: str | None,
    documents: Path | None,
    offline: bool,
    recipients: tuple[str, ...],
    trust_anchors: tuple[Path, ...],
    allow_loopback: bool,
    language: str,
) -> None:
    from wallet import verify_command as service
    from wallet.errors import FetchError, ValidationError
    from wallet.verification.context import VerificationContext
    from wallet.verification.report import Verdict
    from wallet.verification.trust import read_certificate

    try:
        at = service.parse_instant(at_text) if at_text else datetime.now(UTC)
        anchors = tuple(read_certificate(path) for path in trust_anchors)
        fetcher = service.make_fetcher(documents, offline=offline, allow_loopback=allow_loopback)
    except (ValidationError, FetchError) as error:
        raise click.UsageError(error.detail) from None
    ctx = VerificationContext(
        fetcher=fetcher,
        at=at,
        recipients=frozenset(recipients),
        trust_anchors=anchors,
        web_scheme="http" if allow_loopback else "https",
    )
    all_verified = True
    for result in service.verify_sources(sources, ctx):
        all_verified = all_verified and result.report.verdict is Verdict.VERIFIED
        if as_json:
            click.echo(service.result_line(result, language))
        else:
            click.echo(service.result_to_text(result, language) + "\n")
    click.get_current_context().exit(0 if all_verified else 1)


def _with_services(action: Callable[[Services], T]) -> T:
    """Run ``action`` with the app's services outside a web request; errors become one line."""
    from wallet.db import Database
    from wallet.mail import create_mailer
    from wallet.schema import ensure_schema_current
    from wallet.services import Services

    settings = settings_or_exit()
    database = Database.from_url(settings.database_url)
    try:
        ensure_schema_current(database.engine)
        mailer = create_mailer(settings.smtp_url, settings.mail_sender, settings.mail_dir)
        return action(Services(settings=settings, database=database, mailer=mailer))
    except WalletError as error:
        raise click.ClickException(error.detail) from None
    finally:
        database.engine.dispose()


@click.group(name="pathways", help="Check progress toward skill pathways.")
def pathways_group() -> None:
    """Pathway commands."""


@pathways_group.command(
    "check", help="Verify credential files and print readiness toward a pathway document."
)
@click.argument("pathway_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PATHWAY")
@click.argument("sources", nargs=-1, metavar="CREDENTIAL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option(
    "--at", "at_text", metavar="DATETIME", help="Judge dates as of this ISO 8601 instant."
)
@click.option(
    "--documents",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON map of URL → local file, consulted before the network.",
)
@click.option("--offline", is_flag=True, help="Fetch nothing outside the document map.")
@click.option("--recipient", "recipients", multiple=True, help="An identifier of the holder.")
@click.option("--language", type=click.Choice(["en", "pl"]), default="en", show_default=True)
def pathways_check(
    pathway_file: Path,
    sources: tuple[str, ...],
    as_json: bool,
    at_text: str | None,
    documents: Path | None,
    offline: bool,
    recipients: tuple[str, ...],
    language: str,
) -> None:
    from wallet import verify_command as service
    from wallet.errors import FetchError, PathwayFormatError, ValidationError
    from wallet.pathways import check
    from wallet.pathways.foreign import read_any_pathway
    from wallet.verification.context import VerificationContext

    try:
        pathway = read_any_pathway(pathway_file.read_bytes())
    except OSError as error:
        click.echo(f"cannot read {pathway_file}: {error.strerror}", err=True)
        raise SystemExit(2) from None
    except PathwayFormatError as error:
        click.echo(f"{pathway_file}: {error.detail}", err=True)
        raise SystemExit(2) from None
    try:
        at = service.parse_instant(at_text) if at_text else datetime.now(UTC)
        fetcher = service.make_fetcher(documents, offline=offline)
    except (ValidationError, FetchError) as error:
        raise click.UsageError(error.detail) from None
    ctx = VerificationContext(fetcher=fetcher, at=at, recipients=frozenset(recipients))
    results = [(r.source, r.record, r.report) for r in service.verify_sources(sources, ctx)]
    found = check.check_pathway(pathway, results, at)
    if as_json:
        click.echo(json.dumps(check.progress_to_json(found, language), ensure_ascii=False))
    else:
        click.echo(check.progress_to_text(found, language))
    raise SystemExit(0 if found.progress.satisfied else 1)


@click.command("reverify", help="Re-check credentials whose status can change; notify holders.")
@click.option("--user", "user_email", metavar="EMAIL", help="Only this account's credentials.")
@click.option(
    "--expiring-days",
    default=30,
    show_default=True,
    type=click.IntRange(0, 3650),
    help="Warn about credentials that expire within this many days.",
)
def reverify_command(user_email: str | None, expiring_days: int) -> None:
    from wallet.holder.monitoring import reverify_all

    summary = _with_services(
        lambda services: reverify_all(
            services, at=datetime.now(UTC), user_email=user_email, expiring_days=expiring_days
        ),
    )
    click.echo(
        f"Re-checked {summary.checked} credentials: {summary.changed} changed verdict, "
        f"{summary.notices} new notices, {summary.mailed} holders mailed, {summary.errors} errors."
    )


@click.command("demo", help="Create a demo account with a verified sample portfolio (once).")
def demo_command() -> None:
    from wallet.demo import run_demo

    settings = settings_or_exit()
    account = _with_services(lambda services: run_demo(services.database, datetime.now(UTC)))
    if account.created and account.sharing is not None:
        base = settings.base_url
        click.echo(f"CV page: {base}/cv/{account.sharing.cv_slug}")
        click.echo(f"CV PDF: {base}/cv/{account.sharing.cv_slug}.pdf")
        click.echo(f"Share link: {base}/s/{account.sharing.share_token}")
    if account.created:
        click.echo(f"Demo account created with {len(account.results)} credentials.")
    else:
        click.echo("The demo account already exists; nothing was changed.")
    click.echo(f"Log in as {account.email} with the password {account.password}")


@click.group(name="search", help="Manage the search index.")
def search_group() -> None:
    """Search index commands."""


@search_group.command("reindex", help="Rebuild the search index from the database.")
def search_reindex() -> None:
    from wallet.search.indexing import reindex_database

    settings = settings_or_exit()
    count = reindex_database(settings.database_url, settings.search_backend, settings.search_dir)
    click.echo(f"The search index now holds {count} credentials.")


@click.group(help="Plecak, an earner wallet for digital micro-credentials.")
def main() -> None:
    """The ``wallet`` console script."""


for _command in (
    db_group,
    init_command,
    serve_command,
    verify_command,
    reverify_command,
    demo_command,
    search_group,
    pathways_group,
):
    main.add_command(_command)
