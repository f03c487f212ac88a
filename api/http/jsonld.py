"""Claims as linked data (JSON-LD): schema.org, W3C Web Annotation and PROV-O.

One claim becomes:

- a schema.org `Claim`: `text` (the statement), `author` (the claimant, a `Person`,
  `Organization`... by its kind), `appearance` (every source of its chain, each a
  `CreativeWork`) and `firstAppearance` (the source nearest the claimant); for a claim
  in a cluster (claims joined by `restates`), the sources every claim of the cluster
  quotes are appearances too, and the first appearance is the source of the cluster's
  first claim; `dateCreated`
  (when it was claimed) typed by its precision: `xsd:gYear`, `xsd:gYearMonth` or
  `xsd:date`;
- its quote, a Web Annotation (`oa:Annotation`, motivated by `oa:quoting`) whose body is
  the claim and whose target is the held source, with a `TextQuoteSelector` (`exact`, and
  `prefix` and `suffix`: up to 32 code points of held text either side) and a
  `TextPositionSelector` (`start`, `end`: code points, as the claim's offsets are);
- its attribution chain in PROV: the claim `prov:wasAttributedTo` its claimant and
  `prov:wasDerivedFrom` the first hop (the held source). Each hop (`…#hop-N`, a
  `prov:Entity`: the claim as that source carries it) `schema:isPartOf` its source,
  `prov:wasAttributedTo` its entity, and derives from the next hop, embedded in it:
  `prov:wasQuotedFrom` where the claim is direct speech (the words travel verbatim),
  `prov:wasDerivedFrom` otherwise;
- its relations to other claims, which neither schema.org nor PROV has words for, as
  terms of the service's own vocabulary `urn:sourced-claims:vocab:` (`contradicts`,
  `undermines`, `qualifies`, `supports`, `restates`, `derivedFrom`), from the claim that
  bears on the other to that other; with `status`, `speech` and `eventDate` (typed like
  `dateCreated`) in the same vocabulary.

The `@context` is written inline, so a reader needs no network to expand it. Nodes are
named by the service's URLs (`/claims/{id}`, `/sources/{slug}`, `/entities/{slug}`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from api.queries import linked
from api.queries.linked import Surroundings
from api.store.db import Store
from models.base import DatePrecision, date_precision

VOCAB = "urn:sourced-claims:vocab:"
MEDIA_TYPE = "application/ld+json"

_ID = {"@type": "@id"}
CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "claims": VOCAB,
    "itemListElement": {"@id": "schema:itemListElement", "@container": "@list"},
    "next": {"@id": "claims:next", "@type": "@id"},
    "sameAs": {"@id": "schema:sameAs", **_ID},
    "quote": {"@id": "claims:quote"},
    "status": {"@id": "claims:status"},
    "speech": {"@id": "claims:speech"},
    "verb": {"@id": "claims:verb"},
    "eventDate": {"@id": "claims:eventDate"},
    "contradicts": {"@id": "claims:contradicts", **_ID},
    "undermines": {"@id": "claims:undermines", **_ID},
    "qualifies": {"@id": "claims:qualifies", **_ID},
    "supports": {"@id": "claims:supports", **_ID},
    "restates": {"@id": "claims:restates", **_ID},
    "derivedFrom": {"@id": "claims:derivedFrom", **_ID},
    "Annotation": "oa:Annotation",
    "SpecificResource": "oa:SpecificResource",
    "TextQuoteSelector": "oa:TextQuoteSelector",
    "TextPositionSelector": "oa:TextPositionSelector",
    "motivatedBy": {"@id": "oa:motivatedBy", "@type": "@vocab"},
    "quoting": "oa:quoting",
    "hasBody": {"@id": "oa:hasBody", **_ID},
    "hasTarget": {"@id": "oa:hasTarget"},
    "hasSource": {"@id": "oa:hasSource", **_ID},
    "hasSelector": {"@id": "oa:hasSelector"},
    "exact": {"@id": "oa:exact"},
    "prefix": {"@id": "oa:prefix"},
    "suffix": {"@id": "oa:suffix"},
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    "ProvEntity": "prov:Entity",
    "wasAttributedTo": {"@id": "prov:wasAttributedTo", **_ID},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", **_ID},
    "wasQuotedFrom": {"@id": "prov:wasQuotedFrom", **_ID},
}
# Relation types as the vocabulary's terms.
RELATION_TERMS = {
    "contradicts": "contradicts",
    "undermines": "undermines",
    "qualifies": "qualifies",
    "supports": "supports",
    "restates": "restates",
    "derived_from": "derivedFrom",
}
# Entity kinds as schema.org types.
ENTITY_TYPES = {
    "person": "Person",
    "place": "Place",
    "weapon": "Product",
    "work": "CreativeWork",
}
_DATE_TYPES = {
    DatePrecision.year: "xsd:gYear",
    DatePrecision.month: "xsd:gYearMonth",
    DatePrecision.day: "xsd:date",
}


def typed_date(value: str) -> dict[str, str]:
    """A date at the precision it is known, as a typed literal."""
    return {"@value": value, "@type": _DATE_TYPES[date_precision(value)]}


class Renderer:
    """Claims (their `ClaimPublic` JSON) as JSON-LD nodes, under the service's `root` URL."""

    def __init__(self, root: str, around: Surroundings) -> None:
        self.root = root.rstrip("/")
        self.around = around

    def claim_url(self, claim_id: str) -> str:
        return f"{self.root}/claims/{claim_id}"

    def entity(self, slug: str) -> dict[str, Any]:
        name, kind = self.around.entities.get(slug, (slug, "organization"))
        node: dict[str, Any] = {
            "@id": f"{self.root}/entities/{slug}",
            "@type": ENTITY_TYPES.get(kind, "Organization"),
            "identifier": slug,
            "name": name,
        }
        same_as = self.around.same_as.get(slug)
        if same_as:
            node["sameAs"] = same_as  # schema:sameAs, as the identifiers a reviewer set
        return node

    def work(self, slug: str) -> dict[str, Any]:
        node: dict[str, Any] = {
            "@id": f"{self.root}/sources/{slug}",
            "@type": "CreativeWork",
            "identifier": slug,
        }
        facts = self.around.sources.get(slug)
        if facts is None:
            return node
        node["name"] = facts.name
        if facts.title:
            node["headline"] = facts.title
        if facts.date:
            node["datePublished"] = typed_date(facts.date)
        if facts.url:
            node["url"] = facts.url
        if facts.publisher:
            node["publisher"] = {"@id": f"{self.root}/entities/{facts.publisher}"}
        return node

    def claim(self, claim: dict[str, Any]) -> dict[str, Any]:
        url = self.claim_url(claim["id"])
        chain = claim["attribution"]
        sources = list(dict.fromkeys(hop["source"] for hop in chain if hop["source"]))
        first = sources[-1]
        cluster = claim.get("cluster")
        members = self.around.clusters.get(cluster["id"], {}) if cluster else {}
        if cluster and members:
            # Restated elsewhere: the cluster's first claim's source is the claim's first
            # appearance, and every claim of it is one more appearance.
            first = members.get(cluster["first"], first)
            sources = list(dict.fromkeys([*sources, *members.values()]))
        node: dict[str, Any] = {
            "@id": url,
            "@type": "Claim",
            "identifier": claim["id"],
            "text": claim["statement"],
            "author": self.entity(claim["claimant"]["slug"]),
            "appearance": [self.work(slug) for slug in sources],
            "firstAppearance": {"@id": f"{self.root}/sources/{first}"},
            "status": claim["status"],
            "speech": claim["speech"],
            "about": [
                {"@id": f"{self.root}/entities/{slug}"}
                for slug in dict.fromkeys(
                    e["slug"] for e in claim["entities"] if e["role"] == "about"
                )
            ],
            "quote": self.annotation(claim),
            "wasAttributedTo": f"{self.root}/entities/{claim['claimant']['slug']}",
            "wasDerivedFrom": self.hop(claim, 0),
        }
        if claim["claimed_on"]:
            node["dateCreated"] = typed_date(claim["claimed_on"])
        if claim["event_date"]:
            node["eventDate"] = typed_date(claim["event_date"])
        for kind, from_id, to_id in self.around.relations:
            if from_id == claim["id"]:
                node.setdefault(RELATION_TERMS[kind], []).append(self.claim_url(to_id))
        return node

    def hop(self, claim: dict[str, Any], n: int) -> dict[str, Any]:
        """Hop `n` of the chain: the claim as that source (or entity) carries it."""
        url = self.claim_url(claim["id"])
        hop = claim["attribution"][n]
        node: dict[str, Any] = {"@id": f"{url}#hop-{n}", "@type": "ProvEntity", "verb": hop["verb"]}
        if hop["source"]:
            node["schema:isPartOf"] = {"@id": f"{self.root}/sources/{hop['source']}"}
        if hop["entity"]:
            node["wasAttributedTo"] = self.entity(hop["entity"])
        if n + 1 < len(claim["attribution"]):
            link = "wasQuotedFrom" if claim["speech"] == "direct" else "wasDerivedFrom"
            node[link] = self.hop(claim, n + 1)
        return node

    def annotation(self, claim: dict[str, Any]) -> dict[str, Any]:
        """The quote: the claim's body anchored in the held text by both selectors."""
        quote = claim["quote"]
        url = self.claim_url(claim["id"])
        by_quote: dict[str, Any] = {"@type": "TextQuoteSelector", "exact": quote["text"]}
        if claim["id"] in self.around.around:
            by_quote["prefix"], by_quote["suffix"] = self.around.around[claim["id"]]
        return {
            "@id": f"{url}#quote",
            "@type": "Annotation",
            "motivatedBy": "quoting",
            "hasBody": url,
            "hasTarget": {
                "@id": f"{url}#quote-target",
                "@type": "SpecificResource",
                "hasSource": f"{self.root}/sources/{quote['source']}",
                "hasSelector": [
                    by_quote,
                    {"@type": "TextPositionSelector", "start": quote["start"], "end": quote["end"]},
                ],
            },
        }

    def incoming(self, shown: set[str]) -> list[dict[str, Any]]:
        """Relations to the shown claims from claims not shown, as nodes of their own."""
        nodes: dict[str, dict[str, Any]] = {}
        for kind, from_id, to_id in self.around.relations:
            if to_id in shown and from_id not in shown:
                node = nodes.setdefault(from_id, {"@id": self.claim_url(from_id)})
                node.setdefault(RELATION_TERMS[kind], []).append(self.claim_url(to_id))
        return list(nodes.values())


