"""The annotated article as one HTML document: the held text with its highlights, the
filters, the details panel, and the claims as JSON for the inline script.

Everything the page needs is inline, so it works with no network and under any prefix
the router is mounted at; its links are relative to `/sources/{slug}/view`.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from api.http.article.data import page_data
from api.http.article.layers import Span, deal, nest
from api.http.article.markup import attribute, script_json, text
from api.queries.article import HeldArticle

PALETTE = 12  # claimant colours k0..k11 in article.css; more claimants reuse them
ANCHOR = "claim-"  # a highlight's id, and so its URL fragment: `#claim-<claim id>`


@cache
def _inline(name: str) -> str:
    """An asset as it sits in its element, read on first use (importing `api` does no
    I/O); the policy's hashes are of exactly this text."""
    return "\n" + resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def policy() -> str:
    """The page's Content-Security-Policy: its own inline style and script (by hash)
    and nothing else, so markup that slipped through escaping could neither run nor
    load anything, and the page fetches nothing at all."""

    def digest(name: str) -> str:
        return base64.b64encode(hashlib.sha256(_inline(name).encode()).digest()).decode()

    return (
        f"default-src 'none'; script-src 'sha256-{digest('article.js')}'; "
        f"style-src 'sha256-{digest('article.css')}'; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def render_page(article: HeldArticle) -> str:
    data = page_data(article)
    claims: list[dict[str, Any]] = data["claims"]
    colours: dict[str, int] = {}
    for claim in claims:  # in text order: the first claimant met gets the first colour
        colours.setdefault(claim["claimant"]["slug"], len(colours) % PALETTE)
    heading = article.title or article.name
    return "".join(
        [
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<link rel="icon" href="data:,">\n',  # no request for /favicon.ico
            f"<title>{text(heading)}: claims highlighted</title>\n",
            f'<link rel="alternate" type="application/json" href="../{attribute(article.slug)}">\n',
            f"<style>{_inline('article.css')}</style>\n</head>\n<body>\n",
            _header(article, heading, len(claims)),
            _filters(claims, colours),
            '<main class="reader">\n<div class="stack">\n',
            _layers(article.text, claims, colours),
            "</div>\n",
            _details(),
            "</main>\n",
            f'<script type="application/json" id="claims-data">{script_json(data)}</script>\n',
            f"<script>{_inline('article.js')}</script>\n</body>\n</html>\n",
        ]
    )


def _header(article: HeldArticle, heading: str, count: int) -> str:
    slug = attribute(article.slug)
    return (
        f"<header>\n<h1>{text(heading)}</h1>\n"
        f'<p class="meta">{count} claim{"" if count == 1 else "s"} quoted from '
        f'<a href="../{slug}"><code>{text(article.slug)}</code></a> '
        f'(<a href="../{slug}/text">plain text</a>, '
        f'<a href="../{slug}/claims">claims as JSON</a>). '
        "Hover or focus a highlight (Tab) to read its claim, Enter to move into it; "
        "Escape closes it. Each claim's details link to its highlight.</p>\n"
        "</header>\n"
    )


def _options(label: str, total: int, counts: Counter[str], names: Mapping[str, str]) -> str:
    """The choices of a filter: everyone (`total` claims), then each name with the number
    of claims it would show."""
    ordered = sorted(counts, key=lambda slug: (names[slug].casefold(), slug))
    return "".join(
        [f'<option value="">{text(label)} ({total})</option>']
        + [
            f'<option value="{attribute(slug)}">{text(names[slug])} ({counts[slug]})</option>'
            for slug in ordered
        ]
    )


def _filters(claims: Sequence[dict[str, Any]], colours: Mapping[str, int]) -> str:
    names: dict[str, str] = {}
    by_claimant: Counter[str] = Counter()
    by_entity: Counter[str] = Counter()
    for claim in claims:
        names[claim["claimant"]["slug"]] = claim["claimant"]["name"]
        by_claimant[claim["claimant"]["slug"]] += 1
        for slug, name in {e["slug"]: e["name"] for e in claim["entities"]}.items():
            names.setdefault(slug, name)
            by_entity[slug] += 1
    legend = "".join(
        f'<li><span class="swatch k{colour}" aria-hidden="true"></span>{text(names[slug])}</li>'
        for slug, colour in colours.items()
    )
    return (
        '<form class="filters" aria-label="Filter the highlights">\n'
        '<label for="filter-claimant">Claimant</label>\n'
        '<select id="filter-claimant" name="claimant">'
        f"{_options('All claimants', len(claims), by_claimant, names)}</select>\n"
        '<label for="filter-entity">Entity</label>\n'
        '<select id="filter-entity" name="entity">'
        f"{_options('All entities', len(claims), by_entity, names)}</select>\n"
        '<output id="filter-count" for="filter-claimant filter-entity" aria-live="polite">'
        "</output>\n</form>\n"
        f'<details class="legend" open><summary>Colours: one per claimant</summary>'
        f"<ul>{legend}</ul></details>\n"
    )


def _layers(held: str, claims: Sequence[dict[str, Any]], colours: Mapping[str, int]) -> str:
    spans = []
    for index, claim in enumerate(claims):
        quote = claim["quote"]
        start, end = quote["start"], quote["end"]
        if 0 <= start <= end <= len(held) and held[start:end] == quote["text"]:
            spans.append(Span(start, end, index))  # the store verified it; never skipped

    def opening(span: Span) -> str:
        claim = claims[span.index]
        colour = colours[claim["claimant"]["slug"]]
        ident = attribute(claim["id"])
        return f'<mark id="{ANCHOR}{ident}" class="k{colour}" data-claim="{ident}" tabindex="0">'

    def overlay_text(chunk: str, depth: int) -> str:
        # The copy's words outside highlights are there for the layout only.
        if depth or not chunk:
            return text(chunk)
        return f'<span aria-hidden="true">{text(chunk)}</span>'

    layers = deal(spans) or [[]]
    parts = [
        '<article id="article" class="layer" data-layer="0">',
        nest(held, layers[0], opening, "</mark>", lambda chunk, _depth: text(chunk)),
        "</article>\n",
    ]
    for number, layer in enumerate(layers[1:], start=1):
        parts += [
            f'<div class="layer overlay" data-layer="{number}">',
            nest(held, layer, opening, "</mark>", overlay_text),
            "</div>\n",
        ]
    return "".join(parts)


def _details() -> str:
    return (
        '<aside class="details" id="details" aria-labelledby="details-heading">\n'
        '<h2 id="details-heading">Claim</h2>\n'
        '<p id="details-empty">Hover, select or focus a highlight to read its claim.</p>\n'
        '<div id="details-body" aria-live="polite" tabindex="-1"></div>\n'
        "</aside>\n"
    )
