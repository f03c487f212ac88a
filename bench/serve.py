"""Serve one benchmark target: our API, the FastAPI ceiling, or Datasette.

All three run under the same uvicorn settings (one worker, warning log level, no access
log, 127.0.0.1 only), so a difference in their figures is a difference in the app, not
in how it is served. `run.py` starts this pinned to one core with `taskset`.

    python bench/serve.py api --db bench/data/claims-1000.db --port 8100
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import uvicorn
import yaml

HERE = Path(__file__).resolve().parent
DATASETTE_METADATA = HERE / "datasette.yaml"
DATASETTE_NAME = "claims"  # the database name datasette.yaml configures


def api_app(db: Path | None, database_url: str | None = None) -> Any:
    """Our service exactly as `claims serve` builds it, on a SQLite file or any URL."""
    from api import Settings, create_app

    return create_app(Settings(database_url=database_url or f"sqlite:///{db}"))


def ceiling_app(db: Path, entity: str, limit: int) -> Any:
    from ceiling import build_page, create_app

    return create_app(build_page(f"sqlite:///{db}", entity, limit))


def datasette_app(db: Path) -> Any:
    """Datasette on the store, read-only, its canned queries from datasette.yaml."""
    from datasette.app import Datasette  # type: ignore[import-untyped]
    from datasette.database import Database  # type: ignore[import-untyped]

    metadata = yaml.safe_load(DATASETTE_METADATA.read_text())
    ds = Datasette(metadata=metadata)
    ds.remove_database("_memory")
    # Named "claims" whatever the file is called, so one metadata file fits every store.
    ds.add_database(Database(ds, path=str(db), is_mutable=True), name=DATASETTE_NAME)
    return ds.app()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=["api", "ceiling", "datasette"])
    store = parser.add_mutually_exclusive_group(required=True)
    store.add_argument("--db", type=Path, help="SQLite store to serve")
    store.add_argument("--database-url", help="api: any store URL (PostgreSQL too)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--entity", default="entity-0", help="ceiling: whose claims to serve")
    parser.add_argument("--limit", type=int, default=20, help="ceiling: claims on the page")
    args = parser.parse_args()
    if args.database_url and args.target != "api":
        parser.error("--database-url serves the api target only")
    db = args.db.resolve() if args.db else None
    if args.target == "api":
        app = api_app(db, args.database_url)
    elif args.target == "ceiling":
        assert db is not None
        app = ceiling_app(db, args.entity, args.limit)
    else:
        assert db is not None
        app = datasette_app(db)
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, workers=1, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
