"""Verification of imported credentials: reports of checks, proofs, keys and status."""
