"""Takes docs/annotated-article.png: the seed article's page in headless Chromium, with
one claim's details open. Run from the project root after `make test` has installed the
dev tools: `.venv/bin/python docs/screenshot.py`.

It serves a fresh SQLite store filled from fixtures/ on loopback, as the browser tests
do, and uses the same browser (Debian's chromium) with the same flags.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser  # noqa: E402
from live_server import LiveServer  # noqa: E402

OUT = ROOT / "docs" / "annotated-article.png"
CLAIM = "legion-formed-from-surrendered-soldiers"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        with (
            LiveServer(f"sqlite:///{work / 'claims.db'}", work / "server") as server,
            browser(work / "profile", server.base_url) as opened,
        ):
            page = opened.context.new_page()
            page.set_viewport_size({"width": 1200, "height": 820})
            page.goto(f"{server.base_url}/sources/legion-article-2022/view")
            page.locator(f'[data-claim="{CLAIM}"]').hover()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
