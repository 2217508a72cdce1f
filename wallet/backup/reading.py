"""Typed, bounded reading of the decrypted backup's JSON: errors name the field's path."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from wallet.errors import N_
from wallet.jsonvalues import JsonObject, JsonValue

from .container import MAX_PAYLOAD_BYTES, BackupFileError

T = TypeVar("T")


class FieldReader:
    """Typed access to one JSON object of the payload; errors name the field's path."""

    def __init__(self, value: JsonObject, path: str) -> None:
        self.value = value
        self.path = path

    def _get(self, name: str) -> JsonValue:
        return self.value.get(name)

    def text(self, name: str, limit: int) -> str:
        value = self._get(name)
        if not isinstance(value, str) or len(value) > limit:
            raise damaged(f"{self.path}.{name} is not a text of at most {limit} characters")
        return value

    def optional_text(self, name: str, limit: int) -> str | None:
        return None if self._get(name) is None else self.text(name, limit)

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise damaged(f"{self.path}.{name} is not true or false")
        return value

    def instant(self, name: str) -> datetime:
        value = self.text(name, 40)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise damaged(f"{self.path}.{name} is not an ISO 8601 instant") from None
        if parsed.tzinfo is None:
            raise damaged(f"{self.path}.{name} has no time zone")
        return parsed.astimezone(UTC)

    def optional_instant(self, name: str) -> datetime | None:
        return None if self._get(name) is None else self.instant(name)

    def data(self, name: str) -> bytes:
        try:
            return base64.b64decode(self.text(name, MAX_PAYLOAD_BYTES), validate=True)
        except (binascii.Error, ValueError):
            raise damaged(f"{self.path}.{name} is not base64") from None

    def optional_data(self, name: str) -> bytes | None:
        return None if self._get(name) is None else self.data(name)

    def digest(self, name: str) -> str:
        value = self.text(name, 64)
        if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            raise damaged(f"{self.path}.{name} is not a SHA-256 in hex")
        return value

    def optional_digest(self, name: str) -> str | None:
        return None if self._get(name) is None else self.digest(name)

    def digests(self, name: str) -> tuple[str, ...]:
        values = self.raw_list(name)
        reader = FieldReader({str(n): v for n, v in enumerate(values)}, f"{self.path}.{name}")
        return tuple(reader.digest(str(n)) for n in range(len(values)))

    def raw_object(self, name: str) -> JsonObject:
        value = self._get(name)
        if not isinstance(value, dict):
            raise damaged(f"{self.path}.{name} is not an object")
        return value

    def raw_list(self, name: str) -> list[JsonValue]:
        value = self._get(name)
        if not isinstance(value, list):
            raise damaged(f"{self.path}.{name} is not a list")
        return value

    def object(self, name: str) -> FieldReader:
        return FieldReader(self.raw_object(name), f"{self.path}.{name}")

    def optional_object(self, name: str) -> FieldReader | None:
        return None if self._get(name) is None else self.object(name)

    def each(self, name: str, read: Callable[[FieldReader], T]) -> tuple[T, ...]:
        found = []
        for n, item in enumerate(self.raw_list(name)):
            if not isinstance(item, dict):
                raise damaged(f"{self.path}.{name}[{n}] is not an object")
            found.append(read(FieldReader(item, f"{self.path}.{name}[{n}]")))
        return tuple(found)


def damaged(detail: str) -> BackupFileError:
    return BackupFileError(
        N_("The backup file is damaged or has been altered, so it cannot be restored."),
        code="backup_contents",
        detail=detail,
    )
