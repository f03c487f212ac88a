"""The change feed: `/changes` as pages to poll, a long-poll, or Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from api.http import paging
from api.http.deps import read, settings_of, store_of
from api.http.errors import problem_responses
from api.http.params import parse_query, query_docs
from api.http.routing import ServiceRoute
from api.queries import changes
from api.queries.changes import FedChange
from api.queries.versions import tag
from api.store.columns import POSITION
from api.store.db import Store
from models.change import ChangeKind, ChangeListParams, ChangePage, ChangePublic, FedResource

router = APIRouter(tags=["changes"], route_class=ServiceRoute)

SCOPE = "changes"
EVENT_STREAM = "text/event-stream"
_PATHS = {"claim": "claims", "entity": "entities", "source": "sources", "relation": "relations"}
# How long an event-stream client waits before it reconnects (with Last-Event-ID).
RETRY_MS = 2000


def position(cursor: str | None, name: str = "since") -> int:
    """The feed position a cursor resumes after (0: the start); a 422 naming `name`."""
    key = paging.decode_cursor(cursor, (POSITION,), SCOPE, name)
    return int(key[0]) if key else 0


def _past(store: Store, after: int, limit: int) -> list[FedChange]:
    with store.reader() as reader:
        return changes.past(reader, after, limit)


def _root(request: Request) -> str:
    public_url = settings_of(request).public_url
    if public_url:
        return public_url.rstrip("/")
    url = request.url
    return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}"


def _public(change: FedChange, root: str) -> ChangePublic:
    """A change as the feed shows it; its tag is the one a GET of its version sent (none
    for a tombstone, or for a change recorded before the feed kept documents)."""
    document, version = change.document, change.version
    return ChangePublic(
        cursor=paging.encode_cursor([change.seq], SCOPE),
        kind=ChangeKind(change.kind),
        resource=FedResource(change.resource),
        id=change.key,
        revision=change.revision,
        version=version,
        etag=tag(document, version) if document is not None and version is not None else None,
        at=change.at,
        href=f"{root}/{_PATHS[change.resource]}/{change.key}",
        document=json.loads(change.document) if change.document is not None else None,
    )


@router.get(
    "/changes",
    summary="The change feed",
    response_model=ChangePage,
    responses={
        200: {
            "content": {
                EVENT_STREAM: {
                    "schema": {"type": "string"},
                    "example": 'id: eyJ2IjoxfQ\nevent: change\ndata: {"kind": "created"}\n\n',
                }
            },
            "description": "A page of changes; with `Accept: text/event-stream`, an endless "
            "stream of them as Server-Sent Events.",
        },
        **problem_responses(422),
    },
    openapi_extra=query_docs(ChangeListParams),
)
async def list_changes(request: Request) -> Response:
    """Every change to claims, entities, sources and relations, in commit order: created,
    updated, retracted, restored, deleted (a tombstone). Each carries the resource's
    revision, version, ETag and document as of that change. Read from the start (no
    `since`), apply each change, and follow `next` for ever: the last page's `next` answers
    an empty list until something changes. `wait=` long-polls; `Accept:
    text/event-stream` streams the changes as Server-Sent Events (`id:` is the cursor,
    `Last-Event-ID` resumes, `: heartbeat` comments keep the connection alive)."""
    params = parse_query(request, ChangeListParams)
    after = position(params.since)
    store = store_of(request)
    if EVENT_STREAM in request.headers.get("accept", ""):
        last_event = request.headers.get("last-event-id")
        if last_event:
            after = position(last_event, "Last-Event-ID")
        return StreamingResponse(
            _events(request, store, after, params.limit),
            media_type=EVENT_STREAM,
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    found = await read(store, _past, store, after, params.limit)
    if not found and params.wait:
        found = await _waited(request, store, after, params.limit, params.wait)
    root = _root(request)
    items = [_public(change, root) for change in found]
    headers: dict[str, str] = {}
    link = paging.next_link(
        request,
        headers,
        [found[-1].seq if found else after],
        settings_of(request).public_url,
        SCOPE,
        "since",
    )
    assert link is not None
    page = ChangePage(items=items, next=link)
    return Response(page.model_dump_json(), media_type="application/json", headers=headers)


async def _waited(
    request: Request, store: Store, after: int, limit: int, wait: float
) -> list[FedChange]:
    """Poll the store until a change past `after` is there, the wait is over, or the
    client has gone."""
    interval = settings_of(request).feed_poll_interval
    deadline = time.monotonic() + wait
    try:
        while (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(interval, left))
            if await request.is_disconnected():
                return []
            found = await read(store, _past, store, after, limit)
            if found:
                return found
    except asyncio.CancelledError:
        # The server is stopping (`claims serve` cancels what is still open after a short
        # grace): the wait ends early, with the empty page the client polls again from.
        return []
    return []


async def _events(request: Request, store: Store, after: int, limit: int) -> AsyncIterator[str]:
    """Changes as Server-Sent Events, polled from the store, for as long as the client
    listens; a heartbeat comment whenever nothing was sent for a while."""
    settings = settings_of(request)
    root = _root(request)
    yield f"retry: {RETRY_MS}\n\n"
    quiet_since = time.monotonic()
    try:
        while not await request.is_disconnected():
            found = await read(store, _past, store, after, limit)
            for change in found:
                public = _public(change, root)
                yield f"id: {public.cursor}\nevent: change\ndata: {public.model_dump_json()}\n\n"
                after = change.seq
            if found:
                quiet_since = time.monotonic()
                if len(found) == limit:
                    continue  # more waiting: no pause
            elif time.monotonic() - quiet_since >= settings.feed_heartbeat:
                yield ": heartbeat\n\n"
                quiet_since = time.monotonic()
            await asyncio.sleep(min(settings.feed_poll_interval, settings.feed_heartbeat))
    except asyncio.CancelledError:
        # The server is stopping: the stream ends, and the client reconnects (to another
        # process, or to this one restarted) with Last-Event-ID.
        return
