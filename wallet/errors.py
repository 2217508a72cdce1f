"""Errors a service may raise: each has a stable code and a message safe to show a user."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the translation catalogue; the route layer translates it."""
    return message


class WalletError(Exception):
    """Base of every expected failure; ``code`` is stable, ``message`` is user-safe.

    ``detail`` is the technical account (English, for logs and the command line); it is the
    message itself unless the raiser gave one.
    """

    code = "wallet_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, detail: str | None = None) -> None:
        super().__init__(detail or message)
        self.message = message
        self.detail = detail or message
        if code is not None:
            self.code = code


class ConfigurationError(WalletError):
    """The application's configuration is invalid; start-up must stop."""

    code = "configuration"


class ValidationError(WalletError):
    """A user-supplied value is malformed."""

    code = "invalid"


class NotFoundError(WalletError):
    """The object does not exist or does not belong to the caller."""

    code = "not_found"
    http_status = 404


class ConflictError(WalletError):
    """The change conflicts with stored state (a duplicate, for instance)."""

    code = "conflict"
    http_status = 409


class AuthenticationError(WalletError):
    """Credentials given at log-in or for a sensitive change are wrong."""

    code = "authentication"
    http_status = 401


# What a holder reads for each reason a reader or the fetcher gives; the raiser's text is the
# detail only. Codes stay coarse and stable ("credential_format", "fetch"); reasons refine them.
PLAIN_MESSAGES: dict[str, str] = {
    # reading files and text
    "credential_format": N_(
        "Plecak cannot read this as a credential. Check that it is a badge or credential "
        "file from the issuer."
    ),
    "empty": N_("The file is empty."),
    "too_large": N_("The file is too large to be a credential."),
    "not_a_credential": N_(
        "This file is not a credential: it is another kind of document or image."
    ),
    "image_without_credential": N_(
        "This image has no credential inside it. Download the badge image again from the "
        "place that issued it, or import the credential file instead."
    ),
    "damaged_image": N_("The image is damaged or incomplete, so its credential cannot be read."),
    "unsafe_file": N_("The file was refused because reading it could be unsafe."),
    "invalid_json": N_("The text is not valid JSON, so it cannot be read as a credential."),
    "unsupported_credential": N_(
        "This looks like a credential, but of a kind or version Plecak cannot read."
    ),
    "pdf_scripts": N_(
        "The PDF was refused: it runs scripts or actions when opened, which a certificate "
        "never needs."
    ),
    "pdf_too_long": N_("The PDF has too many pages or attached files to be a certificate."),
    "pdf_encrypted": N_("The PDF is encrypted, so what it contains cannot be read."),
    "pdf_damaged": N_("The PDF is damaged, so it cannot be read."),
    "damaged_archive": N_("The archive is damaged, or it holds more files than Plecak reads."),
    # fetching from a web address
    "fetch": N_("The credential could not be fetched from this address."),
    "bad_address": N_("Enter a web address that starts with https://."),
    "host_not_found": N_("No server was found at this address. Check it for typing mistakes."),
    "address_refused": N_(
        "This address is not allowed: Plecak fetches only from public web addresses."
    ),
    "unreachable": N_("The server at this address could not be reached. Try again later."),
    "timeout": N_("The server at this address took too long to answer. Try again later."),
    "response_too_large": N_("The document at this address is too large to be a credential."),
    "redirects": N_("The address redirects too many times, or from https to an insecure address."),
    "http_not_found": N_("The server says there is nothing at this address."),
    "http_error": N_("The server at this address answered with an error. Try again later."),
    "wrong_media_type": N_("The address does not return a document Plecak can read."),
    "page_without_credential": N_(
        "The page at this address does not link to a credential Plecak can read."
    ),
    # connecting to an issuer's platform
    "connect": N_("Plecak could not connect to this platform. Try again later."),
    "connect_discovery": N_(
        "This address does not describe an Open Badges platform Plecak can connect to. Check "
        "the address, or ask the platform for the address of its Open Badges 3.0 service."
    ),
    "connect_registration": N_(
        "The platform did not accept Plecak as an application, so nothing was connected."
    ),
    "connect_denied": N_(
        "You did not allow Plecak to read your credentials on this platform, so nothing was "
        "connected."
    ),
    "connect_authorization": N_(
        "The answer from the platform could not be matched to a connection you started, or it "
        "came too late. Start connecting again."
    ),
    "connect_token": N_("The platform refused to give Plecak access. Start connecting again."),
    "connect_reauthorize": N_(
        "Plecak's access to this platform has ended. Connect again to keep receiving "
        "credentials from it."
    ),
    "connect_credentials": N_(
        "The platform's list of your credentials could not be read. Try again later."
    ),
    # receiving a credential offer (OpenID4VCI)
    "oid4vci_offer": N_(
        "This is not a credential offer Plecak can read. Copy the whole offer link from the "
        "issuer, starting with openid-credential-offer://, and paste it again."
    ),
    "oid4vci_metadata": N_(
        "The issuer does not describe itself in a way Plecak can use, so nothing was received."
    ),
    "oid4vci_unsupported": N_(
        "The issuer offers this credential only in a form Plecak cannot receive yet, so "
        "nothing was received."
    ),
    "oid4vci_expired": N_(
        "The issuer says this offer has expired or has already been used. Ask the issuer for "
        "a new offer."
    ),
    "oid4vci_tx_code": N_(
        "The issuer did not accept the transaction code. Check the code the issuer sent you "
        "and try again."
    ),
    "oid4vci_tx_code_form": N_(
        "Enter the transaction code exactly as the issuer gave it to you; this one asks for "
        "digits only."
    ),
    "oid4vci_token": N_("The issuer refused to give Plecak access, so nothing was received."),
    "oid4vci_denied": N_(
        "You did not allow the issuer to give Plecak the credential, so nothing was received."
    ),
    "oid4vci_authorization": N_(
        "The answer from the issuer could not be matched to an offer you started, or it came "
        "too late. Paste the offer again."
    ),
    "oid4vci_proof": N_(
        "The issuer did not accept the proof that the key in your wallet is yours, so nothing "
        "was received."
    ),
    "oid4vci_credential": N_(
        "The issuer did not give Plecak the credential, so nothing was received. Try again "
        "later or ask the issuer."
    ),
    "oid4vci_deferred": N_(
        "The issuer will prepare this credential later. Plecak cannot wait for it yet: ask the "
        "issuer for a new offer once it is ready."
    ),
}


class _PlainError(WalletError):
    """An error raised with technical text: the holder sees the plain message for its reason."""

    def __init__(self, detail: str, *, reason: str | None = None) -> None:
        self.reason = reason or type(self).code
        message = PLAIN_MESSAGES.get(self.reason, PLAIN_MESSAGES[type(self).code])
        super().__init__(message, detail=detail)


class FetchError(_PlainError):
    """A network fetch was refused by policy or failed."""

    code = "fetch"
    http_status = 502


class ConnectError(_PlainError):
    """An issuer's platform refused, failed or answered with something unusable."""

    code = "connect"
    http_status = 502


class CredentialFormatError(_PlainError, ValidationError):
    """Credential bytes cannot be read: the detail names what is wrong."""

    code = "credential_format"
    http_status = 422


class PathwayFormatError(ValidationError):
    """A pathway document cannot be read: the message names the field that is wrong."""

    code = "pathway_format"
    http_status = 422
