"""European Digital Credentials in XML (ELM 2 / Europass ``europassCredential``) as ELM JSON.

The XML is parsed without DTDs, entities or network; the document is then rewritten into the
shape of the JSON-LD EDC (``credentialSubject.hasClaim``, ``awardedBy``, ``specifiedBy``…) so
that one mapper, ``map_elm``, turns both serialisations into the same record.
"""

from __future__ import annotations

import re

from lxml import etree

from wallet.errors import CredentialFormatError
from wallet.jsonvalues import JsonObject, JsonValue

MAX_XML_BYTES = 10 * 1024 * 1024
EDC_NAMESPACE = "http://data.europa.eu/snb"
CRED_NAMESPACE = "http://data.europa.eu/europass/model/credentials/w3c#"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
ROOT = "europassCredential"
_FORBIDDEN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_N = {"e": EDC_NAMESPACE, "c": CRED_NAMESPACE, "ds": DSIG_NAMESPACE}


def parse_edc_xml(data: bytes) -> etree._Element:
    """The root of an EDC XML document; no DTD, entity, XInclude or network access."""
    if len(data) > MAX_XML_BYTES:
        raise CredentialFormatError(f"the XML credential is larger than {MAX_XML_BYTES} bytes")
    if _FORBIDDEN.search(data):
        raise CredentialFormatError("an XML credential with a DOCTYPE or entity, refused")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise CredentialFormatError(f"XML that is not well-formed: {error}") from None
    if etree.QName(root).localname != ROOT or etree.QName(root).namespace != EDC_NAMESPACE:
        raise CredentialFormatError("XML whose root is not a europassCredential")
    return root


def is_signed(root: etree._Element) -> bool:
    """Whether the credential carries an XML signature (XAdES enveloped in ``proof`` or root)."""
    return bool(root.findall(".//ds:Signature", _N))


def edc_xml_to_json(root: etree._Element) -> JsonObject:
    """The credential in the ELM JSON shape ``map_elm`` reads."""
    agents = {
        element.get("id", ""): _organisation(element)
        for element in root.iterfind("e:agentReferences/e:organization", _N)
    }
    specifications = {
        element.get("id", ""): _specification(element)
        for container in root
        if isinstance(container.tag, str) and container.tag.endswith("SpecificationReferences")
        for element in container
        if isinstance(element.tag, str)
    }
    credential: JsonObject = {
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "displayParameter": {"title": _text(root.find("e:title", _N))},
    }
    _put(credential, "id", root.get(f"{{{CRED_NAMESPACE}}}id"))
    for name, key in (
        ("issued", "issued"),
        ("validFrom", "validFrom"),
        ("validUntil", "validUntil"),
        ("expirationDate", "validUntil"),
    ):
        _put(credential, key, _value(root.find(f"c:{name}", _N)))
    issuer = root.find("c:issuer", _N)
    if issuer is not None:
        credential["issuer"] = agents.get(issuer.get("idref", "")) or issuer.get("idref")
    subject = root.find("e:credentialSubject", _N)
    if subject is not None:
        credential["credentialSubject"] = _subject(subject, agents, specifications)
    return credential


