"""Escaping for the page: text and attributes for HTML, JSON for an inline script.

The held text must reach the DOM character for character, or the offsets the page shows
would drift from the quotes' offsets; HTML parsing turns a carriage return into a line
feed, so it is written as a character reference, which the parser keeps as it is.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

_SCRIPT_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def text(value: str) -> str:
    """`value` as HTML text content: `&`, `<`, `>` escaped, carriage returns kept."""
    return escape(value, quote=False).replace("\r", "&#13;")


def attribute(value: str) -> str:
    """`value` for a double-quoted attribute."""
    return escape(value, quote=True).replace("\r", "&#13;")


def script_json(data: Any) -> str:
    """`data` as JSON that can sit inside `<script type="application/json">`: no `<`
    is left, so neither `</script>` nor `<!--` in a quote can end or bend the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_UNSAFE)
