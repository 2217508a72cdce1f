"""The scopes apps may ask for, what each lets them read, and the provider's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from wallet.errors import N_

API_PATH = "/ims/ob/v3p0"
CREDENTIALS_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
PROFILE_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
# Asked for in the specification's examples; refresh tokens are given to every app anyway.
OFFLINE_SCOPE = "offline_access"
SCOPES = (CREDENTIALS_SCOPE, PROFILE_SCOPE, OFFLINE_SCOPE)
SCOPE_DESCRIPTIONS = {
    CREDENTIALS_SCOPE: N_("Read the Open Badges credentials you choose below."),
    PROFILE_SCOPE: N_("Read your profile: your name and e-mail address."),
    OFFLINE_SCOPE: N_("Keep this access until you revoke it, without asking you again."),
}

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
REFRESH_TOKEN_LIFETIME = timedelta(days=180)
# RFC 6749 section 4.1.2 recommends ten minutes at most.
CODE_LIFETIME = timedelta(minutes=5)
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
GRANT_TYPES = ("authorization_code", "refresh_token")


@dataclass(frozen=True)
class ProviderConfig:
    """What the web layer supplies: the public address, the app secret and Plecak's pages."""

    base_url: str
    secret: str
    name: str
    terms_url: str
    privacy_url: str
    image_url: str
    allow_http: bool = False

    def url(self, path: str) -> str:
        """The public URL of ``path`` on this Plecak."""
        return self.base_url + path


def split_scope(scope: str | None) -> list[str]:
    """The scopes of a space-separated list, each once, in order."""
    seen: list[str] = []
    for item in (scope or "").split():
        if item not in seen:
            seen.append(item)
    return seen
