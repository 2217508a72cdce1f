"""Readers for untrusted credential bytes: detection, unpacking and parsing into typed records.

``import`` is a Python keyword, so this package is loaded only by ``wallet.importing``.
"""
