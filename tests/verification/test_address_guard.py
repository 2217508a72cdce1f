"""The fetcher's address guard allows only globally routable unicast, by unit calls."""

from __future__ import annotations

import ipaddress
import logging
import socket

import pytest

from wallet.errors import FetchError
from wallet.fetching import ADDRESS_NOT_ALLOWED, SafeFetcher, address_refusal


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "2001:4860:4860::8888",
        "2606:4700:4700::1111",
        "2002:808:808::1",  # 6to4 embedding a global address
        "64:ff9b::808:808",  # NAT64 of a global address
        "::ffff:8.8.8.8",
    ],
)
def test_address_refusal_global_unicast_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",  # shared address space
        "169.254.169.254",  # cloud metadata
        "fd00:ec2::254",
        "169.254.1.1",
        "fe80::1",
        "fec0::1",  # site-local
        "fc00::1",
        "fd12:3456::1",
        "192.0.0.8",  # IETF protocol assignments
        "192.0.0.170",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 embedding loopback
        "2002:a00:1::",  # 6to4 embedding 10.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 embedding the metadata address
        "2002:c000:8::",  # 6to4 embedding 192.0.0.8
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address
        "64:ff9b:1::808:808",  # local-use NAT64
        "2001::1",  # Teredo
        "2001:db8::1",  # documentation
        "100::1",  # discard-only
        "::7f00:1",  # IPv4-compatible (deprecated)
        "3fff::1",  # documentation (RFC 9637)
        "5f00::1",  # SRv6 SIDs
    ],
)
def test_address_refusal_not_global_unicast_refused(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is not None


def test_address_refusal_loopback_allowed_when_configured() -> None:
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert address_refusal(ipaddress.ip_address("2002:7f00:1::"), allow_loopback=True) is not None


def test_address_refusal_private_allowed_when_configured() -> None:
    assert address_refusal(ipaddress.ip_address("10.0.0.1"), allow_private=True) is None
    assert address_refusal(ipaddress.ip_address("fec0::1"), allow_private=True) is not None
    assert address_refusal(ipaddress.ip_address("169.254.169.254"), allow_private=True) is not None


def test_fetch_refused_address_message_hides_resolver_detail(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with (
        caplog.at_level(logging.WARNING, logger="wallet.fetching"),
        pytest.raises(FetchError) as raised,
    ):
        SafeFetcher().fetch("https://intranet.example.org/badge.json")
    # What the holder reads names no address; the detail is for the log and the command line.
    assert raised.value.message == ADDRESS_NOT_ALLOWED
    assert "10.1.2.3" not in raised.value.message
    assert "intranet" not in raised.value.message
    assert "10.1.2.3" in caplog.text and "intranet.example.org" in caplog.text


def test_fetch_unresolvable_host_message_hides_resolver_detail(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with (
        caplog.at_level(logging.WARNING, logger="wallet.fetching"),
        pytest.raises(FetchError) as raised,
    ):
        SafeFetcher().fetch("https://nowhere.example.org/badge.json")
    assert "Errno" not in raised.value.message and "not known" not in raised.value.message
    assert "Name or service not known" in caplog.text
