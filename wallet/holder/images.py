"""Badge images: found in the credential, in a data URI, or fetched once and cached; validated."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

from PIL import Image, UnidentifiedImageError

from wallet.accounts import user_files_dir
from wallet.errors import N_, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.models import Credential
from wallet.records import record_from_json

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 16_000_000
ACCEPT = "image/png, image/jpeg, image/gif, image/webp, image/svg+xml;q=0.9"
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}
_REFUSED_MARKER = "refused"
_SVG_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]", re.S
)

PLACEHOLDER_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96">'
    b'<rect width="96" height="96" rx="12" fill="#e6eaef"/>'
    b'<circle cx="48" cy="40" r="20" fill="none" stroke="#8a94a3" stroke-width="5"/>'
    b'<path d="M36 58 30 82l18-9 18 9-6-24" fill="none" stroke="#8a94a3" stroke-width="5"/>'
    b"</svg>"
)


class ImageError(WalletError):
    """An image was refused: wrong type, too large, or not what it claims to be."""

    code = "image"
    http_status = 422


@dataclass(frozen=True)
class BadgeImage:
    """Validated image bytes and their media type."""

    media_type: str
    body: bytes


PLACEHOLDER = BadgeImage("image/svg+xml", PLACEHOLDER_SVG)


def sniff_media_type(data: bytes) -> str | None:
    """The image type ``data`` starts like (PNG, JPEG, GIF, WebP, SVG), else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if _SVG_START.match(data.removeprefix(b"\xef\xbb\xbf")[:4096]):
        return "image/svg+xml"
    return None


def validate_image(
    data: bytes, declared: str | None = None, *, max_pixels: int = MAX_PIXELS
) -> BadgeImage:
    """``data`` as a badge image if it is a small, well-formed image of the declared type."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(N_("The image is too large."), code="image_size")
    media_type = sniff_media_type(data)
    if media_type is None:
        raise ImageError(N_("The file is not an image Plecak can show."), code="image_type")
    if declared is not None and _normal_type(declared) != media_type:
        raise ImageError(N_("The image is not of the type it claims."), code="image_type")
    if media_type == "image/svg+xml":
        _check_svg(data)
    else:
        _check_pixels(data, _PILLOW_FORMATS[media_type], max_pixels)
    return BadgeImage(media_type, data)


def decode_data_uri(uri: str) -> BadgeImage:
    """The image a ``data:image/...`` URI carries, validated."""
    header, comma, payload = uri.partition(",")
    if not comma or not header.startswith("data:image/"):
        raise ImageError(N_("The image address is not a data URI."), code="image_type")
    parameters = header[5:].split(";")
    try:
        if "base64" in parameters[1:]:
            data = base64.b64decode(payload, validate=True)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ImageError(N_("The image data is damaged."), code="image_type") from None
    return validate_image(data, parameters[0])


def fetch_image(fetcher: Fetcher, url: str) -> BadgeImage:
    """Download an image with a size cap and check its declared type against its bytes."""
    fetched = fetcher.fetch(url, accept=ACCEPT, max_bytes=MAX_IMAGE_BYTES)
    if fetched.status != 200:
        raise ImageError(N_("The image could not be downloaded."), code="image_fetch")
    declared = fetched.content_type.split(";", 1)[0].strip().lower()
    if declared not in EXTENSIONS and declared not in _ALIASES:
        raise ImageError(N_("The file is not an image Plecak can show."), code="image_type")
    return validate_image(fetched.body, declared)


def credential_image(
    credential: Credential, *, fetcher: Fetcher, files_dir: Path
) -> BadgeImage | None:
    """The credential's badge image, or ``None`` when it has none or it was refused.

    A baked credential is its own image. An image URL is fetched once; the result, or the
    fact that it was refused, is cached under the owner's files folder.
    """
    if credential.media_type in ("image/png", "image/svg+xml"):
        try:
            return validate_image(credential.raw, credential.media_type)
        except ImageError:
            pass
    image_url = record_from_json(credential.record).image_url
    if not image_url:
        return None
    if image_url.startswith("data:"):
        try:
            return decode_data_uri(image_url)
        except ImageError:
            return None
    if not image_url.lower().startswith(("http://", "https://")):
        return None
    return _cached_fetch(credential, image_url, fetcher, files_dir)


def delete_cached_image(files_dir: Path, user_id: int, credential_id: int) -> None:
    """Remove a credential's cached image (run after the deleting transaction commits)."""
    folder = _image_folder(files_dir, user_id)
    if folder.is_dir():
        for path in folder.glob(f"{credential_id}.*"):
            path.unlink(missing_ok=True)


def _cached_fetch(
    credential: Credential, url: str, fetcher: Fetcher, files_dir: Path
) -> BadgeImage | None:
    folder = _image_folder(files_dir, credential.user_id)
    for path in folder.glob(f"{credential.id}.*") if folder.is_dir() else ():
        if path.suffix == ".part":
            continue
        media_type = _type_of_extension(path.suffix.lstrip("."))
        return None if media_type is None else BadgeImage(media_type, path.read_bytes())
    try:
        image = fetch_image(fetcher, url)
    except (ImageError, FetchError):
        image = None
    folder.mkdir(parents=True, exist_ok=True)
    extension = EXTENSIONS[image.media_type] if image else _REFUSED_MARKER
    target = folder / f"{credential.id}.{extension}"
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(image.body if image else b"")
    partial.replace(target)  # atomic: a parallel request never reads half a file
    return image


def _image_folder(files_dir: Path, user_id: int) -> Path:
    return user_files_dir(files_dir, user_id) / "images"


def _type_of_extension(extension: str) -> str | None:
    return next((kind for kind, ext in EXTENSIONS.items() if ext == extension), None)


def _normal_type(declared: str) -> str:
    media_type = declared.split(";", 1)[0].strip().lower()
    return _ALIASES.get(media_type, media_type)


def _check_svg(data: bytes) -> None:
    # Entity declarations are how XML bombs and external-entity tricks start; badges need none.
    if b"<!ENTITY" in data:
        raise ImageError(N_("The image uses features Plecak does not allow."), code="image_type")


def _check_pixels(data: bytes, pillow_format: str, max_pixels: int) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageError(N_("The image is damaged or too large."), code="image_type") from None
    except (OSError, ValueError, SyntaxError):
        raise ImageError(N_("The image is damaged."), code="image_type") from None
    if width * height > max_pixels:
        raise ImageError(N_("The image has too many pixels."), code="image_size")
