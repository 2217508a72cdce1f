"""Badge images: sniffed by their bytes, capped in size and pixels, fetched once and cached."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest

from tests.support.httpserver import LocalServer
from tests.support.ob2_issuer import bake_svg, make_png, png_chunk
from wallet.envelope import CredentialFormat
from wallet.fetching import SafeFetcher
from wallet.holder import images
from wallet.holder.images import ImageError
from wallet.models import Credential
from wallet.records import CredentialRecord, record_to_json

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG: enough for a reader to learn its size."""
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9"


def huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` (its pixel data is a stub)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00"))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + idat + png_chunk(b"IEND", b"")


def stored(
    image_url: str | None = None,
    *,
    media_type: str = "application/json",
    raw: bytes = b"{}",
    credential_id: int = 7,
) -> Credential:
    record = CredentialRecord(format=CredentialFormat.VC_DATA_INTEGRITY, image_url=image_url)
    return Credential(
        id=credential_id,
        user_id=3,
        media_type=media_type,
        raw=raw,
        record=dict(record_to_json(record)),
    )


def fetcher() -> SafeFetcher:
    return SafeFetcher(allow_loopback=True)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (make_png(), "image/png"),
        (jpeg_header(2, 2), "image/jpeg"),
        (GIF, "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (SVG, "image/svg+xml"),
        (b'<?xml version="1.0"?>\n<!-- made by hand -->' + SVG, "image/svg+xml"),
        (b"<html><script>alert(1)</script></html>", None),
        (b"%PDF-1.7", None),
    ],
)
def test_sniff_media_type_known_magic_bytes_name_the_type(
    data: bytes, media_type: str | None
) -> None:
    assert images.sniff_media_type(data) == media_type


def test_validate_image_small_png_is_accepted() -> None:
    assert images.validate_image(make_png(), "image/png").media_type == "image/png"


def test_validate_image_declared_type_differs_from_bytes_is_refused() -> None:
    with pytest.raises(ImageError) as caught:
        images.validate_image(make_png(), "image/gif")
    assert caught.value.code == "image_type"


def test_validate_image_too_many_pixels_is_refused() -> None:
    with pytest.raises(ImageError) as caught:
        images.validate_image(huge_png(5000, 4000))
    assert caught.value.code == "image_size"


def test_validate_image_too_many_bytes_is_refused() -> None:
    padded = make_png(chunks=((b"tEXt", b"pad\x00" + b"x" * images.MAX_IMAGE_BYTES),))
    with pytest.raises(ImageError) as caught:
        images.validate_image(padded)
    assert caught.value.code == "image_size"


def test_validate_image_svg_with_entity_declaration_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    with pytest.raises(ImageError):
        images.validate_image(bomb)


def test_validate_image_damaged_png_is_refused() -> None:
    with pytest.raises(ImageError):
        images.validate_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)


def test_decode_data_uri_base64_png_gives_the_image() -> None:
    uri = "data:image/png;base64," + base64.b64encode(make_png()).decode()
    assert images.decode_data_uri(uri).body == make_png()


def test_decode_data_uri_claiming_png_but_holding_svg_is_refused() -> None:
    uri = "data:image/png;base64," + base64.b64encode(SVG).decode()
    with pytest.raises(ImageError):
        images.decode_data_uri(uri)


def test_credential_image_baked_png_is_its_own_image(tmp_path: Path) -> None:
    png = make_png()
    credential = stored(media_type="image/png", raw=png)
    image = images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path)
    assert image is not None and image.body == png


def test_credential_image_baked_svg_is_served_as_svg(tmp_path: Path) -> None:
    svg = bake_svg("{}")
    credential = stored(media_type="image/svg+xml", raw=svg)
    image = images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path)
    assert image is not None and image.media_type == "image/svg+xml"


def test_credential_image_url_is_fetched_once_then_read_from_cache(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = http_server.serve("/badge.png", make_png(), content_type="image/png")
    credential = stored(url)
    first = images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path)
    second = images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path)
    assert first is not None and second == first
    assert http_server.requests == ["/badge.png"]
    assert (tmp_path / "3" / "images" / "7.png").read_bytes() == make_png()


def test_credential_image_refused_url_is_not_fetched_again(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = http_server.serve("/badge.png", b"<html>not an image</html>", content_type="image/png")
    credential = stored(url)
    assert images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path) is None
    assert images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path) is None
    assert http_server.requests == ["/badge.png"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (make_png(), "text/html", 200),
        (make_png(), "image/png", 404),
        (SVG, "image/png", 200),
    ],
    ids=["wrong-content-type", "not-found", "bytes-not-declared-type"],
)
def test_credential_image_url_answer_not_a_valid_image_gives_none(
    tmp_path: Path, http_server: LocalServer, body: bytes, content_type: str, status: int
) -> None:
    url = http_server.serve("/i", body, status=status, content_type=content_type)
    assert images.credential_image(stored(url), fetcher=fetcher(), files_dir=tmp_path) is None


def test_credential_image_unreachable_host_gives_none(tmp_path: Path) -> None:
    credential = stored("http://127.0.0.1:9/badge.png")
    assert images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path) is None


def test_credential_image_non_web_url_is_never_fetched(tmp_path: Path) -> None:
    credential = stored("file:///etc/passwd")
    assert images.credential_image(credential, fetcher=fetcher(), files_dir=tmp_path) is None
    assert not (tmp_path / "3").exists()


def test_delete_cached_image_removes_only_that_credential(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = http_server.serve("/badge.png", make_png(), content_type="image/png")
    for credential_id in (7, 8):
        images.credential_image(
            stored(url, credential_id=credential_id), fetcher=fetcher(), files_dir=tmp_path
        )
    images.delete_cached_image(tmp_path, 3, 7)
    assert sorted(p.name for p in (tmp_path / "3" / "images").iterdir()) == ["8.png"]
