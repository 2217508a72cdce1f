"""The service description document apps read at ``/ims/ob/v3p0/discovery``."""

from __future__ import annotations

from wallet.connect.provider.scopes import (
    API_PATH,
    CREDENTIALS_SCOPE,
    OFFLINE_SCOPE,
    PROFILE_SCOPE,
    ProviderConfig,
)
from wallet.jsonvalues import JsonObject

REGISTER_PATH = "/oauth/register"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"  # noqa: S105 (a path, not a secret)
REVOKE_PATH = "/oauth/revoke"


def service_description(config: ProviderConfig) -> JsonObject:
    """An OpenAPI 3.0 document profiled as the specification's SDD, every URL absolute."""
    error: JsonObject = {"$ref": "#/components/schemas/Imsx_StatusInfo"}
    return {
        "openapi": "3.0.1",
        "info": {
            "title": config.name,
            "description": "Open Badges 3.0 API of a Plecak wallet: read-only, with consent",
            "version": "3.0",
            "termsOfService": config.terms_url,
            "x-imssf-privacyPolicyUrl": config.privacy_url,
            "x-imssf-image": config.image_url,
        },
        "servers": [{"url": config.url(API_PATH)}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {"get": _operation("getCredentials", CREDENTIALS_SCOPE, error)},
            "/profile": {"get": _operation("getProfile", PROFILE_SCOPE, error)},
            "/discovery": {
                "get": {
                    "operationId": "getServiceDescription",
                    "tags": ["Discovery"],
                    "responses": {"200": {"description": "This document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant authorization",
                    "x-imssf-name": config.name,
                    "x-imssf-privacyPolicyUrl": config.privacy_url,
                    "x-imssf-registrationUrl": config.url(REGISTER_PATH),
                    "x-imssf-termsOfServiceUrl": config.terms_url,
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": config.url(AUTHORIZE_PATH),
                            "tokenUrl": config.url(TOKEN_PATH),
                            "refreshUrl": config.url(TOKEN_PATH),
                            "x-revocationUrl": config.url(REVOKE_PATH),
                            "scopes": {
                                CREDENTIALS_SCOPE: "Read the credentials the holder chooses",
                                PROFILE_SCOPE: "Read the holder's name and e-mail address",
                                OFFLINE_SCOPE: "Keep access until the holder revokes it",
                            },
                        }
                    },
                }
            },
            "schemas": {"Imsx_StatusInfo": {"type": "object"}},
        },
    }


def _operation(operation_id: str, scope: str, error: JsonObject) -> JsonObject:
    return {
        "operationId": operation_id,
        "tags": ["OpenBadgeCredentials"],
        "security": [{"OAuth2ACG": [scope]}],
        "responses": {
            "200": {"description": "The holder's data the access token may read."},
            "400": {"content": {"application/json": {"schema": error}}},
            "401": {"content": {"application/json": {"schema": error}}},
            "403": {"content": {"application/json": {"schema": error}}},
        },
    }
