"""Which `Host` a request may name: the service writes absolute URLs from it.

Without `CLAIMS_PUBLIC_URL`, `next` links, `Link` headers, JSON-LD ids and feed hrefs
are built from the request's own URL, that is from its `Host` header; a client (or
anyone able to make one send a request) could otherwise make the service hand out
links to a host of their choosing. So the router answers only for the hosts of
`CLAIMS_TRUSTED_HOSTS` (the patterns of Starlette's `TrustedHostMiddleware`: a name,
`*.example.org` for its subdomains, `*` for any), and anything else is a 400 before any
work is done. With `CLAIMS_PUBLIC_URL` set, no URL follows the request, and every host is
served. The check runs in the router's own dependency, so an app that mounts the service
or includes its router gets it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request

from api.errors import untrusted_host


class TrustedHosts:
    """The hosts of a setting, ready to check a request's `Host` against."""

    def __init__(self, patterns: Iterable[str]) -> None:
        listed = [pattern.strip().lower() for pattern in patterns if pattern.strip()]
        self.any = "*" in listed
        self.names = frozenset(p for p in listed if not p.startswith("*"))
        self.suffixes = tuple(p[1:] for p in listed if p.startswith("*."))

    def allows(self, host: str) -> bool:
        name = hostname(host)
        return self.any or name in self.names or name.endswith(self.suffixes)

    def check(self, request: Request) -> None:
        """A 400 naming `Host` unless the request's `Host` header is trusted (a request
        without one is answered at the server's own address, which nobody sent)."""
        host = request.headers.get("host")
        if host is not None and not self.allows(host):
            raise untrusted_host(host)


def hostname(host: str) -> str:
    """A `Host` header's host, without its port, lower case (`[::1]:8000` -> `[::1]`)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
