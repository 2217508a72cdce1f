"""The JWT proof of possession of the holder's key (OpenID4VCI appendix F.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

from wallet.connect.oid4vci_metadata import CredentialConfiguration
from wallet.errors import ConnectError
from wallet.jsonvalues import JsonObject
from wallet.share.keys import verification_method
from wallet.verification.multibase import encode_base64url

PROOF_TYPE = "openid4vci-proof+jwt"
# The holder key is Ed25519: "EdDSA" is its JOSE name, "Ed25519" the fully specified one.
ALGORITHMS = ("EdDSA", "Ed25519")


@dataclass(frozen=True)
class HolderBinding:
    """How the proof names the holder's key: by its did:key, or by the bare key (JWK)."""

    did: str
    key: Ed25519PrivateKey
    by_did: bool
    algorithm: str


def binding_for(configuration: CredentialConfiguration) -> tuple[bool, str] | None:
    """Whether to name the key by its DID (else as a JWK) and the algorithm, or None.

    None when the issuer asks for no proof; ``ConnectError`` (``oid4vci_unsupported``) when it
    accepts neither an Ed25519 JWT proof nor a did:key or JWK binding.
    """
    if configuration.proof_algorithms is None:
        return None
    algorithm = next((a for a in ALGORITHMS if a in configuration.proof_algorithms), None)
    if algorithm is None:
        raise ConnectError(
            f"{configuration.identifier} takes no Ed25519 JWT proof "
            f"({', '.join(configuration.proof_algorithms) or 'no jwt proof type'})",
            reason="oid4vci_unsupported",
        )
    methods = configuration.binding_methods
    if not methods or "did:key" in methods or "did" in methods:
        return True, algorithm
    if "jwk" in methods:
        return False, algorithm
    raise ConnectError(
        f"{configuration.identifier} binds only to {', '.join(methods)}",
        reason="oid4vci_unsupported",
    )


def holder_binding(
    configuration: CredentialConfiguration, did: str, key: Ed25519PrivateKey
) -> HolderBinding | None:
    """The holder's key as ``configuration`` wants it proved; None when no proof is asked."""
    choice = binding_for(configuration)
    return None if choice is None else HolderBinding(did, key, *choice)


def proof_jwt(
    binding: HolderBinding,
    *,
    audience: str,
    nonce: str | None,
    issued_at: datetime,
    client_id: str | None = None,
) -> str:
    """A signed proof for the credential issuer ``audience``, over its ``c_nonce`` if any.

    ``iss`` is the client id, left out when the token came from anonymous pre-authorized
    access, as the specification asks.
    """
    okp = OKPKey.import_key(binding.key)
    header: JsonObject = {"typ": PROOF_TYPE, "alg": binding.algorithm}
    if binding.by_did:
        header["kid"] = verification_method(binding.did)
    else:
        header["jwk"] = {name: str(value) for name, value in okp.as_dict(private=False).items()}
    claims: JsonObject = {"aud": audience, "iat": int(issued_at.timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    if client_id is not None:
        claims["iss"] = client_id
    signing_input = ".".join(
        encode_base64url(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    )
    # The registry's algorithm directly: "EdDSA" is the name issuers list, though joserfc's
    # serializer warns that RFC 9864 prefers the fully specified "Ed25519".
    signature = JWSRegistry.algorithms[binding.algorithm].sign(signing_input.encode(), okp)
    return f"{signing_input}.{encode_base64url(signature)}"


def proof_signer(
    binding: HolderBinding, *, audience: str, issued_at: datetime, client_id: str | None
) -> Callable[[str | None], str]:
    """Signs proofs for one credential issuer, each over the nonce it is given."""

    def sign(nonce: str | None) -> str:
        return proof_jwt(
            binding, audience=audience, nonce=nonce, issued_at=issued_at, client_id=client_id
        )

    return sign
