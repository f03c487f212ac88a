"""The annotated article page (`GET /sources/{slug}/view`): a held text with every
claim's quote highlighted, rendered server-side as one self-contained HTML document.

`layers` places overlapping quotes, `data` builds the JSON the page's script reads,
`markup` escapes text for HTML and for an inline script, `page` assembles the document
with the inline `article.css` and `article.js`.
"""

from __future__ import annotations

from api.http.article.page import policy, render_page

__all__ = ["policy", "render_page"]
