"""Time a bulk import end to end, as a holder does it, against pure verification of the same files.

Usage: python benchmarks/import.py CORPUS_FOLDER [--sizes 420,5000] [--postgres URL]
                                   [--workers 2] [--processes N] [--rounds 3]

CORPUS_FOLDER is a folder of credentials with a manifest.json (e.g. ../shared/vc-corpus-db).
The 420-credential set is the corpus itself; a larger set replicates its credentials with fresh
ids, each issuer's did:key replaced by a demo signer's (wallet/demo/) and re-signed
(eddsa-rdfc-2022, or eddsa-jcs-2022 where the original was), so expired and tampered variants
become plain valid or expired ones. For each set and each database (SQLite with Whoosh; with
--postgres also PostgreSQL with its search backend, whose public schema is DROPPED and
recreated), a fresh instance runs under gunicorn (--workers) on 127.0.0.1: the script registers
a holder, uploads one ZIP to /imports/files and polls /imports/<id>.json every second, as the
import page does, until the job is finished. Each gunicorn worker has its own verifier
processes, started by the first job it sees: a first upload of 20 credentials, polled from many
connections at once so that every worker sees it, starts and warms them all. Then --rounds
holders import the set one after another and the median is printed (the machine's load
varies). Prints credentials per second from the upload to the last item as the job stored it
(its created and finished times; the polling adds up to a second to the wall-clock time, also
printed), the ratio of that time to pure verification of the same files in a process pool of
one worker per core (as benchmarks/verify.py's bulk figure measures it, also a median), and
what one poll of the finished job's JSON with every item costs (the page asks only for
the items it has not shown yet).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text

from wallet.db import create_database_engine
from wallet.demo.issuer import DidKeySigner
from wallet.fetching import OfflineFetcher
from wallet.models import ImportJob
from wallet.schema import upgrade_schema
from wallet.verification.context import VerificationContext
from wallet.verification.data_integrity import JCS, RDFC
from wallet.verification.report import Verdict

PASSWORD = "benchmark password 2026"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POLL_SECONDS = 1.0  # as the import page's script polls
WARM_UP = 20
BOOT_SECONDS = 3.0  # ample for verifier processes to import what they need


# --- the credential sets ------------------------------------------------------------------


def corpus_files(folder: Path) -> list[Path]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [folder / entry["file"] for entry in manifest["files"]]


def _resign(args: tuple[str, int, str]) -> tuple[str, bytes]:
    """One replica: the original's content with a fresh id, signed by demo signer ``seed``."""
    path, number, key_hex = args
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signer = DidKeySigner(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key_hex)))
    credential = json.loads(Path(path).read_bytes())
    proof = credential.pop("proof")
    suite = JCS if isinstance(proof, dict) and proof.get("cryptosuite") == JCS else RDFC
    if "https://w3id.org/security/suites/ed25519-2020/v1" in credential["@context"]:
        credential["@context"].remove("https://w3id.org/security/suites/ed25519-2020/v1")
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    issuer = credential["issuer"]
    if isinstance(issuer, dict):
        issuer["id"] = signer.did
    else:
        credential["issuer"] = signer.did
    signed = signer.sign(credential, suite, "2026-01-01T00:00:00Z")
    return f"replica-{number:05}.json", json.dumps(signed, ensure_ascii=False).encode()


def build_set(originals: list[Path], size: int, folder: Path) -> list[Path]:
    """``size`` credential files in ``folder``: the originals, or replicas of them."""
    folder.mkdir(parents=True)
    if size <= len(originals):
        chosen = originals[:size]
        for path in chosen:
            shutil.copyfile(path, folder / path.name)
        return [folder / path.name for path in chosen]
    keys = [os.urandom(32).hex() for _ in range(6)]
    jobs = [(str(originals[n % len(originals)]), n, keys[n % len(keys)]) for n in range(size)]
    with ProcessPoolExecutor() as pool:
        replicas = list(pool.map(_resign, jobs, chunksize=50))
    for name, data in replicas:
        (folder / name).write_bytes(data)
    return [folder / name for name, _ in replicas]


def zip_of(files: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)
    return buffer.getvalue()


# --- pure verification -------------------------------------------------------------------


def _verify_file(path: str) -> bool:
    from wallet import importing
    from wallet.verification.verifier import verify_envelope

    ctx = VerificationContext(fetcher=OfflineFetcher(), at=datetime.now(UTC))
    [envelope] = importing.read_envelopes(Path(path).read_bytes(), path)
    verification = verify_envelope(envelope, ctx)
    importing.normalise(envelope, verification.linked)
    return verification.report.verdict is Verdict.VERIFIED


def pure_rate(files: list[Path], rounds: int) -> float:
    """Credentials per second of a warm pool with one process per core (verify.py's bulk).

    The median of ``rounds`` runs, as for the imports.
    """
    paths = [str(path) for path in files]
    cores = os.cpu_count() or 1
    rates = []
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(_verify_file, paths[: cores * 4]))
        for _ in range(rounds):
            start = time.perf_counter()
            list(pool.map(_verify_file, paths, chunksize=16))
            rates.append(len(paths) / (time.perf_counter() - start))
    return statistics.median(rates)


# --- the app under gunicorn ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_database(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_database_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    engine = create_database_engine(url)
    upgrade_schema(engine)
    engine.dispose()


