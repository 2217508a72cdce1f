"""``wallet verify``: sources in, one result per credential out, exit status by the verdicts."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import zipfile
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding

from tests.support import pdfs
from tests.support.archives import signed_badge
from tests.support.di_issuer import TestIssuer, achievement_credential
from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import (
    CertifiedKey,
    SdJwtBuilder,
    did_jwk,
    issue_certificate,
    issue_sd_jwt,
    make_ca,
    new_key,
    seal_jades,
    sign_compact,
)
from tests.support.ob2_issuer import OB2_CONTEXT, bake_png, make_issuer
from tests.support.samples import load_sample
from wallet.cli import main, verify_command

AT = "2026-06-01"
JCS = "eddsa-jcs-2022"
SUBJECT = "did:example:learner"
RESULT_KEYS = {"source", "format", "verdict", "checks", "credential"}


def verify(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["verify", *map(str, args)])


def results(outcome: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outcome.stdout.splitlines()]


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {check["code"]: check["status"] for check in result["checks"]}


def write(folder: Path, name: str, data: bytes | str | dict[str, Any]) -> Path:
    path = folder / name
    if isinstance(data, dict):
        data = json.dumps(data, ensure_ascii=False)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.fixture(scope="module")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


def ob3(issuer: TestIssuer, suite: str = JCS, **changes: Any) -> dict[str, Any]:
    return issuer.sign(achievement_credential(issuer.did, **changes), suite)


def forged(document: dict[str, Any]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    copied["name"] = "Data Literacy (with distinction)"
    return copied


def vc_jwt(*, other_signer: bool = False) -> str:
    key = new_key("ES256")
    signer = new_key("ES256") if other_signer else key
    credential = achievement_credential(did_jwk(key))
    return sign_compact({"typ": "vc+jwt", "kid": did_jwk(key) + "#0"}, credential, signer)


def sd_jwt_vc() -> str:
    key = new_key("EdDSA")
    issuer = did_jwk(key)
    claims = {**load_sample("eudi_learning_credential_claims"), "iss": issuer}
    claims.pop("status")  # a token status list on a host the test cannot reach
    builder = SdJwtBuilder()
    concealed = builder.conceal(claims, "family_name", "given_name")
    return issue_sd_jwt(concealed, builder.disclosures, key, header={"kid": issuer + "#0"})


# --- Formats, verdicts and exit status ----------------------------------------------------


def test_verify_valid_credentials_of_several_formats_exit_zero(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    sources = [
        write(tmp_path, "rdfc.json", ob3(issuer, "eddsa-rdfc-2022")),
        write(tmp_path, "badge.png", bake_png(json.dumps(ob3(issuer)), keyword=b"openbadges")),
        write(tmp_path, "credential.jwt", vc_jwt()),
        write(tmp_path, "learning.sd-jwt", sd_jwt_vc()),
    ]
    outcome = verify("--json", "--at", AT, *sources)
    found = results(outcome)
    assert [r["format"] for r in found] == ["ob3-ldp", "ob3-ldp", "ob3-jwt", "sdjwt-vc"]
    assert [r["verdict"] for r in found] == ["verified"] * 4
    assert [r["source"] for r in found] == [str(s) for s in sources]
    assert outcome.exit_code == 0


@pytest.mark.parametrize("kind", ["data-integrity", "vc-jwt"])
def test_verify_tampered_credential_fails_on_proof_exit_one(
    kind: str, issuer: TestIssuer, tmp_path: Path
) -> None:
    tampered = forged(ob3(issuer)) if kind == "data-integrity" else vc_jwt(other_signer=True)
    outcome = verify("--json", "--at", AT, write(tmp_path, "tampered", tampered))
    [result] = results(outcome)
    assert result["verdict"] == "failed"
    assert [c for c, s in statuses(result).items() if s == "failed"] == ["proof"]
    assert outcome.exit_code == 1


def test_verify_one_failure_among_valid_credentials_exits_one(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    valid = write(tmp_path, "valid.json", ob3(issuer))
    tampered = write(tmp_path, "tampered.json", forged(ob3(issuer)))
    outcome = verify("--json", "--at", AT, valid, tampered)
    assert [r["verdict"] for r in results(outcome)] == ["verified", "failed"]
    assert outcome.exit_code == 1


def test_verify_json_lines_have_the_documented_shape(issuer: TestIssuer, tmp_path: Path) -> None:
    outcome = verify("--json", "--at", AT, write(tmp_path, "c.json", ob3(issuer)))
    [line] = outcome.stdout.splitlines()
    result = json.loads(line)
    assert set(result) == RESULT_KEYS
    assert all(set(check) == {"code", "status", "message"} for check in result["checks"])
    assert {check["status"] for check in result["checks"]} <= {
        "passed",
        "failed",
        "warning",
        "skipped",
    }
    assert result["credential"]["format"] == "ob3-ldp"
    assert result["credential"]["title"] == {"und": "Data Literacy"}


def test_verify_without_json_prints_a_summary_per_credential(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    source = write(tmp_path, "c.json", ob3(issuer))
    outcome = verify("--at", AT, source)
    lines = outcome.stdout.splitlines()
    assert lines[0] == str(source)
    assert any("ob3-ldp" in line for line in lines)
    assert any("VERIFIED" in line for line in lines)
    assert sum(line.split()[:2] == ["passed", "proof"] for line in lines) == 1
    assert outcome.exit_code == 0


def test_verify_language_pl_translates_messages_not_codes(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    source = write(tmp_path, "c.json", ob3(issuer))
    [english] = results(verify("--json", "--at", AT, source))
    [polish] = results(verify("--json", "--at", AT, "--language", "pl", source))
    assert statuses(polish) == statuses(english)
    assert all(
        pl["message"] != en["message"]
        for pl, en in zip(polish["checks"], english["checks"], strict=True)
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--at", "yesterday"],
        ["--at", "2026-13-01"],
        ["--language", "de"],
        ["--documents", "missing-map.json"],
        ["--trust-anchor", "missing.pem"],
    ],
    ids=["at-word", "at-month", "language", "documents-missing", "anchor-missing"],
)
def test_verify_bad_option_is_usage_error_exit_two(
    args: list[str], issuer: TestIssuer, tmp_path: Path
) -> None:
    assert verify(*args, write(tmp_path, "c.json", ob3(issuer))).exit_code == 2


def test_verify_is_a_flask_command_too() -> None:
    [found] = [e for e in entry_points(group="flask.commands") if e.name == "verify"]
    assert found.load() is verify_command


def test_verify_without_sources_is_usage_error_exit_two() -> None:
    assert verify("--json").exit_code == 2


def test_verify_invalid_document_map_is_usage_error_exit_two(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    documents = write(tmp_path, "map.json", "[not a map")
    outcome = verify("--documents", documents, write(tmp_path, "c.json", ob3(issuer)))
    assert outcome.exit_code == 2


def test_verify_certificate_that_is_not_one_is_usage_error_exit_two(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    anchor = write(tmp_path, "anchor.pem", "-----BEGIN CERTIFICATE-----\nnope\n")
    outcome = verify("--trust-anchor", anchor, write(tmp_path, "c.json", ob3(issuer)))
    assert outcome.exit_code == 2


# --- --at ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "verdict", "exit_code"),
    [
        ("2026-06-01", "verified", 0),
        ("2026-12-31T23:59:59Z", "verified", 0),
        ("2027-01-02", "failed", 1),
        ("2027-01-01T00:00:01", "failed", 1),
        ("2027-01-01T00:00:01+01:00", "verified", 0),
    ],
)
def test_verify_at_judges_expiry_at_that_instant(
    at: str, verdict: str, exit_code: int, issuer: TestIssuer, tmp_path: Path
) -> None:
    credential = ob3(issuer, validUntil="2027-01-01T00:00:00Z")
    outcome = verify("--json", "--at", at, write(tmp_path, "c.json", credential))
    [result] = results(outcome)
    assert result["verdict"] == verdict
    assert statuses(result)["expiry"] == ("passed" if verdict == "verified" else "failed")
    assert outcome.exit_code == exit_code


# --- --recipient --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "status", "exit_code"),
    # Another identifier does not prove the credential someone else's: a warning, still verified.
    [(SUBJECT, "passed", 0), ("did:example:someone-else", "warning", 0)],
    ids=["match", "not-confirmed"],
)
def test_verify_recipient_compares_the_holder_identifiers(
    recipient: str, status: str, exit_code: int, issuer: TestIssuer, tmp_path: Path
) -> None:
    source = write(tmp_path, "c.json", ob3(issuer))
    outcome = verify(
        "--json", "--at", AT, "--recipient", "x@example.org", "--recipient", recipient, source
    )
    [result] = results(outcome)
    assert statuses(result)["recipient"] == status
    assert outcome.exit_code == exit_code


# --- Sources: URLs, document maps, offline, archives, CLRs -------------------------------


def test_verify_url_source_of_hosted_badge_is_verified(http_server: LocalServer) -> None:
    badges = make_issuer(http_server, rsa.generate_private_key(65537, 2048))
    url = badges.host(badges.assertion())
    outcome = verify("--json", "--allow-loopback", "--at", AT, url)
    [result] = results(outcome)
    assert (result["source"], result["format"], result["verdict"]) == (
        url,
        "ob2-hosted",
        "verified",
    )
    assert result["credential"]["title"] == {"und": "3-D Printmaster"}
    assert "/assertions/1" in http_server.requests
    assert outcome.exit_code == 0


def test_verify_url_source_without_loopback_permission_is_refused(
    http_server: LocalServer,
) -> None:
    url = http_server.serve("/assertions/1", "{}")
    outcome = verify("--json", "--at", AT, url)
    [result] = results(outcome)
    assert (result["format"], result["verdict"], statuses(result)) == (
        None,
        "failed",
        {"fetch": "failed"},
    )
    assert http_server.requests == []
    assert outcome.exit_code == 1


def test_verify_url_source_answering_404_fails_on_fetch(http_server: LocalServer) -> None:
    outcome = verify("--json", "--allow-loopback", "--at", AT, http_server.url("/gone"))
    [result] = results(outcome)
    assert (result["verdict"], statuses(result), result["credential"]) == (
        "failed",
        {"fetch": "failed"},
        None,
    )


def hosted_badge_map(folder: Path) -> tuple[Path, str]:
    """A hosted assertion, its BadgeClass and Issuer on an unreachable host, all in a map."""
    site = "https://badges.example.org"
    documents = {
        f"{site}/assertions/1": {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": f"{site}/assertions/1",
            "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
            "badge": f"{site}/badges/1",
            "issuedOn": "2024-05-01T10:00:00+00:00",
            "verification": {"type": "HostedBadge"},
        },
        f"{site}/badges/1": {
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": f"{site}/badges/1",
            "name": "Map Reader",
            "description": "Reads maps.",
            "image": f"{site}/badges/1/image",
            "criteria": {"narrative": "Read a map."},
            "issuer": f"{site}/issuer",
        },
        f"{site}/issuer": {
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": f"{site}/issuer",
            "name": "Example Cartographers",
            "url": site,
            "email": "badges@example.org",
        },
    }
    entries = {}
    for number, (url, document) in enumerate(documents.items()):
        entries[url] = write(folder, f"doc{number}.json", document).name
    return write(folder, "map.json", entries), f"{site}/assertions/1"


def test_verify_documents_map_serves_hosted_badge_with_no_network(tmp_path: Path) -> None:
    documents, url = hosted_badge_map(tmp_path)
    copy_held = tmp_path / "doc0.json"
    outcome = verify("--json", "--offline", "--documents", documents, "--at", AT, url, copy_held)
    found = results(outcome)
    assert [r["verdict"] for r in found] == ["verified", "verified"]
    assert all(statuses(r)["hosted_match"] == "passed" for r in found)
    assert found[1]["credential"]["title"] == {"und": "Map Reader"}
    assert outcome.exit_code == 0


def test_verify_offline_without_map_leaves_hosted_badge_unverifiable(
    http_server: LocalServer, tmp_path: Path
) -> None:
    badges = make_issuer(http_server, rsa.generate_private_key(65537, 2048))
    assertion = badges.assertion()
    badges.host(assertion)
    outcome = verify(
        "--json",
        "--offline",
        "--allow-loopback",
        "--at",
        AT,
        write(tmp_path, "badge.json", assertion),
    )
    [result] = results(outcome)
    assert (result["verdict"], statuses(result)["hosted_match"]) == ("unverifiable", "skipped")
    assert http_server.requests == []
    assert outcome.exit_code == 1


def test_verify_zip_with_bad_entry_reports_it_beside_the_good_one(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("good.json", json.dumps(ob3(issuer)))
        bundle.writestr("bad.json", '{"hello": "world"}')
    source = write(tmp_path, "export.zip", archive.getvalue())
    outcome = verify("--json", "--at", AT, source)
    good, bad = results(outcome)
    assert (good["source"], good["verdict"]) == (f"{source}!good.json", "verified")
    assert bad["source"] == f"{source}!bad.json"
    assert (bad["format"], bad["verdict"], bad["credential"]) == (None, "failed", None)
    assert [(c["code"], c["status"]) for c in bad["checks"]] == [("credential_format", "failed")]
    assert outcome.exit_code == 1


def test_verify_missing_file_is_a_failed_result(tmp_path: Path) -> None:
    outcome = verify("--json", "--at", AT, tmp_path / "absent.json")
    [result] = results(outcome)
    assert (result["format"], result["verdict"]) == (None, "failed")
    assert statuses(result) == {"unreadable_file": "failed"}
    assert outcome.exit_code == 1


def test_verify_clr_gives_one_result_per_credential(issuer: TestIssuer, tmp_path: Path) -> None:
    clr = load_sample("clr2_two_credentials")
    clr["issuer"] = {"id": issuer.did, "type": ["Profile"], "name": "Politechnika"}
    nested = [
        ob3(
            issuer,
            id=f"urn:uuid:{part}",
            credentialSubject={
                "id": SUBJECT,
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": f"https://uczelnia.example.pl/achievements/{part}",
                    "type": ["Achievement"],
                    "name": part,
                    "criteria": {"narrative": "Pass the module."},
                },
            },
        )
        for part in ("sql-basics", "python-data")
    ]
    clr["credentialSubject"]["verifiableCredential"] = nested  # type: ignore[index]
    outcome = verify("--json", "--at", AT, write(tmp_path, "clr.json", issuer.sign(clr, JCS)))
    found = results(outcome)
    assert [r["format"] for r in found] == ["clr2", "ob3-ldp", "ob3-ldp"]
    assert [r["verdict"] for r in found] == ["verified"] * 3
    assert [r["source"].rsplit("/", 1)[-1] for r in found] == [
        "clr.json",
        "clr.json#1",
        "clr.json#2",
    ]
    nested_record = found[1]["credential"]
    assert nested_record["container_id"] == "https://uczelnia.example.pl/clr/7c1b"
    assert nested_record["stackability"]["towards"] == [
        "https://uczelnia.example.pl/achievements/data-analyst"
    ]
    assert outcome.exit_code == 0


# --- --trust-anchor -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca(at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))


def sealed_edc(ca: CertifiedKey) -> dict[str, Any]:
    sealer = issue_certificate(ca, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC), alg="ES256")
    payload = json.dumps(load_sample("elm3_edc_microcredential"), ensure_ascii=False).encode()
    return seal_jades(payload, sealer, (ca,), sig_t="2026-05-20T10:00:00Z")


@pytest.mark.parametrize("encoding", [Encoding.PEM, Encoding.DER])
def test_verify_trust_anchor_file_makes_the_seal_trusted(
    encoding: Encoding, ca: CertifiedKey, tmp_path: Path
) -> None:
    anchor = write(tmp_path, "anchor.crt", ca.certificate.public_bytes(encoding))
    sealed = write(tmp_path, "edc.json", sealed_edc(ca))
    outcome = verify("--json", "--at", AT, "--trust-anchor", anchor, sealed)
    [result] = results(outcome)
    assert (result["format"], result["verdict"]) == ("elm3-jades", "verified")
    assert statuses(result)["trust"] == "passed"


def test_verify_sealed_edc_without_trust_anchor_skips_trust(
    ca: CertifiedKey, tmp_path: Path
) -> None:
    outcome = verify("--json", "--at", AT, write(tmp_path, "edc.json", sealed_edc(ca)))
    [result] = results(outcome)
    assert (result["verdict"], statuses(result)["trust"]) == ("verified", "skipped")


def test_verify_signed_pdf_reports_its_checks_and_its_attached_badge(tmp_path: Path) -> None:
    ca = make_ca("Urząd testowy", at=dt.datetime.now(dt.UTC))
    with_badge = pdfs.attach(pdfs.certificate_pdf(), "odznaka.json", signed_badge("Python"))
    signed = pdfs.sign(with_badge, pdfs.make_signer(ca), (ca,))
    anchor = write(tmp_path, "root.der", ca.der)
    outcome = verify("--json", "--trust-anchor", anchor, write(tmp_path, "cert.pdf", signed))
    document, badge = results(outcome)
    assert document["format"] == "pdf" and document["verdict"] == "verified"
    assert statuses(document)["pdf_integrity"] == "passed"
    assert statuses(document)["signer_trust"] == "passed"
    assert badge["source"].endswith("cert.pdf!odznaka.json") and badge["verdict"] == "verified"
    assert outcome.exit_code == 0
    tampered = write(tmp_path, "tampered.pdf", pdfs.alter_signed_bytes(signed))
    failed = verify("--json", "--trust-anchor", anchor, tampered)
    assert statuses(results(failed)[0])["pdf_integrity"] == "failed"
    assert failed.exit_code == 1
