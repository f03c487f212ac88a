"""The dependency parse of the sentences that hold a cue, as plain frozen data: each token with
its offsets in the whole text, its tag, its relation to its head and the extent of its
subtree. spaCy's objects do not leave this module, so every stage after it reads the same
small structure (and a test can build one by hand).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Token:
    """One token of a parsed sentence; `head`, `left` and `right` are indexes in the same
    sentence (`head == index` for the root; `left..right` bound its subtree)."""

    start: int
    end: int
    text: str
    tag: str  # Penn Treebank tag ("VBD", "NNP"); "" when the tagger did not run
    dep: str  # ClearNLP dependency label ("nsubj", "ccomp", "agent")
    head: int
    left: int
    right: int


@dataclass(frozen=True)
class Parse:
    """One parsed sentence."""

    tokens: tuple[Token, ...]
    children: tuple[tuple[int, ...], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.children and self.tokens:
            kids: list[list[int]] = [[] for _ in self.tokens]
            for index, token in enumerate(self.tokens):
                if token.head != index:
                    kids[token.head].append(index)
            object.__setattr__(self, "children", tuple(tuple(k) for k in kids))
        object.__setattr__(self, "_starts", [token.start for token in self.tokens])

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    def index_at(self, offset: int) -> int | None:
        """The token that covers character `offset`, if any."""
        starts: list[int] = getattr(self, "_starts")  # noqa: B009 - set in __post_init__
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and self.tokens[index].start <= offset < self.tokens[index].end:
            return index
        return None

    def kids(self, index: int, *deps: str) -> list[int]:
        """Children of token `index`, all or those with one of `deps`."""
        return [kid for kid in self.children[index] if not deps or self.tokens[kid].dep in deps]

    def kid(self, index: int, *deps: str) -> int | None:
        found = self.kids(index, *deps)
        return found[0] if found else None

    def span(self, index: int) -> tuple[int, int]:
        """Character extent of the subtree of token `index`."""
        token = self.tokens[index]
        return self.tokens[token.left].start, self.tokens[token.right].end

    def span_without(self, index: int, removed: Sequence[int]) -> tuple[int, int]:
        """Extent of the subtree of `index` once the subtrees of `removed` are cut off at its
        edges (what is left may not be contiguous; the longest side is kept)."""
        left, right = self.tokens[index].left, self.tokens[index].right
        for other in removed:
            cut = self.tokens[other]
            if cut.left <= left <= cut.right:
                left = cut.right + 1
            elif cut.left <= right <= cut.right:
                right = cut.left - 1
            elif left < cut.left and cut.right < right:
                # a piece in the middle: keep the longer side of it
                if cut.left - left >= right - cut.right:
                    right = cut.left - 1
                else:
                    left = cut.right + 1
        if left > right:
            return self.tokens[index].start, self.tokens[index].start
        return self.tokens[left].start, self.tokens[right].end


def from_spacy(doc: Any, offset: int) -> Parse:
    """A Parse of a spaCy Doc made from text that started at `offset` of the whole text."""
    tokens = []
    for token in doc:
        if token.is_space:
            continue
        tokens.append(token)
    position = {token.i: index for index, token in enumerate(tokens)}

    def nearest(i: int) -> int:
        while i not in position and i > 0:
            i -= 1
        return position.get(i, 0)

    return Parse(
        tuple(
            Token(
                start=offset + token.idx,
                end=offset + token.idx + len(token.text),
                text=token.text,
                tag=token.tag_,
                dep=token.dep_,
                head=nearest(token.head.i),
                left=nearest(token.left_edge.i),
                right=nearest(token.right_edge.i),
            )
            for token in tokens
        )
    )
