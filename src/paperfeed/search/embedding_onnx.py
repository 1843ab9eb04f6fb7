"""Run a sentence-transformers model with onnxruntime, optionally with int8 weights.

The default model's int8 file ships with paperfeed (``search/model/``). Any other ONNX file (the
float32 one, or either for a model named by ``PAPERFEED_EMBEDDING_MODEL``) is derived once, by
``paperfeed index`` (``embedding_derive``, with the torch extra), into the data directory's
``models`` folder, keyed by the model's location. A web process only looks the file up: when it
is missing it stops with the command that derives it, instead of deriving it while serving.
Mean pooling and normalisation follow all-MiniLM-L6-v2 (mean over tokens, unit length).
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from paperfeed.core import config
from paperfeed.search.embedding import (
    SHIPPED_LABEL,
    SHIPPED_MODEL,
    TORCH_EXTRA,
    EmbeddingUnavailable,
    is_shipped,
    source_weights,
)

INTRA_OP_THREADS = config.value("PAPERFEED_EMBEDDING_THREADS")  # 0: onnxruntime decides
SHIPPED_FILE = "model-int8.onnx"
DERIVE_COMMAND = "paperfeed index model"

# Process-wide, not per thread: an index command may embed on threads of its own.
_allowed = {"derive": False}


@contextmanager
def deriving_allowed() -> Iterator[None]:
    """Within this block (``paperfeed index``), missing ONNX files are derived instead of refused."""
    before = _allowed["derive"]
    _allowed["derive"] = True
    try:
        yield
    finally:
        _allowed["derive"] = before


def cache_dir() -> Path:
    from django.conf import settings

    # Read when asked, not from Django settings: tests and tools point it elsewhere while running.
    configured = config.value("PAPERFEED_MODEL_CACHE_DIR")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "models"


def _resolve(location: str) -> Path:
    path = Path(location)
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise EmbeddingUnavailable(
            f"the embedding model {location!r} is not a directory; a model name is looked up in the"
            f" local Hugging Face cache, which needs the torch extra: {TORCH_EXTRA}"
        ) from None
    # A model name: only the local Hugging Face cache is consulted.
    return Path(snapshot_download(location, local_files_only=True))


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


@contextmanager
def _deriving_alone(directory: Path) -> Iterator[None]:
    """One process on this machine derives model files in a directory at a time."""
    with open(directory / ".lock", "w") as lock_file:
        try:
            import fcntl
        except ImportError:  # not on Unix: the per-process temporary names still keep files whole
            yield
            return
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


# torch's ONNX export keeps global state: two threads of one process must not export at once.
_deriving = threading.Lock()


def onnx_file(location: str, quantized: bool, derive: bool | None = None) -> tuple[Path, Path]:
    """(model directory with tokenizer.json, ONNX file). A missing derived file is derived when
    ``derive`` (default: inside ``deriving_allowed()``), else refused with the command to run."""
    if is_shipped(location) and quantized:
        return SHIPPED_MODEL, SHIPPED_MODEL / SHIPPED_FILE
    if is_shipped(location):
        model_dir, name, key = SHIPPED_MODEL, SHIPPED_LABEL, "shipped"
    else:
        model_dir = _resolve(location)
        name, key = model_dir.name, hashlib.sha256(str(model_dir.resolve()).encode()).hexdigest()[:12]
    directory = cache_dir() / f"onnx-{name}-{key}"
    fused = directory / "model-fused.onnx"
    int8 = directory / "model-fused-int8-per-channel.onnx"
    wanted = int8 if quantized else fused
    if wanted.exists():
        return model_dir, wanted
    if not (_allowed["derive"] if derive is None else derive):
        runtime = "onnx-int8" if quantized else "onnx"
        raise EmbeddingUnavailable(
            f"the {runtime} embedding runtime needs {wanted}, derived once from the model {location}."
            f" Run `{DERIVE_COMMAND}` (with the torch extra: {TORCH_EXTRA}); a web process never derives it"
        )
    from paperfeed.search.embedding_derive import derive as derive_files

    source = source_weights(location) if is_shipped(location) else model_dir
    directory.mkdir(parents=True, exist_ok=True)
    with _deriving, _deriving_alone(directory):
        try:
            # Another process may have made them while this one waited: derive skips what exists.
            derive_files(source, fused, int8 if quantized else None, say=_say)
        except ImportError as error:
            raise EmbeddingUnavailable(
                f"deriving ONNX files needs the torch extra ({error.name} is missing): {TORCH_EXTRA}"
            ) from None
    return model_dir, wanted


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class OnnxEncoder:
    def __init__(
        self,
        location: str,
        quantized: bool,
        max_tokens: int | None = None,
        threads: int | None = None,
        file: Path | None = None,  # this ONNX file instead of the runtime's (comparing derivations)
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir, path = onnx_file(location, quantized) if file is None else (Path(location), file)
        options = ort.SessionOptions()
        options.intra_op_num_threads = INTRA_OP_THREADS if threads is None else threads
        options.inter_op_num_threads = 1
        # Idle pool threads would otherwise spin for a while after every run, holding a core that
        # the rest of the request (tantivy, the database, other requests) needs: twice the CPU per
        # search for no gain in speed.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        limit = _max_length(model_dir)
        self.max_tokens = min(max_tokens, limit) if max_tokens else limit
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.enable_padding()
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.dim = (
            int(self.session.get_outputs()[0].shape[-1])
            if isinstance(self.session.get_outputs()[0].shape[-1], int)
            else int(self.encode(["x"]).shape[1])
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
