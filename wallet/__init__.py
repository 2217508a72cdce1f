"""Plecak: an earner wallet for digital micro-credentials."""
