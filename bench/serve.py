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


def api_app(db: Path) -> Any:
    """Our service exactly as `claims serve` builds it."""
    from api import Settings, create_app

    return create_app(Settings(database_url=f"sqlite:///{db}"))


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
    parser.add_argument("--db", type=Path, required=True, help="SQLite store to serve")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--entity", default="entity-0", help="ceiling: whose claims to serve")
    parser.add_argument("--limit", type=int, default=20, help="ceiling: claims on the page")
    args = parser.parse_args()
    db = args.db.resolve()
    if args.target == "api":
        app = api_app(db)
    elif args.target == "ceiling":
        app = ceiling_app(db, args.entity, args.limit)
    else:
        app = datasette_app(db)
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, workers=1, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
