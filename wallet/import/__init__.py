"""Readers for untrusted credential bytes: detection, unpacking and parsing into typed records.

``import`` is a Python keyword, so this package is loaded only by ``wallet.importing``.
"""

from .elm_xml import parse_edc_xml as parse_edc_xml
from .legacy_badges import is_legacy_document as is_legacy_document
from .legacy_badges import legacy_version as legacy_version
from .legacy_badges import upgrade_legacy_assertion as upgrade_legacy_assertion
from .legacy_badges import upgrade_legacy_badge_class as upgrade_legacy_badge_class
from .legacy_badges import upgrade_legacy_issuer as upgrade_legacy_issuer
from .normalise import RECORD_VERSION as RECORD_VERSION
from .normalise import normalise as normalise
from .reading import iter_any as iter_any
from .reading import read_any as read_any
from .reading import read_archive as read_archive
from .reading import read_envelopes as read_envelopes
