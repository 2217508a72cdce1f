"""The CV as JSON Resume (resume.json) and as Europass-style learning achievements."""

from __future__ import annotations

import re

from wallet.jsonvalues import JsonObject, JsonValue
from wallet.share.cv import CvView, Entry

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
_YEAR_RANGE = re.compile(r"^\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?\s*$")


def _dates(period: str) -> JsonObject:
    match = _YEAR_RANGE.match(period)
    if not match:
        return {"summary": period} if period else {}
    found: JsonObject = {"startDate": match.group(1)}
    if match.group(2):
        found["endDate"] = match.group(2)
    return found


def _work(entry: Entry) -> JsonObject:
    return {"position": entry.title, "name": entry.place, **_dates(entry.period)}


def _study(entry: Entry) -> JsonObject:
    return {"area": entry.title, "institution": entry.place, **_dates(entry.period)}


def json_resume(view: CvView, cv_url: str) -> JsonObject:
    """The CV as a JSON Resume document; each credential is a certificate linking to its check."""
    emails = [c for c in view.contacts if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", c)]
    basics: JsonObject = {"name": view.display_name, "url": cv_url}
    if view.headline:
        basics["label"] = view.headline
    if view.summary:
        basics["summary"] = view.summary
    if emails:
        basics["email"] = emails[0]
    certificates: list[JsonValue] = []
    for c in view.credentials:
        certificate: JsonObject = {
            "name": c.title,
            "issuer": c.issuer,
            "url": f"{cv_url}#c{c.position}",
        }
        if c.issued_on is not None:
            certificate["date"] = c.issued_on.date().isoformat()
        certificates.append(certificate)
    return {
        "$schema": JSON_RESUME_SCHEMA,
        "basics": basics,
        "work": [_work(e) for e in view.experience],
        "education": [_study(e) for e in view.education],
        "certificates": certificates,
        "skills": [{"name": s} for s in view.skills],
        "languages": [{"language": lang} for lang in view.languages],
        "meta": {
            "canonical": cv_url,
            "lastModified": view.updated_at.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    }


def europass_achievements(view: CvView, cv_url: str) -> JsonObject:
    """The CV's credentials as Europass-style learning achievements (title, body, date, proof)."""
    achievements: list[JsonValue] = []
    for c in view.credentials:
        achievement: JsonObject = {
            "title": {view.language: c.title},
            "awardingBody": {"preferredName": {view.language: c.issuer}},
            "verification": {"status": c.standing.value, "url": f"{cv_url}#c{c.position}"},
        }
        if c.issued_on is not None:
            achievement["issuedDate"] = c.issued_on.date().isoformat()
        if c.skills:
            achievement["learningOutcome"] = [{"title": {view.language: s}} for s in c.skills]
        achievements.append(achievement)
    return {
        "person": {"fullName": view.display_name},
        "language": view.language,
        "learningAchievements": achievements,
    }
