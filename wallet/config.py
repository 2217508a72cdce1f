"""Settings from ``WALLET_*`` environment variables, validated once at start-up."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from wallet.errors import ConfigurationError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
MIN_SECRET_LENGTH = 32
LANGUAGES = ("pl", "en")
SEARCH_BACKENDS = ("whoosh", "postgres")
MAX_IMPORT_PROCESSES = 64


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults that run a fresh checkout."""

    secret_key: str
    data_dir: Path
    database_url: str
    base_url: str = "http://127.0.0.1:5000"
    smtp_url: str | None = None
    mail_sender: str = "Plecak <no-reply@localhost>"
    ratelimit_storage_url: str = "memory://"
    login_rate_limit: str = "10 per minute"
    vc_api_rate_limit: str = "30 per minute"
    secure_cookies: bool = False
    allow_loopback_fetch: bool = False
    strict_contexts: bool = False
    trust_anchors_dir: Path | None = None
    testing: bool = False
    confirm_max_age_seconds: int = 2 * 24 * 3600
    search_backend: str = "whoosh"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed; 0 = none.
    trusted_proxies: int = 0
    # Processes verifying an import job's items; 1 verifies in the job's own thread. The
    # environment's default is one per core.
    import_processes: int = 1

    @property
    def mail_dir(self) -> Path:
        """Where mail goes when no SMTP server is configured."""
        return self.data_dir / "mail"

    @property
    def contexts_dir(self) -> Path:
        """JSON-LD contexts fetched from issuers, pinned by hash."""
        return self.data_dir / "contexts"

    @property
    def search_dir(self) -> Path:
        """The Whoosh search index."""
        return self.data_dir / "search"

    @property
    def files_dir(self) -> Path:
        """Per-user files (badge images and the like)."""
        return self.data_dir / "files"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``) and validate them."""
    env = os.environ if environ is None else environ
    testing = _flag(env, "WALLET_TESTING", default=False)
    data_dir = data_dir_from(env)
    base_url = env.get("WALLET_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    _require_http_url("WALLET_BASE_URL", base_url)
    settings = Settings(
        secret_key=_secret_key(env, data_dir, testing),
        data_dir=data_dir,
        database_url=env.get("WALLET_DATABASE_URL") or f"sqlite:///{data_dir / 'wallet.sqlite3'}",
        base_url=base_url,
        smtp_url=env.get("WALLET_SMTP_URL") or None,
        mail_sender=env.get("WALLET_MAIL_SENDER", "Plecak <no-reply@localhost>"),
        ratelimit_storage_url=env.get("WALLET_RATELIMIT_STORAGE_URL", "memory://"),
        login_rate_limit=env.get("WALLET_LOGIN_RATE_LIMIT", "10 per minute"),
        vc_api_rate_limit=env.get("WALLET_VC_API_RATE_LIMIT", "30 per minute"),
        secure_cookies=_flag(env, "WALLET_SECURE_COOKIES", default=base_url.startswith("https:")),
        allow_loopback_fetch=_flag(env, "WALLET_ALLOW_LOOPBACK_FETCH", default=False),
        strict_contexts=_flag(env, "WALLET_STRICT_CONTEXTS", default=False),
        trust_anchors_dir=_folder(env, "WALLET_TRUST_ANCHORS"),
        testing=testing,
        confirm_max_age_seconds=_integer(env, "WALLET_CONFIRM_MAX_AGE", 2 * 24 * 3600),
        search_backend=env.get("WALLET_SEARCH_BACKEND") or "whoosh",
        trusted_proxies=_integer(env, "WALLET_TRUSTED_PROXIES", 0, minimum=0),
        import_processes=_integer(env, "WALLET_IMPORT_PROCESSES", os.cpu_count() or 1),
    )
    settings = replace(settings, **overrides)  # type: ignore[arg-type]
    validate_settings(settings)
    return settings


def data_dir_from(environ: Mapping[str, str] | None = None) -> Path:
    """The instance folder: ``WALLET_DATA_DIR`` or ``./instance``."""
    env = os.environ if environ is None else environ
    return Path(env.get("WALLET_DATA_DIR") or Path.cwd() / "instance").resolve()


def validate_settings(settings: Settings) -> None:
    """Refuse settings that cannot work, naming the variable to fix."""
    if not settings.testing and len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"WALLET_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long"
        )
    scheme = urlsplit(settings.database_url).scheme.split("+")[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise ConfigurationError(
            "WALLET_DATABASE_URL must be a sqlite:/// or postgresql:// URL, not "
            f"{scheme or 'an empty scheme'}"
        )
    if settings.smtp_url is not None:
        parts = urlsplit(settings.smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigurationError("WALLET_SMTP_URL must look like smtp://user:pass@host:587")
    if urlsplit(settings.ratelimit_storage_url).scheme not in ("memory", "redis", "rediss"):
        raise ConfigurationError("WALLET_RATELIMIT_STORAGE_URL must be memory:// or redis://…")
    if not 1 <= settings.import_processes <= MAX_IMPORT_PROCESSES:
        raise ConfigurationError(
            f"WALLET_IMPORT_PROCESSES must be between 1 and {MAX_IMPORT_PROCESSES}"
        )
    if settings.search_backend not in SEARCH_BACKENDS:
        raise ConfigurationError("WALLET_SEARCH_BACKEND must be whoosh or postgres")
    if settings.search_backend == "postgres" and scheme not in ("postgresql", "postgres"):
        raise ConfigurationError("WALLET_SEARCH_BACKEND=postgres needs a postgresql:// database")


def write_secret_key(data_dir: Path) -> Path:
    """Create ``data_dir/secret_key`` (owner-readable only) unless it exists."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path


def _secret_key(env: Mapping[str, str], data_dir: Path, testing: bool) -> str:
    if key := env.get("WALLET_SECRET_KEY"):
        return key
    key_file = data_dir / SECRET_KEY_FILE
    if key_file.is_file():
        return key_file.read_text().strip()
    if testing:
        return "testing-secret-key-" + "x" * MIN_SECRET_LENGTH
    raise ConfigurationError(
        "WALLET_SECRET_KEY is not set (and no secret_key file in WALLET_DATA_DIR): "
        "set it, or run `wallet init` to create one"
    )


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def _integer(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}")
    return value


def _folder(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    if not raw:
        return None
    path = Path(raw)
    if not path.is_dir():
        raise ConfigurationError(f"{name} must name an existing folder, not {raw!r}")
    return path


def _require_http_url(name: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{name} must be an http(s) URL, not {value!r}")
