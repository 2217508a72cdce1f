"""Typed readers for untrusted JSON fields: wrong types give ``None`` or nothing, never a crash."""

from __future__ import annotations

import functools
import math
import re
from datetime import UTC, date, datetime

from babel.core import Locale, get_global

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.records import Concept, LocalizedText

TITLE_LIMIT = 500
TEXT_LIMIT = 20_000
URI_LIMIT = 2_048
DATA_URI_LIMIT = 512 * 1024
LIST_LIMIT = 500

_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<Mo>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<D>\d+(?:\.\d+)?)D)?(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<Mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
_HOURS_PER = {"W": 168.0, "D": 24.0, "H": 1.0, "Mi": 1 / 60, "S": 1 / 3600}
# EU Metadata Registry and EU-style codes that are not ISO 3166 codes.
_MDR_SPECIAL = {"1A0": "XK", "XKX": "XK", "EL": "GR", "UK": "GB"}


def text(value: JsonValue, limit: int = TEXT_LIMIT) -> str | None:
    """A trimmed, length-capped string, or ``None`` when blank or not a string."""
    if not isinstance(value, str):
        return None
    trimmed = value.strip()[:limit].strip()
    return trimmed or None


def obj(value: JsonValue) -> JsonObject | None:
    """The value when it is a JSON object."""
    return value if isinstance(value, dict) else None


def items(value: JsonValue) -> list[JsonValue]:
    """A list value, a single value as a one-item list, or nothing; capped in length."""
    if value is None:
        return []
    if isinstance(value, list):
        return value[:LIST_LIMIT]
    return [value]


def objects(value: JsonValue) -> list[JsonObject]:
    """The JSON objects among ``items(value)``."""
    return [item for item in items(value) if isinstance(item, dict)]


def strings(value: JsonValue, limit: int = URI_LIMIT) -> list[str]:
    """The non-blank strings among ``items(value)``."""
    found = (text(item, limit) for item in items(value))
    return [item for item in found if item]


def path(value: JsonValue, *keys: str) -> JsonValue:
    """Follow object keys; anything missing or of the wrong type gives ``None``."""
    current = value
    for key in keys:
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


def first_object(value: JsonValue) -> JsonObject | None:
    """The first JSON object of a value that may be an object or a list of them."""
    found = objects(value)
    return found[0] if found else None


def ref_id(value: JsonValue) -> str | None:
    """An identifier given either as a string or as an object's ``id``."""
    if isinstance(value, dict):
        return text(value.get("id"), URI_LIMIT)
    return text(value, URI_LIMIT)


def types_of(document: JsonObject) -> set[str]:
    """The document's ``type`` (or ``@type``) values."""
    return set(strings(document.get("type"))) | set(strings(document.get("@type")))


def language(tag: object) -> str:
    """The lower-case primary subtag of a language tag; ``und`` when it is not one."""
    if isinstance(tag, str):
        match = _LANGUAGE.match(tag.strip())
        if match:
            return match.group(1).lower()
    return "und"


def localized(value: JsonValue, lang: str = "und", limit: int = TEXT_LIMIT) -> LocalizedText:
    """Text from a string, a language map, JSON-LD value objects, or a list of these."""
    found: dict[str, str] = {}
    for item in items(value):
        if isinstance(item, str):
            _add(found, lang, text(item, limit))
        elif isinstance(item, dict) and "@value" in item:
            _add(found, language(item.get("@language", lang)), text(item.get("@value"), limit))
        elif isinstance(item, dict):
            for key, entry in list(item.items())[:LIST_LIMIT]:
                _add(found, language(key), text(entry, limit))
    return LocalizedText(tuple(found.items()))


def _add(found: dict[str, str], lang: str, value: str | None) -> None:
    if value is not None and lang not in found:
        found[lang] = value


def merge(*texts: LocalizedText) -> LocalizedText:
    """Join texts language by language, one paragraph per source."""
    found: dict[str, list[str]] = {}
    for each in texts:
        for lang, value in each.entries:
            found.setdefault(lang, []).append(value)
    return LocalizedText(tuple((lang, "\n\n".join(parts)) for lang, parts in found.items()))


def number(value: JsonValue) -> float | None:
    """A finite number given as a JSON number or a numeric string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def small_int(value: JsonValue, low: int, high: int) -> int | None:
    """An integer in ``[low, high]`` from a number or the digits in a string ("Level 6")."""
    if isinstance(value, str):
        digits = re.search(r"\d+", value)
        value = digits.group(0) if digits else None
    found = number(value)
    if found is None or not found.is_integer() or not low <= found <= high:
        return None
    return int(found)


def moment(value: JsonValue) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime (a date gives midnight UTC)."""
    raw = text(value, 64)
    if raw is None:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        # Offsets at the ends of the calendar can push the UTC instant out of range.
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def epoch(value: JsonValue) -> datetime | None:
    """A JWT NumericDate (seconds since the epoch) as an aware UTC datetime."""
    seconds = number(value) if not isinstance(value, str) else None
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def day(value: JsonValue) -> date | None:
    """A calendar date from an ISO 8601 date or date-time string."""
    found = moment(value)
    return found.date() if found else None


def duration_hours(value: JsonValue) -> float | None:
    """Hours in an ISO 8601 duration made of weeks, days, hours, minutes and seconds.

    Days count 24 hours as ISO 8601 defines them. Years and months have no fixed length in
    hours, so durations using them give ``None`` (see ``duration_calendar``).
    """
    raw = text(value, 64) or ""
    match = _DURATION.match(raw)
    if not match or raw == "P" or raw.endswith("T") or match.group("Y") or match.group("Mo"):
        return None
    return sum(float(match.group(part) or 0) * factor for part, factor in _HOURS_PER.items())


def duration_calendar(value: JsonValue) -> tuple[float, str] | None:
    """A duration given only in years or only in months, as (amount, "year" | "month")."""
    raw = text(value, 64)
    match = _DURATION.match(raw) if raw else None
    if not match:
        return None
    given = {part for part, amount in match.groupdict().items() if amount is not None}
    if given == {"Y"}:
        return float(match.group("Y")), "year"
    if given == {"Mo"}:
        return float(match.group("Mo")), "month"
    return None


def country_code(value: JsonValue) -> str | None:
    """ISO 3166 alpha-2 from alpha-2, alpha-3 or an EU MDR country URI (…/country/POL)."""
    raw = ref_id(value)
    if raw is None:
        return None
    code = raw.rstrip("/").rsplit("/", 1)[-1].strip().upper()
    if code in _MDR_SPECIAL:
        return _MDR_SPECIAL[code]
    if len(code) == 3:
        aliases: object = get_global("territory_aliases").get(code)
        single = isinstance(aliases, list | tuple) and len(aliases) == 1
        code = str(aliases[0]) if isinstance(aliases, list | tuple) and single else ""
    return code if code in _known_territories() else None


@functools.cache
def _known_territories() -> frozenset[str]:
    """ISO 3166 alpha-2 codes CLDR names, without its "unknown region" ZZ."""
    names: dict[str, object] = dict(Locale("en").territories)
    codes = {code for code in names if len(code) == 2}
    return frozenset(code for code in codes if code.isalpha()) - {"ZZ"}


def web_url(value: JsonValue) -> str | None:
    """An http(s) URL, else ``None``."""
    raw = ref_id(value)
    if raw and raw.lower().startswith(("https://", "http://")):
        return raw
    return None


def image_ref(value: JsonValue) -> str | None:
    """An image given as an http(s) URL or an image data URI (capped); never fetched."""
    raw = value.get("id") if isinstance(value, dict) else value
    if isinstance(raw, str) and raw.startswith("data:image/") and len(raw) <= DATA_URI_LIMIT:
        return raw
    return web_url(raw)


def concept(value: JsonValue, lang: str = "und") -> Concept | None:
    """A controlled-vocabulary concept ({id, prefLabel}) or a bare label string."""
    if isinstance(value, str):
        label = localized(value, lang, TITLE_LIMIT)
        return Concept(label=label) if label else None
    found = first_object(value)
    if found is None:
        return None
    label = localized(found.get("prefLabel"), lang, TITLE_LIMIT) or localized(
        found.get("title"), lang, TITLE_LIMIT
    )
    uri = ref_id(found)
    if not label and uri is None:
        return None
    return Concept(label=label, uri=uri)


def unique(values: list[str]) -> tuple[str, ...]:
    """Values without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


def ids(value: JsonValue) -> tuple[str, ...]:
    """The identifiers of a value that is an id, an object with an id, or a list of them."""
    return unique([found for found in map(ref_id, items(value)) if found])
