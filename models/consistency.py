"""Read-your-writes across read replicas: the headers, and the token they carry.

Every write answered by a server with read replicas carries `Claims-Consistency`: the
primary's write-ahead log position just after the write committed, as PostgreSQL spells
an LSN (`0/3000148`). A read that sends the token back is served only by a replica that
has replayed at least that far, or else by the primary. `Claims-Read-From` says which
served a read (`replica` or `primary`).
"""

from __future__ import annotations

import re

CONSISTENCY_HEADER = "Claims-Consistency"
READ_FROM_HEADER = "Claims-Read-From"

_LSN = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")


def parse_lsn(text: str) -> int | None:
    """The position a token names, as a number that orders like the log; None if `text`
    is not a token (`X/Y`, two hexadecimal halves of at most 32 bits each)."""
    found = _LSN.fullmatch(text.strip())
    if found is None:
        return None
    return (int(found.group(1), 16) << 32) | int(found.group(2), 16)


def format_lsn(position: int) -> str:
    """`position` spelled as PostgreSQL spells an LSN."""
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


def later(held: str | None, received: str) -> str:
    """Of two tokens, the one further along the log (the received one when either is
    not a token: a server that changed its primary starts a new log)."""
    if held is None:
        return received
    old, new = parse_lsn(held), parse_lsn(received)
    if old is None or new is None or new >= old:
        return received
    return held
