"""Plecak as an Open Badges 3.0 API provider: apps read what the holder consented to."""
