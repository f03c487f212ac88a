"""Many clients reading at once from a real server: every answer right, the server up.

Reads run in two places (cheap pages on the event loop, facets and counts in the thread
pool), each drawing connections from the store; this is the load that showed a pool
which could close a connection another thread was still reading from.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from conftest import url_of
from live_server import LiveServer

from api import Store
from models import ClaimPublic
from models.page import ClaimPage

CLIENTS = 24
REQUESTS_EACH = 12
PATHS = [
    "/claims?entity=legion&limit=5",
    "/claims?entity=legion&facet=status&facet=claimant&facet=entity&facet=source&count=exact",
    "/claims?q=legion&sort=relevance&limit=3",
    "/claims/legion-300-applications-a-day",
    "/entities/freedom-of-russia-legion/claims?sort=-claimed_on&count=exact",
]


def test_many_clients_reading_at_once_all_get_right_answers(
    empty_store: Store, tmp_path: Path
) -> None:
    with LiveServer(url_of(empty_store), tmp_path, name="readers") as server:
        base = server.base_url
        with httpx.Client(base_url=base, timeout=30) as http:
            expected = {path: http.get(path).text for path in PATHS}

        def read(number: int) -> list[str]:
            wrong = []
            with httpx.Client(base_url=base, timeout=30) as http:
                for n in range(REQUESTS_EACH):
                    path = PATHS[(number + n) % len(PATHS)]
                    answer = http.get(path)
                    if answer.status_code != 200 or answer.text != expected[path]:
                        wrong.append(f"{path}: {answer.status_code} {answer.text[:200]}")
            return wrong

        with ThreadPoolExecutor(CLIENTS) as pool:
            problems = [p for found in pool.map(read, range(CLIENTS)) for p in found]
        assert problems == []
        assert server.process is not None
        assert server.process.poll() is None, server.output()
    for path, body in expected.items():
        if path.startswith("/claims/"):
            ClaimPublic.model_validate_json(body)
        else:
            assert ClaimPage.model_validate_json(body).items
