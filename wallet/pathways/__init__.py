"""Skill pathways: a holder's readiness toward larger qualifications, across issuers.

The engine is pure (no Flask, no I/O): ``definition`` reads and writes pathway documents,
``foreign`` reads Badgr and CTDL pathways, ``matching`` decides whether one credential counts for
one requirement, and ``evaluate`` adds the tree up into readiness, which is never an award.
"""