def claim_document(root: str, claim: dict[str, Any], around: Surroundings) -> dict[str, Any]:
    """One claim as a JSON-LD document: the claim, and claims that bear on it."""
    renderer = Renderer(root, around)
    graph = [renderer.claim(claim), *renderer.incoming({claim["id"]})]
    return {"@context": CONTEXT, "@graph": graph}


def page_document(
    root: str, url: str, claims: list[dict[str, Any]], around: Surroundings, next_url: str | None
) -> dict[str, Any]:
    """A page of claims as a schema.org `ItemList` (in order), with the `next` page."""
    renderer = Renderer(root, around)
    page: dict[str, Any] = {
        "@id": url,
        "@type": "ItemList",
        "numberOfItems": len(claims),
        "itemListElement": [renderer.claim(claim) for claim in claims],
    }
    if next_url:
        page["next"] = next_url
    incoming = renderer.incoming({claim["id"] for claim in claims})
    return {"@context": CONTEXT, "@graph": [page, *incoming]}


def _bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def linked_claim(store: Store, root: str, body: str) -> bytes:
    """A claim's stored JSON as its JSON-LD document (reads what the claim leaves out)."""
    claim = json.loads(body)
    return _bytes(claim_document(root, claim, linked.surroundings(store, [claim])))


def linked_page(
    store: Store, root: str, url: str, bodies: list[str], next_url: str | None
) -> bytes:
    """A page's stored claims as its JSON-LD document."""
    claims = [json.loads(body) for body in bodies]
    around = linked.surroundings(store, claims)
    return _bytes(page_document(root, url, claims, around, next_url))


def content_tag(body: bytes) -> str:
    """The ETag of a JSON-LD answer: of its bytes, since it tells of the claim's sources,
    entities and relations too, which change without the claim's version changing."""
    return f'"ld-{hashlib.sha256(body).hexdigest()[:20]}"'
