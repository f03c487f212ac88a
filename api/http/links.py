"""`Link` headers: URLs of a resource's other forms, and several links in one header.

URLs follow the request that was answered: under the prefix a host included the router
at, under the path a host mounted the app at, and under a proxy's root path, so a link
always leads into the copy of the service that was asked.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders


def item_path(request: Request, slug: str, suffix: str = "") -> str:
    """The path of the item `slug` of the collection this route serves, plus `suffix`:
    on `/sources/{slug}/…`, `item_path(request, "x", "/view")` is `/sources/x/view`."""
    route = request.scope.get("route")
    template = route.path if isinstance(route, APIRoute) else request.url.path
    collection = template.split("/{slug}")[0]
    return f"{_prefix(request, template)}{collection}/{slug}{suffix}"


def _prefix(request: Request, template: str) -> str:
    """What comes before the route's own path in the request's path. The route's
    template may lack the prefix of an included router, so the prefix is read off the
    path (a path parameter never holds a `/`, so segments line up)."""
    path: str = request.scope.get("path", request.url.path)
    depth = template.count("/")
    prefix = "/".join(path.split("/")[:-depth]) if depth else ""
    root: str = request.scope.get("root_path", "")
    # A mounted app's path includes its root path; behind a proxy, the path does not.
    return prefix if prefix.startswith(root) else root + prefix


def add_link(headers: MutableHeaders, link: str) -> None:
    """Add `link` to the `Link` header, after any link already there (RFC 8288 lists
    links comma-separated in one field)."""
    current = headers.get("Link")
    headers["Link"] = f"{current}, {link}" if current else link


def service_root(request: Request, public_url: str | None) -> str:
    """The absolute URL the service's paths (`/claims`, `/sources`...) hang under, in the
    copy of the router that was asked (`public_url` replaces scheme, host and root path)."""
    route = request.scope.get("route")
    template = route.path if isinstance(route, APIRoute) else request.url.path
    prefix = _prefix(request, template)
    if public_url:
        root: str = request.scope.get("root_path", "")
        path = prefix[len(root) :] if root and prefix.startswith(root) else prefix
        return public_url.rstrip("/") + path
    return f"{request.url.scheme}://{request.url.netloc}{prefix}"


def request_url(request: Request, public_url: str | None) -> str:
    """The URL that was asked, as the public sees it (under `public_url` when set)."""
    if not public_url:
        return str(request.url)
    root: str = request.scope.get("root_path", "")
    path = request.url.path
    path = path[len(root) :] if root and path.startswith(root) else path
    query = request.url.query
    return f"{public_url.rstrip('/')}{path}" + (f"?{query}" if query else "")
