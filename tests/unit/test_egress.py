"""The egress guard (niochat.channels.egress): which URLs and addresses a provider request may go to, with and
without the local loopback allowance (PROVIDER_ALLOW_LOOPBACK). Name resolution is monkeypatched: no DNS."""

from __future__ import annotations

import socket

import pytest

from niochat.channels import egress
from niochat.channels.base import MEDIA_ADDRESS_REFUSED, PROVIDER_ADDRESS_REFUSED, ProviderError
from niochat.channels.egress import EgressRefused
from niochat.settings import get_settings
from tests.support.provider_settings import allow_loopback

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


@pytest.fixture(autouse=True)
def allowance(monkeypatch: pytest.MonkeyPatch):
    """Off unless a test turns it on; the settings cache forgotten before and after."""
    allow_loopback(monkeypatch, False)
    yield
    get_settings.cache_clear()


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """name → addresses; an unknown name does not resolve (an IP literal resolves to itself)."""
    names: dict[str, list[str]] = {}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        addresses = names.get(host)
        if addresses is None:
            try:
                addresses = [str(egress.ipaddress.ip_address(host))]
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


REFUSED_ADDRESSES = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.0.0.5", "private"),
    ("172.16.3.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "metadata"),
    ("169.254.170.2", "metadata"),
    ("169.254.1.1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.100.100.200", "metadata"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "private"),  # reserved (Python files 240/4 under private too)
    ("255.255.255.255", "private"),
    ("192.0.2.10", "private"),  # documentation
    ("198.18.0.1", "private"),  # benchmarking
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("fd00:ec2::254", "metadata"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:100.64.1.1", "carrier-grade NAT"),
    ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
    ("2002:a9fe:a9fe::1", "metadata"),  # 6to4 of 169.254.169.254
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("::7f00:1", "reserved"),  # IPv4-compatible (deprecated) 127.0.0.1
]


@pytest.mark.parametrize(("address", "kind"), REFUSED_ADDRESSES)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    reason = egress.refusal(egress.ipaddress.ip_address(address), loopback_allowed=False)
    assert reason is not None and kind in reason


@pytest.mark.parametrize("address", [PUBLIC_V4, "8.8.8.8", "1.1.1.1", PUBLIC_V6, "::ffff:8.8.8.8", "2002:808:808::1"])
def test_public_addresses_pass(address: str) -> None:
    assert egress.refusal(egress.ipaddress.ip_address(address), loopback_allowed=False) is None


@pytest.mark.parametrize(("address", "kind"), REFUSED_ADDRESSES)
def test_the_allowance_permits_loopback_only(address: str, kind: str) -> None:
    reason = egress.refusal(egress.ipaddress.ip_address(address), loopback_allowed=True)
    assert (reason is None) == (kind == "loopback" and address != "::7f00:1")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/send/text",
        "http://[::1]/x",
        "http://localhost/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "https://10.0.0.5/",
        "http://0.0.0.0:9001/2018-06-01/runtime/invocation/next",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f.1/",
    ],
)
def test_check_refuses_urls_aimed_inside(dns: dict[str, list[str]], url: str) -> None:
    dns["localhost"] = ["127.0.0.1", "::1"]
    dns["2130706433"] = ["127.0.0.1"]  # what the C resolver makes of these spellings
    dns["0x7f.1"] = ["127.0.0.1"]
    with pytest.raises(EgressRefused) as refused:
        egress.check(url)
    assert isinstance(refused.value, ProviderError) and refused.value.status is None
    assert refused.value.message == PROVIDER_ADDRESS_REFUSED and refused.value.reason


def test_a_name_is_refused_when_any_of_its_addresses_is_internal(dns: dict[str, list[str]]) -> None:
    dns["provider.example"] = [PUBLIC_V4]
    dns["mixed.example"] = [PUBLIC_V4, "10.1.2.3"]
    dns["v6.example"] = [PUBLIC_V6, "fe80::2"]
    dns["meta.example"] = ["169.254.169.254"]
    egress.check("https://provider.example/send/text")
    for name, kind in (("mixed.example", "private"), ("v6.example", "link-local"), ("meta.example", "metadata")):
        with pytest.raises(EgressRefused) as refused:
            egress.check(f"https://{name}/")
        assert kind in refused.value.reason


def test_an_unknown_host_is_refused_as_not_found(dns: dict[str, list[str]]) -> None:
    with pytest.raises(EgressRefused) as refused:
        egress.check("https://nao-existe.invalid/", MEDIA_ADDRESS_REFUSED)
    assert "host not found" in refused.value.reason and refused.value.message == MEDIA_ADDRESS_REFUSED


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://provider.example/file", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://provider.example:70/", "scheme"),
        ("provider.example/x", "scheme"),
        ("https://user:secret@provider.example/", "userinfo"),
        ("https://user@provider.example/", "userinfo"),
        ("https:///path-only", "no host"),
        ("http://provider.example:99999/", "malformed"),
        ("http://[::1/", "malformed"),
    ],
)
def test_check_refuses_other_schemes_userinfo_and_malformed_urls(
    dns: dict[str, list[str]], url: str, reason: str
) -> None:
    dns["provider.example"] = [PUBLIC_V4]
    with pytest.raises(EgressRefused) as refused:
        egress.check(url)
    assert reason in refused.value.reason


def test_loopback_urls_pass_with_the_allowance_and_private_ones_still_do_not(
    dns: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    dns["localhost"] = ["127.0.0.1", "::1"]
    dns["intranet"] = ["192.168.0.10"]
    allow_loopback(monkeypatch)
    for url in ("http://127.0.0.1:8080/", "http://localhost:9/", "http://[::1]:8080/", "http://127.0.0.53/"):
        egress.check(url)
    for url in ("http://10.0.0.5/", "http://169.254.169.254/", "http://intranet/", "http://0.0.0.0:8080/"):
        with pytest.raises(EgressRefused):
            egress.check(url)


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_the_allowance_is_off_unless_set(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PROVIDER_ALLOW_LOOPBACK", value)
    get_settings.cache_clear()
    assert get_settings().provider_allow_loopback is False
    with pytest.raises(EgressRefused):
        egress.check("http://127.0.0.1:8080/")