def start_app(
    data_dir: Path, url: str, workers: int, processes: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "WALLET_DATA_DIR": str(data_dir),
        "WALLET_SECRET_KEY": "benchmark-secret-key-" + "x" * 32,
        "WALLET_DATABASE_URL": url,
        "WALLET_SEARCH_BACKEND": "postgres" if url.startswith("postgresql") else "whoosh",
        "WALLET_LOGIN_RATE_LIMIT": "1000 per minute",
    }
    if processes is not None:
        env["WALLET_IMPORT_PROCESSES"] = str(processes)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--timeout", "300", "wallet:create_app()"], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the app did not start")


class Holder:
    """A browser-like client: cookies, CSRF tokens, redirects not followed on upload."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def token(self, path: str) -> str:
        page = self.opener.open(self.base + path).read().decode()
        found = _CSRF.search(page)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def register(self, email: str) -> None:
        fields = {
            "csrf_token": self.token("/register"),
            "display_name": "Bench",
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
        }
        body = urllib.parse.urlencode(fields).encode()
        self.opener.open(self.base + "/register", body).read()

    def upload(self, archive: bytes) -> int:
        boundary = uuid.uuid4().hex
        token = self.token("/imports")
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{token}\r\n".encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="export.zip"\r\nContent-Type: application/zip\r\n\r\n'.encode(),
                archive,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        request = urllib.request.Request(
            self.base + "/imports/files",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = self.opener.open(request)
        found = re.search(r"/imports/(\d+)$", response.url)
        assert found, f"the upload ended at {response.url}"
        return int(found.group(1))

    def wait(self, job_id: int) -> list[dict[str, object]]:
        """Poll as the page does, asking only for items not seen yet; returns them all."""
        items: list[dict[str, object]] = []
        while True:
            request = urllib.request.Request(
                f"{self.base}/imports/{job_id}.json?from={len(items)}",
                headers={"Accept": "application/json"},
            )
            answer = json.loads(self.opener.open(request).read())
            items += answer["items"]
            if answer["finished"]:
                return items
            time.sleep(POLL_SECONDS)

    def start_every_runner(self, job_id: int, workers: int) -> None:
        """Poll an unfinished job from many connections at once, so that every gunicorn worker
        answers one and starts its job runner and verifier processes; then wait for the job and
        for the processes to boot."""
        with ThreadPoolExecutor(workers * 4) as polls:
            list(polls.map(lambda _: self.poll_once(job_id), range(workers * 8)))
        self.wait(job_id)
        time.sleep(BOOT_SECONDS)

    def poll_once(self, job_id: int) -> None:
        """One poll of a finished job as a fresh page makes it (every item)."""
        self.opener.open(f"{self.base}/imports/{job_id}.json").read()


def job_seconds(url: str, job_id: int) -> float:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        row = connection.execute(
            select(ImportJob.created_at, ImportJob.finished_at).where(ImportJob.id == job_id)
        ).one()
    engine.dispose()
    return float((row.finished_at - row.created_at).total_seconds())


def measure(label: str, url: str, files: list[Path], args: argparse.Namespace, pure: float) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="plecak-import-"))
    url = url or f"sqlite:///{data_dir / 'wallet.sqlite3'}"
    prepare_database(url)
    server, base = start_app(data_dir, url, args.workers, args.processes)
    rounds: list[tuple[float, float, int]] = []
    try:
        warm = Holder(base)
        warm.register("warm@example.org")
        warm.start_every_runner(warm.upload(zip_of(files[:WARM_UP])), args.workers)
        archive = zip_of(files)
        for number in range(args.rounds):
            holder = Holder(base)
            holder.register(f"holder{number}@example.org")
            start = time.perf_counter()
            job_id = holder.upload(archive)
            items = holder.wait(job_id)
            elapsed = time.perf_counter() - start
            assert len(items) == len(files), f"{len(items)} of {len(files)} items reported"
            assert all(item["outcome"] == "imported" for item in items), "not all imported"
            rounds.append((job_seconds(url, job_id), elapsed, job_id))
        polled = time.perf_counter()
        holder.poll_once(rounds[-1][2])
        poll_ms = (time.perf_counter() - polled) * 1000
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    stored = statistics.median(seconds for seconds, _, _ in rounds)
    rate = len(files) / stored
    each = ", ".join(f"{seconds:.2f}" for seconds, _, _ in rounds)
    print(
        f"{label:10} {len(files):5} credentials: {stored:6.2f} s, {rate:5.0f} credentials/s "
        f"(median of {len(rounds)} holders' imports: {each} s; {rounds[-1][1]:.2f} s until the "
        f"last one's JSON said finished, a poll of all its items {poll_ms:.0f} ms); pure "
        f"verification {pure:.0f}/s, import time {pure / rate:.2f}x verification",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", default="420,5000")
    parser.add_argument("--postgres", default=None, help="a throwaway database: it is reset")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=None, help="WALLET_IMPORT_PROCESSES")
    parser.add_argument("--rounds", type=int, default=3, help="holders importing, one by one")
    args = parser.parse_args()
    originals = corpus_files(args.corpus)
    load = os.getloadavg()
    print(f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores", flush=True)
    work = Path(tempfile.mkdtemp(prefix="plecak-sets-"))
    try:
        for size in (int(value) for value in args.sizes.split(",")):
            files = build_set(originals, size, work / str(size))
            pure = pure_rate(files, args.rounds)
            measure("sqlite", "", files, args, pure)
            if args.postgres:
                measure("postgresql", args.postgres, files, args, pure)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
