"""X-Forwarded-For and X-Forwarded-Proto, believed only from MAM_TRUSTED_PROXIES.

Daphne runs without --proxy-headers (which trusts every client). Behind a trusted proxy the
client's address is the rightmost forwarded address that is not itself a trusted proxy;
from anyone else both headers are dropped, so nobody can pose as loopback (/metrics) or
dodge a per-address rate limit with a made-up header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest, HttpResponse

from mam.config import Config

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks(tuple(Config.TRUSTED_PROXIES)))


def client_address(remote: str, forwarded_for: str | None) -> str:
    """The client's address given the peer and its X-Forwarded-For (when the peer is trusted)."""
    if not forwarded_for or not is_trusted(remote):
        return remote
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        if hop and not is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage in the header: keep the peer
    return remote


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remote = str(request.META.get("REMOTE_ADDR", ""))
        if is_trusted(remote):
            request.META["REMOTE_ADDR"] = client_address(
                remote, request.META.get("HTTP_X_FORWARDED_FOR")
            )
        else:
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
