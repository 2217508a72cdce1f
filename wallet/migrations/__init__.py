"""Alembic migrations of the Plecak schema."""
