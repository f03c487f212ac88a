"""The annotated article: a held source's text as a web page, its claims highlighted."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.errors import text_not_held
from api.http.article import policy, render_page
from api.http.deps import SourceDep, store_of
from api.http.links import add_link, item_path
from api.http.routing import ServiceRoute
from api.queries.article import held_article

router = APIRouter(tags=["sources"], route_class=ServiceRoute)


@router.get("/sources/{slug}/view", response_class=HTMLResponse, include_in_schema=False)
def view_source(request: Request, source: SourceDep) -> HTMLResponse:
    """The held text with every live claim's quote highlighted, for people to read.

    A sync route: reading every claim of a source and rendering the page is a whole-set
    read, so it runs in the thread pool, off the event loop.
    """
    article = held_article(store_of(request), source.id, source.slug)
    if article is None:
        raise text_not_held(source.slug)
    page = HTMLResponse(render_page(article), headers={"Content-Security-Policy": policy()})
    if request.path_params.get("slug") != source.slug:
        add_link(page.headers, f'<{item_path(request, source.slug, "/view")}>; rel="canonical"')
    add_link(
        page.headers,
        f'<{item_path(request, source.slug)}>; rel="alternate"; type="application/json"',
    )
    return page
