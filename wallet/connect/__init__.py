"""Connecting Plecak to issuers' platforms and to other applications (no Flask in here)."""
