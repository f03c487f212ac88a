"""Content negotiation: which representation of a resource the request asks for.

A claim list answers JSON (a page), CSV or NDJSON (an export of every match) or JSON-LD
(a page as linked data); a single claim JSON or JSON-LD. A `format` query parameter wins
over the `Accept` header; an `Accept` that allows none of the offered types gets the
first (JSON) rather than a 406, as it did before anything else was offered.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

JSON = "application/json"
CSV = "text/csv"
NDJSON = "application/x-ndjson"
JSON_LD = "application/ld+json"


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header: (type, subtype, q), malformed parts skipped."""
    found = []
    for part in accept.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        kind, _, sub = pieces[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        found.append((kind, sub, q))
    return found


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    """The q the most specific matching range gives `media_type` (0 when none matches)."""
    kind, _, sub = media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for range_kind, range_sub, q in ranges:
        if (range_kind, range_sub) == (kind, sub):
            specificity = 2
        elif range_kind == kind and range_sub == "*":
            specificity = 1
        elif (range_kind, range_sub) == ("*", "*"):
            specificity = 0
        else:
            continue
        best = max(best, (specificity, q), key=lambda pair: pair[0])
    return best[1]


def preferred(request: Request, offered: Sequence[str]) -> str:
    """The offered media type the request's `Accept` prefers; ties go to the earlier."""
    accept = request.headers.get("accept")
    if not accept:
        return offered[0]
    ranges = _ranges(accept)
    scored = [(_quality(kind, ranges), -n, kind) for n, kind in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else offered[0]
