"""What `q` says: the search-box syntax, read into terms and sent to either engine.

The rules follow PostgreSQL's `websearch_to_tsquery`:

- words are all required: `legion battalions` finds claims with both;
- `"fully manned"` (in double quotes) is a phrase: those words, next to each other and in
  that order; an unclosed quote runs to the end of `q`;
- `OR` (any case) between two parts makes them alternatives, and binds more loosely than
  the words around it: `legion fighters OR ukraine army` finds claims with both legion
  and fighters, or with both ukraine and army; an `OR` at either end, or next to
  another, is ignored;
- `-word` or `-"a phrase"` leaves out claims that have it (a `-` with a space after it is
  just punctuation, and so is a hyphen inside a word);
- a word written with punctuation inside it ("co-founder", "Kyiv's", "1.5") is a phrase
  of its parts, less the stop words ("kyiv").

Each word is turned into terms by `api.store.search.terms` (folded, stop words dropped,
stemmed), exactly as the index holds the claims. Where PostgreSQL would answer something
a search box should not (everything but the excluded: `-legion`, `legion OR -ukraine`),
or nothing is left to look for (`q=the`), `parse` says why instead, for a 422 naming
`q`. The SQL that runs the query is written here from the terms alone, so nothing a
client types reaches FTS5's or PostgreSQL's own query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from api.store import search

NO_WORDS = "has no words to search for (common words such as 'the' are not indexed)"
ONLY_EXCLUDED = (
    "needs a word to find in each alternative, not only words to leave out with `-`{where}"
)


@dataclass(frozen=True)
class Term:
    """One word or phrase: its terms, next to each other in this order."""

    terms: tuple[str, ...]
    excluded: bool = False

    def fts5(self) -> str:
        # Terms are letters and digits only (`api.store.search`): nothing to escape.
        return '"' + " ".join(self.terms) + '"'

    def tsquery(self) -> str:
        return " <-> ".join(f"'{term}'" for term in self.terms)

    def within(self, found: list[str], held: set[str]) -> bool:
        """Whether the terms `found` (an indexed text's, in order; `held` as a set) hold
        this word, or this phrase as consecutive terms."""
        first = self.terms[0]
        if first not in held:
            return False
        if len(self.terms) == 1:
            return True
        width = len(self.terms)
        return any(
            tuple(found[at : at + width]) == self.terms
            for at, term in enumerate(found)
            if term == first
        )


@dataclass(frozen=True)
class Alternative:
    """Words that must all be there, and words that must not."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...]

    def fts5(self) -> str:
        found = " AND ".join(term.fts5() for term in self.required)
        if not self.excluded:
            return f"({found})"
        return f"(({found}) NOT ({' OR '.join(term.fts5() for term in self.excluded)}))"

    def holds(self, found: list[str], held: set[str]) -> bool:
        return all(term.within(found, held) for term in self.required) and not any(
            term.within(found, held) for term in self.excluded
        )

    def tsquery(self) -> str:
        parts = [f"({term.tsquery()})" for term in self.required]
        parts += [f"!({term.tsquery()})" for term in self.excluded]
        return f"({' & '.join(parts)})"


@dataclass(frozen=True)
class SearchQuery:
    """A parsed `q`: claims matching any of the alternatives."""

    alternatives: tuple[Alternative, ...]

    def text(self, dialect: str) -> str:
        """The `:fts` parameter of `api.store.search`'s statements on this engine: an FTS5
        MATCH expression, or the text of a PostgreSQL `tsquery`."""
        if dialect == "sqlite":
            return " OR ".join(alternative.fts5() for alternative in self.alternatives)
        return " | ".join(alternative.tsquery() for alternative in self.alternatives)

    def matches(self, text: str) -> bool:
        """Whether a claim whose indexed text (`search.indexed_text`: terms and single
        spaces, which is all either engine's index splits) is `text` matches, as FTS5's
        MATCH and PostgreSQL's `@@` decide it: the walk of a ranking checks what the
        postings turn up with this, from the text it reads anyway."""
        found = text.split()
        held = set(found)
        return any(alternative.holds(found, held) for alternative in self.alternatives)

    def scoring_terms(self) -> tuple[str, ...]:
        """The distinct terms a match is scored by in relevance order (every term of the
        words and phrases to find, in any alternative; none of those left out), sorted."""
        return tuple(
            sorted(
                {
                    term
                    for alternative in self.alternatives
                    for found in alternative.required
                    for term in found.terms
                }
            )
        )

    def is_one_term(self) -> bool:
        """Whether the query is a single term and nothing else: then a claim matches
        exactly when that term's postings hold it."""
        if len(self.alternatives) != 1:
            return False
        (alternative,) = self.alternatives
        required = alternative.required
        return not alternative.excluded and len(required) == 1 and len(required[0].terms) == 1


class QueryError(ValueError):
    """`q` cannot be searched for; the message says why, for a 422 naming `q`."""


def _pieces(q: str) -> list[tuple[str, bool, bool]]:
    """`q` cut into (text, quoted, excluded) pieces, in order."""
    pieces: list[tuple[str, bool, bool]] = []
    at, end = 0, len(q)
    while at < end:
        char = q[at]
        if char.isspace():
            at += 1
            continue
        excluded = False
        if char == "-":
            dashes = at
            while dashes < end and q[dashes] == "-":
                dashes += 1
            if dashes == end or q[dashes].isspace():
                at = dashes  # a dash on its own: punctuation
                continue
            excluded, at = True, dashes
        if q[at] == '"':
            close = q.find('"', at + 1)
            close = end if close < 0 else close
            pieces.append((q[at + 1 : close], True, excluded))
            at = close + 1
            continue
        stop = at
        while stop < end and not q[stop].isspace() and q[stop] != '"':
            stop += 1
        pieces.append((q[at:stop], False, excluded))
        at = stop
    return pieces


@lru_cache(maxsize=256)
def parse(q: str) -> SearchQuery:
    """Read `q` (see the module's docstring); a `QueryError` when it finds nothing to
    search for."""
    groups: list[list[Term]] = [[]]
    written: list[list[str]] = [[]]
    for text, quoted, excluded in _pieces(search.plain_numbers(q)):
        if not quoted and not excluded and text.casefold() == "or":
            groups.append([])
            written.append([])
            continue
        written[-1].append(("-" if excluded else "") + (f'"{text}"' if quoted else text))
        terms = tuple(search.terms(text))
        if terms:
            groups[-1].append(Term(terms, excluded))
    alternatives = []
    for group, words in zip(groups, written, strict=True):
        if not group:
            continue  # nothing there, or only stop words: as if it were not written
        required = tuple(term for term in group if not term.excluded)
        if not required:
            where = f" (`{' '.join(words)}`)" if len(groups) > 1 else ""
            raise QueryError(ONLY_EXCLUDED.format(where=where))
        alternatives.append(Alternative(required, tuple(t for t in group if t.excluded)))
    if not alternatives:
        raise QueryError(NO_WORDS)
    return SearchQuery(tuple(alternatives))


def parsed(q: str | None) -> SearchQuery | None:
    """`parse`, for a `q` already checked (`api.queries.claims.check`: a 422 for one with
    nothing to find); None without one."""
    return None if q is None else parse(q)
