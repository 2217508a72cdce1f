"""The first requests verifying a credential will make, so a job can fetch them all at once.

Only a hint: the verifier still makes every request itself (through the job's shared fetcher,
which then answers at once). A request missed here is fetched when the verifier asks.
"""

from __future__ import annotations

from wallet.envelope import CredentialFormat, Envelope
from wallet.errors import WalletError
from wallet.fetch_cache import FetchRequest
from wallet.jsonvalues import JsonObject, JsonValue
from wallet.verification import dids, ob2_documents, status

_W3C_FORMATS = frozenset(
    {
        CredentialFormat.VC_DATA_INTEGRITY,
        CredentialFormat.CLR2,
        CredentialFormat.ELM_JSONLD,
    }
)


def first_requests(envelope: Envelope, *, web_scheme: str = "https") -> list[FetchRequest]:
    """Status lists, did:web documents and hosted assertions ``envelope`` points at."""
    payload = envelope.payload
    if envelope.format is CredentialFormat.OB2_HOSTED:
        return _hosted_assertion(payload)
    if envelope.format not in _W3C_FORMATS:
        return []
    return [*_status_lists(payload), *_did_web_documents(payload, web_scheme)]


def _status_lists(credential: JsonObject) -> list[FetchRequest]:
    entries = credential.get("credentialStatus")
    found = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        if kind in (status.BITSTRING_ENTRY, status.STATUS_LIST_2021_ENTRY):
            url = _http_url(entry.get("statusListCredential"))
            if url is not None:
                found.append(FetchRequest(url, status.LIST_ACCEPT, status.MAX_LIST_DOCUMENT_BYTES))
        elif kind == status.REVOCATION_LIST_1EDTECH:
            url = _http_url(entry.get("id"))
            if url is not None:
                found.append(FetchRequest(url, "application/json", status.MAX_LIST_DOCUMENT_BYTES))
    return found


def _did_web_documents(credential: JsonObject, web_scheme: str) -> list[FetchRequest]:
    proofs = credential.get("proof")
    methods = [
        proof.get("verificationMethod")
        for proof in (proofs if isinstance(proofs, list) else [proofs])
        if isinstance(proof, dict)
    ]
    found = []
    for method in methods:
        if isinstance(method, str) and method.startswith("did:web:"):
            try:
                url = dids.did_web_url(method.split("#", 1)[0], scheme=web_scheme)
            except WalletError:
                continue  # the verifier reports the bad DID itself
            found.append(FetchRequest(url, dids.DID_ACCEPT, dids.MAX_DID_DOCUMENT_BYTES))
    return found


def _hosted_assertion(assertion: JsonObject) -> list[FetchRequest]:
    url = _http_url(assertion.get("id"))
    if url is None:
        return []
    return [FetchRequest(url, ob2_documents.ACCEPT_JSON_LD, ob2_documents.MAX_DOCUMENT_BYTES)]


def _http_url(value: JsonValue) -> str | None:
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    return None
