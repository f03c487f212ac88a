"""The shell commands of a Markdown document, and a check of a command's output against
the output the document shows after it.

A command is every line of a ```sh block (blank lines and comments aside), or a line that
starts with `$ ` in a ```console or ```text block (a transcript), each with the lines that
continue it (a trailing backslash). In a transcript, the lines up to the next `$ ` are the
output shown; a line of just `…` stands for lines left out.

Outputs are compared after putting the values that differ from run to run in their place:
times, the hash half of ETags (the version half is compared), API keys, the `date` and
`content-length` headers. The ETags and keys a transcript shows are bound to the ones the
run produced, so a later command that uses one (`-H 'If-Match: "1-…"'`, `KEY=sc_…`) is
run with the real value, as a reader would copy it.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cache

SHELL = {"sh", "bash", "shell"}
TRANSCRIPT = {"console", "text"}
ELIDED = "…"
BLOCK = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.S | re.M)

# Values that differ from run to run: (pattern, what both sides become).
_VARYING = [
    (re.compile(r"^date: .*$"), "date: <date>"),
    (re.compile(r"^content-length: \d+$"), "content-length: <n>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"), "<time>"),
    (re.compile(r"\b(\d+)-[0-9a-f]{16}\b"), r"\1-<hash>"),
    (re.compile(r"\bsc_[A-Za-z0-9_-]{20,}"), "sc_<key>"),
]
# Values a later command may use as the transcript shows them: ETags and keys.
_BOUND = re.compile(r"\b\d+-[0-9a-f]{16}\b|\bsc_[A-Za-z0-9_-]{20,}")


@dataclass
class Command:
    line: int  # the README line it starts on (1-based)
    lang: str
    text: str  # as written, continuation lines included
    shown: list[str] = field(default_factory=list)  # the output a transcript shows


def commands(markdown: str) -> list[Command]:
    """Every shell command of the document, in order."""
    found: list[Command] = []
    for block in BLOCK.finditer(markdown):
        lang = block["lang"]
        if lang not in SHELL | TRANSCRIPT:
            continue
        first = markdown.count("\n", 0, block.start("body")) + 1
        lines = block["body"].split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        current: Command | None = None
        continued = False
        for number, line in enumerate(lines, start=first):
            if continued and current is not None:
                current.text += "\n" + line
            elif lang in SHELL:
                if line.strip() and not line.lstrip().startswith("#"):
                    current = Command(number, lang, line)
                    found.append(current)
                else:
                    current = None
            elif line.startswith("$ "):
                current = Command(number, lang, line[2:])
                found.append(current)
            elif current is not None:
                current.shown.append(line)
            continued = current is not None and line.endswith("\\") and not current.shown
    return found


def normal(line: str) -> str:
    for pattern, replacement in _VARYING:
        line = pattern.sub(replacement, line)
    return line


def rendered(output: str) -> list[str]:
    """A command's output as a transcript shows it: headers as sent, a JSON body laid
    out with two-space indents (as the README formats JSON for reading)."""
    text = output.replace("\r\n", "\n")
    head, body = "", text
    if text.startswith("HTTP/"):
        head, _, body = text.partition("\n\n")
        head += "\n\n"
    if body.strip()[:1] in {"{", "["}:
        with contextlib.suppress(ValueError):  # not JSON after all: as it came
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n"
    return (head + body).removesuffix("\n").split("\n") if head + body else []


def align(shown: list[str], actual: list[str]) -> list[tuple[int, int]] | None:
    """The pairs (shown line, actual line) that match, `…` lines standing for any number
    of actual lines; None if the output is not what is shown."""
    want = [normal(line) for line in shown]
    got = [normal(line) for line in actual]

    @cache
    def rest(i: int, j: int) -> tuple[tuple[int, int], ...] | None:
        if i == len(want):
            return () if j == len(got) else None
        if want[i].strip() == ELIDED:
            for k in range(j, len(got) + 1):
                after = rest(i + 1, k)
                if after is not None:
                    return after
            return None
        if j < len(got) and want[i] == got[j]:
            after = rest(i + 1, j + 1)
            return None if after is None else ((i, j), *after)
        return None

    pairs = rest(0, 0)
    rest.cache_clear()
    return None if pairs is None else list(pairs)


def difference(shown: list[str], actual: list[str]) -> str:
    lines = difflib.unified_diff(
        [normal(line) for line in shown],
        [normal(line) for line in actual],
        "shown",
        "run",
        lineterm="",
    )
    return "\n".join(lines)


def bindings(shown: list[str], actual: list[str], pairs: list[tuple[int, int]]) -> dict[str, str]:
    """Each ETag and key the transcript shows, and the one the run printed in its place."""
    bound: dict[str, str] = {}
    for i, j in pairs:
        ours, theirs = _BOUND.findall(shown[i]), _BOUND.findall(actual[j])
        if len(ours) == len(theirs):
            bound.update(zip(ours, theirs, strict=True))
    return bound
