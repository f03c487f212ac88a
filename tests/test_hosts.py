"""Absolute URLs never follow a `Host` the operator did not name.

`next` links, `Link` headers, JSON-LD ids and the change feed's hrefs are built from the
public URL when one is configured; otherwise from the request, and then only for hosts
of `CLAIMS_TRUSTED_HOSTS`: `Host: evil.example` is a 400 (it used to get links to
evil.example to hand on). The check is the router's, so it holds mounted and embedded.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import Settings, Store, create_app, create_router, install_error_handlers
from api.http.hosts import TrustedHosts

EVIL = "evil.example"
CLAIM = "legion-two-fully-manned-battalions"
JSON_LD = {"Accept": "application/ld+json"}
# Reads that write absolute URLs, one of each kind.
LINKING = [
    "/claims?entity=legion&limit=2",  # next link and Link header
    "/entities?limit=2",
    "/relations?limit=2",
    "/changes?limit=2",  # hrefs and next
    f"/claims/{CLAIM}",  # JSON-LD @ids (with the Accept below)
]


def app_with(store: Store, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(database_url="sqlite://", **settings), store=store))


# The service's own collections: a URL into one of them is a URL the service built
# (a JSON-LD answer also names vocabularies and the sources' own web pages).
OWN = ("/claims", "/entities", "/sources", "/relations", "/changes", "/candidates")


def urls_in(answer: Any) -> list[str]:
    """Every absolute URL of the service an answer carries, in its body and its Link
    header."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            found.append(value)

    walk(answer.json())
    found = [url for url in found if any(part in url for part in OWN)]
    link = answer.headers.get("link")
    if link:
        found += [part.split(">")[0].lstrip(" <") for part in link.split(",")]
    return found


def get(client: TestClient, url: str, host: str | None = None) -> Any:
    headers = dict(JSON_LD) if url.startswith("/claims/") else {}
    if host is not None:
        headers["Host"] = host
    return client.get(url, headers=headers)


@pytest.mark.parametrize("url", LINKING)
def test_an_untrusted_host_is_a_400_naming_it(client: TestClient, url: str) -> None:
    answer = get(client, url, EVIL)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["field"] == "Host"
    assert EVIL in problem["detail"]
    assert "CLAIMS_TRUSTED_HOSTS" in problem["detail"]
    assert EVIL not in answer.headers.get("link", "")


def test_writes_are_refused_for_an_untrusted_host_too(client: TestClient) -> None:
    answer = client.post("/entities", json={}, headers={"Host": EVIL})
    assert answer.status_code == 400
    assert answer.json()["field"] == "Host"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
@pytest.mark.parametrize("url", LINKING)
def test_the_default_hosts_serve_local_use(client: TestClient, url: str, host: str) -> None:
    answer = get(client, url, host)
    assert answer.status_code == 200, answer.text
    found = urls_in(answer)
    assert found
    for link in found:
        assert link.startswith(f"http://{host}/"), link


def test_configured_hosts_and_subdomains(store: Store) -> None:
    client = app_with(store, trusted_hosts=["claims.internal", "*.example.org"])
    for host in ("claims.internal", "CLAIMS.internal:8000", "api.example.org", "a.b.example.org"):
        answer = client.get("/claims?limit=1", headers={"Host": host})
        assert answer.status_code == 200, (host, answer.text)
        assert answer.json()["next"].lower().startswith(f"http://{host.lower()}/claims?")
    for host in ("example.org", "localhost", "testserver", "claims.internal.evil.example"):
        assert client.get("/claims?limit=1", headers={"Host": host}).status_code == 400, host


def test_star_serves_any_host(store: Store) -> None:
    client = app_with(store, trusted_hosts=["*"])
    assert client.get("/claims?limit=1", headers={"Host": EVIL}).status_code == 200


@pytest.mark.parametrize("url", LINKING)
def test_with_a_public_url_every_link_is_built_on_it(store: Store, url: str) -> None:
    public = "https://claims.example.org/v1"
    client = app_with(store, public_url=public, trusted_hosts=["localhost"])
    answer = get(client, url, EVIL)  # not trusted, but no URL follows it
    assert answer.status_code == 200, answer.text
    found = urls_in(answer)
    assert found
    for link in found:
        assert link.startswith(f"{public}/"), link


def test_the_setting_reads_a_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_TRUSTED_HOSTS", "claims.internal, 10.0.0.5")
    assert Settings().trusted_hosts == ["claims.internal", "10.0.0.5"]
    monkeypatch.setenv("CLAIMS_TRUSTED_HOSTS", '["a.example", "*.b.example"]')
    assert Settings().trusted_hosts == ["a.example", "*.b.example"]
    monkeypatch.delenv("CLAIMS_TRUSTED_HOSTS")
    assert TrustedHosts(Settings().trusted_hosts).allows("testserver")


def test_mounted_and_embedded_services_check_hosts_too(store: Store) -> None:
    host = FastAPI()
    install_error_handlers(host)
    host.include_router(create_router(store, Settings(database_url="sqlite://")), prefix="/v1")
    host.mount("/svc", create_app(Settings(database_url="sqlite://"), store=store))
    client = TestClient(host)
    for prefix in ("/v1", "/svc"):
        page = client.get(f"{prefix}/claims?limit=1")
        assert page.status_code == 200, page.text
        assert page.json()["next"].startswith(f"http://testserver{prefix}/claims?")
        refused = client.get(f"{prefix}/claims?limit=1", headers={"Host": EVIL})
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
