"""A real headless Chromium for tests, driven by Playwright, that may only reach loopback.

It is Debian's `chromium` (`make test` installs it: .ci/system-packages), never a browser
Playwright downloads. A missing browser fails the test that asked for it, saying how to
install one: a browser test that quietly skips would let a broken page through CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Route, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# Screenshots and other files a run keeps for people to look at (git ignores the default).
ARTIFACTS = Path(os.environ.get("CLAIMS_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """The browser binary: $CLAIMS_CHROMIUM, else Debian's /usr/bin/chromium."""
    wanted = os.environ.get("CLAIMS_CHROMIUM", "/usr/bin/chromium")
    found = wanted if Path(wanted).is_file() else shutil.which("chromium")
    if found is None:
        pytest.fail(
            f"no Chromium at {wanted} or on PATH: the browser tests need Debian's package "
            "(apt-get install -y --no-install-recommends chromium; make test does it)",
            pytrace=False,
        )
    return found


@dataclass
class Browser:
    """An open browser context, and what it tried to reach beyond `allowed`."""

    context: BrowserContext
    allowed: str
    refused: list[str] = field(default_factory=list)

    def guard(self, route: Route) -> None:
        url = route.request.url
        if url.startswith((self.allowed + "/", "data:")) or url == self.allowed:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


@contextmanager
def browser(profile: Path, allowed: str) -> Iterator[Browser]:
    """Chromium on a fresh profile, allowed to fetch only from `allowed` (the server)."""
    executable = chromium()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        opened = Browser(context, allowed)
        context.route("**/*", opened.guard)
        try:
            yield opened
        finally:
            context.close()
