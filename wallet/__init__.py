"""Plecak: an earner wallet for digital micro-credentials."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from wallet.config import Settings
    from wallet.db import Database

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    environ: Mapping[str, str] | None = None,
) -> Flask:
    """Build the web application from validated settings."""
    # Imported here: every ``wallet`` command imports this package, and most need no web app.
    from flask import Flask

    from wallet.config import load_settings
    from wallet.db import Database
    from wallet.extensions import init_extensions
    from wallet.holder.job_runner import JobRunner
    from wallet.mail import create_mailer
    from wallet.routes import register_routes
    from wallet.schema import ensure_schema_current
    from wallet.security import init_security
    from wallet.services import Services

    settings = settings or load_settings(environ)
    app = Flask(__name__, template_folder=str(TEMPLATES), instance_path=str(settings.data_dir))
    configure_flask(app, settings)
    database = database or Database.from_url(settings.database_url)
    ensure_schema_current(database.engine)
    app.extensions["wallet"] = Services(
        settings=settings,
        database=database,
        mailer=create_mailer(settings.smtp_url, settings.mail_sender, settings.mail_dir),
    )
    # The worker thread starts on the first job, not here: creating an app starts nothing.
    app.extensions["wallet_jobs"] = JobRunner(app.extensions["wallet"])
    init_extensions(app)
    init_security(app, secure_cookies=settings.secure_cookies)
    register_routes(app)
    trust_proxies(app, settings.trusted_proxies)
    return app


def trust_proxies(app: Flask, count: int) -> None:
    """Take the client's address and scheme from the ``count`` proxies in front, if any."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def configure_flask(app: Flask, settings: Settings) -> None:
    """Translate settings into the Flask and extension keys they drive."""
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="pl",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
        WTF_CSRF_TIME_LIMIT=None,
    )
