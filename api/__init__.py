"""sourced-claims: claims with their provenance, over a JSON API.

Importing this package does no I/O; build an app with `create_app()` or include
`create_router()` in your own.
"""

from api.app import create_app
from api.db import Store
from api.errors import install_error_handlers
from api.router import create_router
from api.settings import Settings

__all__ = ["Settings", "Store", "create_app", "create_router", "install_error_handlers"]
