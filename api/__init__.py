"""sourced-claims: claims with their provenance, over a JSON API.

Importing this package does no I/O and loads nothing heavy: the names below are imported
when first used, so `import api.client` does not pull in the server. Build an app with
`create_app()`, or include `create_router()` in your own.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.app import create_app
    from api.http.errors import install_error_handlers
    from api.router import create_router
    from api.settings import Settings
    from api.store.db import Store

_EXPORTS = {
    "create_app": "api.app",
    "create_router": "api.router",
    "install_error_handlers": "api.http.errors",
    "Settings": "api.settings",
    "Store": "api.store.db",
}

__all__ = ["Settings", "Store", "create_app", "create_router", "install_error_handlers"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'api' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
