"""A linked-data user reads claims as JSON-LD and finds them in an RDF graph (rdflib):
the claim, its quote's selectors, its attribution chain and its relations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from api import Settings, Store, create_app
from api.writes.keys import create_key
from models.base import Scope

# rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOCAB = Namespace("urn:sourced-claims:vocab:")
LD = {"Accept": "application/ld+json"}
BASE = "http://testserver"
DIRECT = "legion-300-applications-a-day"  # direct speech, three hops
DISPUTED = "legion-two-fully-manned-battalions"  # indirect; other claims bear on it


def graph_of(response: Any) -> Graph:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    graph = Graph()
    graph.parse(data=response.text, format="json-ld")
    return graph


def claim(claim_id: str) -> URIRef:
    return URIRef(f"{BASE}/claims/{claim_id}")


def entity(slug: str) -> URIRef:
    return URIRef(f"{BASE}/entities/{slug}")


def source(slug: str) -> URIRef:
    return URIRef(f"{BASE}/sources/{slug}")


def one(graph: Graph, subject: Any, predicate: Any) -> Any:
    (found,) = list(graph.objects(subject, predicate))
    return found


def test_a_claim_is_a_schema_org_claim_with_its_author_and_appearances(
    client: TestClient,
) -> None:
    shown = client.get(f"/claims/{DIRECT}").json()
    graph = graph_of(client.get(f"/claims/{DIRECT}", headers=LD))
    node = claim(DIRECT)
    assert (node, RDF.type, SCHEMA.Claim) in graph
    assert one(graph, node, SCHEMA.text) == Literal(shown["statement"])
    author = one(graph, node, SCHEMA.author)
    assert author == entity("legion-representatives")
    assert (author, RDF.type, SCHEMA.Organization) in graph  # a group
    assert one(graph, author, SCHEMA.name) == Literal("Legion representatives")
    appearances = set(graph.objects(node, SCHEMA.appearance))
    assert appearances == {
        source("legion-article-2022"),
        source("interfax-legion-report"),
        source("legion-press-conference-2022-03-04"),
    }
    for work in appearances:
        assert (work, RDF.type, SCHEMA.CreativeWork) in graph
    # First seen where the claimant spoke: the hop nearest the claimant.
    assert one(graph, node, SCHEMA.firstAppearance) == source("legion-press-conference-2022-03-04")
    assert one(graph, node, SCHEMA.dateCreated) == Literal("2022-03-04", datatype=XSD.date)


def test_a_person_is_a_person_and_dates_are_typed_by_precision(client: TestClient) -> None:
    people = client.get("/claims?claimant=oleksiy-arestovych").json()["items"]
    graph = graph_of(client.get(f"/claims/{people[0]['id']}", headers=LD))
    assert (entity("oleksiy-arestovych"), RDF.type, SCHEMA.Person) in graph
    months = graph_of(client.get(f"/claims/{DISPUTED}", headers=LD))
    assert one(months, claim(DISPUTED), SCHEMA.dateCreated) == Literal(
        "2022-07", datatype=XSD.gYearMonth
    )
    years = graph_of(client.get("/claims/photo-caption-legion-volunteer", headers=LD))
    held = source("legion-article-2022")
    assert one(years, held, SCHEMA.datePublished) == Literal("2022", datatype=XSD.gYear)


def test_the_quote_is_an_annotation_with_both_selectors(client: TestClient) -> None:
    shown = client.get(f"/claims/{DIRECT}").json()
    quote = shown["quote"]
    held = client.get(f"/sources/{quote['source']}/text").text
    graph = graph_of(client.get(f"/claims/{DIRECT}", headers=LD))
    (annotation,) = list(graph.subjects(OA.hasBody, claim(DIRECT)))
    assert (annotation, RDF.type, OA.Annotation) in graph
    assert one(graph, annotation, OA.motivatedBy) == OA.quoting
    target = one(graph, annotation, OA.hasTarget)
    assert one(graph, target, OA.hasSource) == source(quote["source"])
    selectors = {one(graph, s, RDF.type): s for s in graph.objects(target, OA.hasSelector)}
    by_quote = selectors[OA.TextQuoteSelector]
    assert one(graph, by_quote, OA.exact).value == quote["text"]
    start, end = quote["start"], quote["end"]
    assert one(graph, by_quote, OA.prefix).value == held[start - 32 : start]
    assert one(graph, by_quote, OA.suffix).value == held[end : end + 32]
    by_position = selectors[OA.TextPositionSelector]
    assert one(graph, by_position, OA.start).value == start
    assert one(graph, by_position, OA.end).value == end
    assert held[start:end] == quote["text"]


def test_the_chain_is_prov_from_the_held_source_to_the_claimant(client: TestClient) -> None:
    graph = graph_of(client.get(f"/claims/{DIRECT}", headers=LD))
    node = claim(DIRECT)
    assert one(graph, node, PROV.wasAttributedTo) == entity("legion-representatives")
    held = one(graph, node, PROV.wasDerivedFrom)
    # Direct speech: each hop quotes the next, verbatim.
    agency = one(graph, held, PROV.wasQuotedFrom)
    spoken = one(graph, agency, PROV.wasQuotedFrom)
    assert list(graph.objects(spoken, PROV.wasQuotedFrom)) == []
    hops = [
        (one(graph, hop, SCHEMA.isPartOf), one(graph, hop, VOCAB.verb).value)
        for hop in (held, agency, spoken)
    ]
    assert hops == [
        (source("legion-article-2022"), "reported"),
        (source("interfax-legion-report"), "reported"),
        (source("legion-press-conference-2022-03-04"), "said"),
    ]
    assert one(graph, agency, PROV.wasAttributedTo) == entity("interfax-ukraine")
    assert one(graph, spoken, PROV.wasAttributedTo) == entity("legion-representatives")


def test_an_indirect_claim_derives_rather_than_quotes(client: TestClient) -> None:
    graph = graph_of(client.get(f"/claims/{DISPUTED}", headers=LD))
    held = one(graph, claim(DISPUTED), PROV.wasDerivedFrom)
    assert list(graph.objects(held, PROV.wasQuotedFrom)) == []
    outlet = one(graph, held, PROV.wasDerivedFrom)
    assert one(graph, outlet, PROV.wasAttributedTo) == entity("moscow-times")


def test_relations_between_claims_are_in_the_graph(client: TestClient) -> None:
    relations = client.get(f"/claims/{DISPUTED}/relations?limit=200").json()["items"]
    assert relations
    graph = graph_of(client.get(f"/claims/{DISPUTED}", headers=LD))
    terms = {"derived_from": "derivedFrom"}
    for relation in relations:
        predicate = VOCAB[terms.get(relation["type"], relation["type"])]
        assert (claim(relation["from"]), predicate, claim(relation["to"])) in graph


def test_a_page_is_an_ordered_item_list_with_next(client: TestClient) -> None:
    page = client.get("/claims?entity=legion&limit=3").json()
    response = client.get("/claims?entity=legion&limit=3", headers=LD)
    assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
    graph = graph_of(response)
    (listed,) = list(graph.subjects(RDF.type, SCHEMA.ItemList))
    assert one(graph, listed, VOCAB.next) == URIRef(page["next"])
    items = one(graph, listed, SCHEMA.itemListElement)
    ordered = list(graph.items(items))
    assert ordered == [claim(item["id"]) for item in page["items"]]
    for item in page["items"]:
        assert (claim(item["id"]), RDF.type, SCHEMA.Claim) in graph
    last = client.get("/claims?entity=legion&limit=200", headers=LD)
    (listed,) = list(graph_of(last).subjects(RDF.type, SCHEMA.ItemList))
    assert list(graph_of(last).objects(listed, VOCAB.next)) == []


def test_nested_lists_answer_json_ld_too(client: TestClient) -> None:
    graph = graph_of(client.get("/sources/interfax-legion-report/claims", headers=LD))
    assert (claim(DIRECT), RDF.type, SCHEMA.Claim) in graph


def test_json_ld_revalidates_by_its_own_etag(client: TestClient) -> None:
    linked = client.get(f"/claims/{DIRECT}", headers=LD)
    plain = client.get(f"/claims/{DIRECT}")
    assert linked.headers["etag"] != plain.headers["etag"]
    assert "Accept" in linked.headers["vary"]
    again = client.get(f"/claims/{DIRECT}", headers=LD | {"If-None-Match": linked.headers["etag"]})
    assert again.status_code == 304
    # The JSON is another representation: the JSON-LD's tag does not match it.
    plain_again = client.get(f"/claims/{DIRECT}", headers={"If-None-Match": linked.headers["etag"]})
    assert plain_again.status_code == 200


def test_a_retracted_claim_is_still_a_410_problem(client: TestClient, store: Store) -> None:
    with store.write_session() as session:
        key = create_key(session, "retractor", Scope.write)
        session.commit()
    etag = client.get(f"/claims/{DIRECT}").headers["etag"]
    gone = client.delete(
        f"/claims/{DIRECT}", headers={"Authorization": f"Bearer {key}", "If-Match": etag}
    )
    assert gone.status_code == 200, gone.text
    response = client.get(f"/claims/{DIRECT}", headers=LD)
    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"


def test_urls_follow_the_public_url(store: Store) -> None:
    app = create_app(
        Settings(database_url="sqlite://", public_url="https://claims.example.org/v1"),
        store=store,
    )
    public = "https://claims.example.org/v1"
    with TestClient(app) as client:
        graph = graph_of(client.get(f"/claims/{DIRECT}", headers=LD))
        page = graph_of(client.get("/claims?entity=legion&limit=2", headers=LD))
    assert (URIRef(f"{public}/claims/{DIRECT}"), RDF.type, SCHEMA.Claim) in graph
    (listed,) = list(page.subjects(RDF.type, SCHEMA.ItemList))
    assert listed == URIRef(f"{public}/claims?entity=legion&limit=2")
    assert str(one(page, listed, VOCAB.next)).startswith(f"{public}/claims?entity=legion")