def _subject(
    subject: etree._Element, agents: dict[str, JsonObject], specs: dict[str, JsonObject]
) -> JsonObject:
    found: JsonObject = {"type": "Person"}
    _put(found, "id", subject.get("id"))
    for name, key in (("fullName", "fullName"), ("givenNames", "givenName")):
        _put(found, key, _text(subject.find(f"e:{name}", _N)))
    _put(found, "familyName", _text(subject.find("e:familyName", _N)))
    _put(found, "dateOfBirth", _value(subject.find("e:dateOfBirth", _N)))
    mailboxes: list[JsonValue] = [
        box.get("uri", "") for box in subject.iterfind("e:contactPoint/e:mailBox", _N)
    ]
    if mailboxes:
        found["contactPoint"] = [{"emailAddress": mailboxes}]
    national = subject.find("e:nationalId", _N)
    if national is not None and _value(national):
        spatial = national.get("spatialID")
        found["nationalID"] = [{"notation": _value(national), "spatial": spatial}]
    claims: list[JsonValue] = []
    for kind, path in (
        ("LearningAchievement", "e:achievements/e:learningAchievement"),
        ("LearningActivity", "e:activities/e:activity"),
        ("LearningAssessment", "e:assessments/e:assessment"),
        ("LearningEntitlement", "e:entitlements/e:entitlement"),
    ):
        claims += [_claim(kind, element, agents, specs) for element in subject.iterfind(path, _N)]
    if claims:
        found["hasClaim"] = claims
    return found


def _claim(
    kind: str, element: etree._Element, agents: dict[str, JsonObject], specs: dict[str, JsonObject]
) -> JsonObject:
    claim: JsonObject = {"type": kind}
    _put(claim, "id", element.get("id"))
    _put(claim, "title", _text(element.find("e:title", _N)))
    _put(claim, "description", _text(element.find("e:description", _N)))
    specified = element.find("e:specifiedBy", _N)
    if specified is not None and specified.get("idref") in specs:
        claim["specifiedBy"] = specs[specified.get("idref", "")]
    awarded = element.find("e:wasAwardedBy", _N)
    if awarded is not None:
        bodies: list[JsonValue] = [
            agents.get(body.get("idref", "")) or body.get("idref", "")
            for body in awarded.iterfind("e:awardingBody", _N)
        ]
        awarding: JsonObject = {"awardingBody": bodies}
        _put(awarding, "awardingDate", _value(awarded.find("e:awardingDate", _N)))
        claim["awardedBy"] = awarding
    return claim


def _specification(element: etree._Element) -> JsonObject:
    spec: JsonObject = {}
    _put(spec, "id", element.get("id"))
    _put(spec, "title", _text(element.find("e:title", _N)))
    _put(spec, "description", _text(element.find("e:description", _N)))
    kind = element.find("e:type", _N)
    if kind is not None and kind.get("uri"):
        spec["dcType"] = {"id": kind.get("uri"), "prefLabel": _text(kind.find("e:targetName", _N))}
    eqf = element.find("e:eqfLevel", _N)
    if eqf is not None and eqf.get("uri"):
        spec["eqfLevel"] = {"id": eqf.get("uri"), "prefLabel": _text(eqf.find("e:targetName", _N))}
    return spec


def _organisation(element: etree._Element) -> JsonObject:
    organisation: JsonObject = {"type": "Organisation"}
    _put(organisation, "id", element.get("id"))
    _put(organisation, "legalName", _text(element.find("e:prefLabel", _N)))
    _put(organisation, "altLabel", _text(element.find("e:altLabel", _N)))
    registration = _value(element.find("e:registration", _N))
    if registration:
        organisation["registration"] = [{"notation": registration}]
    homepage = element.find("e:homepage", _N)
    if homepage is not None and homepage.get("uri"):
        organisation["homepage"] = [{"contentURL": homepage.get("uri")}]
    country = element.find("e:hasLocation/e:hasAddress/e:country", _N)
    if country is not None and country.get("uri"):
        organisation["location"] = [{"address": [{"countryCode": {"id": country.get("uri")}}]}]
    return organisation


def _text(element: etree._Element | None) -> JsonObject | None:
    """A language map from ``<text lang="…">`` children."""
    if element is None:
        return None
    found: JsonObject = {}
    for text in element.iterfind("e:text", _N):
        value = "".join(text.itertext()).strip()
        lang = text.get("lang") or "und"
        if value and lang not in found:
            found[lang] = value
    return found or None


def _value(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _put(target: JsonObject, key: str, value: JsonValue) -> None:
    if value not in (None, "", {}, []):
        target[key] = value
