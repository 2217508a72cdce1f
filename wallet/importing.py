"""The public face of ``wallet/import/``: the only module that loads that package.

``import`` is a Python keyword, so ``from wallet.import import …`` cannot be written; this
module loads the package once with ``importlib`` and re-exports its public functions with
their types. Everything else in Plecak uses ``from wallet import importing``.
"""

from __future__ import annotations

import importlib

_package = importlib.import_module("wallet.import")
