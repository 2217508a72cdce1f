"""Data Integrity proofs as a credential carries them: suites, options and the signed forms."""

from __future__ import annotations

from dataclasses import dataclass

from wallet.errors import CredentialFormatError, WalletError
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification.report import Check, CheckStatus, Message

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
# The name eddsa-rdfc-2022 had in drafts of vc-di-eddsa; the algorithm is the same.
EDDSA_2022 = "eddsa-2022"
ED25519_2020 = "Ed25519Signature2020"
ECDSA_RDFC = "ecdsa-rdfc-2019"
ECDSA_JCS = "ecdsa-jcs-2019"
ECDSA_SD = "ecdsa-sd-2023"
EDDSA_SUITES = (RDFC, JCS, EDDSA_2022, ED25519_2020)
ECDSA_SUITES = (ECDSA_RDFC, ECDSA_JCS, ECDSA_SD)
SUITES = EDDSA_SUITES + ECDSA_SUITES


class UnsupportedSuiteError(WalletError):
    """The proof uses a cryptosuite Plecak cannot check: not wrong, only not checkable here."""

    code = "proof"


@dataclass(frozen=True)
class ProofInput:
    """The parts of a proof that verification reads, taken from the untrusted JSON."""

    suite: str
    options: JsonObject
    proof_value: str
    verification_method: str
    purpose: str
    id: str | None = None
    previous: tuple[str, ...] = ()


def read_proof(document: JsonObject) -> ProofInput:
    """The single proof of ``document``; ``CredentialFormatError`` names what is missing."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise CredentialFormatError("the credential has no single proof object")
    return read_proof_object(proof)


def proof_objects(document: JsonObject) -> list[JsonObject]:
    """Every proof of ``document`` (a proof set or chain has several)."""
    proof = document.get("proof")
    entries = proof if isinstance(proof, list) else [proof]
    if not entries or not all(isinstance(entry, dict) for entry in entries):
        raise CredentialFormatError("the credential's proof is not an object or a list of them")
    return [entry for entry in entries if isinstance(entry, dict)]


def read_proof_object(proof: JsonObject) -> ProofInput:
    """One proof object; ``UnsupportedSuiteError`` for a suite Plecak does not implement."""
    kind = proof.get("type")
    suite = proof.get("cryptosuite") if kind == "DataIntegrityProof" else kind
    if not isinstance(suite, str) or not suite:
        raise CredentialFormatError("the proof names no type or cryptosuite")
    if suite not in SUITES:
        raise UnsupportedSuiteError(f"the proof suite {suite!r} is not supported")
    fields = {
        name: proof.get(name) for name in ("proofValue", "verificationMethod", "proofPurpose")
    }
    for name, value in fields.items():
        if not isinstance(value, str):
            raise CredentialFormatError(f"the proof has no {name}")
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    proof_id = proof.get("id")
    return ProofInput(
        suite=suite,
        options=options,
        proof_value=str(fields["proofValue"]),
        verification_method=str(fields["verificationMethod"]),
        purpose=str(fields["proofPurpose"]),
        id=proof_id if isinstance(proof_id, str) else None,
        previous=_previous(proof.get("previousProof")),
    )


def _previous(value: JsonValue) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise CredentialFormatError("previousProof must name proofs by their id")
    return tuple(str(item) for item in items)


def unsecured_document(document: JsonObject) -> JsonObject:
    """The document without its proof: what the issuer signed."""
    return {name: value for name, value in document.items() if name != "proof"}


def proof_configuration(document: JsonObject, options: JsonObject) -> JsonObject:
    """Proof options without ``proofValue``, carrying the document's ``@context``."""
    config = {name: value for name, value in options.items() if name != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def make_proof_check(
    code: str,
    status: CheckStatus,
    message: Message,
    detail: str | None = None,
    required: bool = True,
) -> Check:
    """A check of the Data Integrity family."""
    return Check(code=code, status=status, message=message, required=required, detail=detail)


VALID = Message(
    "The issuer's digital signature is valid: the credential has not been changed.",
    "Podpis cyfrowy wystawcy jest prawidłowy: poświadczenie nie zostało zmienione.",
)
INVALID = Message(
    "The digital signature does not match: the credential was changed or signed with another key.",
    "Podpis cyfrowy się nie zgadza: poświadczenie zmieniono albo podpisano innym kluczem.",
)
BAD_PROOF = Message(
    "The credential's proof is missing or malformed.",
    "Dowód (podpis) poświadczenia jest nieobecny lub uszkodzony.",
)
PROOF_NOT_RUN = Message(
    "The signature could not be checked.",
    "Nie udało się sprawdzić podpisu.",
)
WRONG_KEY_TYPE = Message(
    "The signing key is not of the kind this proof type requires.",
    "Klucz podpisu nie jest tego rodzaju, którego wymaga ten rodzaj dowodu.",
)
CONTEXT_REFUSED = Message(
    "The credential uses a vocabulary file that could not be used.",
    "Poświadczenie używa pliku słownika, z którego nie można było skorzystać.",
)
REMOTE_CONTEXT = Message(
    "The credential uses a vocabulary file that Plecak does not ship; it was downloaded.",
    "Poświadczenie używa pliku słownika, którego Plecak nie ma u siebie; został pobrany.",
)


def remote_context_checks(remote: tuple[str, ...]) -> list[Check]:
    """A warning naming the contexts that had to be downloaded, if any."""
    if not remote:
        return []
    urls = ", ".join(dict.fromkeys(remote))
    return [make_proof_check("context", CheckStatus.WARNING, REMOTE_CONTEXT, urls, False)]


def context_refused(error: WalletError) -> list[Check]:
    """A context that could not be used: the signature cannot be checked."""
    return [
        make_proof_check("context", CheckStatus.FAILED, CONTEXT_REFUSED, error.detail),
        make_proof_check("proof", CheckStatus.SKIPPED, PROOF_NOT_RUN),
    ]
