"""Request dependencies as named aliases: the store, sessions, units of work, and the
path lookups that answer 404. Routes declare what they need with these and nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, TypeVar, get_origin

from fastapi import Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlmodel import Session

from api.errors import invalid_parameter
from api.http.consistency import route_of
from api.http.hosts import TrustedHosts
from api.http.links import add_link, item_path
from api.queries import names
from api.queries.names import Named
from api.settings import Settings
from api.store.db import Store

T = TypeVar("T")


def store_of(request: Request) -> Store:
    """The store the router serving `request` is bound to (see `bind_request`).

    The hottest routes call this directly: as a dependency it costs a pass through
    FastAPI's solver, which on a cheap read is a measurable share of the request.
    """
    store: Store = request.state.claims_store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.state.claims_settings
    return settings


async def get_store(request: Request) -> Store:
    return store_of(request)


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


def _check_query(request: Request) -> None:
    """NUL is never meaningful in a name or id (and PostgreSQL refuses it in text); a
    misspelt parameter (`entitiy=legion`) must fail, not silently match everything."""
    for where, values in (("path", request.path_params), ("query", request.query_params)):
        for name, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                raise invalid_parameter(name, f"the {where} parameter contains a NUL character")
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    known = _KNOWN.get(id(route))
    if known is None:
        known = _KNOWN[id(route)] = _query_names(route)
    allowed, lists = known
    seen: set[str] = set()
    for name, _value in request.query_params.multi_items():
        if name not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise invalid_parameter(name, f"is not a parameter of this endpoint (known: {listed})")
        if name in seen and name not in lists:
            raise invalid_parameter(name, "is given more than once; give it once")
        seen.add(name)


# Per route: the query parameters it takes, and those of them that may repeat.
_KNOWN: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _query_names(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """Query parameters a route declares, or documents for `params.parse_query`."""
    names, lists = _declared_names(route.dependant)
    for parameter in (route.openapi_extra or {}).get("parameters", []):
        if parameter.get("in") == "query":
            names.add(parameter["name"])
            if parameter.get("schema", {}).get("type") == "array":
                lists.add(parameter["name"])
    return frozenset(names), frozenset(lists)


def _declared_names(dependant: Dependant) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    lists: set[str] = set()
    for param in dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, field in annotation.model_fields.items():
                names.add(field.alias or name)
                if get_origin(field.annotation) is list:
                    lists.add(field.alias or name)
        else:
            names.add(param.alias)
            if get_origin(annotation) is list:
                lists.add(param.alias)
    for sub in dependant.dependencies:
        more, more_lists = _declared_names(sub)
        names |= more
        lists |= more_lists
    return names, lists


def bind_request(store: Store, settings: Settings) -> Callable[[Request], Awaitable[None]]:
    """The router's one dependency: checks every request (its `Host`, unless links come
    from `public_url`; its query), then binds the router's store.

    One dependency rather than several: each costs a pass through FastAPI's solver,
    which on a cheap read is a measurable share of the whole request.

    With read replicas, the request gets a view of the store routed by its method and
    headers (`api.http.consistency.route_of`); without, the store itself, at no cost.
    """

    hosts = None if settings.public_url else TrustedHosts(settings.trusted_hosts)

    async def bind(request: Request) -> None:
        if hosts is not None:
            hosts.check(request)
        _check_query(request)
        request.state.claims_store = store
        request.state.claims_settings = settings

    async def bind_routed(request: Request) -> None:
        if hosts is not None:
            hosts.check(request)
        _check_query(request)
        request.state.claims_store = store.routed(route_of(request))
        request.state.claims_settings = settings

    return bind if store.replicas is None else bind_routed


async def read(store: Store, work: Callable[..., T], *args: Any, whole_set: bool = False) -> T:
    """Run a read where it costs least.

    On SQLite a page is a few hundred microseconds of work in this process, less than a
    hop to the thread pool costs, so it runs on the event loop; reads of a whole filtered
    set (facets, exact counts, ranking) and every PostgreSQL read, which waits on the
    network, go to the thread pool, so one slow request does not hold up the others.
    """
    if whole_set or store.reads_block:
        return await run_in_threadpool(work, *args)
    return work(*args)


async def get_session(store: Annotated[Store, Depends(get_store)]) -> AsyncIterator[Session]:
    # async: opening a Session does no I/O, and a sync dependency would cost a thread hop.
    with store.session() as session:
        yield session


MERGE_PATCH = "application/merge-patch+json"
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
Reason = Annotated[
    str | None,
    Query(max_length=1000, description="Why the change is made; kept in the revision log."),
]
IfMatch = Annotated[
    str,
    Header(
        max_length=200,
        description="The ETag last read; the change applies only if it is still current. "
        "Several ETags, comma-separated, pass if any is current; `*` alone passes for any "
        "current version. `*` only stands alone: a list that mixes it with ETags (or holds "
        "anything that is not an ETag) matches nothing. Without the header the answer is "
        "428; when it does not match, 412.",
        examples=['"3-5c1e0a7d3b1f2a9e"'],
    ),
]


EntitySlug = Annotated[
    str,
    Path(
        max_length=200,
        description="Entity slug; a name or alias also works and answers with the slug.",
        examples=["freedom-of-russia-legion"],
    ),
]
SourceSlug = Annotated[
    str,
    Path(
        max_length=200,
        description="Source slug; its name or title, or a publisher with one source, also "
        "works and answers with the slug.",
        examples=["moscow-times-switching-sides"],
    ),
]


def _entity(store: Store, name: str) -> Named:
    with store.reader() as reader:
        return names.entity_or_404(reader, name)


def _source(store: Store, name: str) -> Named:
    with store.reader() as reader:
        return names.source_or_404(reader, name)


async def entity_named(request: Request, response: Response, slug: EntitySlug) -> Named:
    found = await read(store_of(request), _entity, store_of(request), slug)
    canonical(request, response, found, slug)
    return found


async def source_named(request: Request, response: Response, slug: SourceSlug) -> Named:
    found = await read(store_of(request), _source, store_of(request), slug)
    canonical(request, response, found, slug)
    return found


def canonical(request: Request, response: Response, found: Named, spelled: str) -> None:
    """Point at the resource's own URL, under the slug, when the path spelled it otherwise
    (built by `api.http.links.item_path`, so it links into the copy of the router asked)."""
    if found.slug == spelled:
        return
    add_link(response.headers, f'<{item_path(request, found.slug)}>; rel="canonical"')


EntityDep = Annotated[Named, Depends(entity_named)]
SourceDep = Annotated[Named, Depends(source_named)]
