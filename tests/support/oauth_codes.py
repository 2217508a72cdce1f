"""The authorization codes of the test issuers built on Authlib's server side, and their grant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import grants


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


def code_grant(
    codes: dict[str, AuthorizationCode], auth_method: str
) -> type[grants.AuthorizationCodeGrant]:
    """The authorization code grant for clients of ``auth_method``, keeping codes in ``codes``.

    Every code is the one learner's, who has consented by the time a code exists.
    """

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [auth_method]

        def save_authorization_code(self, code: str, oauth_request: Any) -> None:
            data = oauth_request.payload.data
            codes[code] = AuthorizationCode(
                code,
                oauth_request.client.client_id,
                oauth_request.payload.redirect_uri,
                oauth_request.payload.scope,
                data.get("code_challenge"),
                data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Any) -> Any:
            found = codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
            codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: AuthorizationCode) -> str:
            return "learner"

    return CodeGrant
