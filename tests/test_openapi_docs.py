"""The OpenAPI document describes everything, its examples are real, the docs work offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models import query as params


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]


def test_every_route_is_documented(spec: dict[str, Any]) -> None:
    paths = set(spec["paths"])
    assert paths == {
        "/claims",
        "/claims/{claim_id}",
        "/entities",
        "/entities/{slug}",
        "/entities/{slug}/claims",
        "/sources",
        "/sources/{slug}",
        "/sources/{slug}/claims",
        "/claims/{claim_id}/history",
        "/claims/{claim_id}/restore",
        "/claims/{claim_id}/relations",
        "/relations",
        "/relations/{relation_id}",
        "/relations/{relation_id}/history",
        "/relations/{relation_id}/restore",
        "/entities/{slug}/disputes",
        "/entities/{slug}/timeline",
        "/entities/{slug}/history",
        "/entities/{slug}/merge",
        "/entities/{slug}/restore",
        "/sources/{slug}/history",
        "/claims:batch",
        "/changes",
        "/sources/{slug}/text",
        "/sources/{slug}/extract",
        "/candidates",
        "/candidates/{candidate_id}",
        "/candidates/{candidate_id}/history",
        "/candidates/{candidate_id}/accept",
        "/candidates/{candidate_id}/reject",
        "/candidates:accept",
        "/proposals",
        "/proposals/{proposal_id}",
        "/proposals/{proposal_id}/history",
        "/proposals/{proposal_id}/accept",
        "/proposals/{proposal_id}/reject",
        "/proposals:accept",
        "/claims/{claim_id}/similar",
        "/claims:match",
        "/matching/thresholds",
        "/health",
    }
    for path, method, op in operations(spec):
        assert op.get("summary"), (path, method)
        assert op.get("description"), (path, method)
        for parameter in op.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])


def test_every_schema_and_field_is_described(spec: dict[str, Any]) -> None:
    for name, schema in spec["components"]["schemas"].items():
        if name.startswith(("ValidationError", "HTTPValidationError")):
            continue
        assert schema.get("description"), name
        for field, prop in schema.get("properties", {}).items():
            described = (
                prop.get("description")
                or "$ref" in prop
                or any("$ref" in option for option in prop.get("anyOf", []))
            )
            assert described or prop.get("enum"), f"{name}.{field}"


def test_errors_are_declared_as_problems(spec: dict[str, Any]) -> None:
    for path, _method, op in operations(spec):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert "application/problem+json" in response["content"], (path, status)


@pytest.mark.parametrize(
    ("schema", "url"),
    [
        ("ClaimPublic", "/claims/legion-300-applications-a-day"),
        ("EntityPublic", "/entities/freedom-of-russia-legion"),
        ("SourcePublic", "/sources/moscow-times-switching-sides"),
        ("EntityRef", "/claims/legion-two-fully-manned-battalions"),
    ],
)
def test_schema_examples_are_real_answers(
    client: TestClient, spec: dict[str, Any], schema: str, url: str
) -> None:
    example = spec["components"]["schemas"][schema]["examples"][0]
    answer = client.get(url).json()
    if schema == "EntityRef":
        answer = answer["claimant"]
    # FastAPI leaves nulls out of the OpenAPI document, examples included; when the
    # store was loaded is the one thing an example cannot know.
    assert "updated_at" not in example or "updated_at" in answer
    example.pop("updated_at", None)
    answer.pop("updated_at", None)
    assert example == without_nulls(answer)


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_render_with_no_internet(client: TestClient, page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert assets, "the page loads its scripts from somewhere"
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        assert client.get(asset).status_code == 200, asset
    assert "fonts.googleapis" not in html.text


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/claims", "ClaimListParams"),
        ("/entities/{slug}/claims", "ClaimFilterParams"),
        ("/sources/{slug}/claims", "ClaimFilterParams"),
    ],
)
def test_claim_list_parameters_are_documented_from_their_model(
    spec: dict[str, Any], path: str, model: str
) -> None:
    """These routes read their query themselves (see `params.parse_query`); the document
    must still list every parameter, with its constraints, choices and examples."""
    fields = getattr(params, model).model_fields
    documented = {
        p["name"]: p for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"
    }
    assert set(documented) == set(fields)
    assert documented["limit"]["schema"]["maximum"] == params.MAX_LIMIT
    assert documented["limit"]["schema"]["examples"] == [20]
    sort = documented["sort"]["schema"]["anyOf"][0]
    assert sort["enum"] == ["claimed_on", "-claimed_on", "event_date", "-event_date", "relevance"]
    assert documented["facet"]["schema"]["items"]["enum"] == [
        "claimant",
        "source",
        "status",
        "entity",
    ]
    assert documented["since"]["schema"]["examples"] == ["2022-06"]
    assert "$ref" not in str(documented)
