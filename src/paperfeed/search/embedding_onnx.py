"""Run a sentence-transformers model with onnxruntime, optionally with int8 weights.

The ONNX file is exported once from the local model (with torch) and cached next to the data,
keyed by the model's location. For BERT-like models (MiniLM) the export uses plain ("eager")
attention so that onnxruntime's transformer optimizer can fuse each layer's attention into one
``Attention`` node (plus SkipLayerNorm, BiasGelu, EmbedLayerNorm); the int8 file then quantises
those nodes and the MatMuls (per-channel weights, u8 activations: VNNI/AMX integer kernels).
Mean pooling and normalisation follow all-MiniLM-L6-v2 (mean over tokens, unit length).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from paperfeed.core import config

INTRA_OP_THREADS = config.value("PAPERFEED_EMBEDDING_THREADS")  # 0: onnxruntime decides


def cache_dir() -> Path:
    from django.conf import settings

    # Read when asked, not from Django settings: tests and tools point it elsewhere while running.
    configured = config.value("PAPERFEED_MODEL_CACHE_DIR")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "models"


def _resolve(location: str) -> Path:
    path = Path(location)
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download

    # A model name: only the local Hugging Face cache is consulted.
    return Path(snapshot_download(location, local_files_only=True))


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


def _tmp(target: Path) -> Path:
    # Per process: two processes deriving the same file at once must not write into each other's.
    return target.with_name(f"{target.stem}.{os.getpid()}.tmp")


# torch's ONNX export keeps global state: two threads of one process must not export at once.
_deriving = threading.Lock()


@contextmanager
def _deriving_alone(directory: Path) -> Iterator[None]:
    """One thread here and one process on this machine derive model files at a time.

    Web workers start together and all want the query model: one derives it, the others wait
    for it instead of each spending the same minute of CPU.
    """
    with _deriving, open(directory / ".lock", "w") as lock_file:
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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export the transformer (token embeddings out) to ``target``."""
    import torch
    from transformers import AutoModel

    # Eager attention exports as MatMul/Softmax, the pattern the transformer optimizer fuses.
    base = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.base(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = TokenEmbeddings().eval()
    dummy = {
        "input_ids": torch.ones((2, 16), dtype=torch.long),
        "attention_mask": torch.ones((2, 16), dtype=torch.long),
        "token_type_ids": torch.zeros((2, 16), dtype=torch.long),
    }
    axes = {0: "batch", 1: "tokens"}
    tmp = _tmp(target)
    # The tracer's warnings are about code paths this fixed-shape export does not take.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={name: axes for name in ["input_ids", "attention_mask", "token_type_ids"]}
            | {"last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)


def fuse(model_dir: Path, source: Path, target: Path) -> None:
    """Fuse attention, layer norms and GELU with onnxruntime's transformer optimizer (BERT-like only)."""
    from onnxruntime.transformers import optimizer

    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") not in {"bert", "roberta", "xlm-roberta", "distilbert", "mpnet"}:
        # Another architecture: the optimizer's BERT patterns would not match; run it as exported.
        os.replace(source, target)
        return
    tmp = _tmp(target)
    fused = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
    )
    fused.save_model_to_file(str(tmp))
    os.replace(tmp, target)


def quantize(source: Path, target: Path) -> None:
    tmp = _tmp(target)
    logging.getLogger().addFilter(_not_the_preprocessing_advice)
    try:
        _quantize_dynamic(source, tmp)
    finally:
        logging.getLogger().removeFilter(_not_the_preprocessing_advice)
    os.replace(tmp, target)


def _not_the_preprocessing_advice(record: logging.LogRecord) -> bool:
    # onnxruntime advises "pre-processing" (shape inference), which cannot type the fused nodes.
    return not str(record.msg).startswith("Please consider to run pre-processing")


def _quantize_dynamic(source: Path, tmp: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel weights: whole-tensor int8 costs far more accuracy (cosine to the float model
    # about 0.94 instead of 0.995 on arXiv abstracts). The fused Attention nodes become QAttention.
    quantize_dynamic(
        str(source),
        str(tmp),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Attention"],
        # The fused nodes are in onnxruntime's own domain, which ONNX shape inference cannot type.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def onnx_file(location: str, quantized: bool) -> tuple[Path, Path]:
    """(model directory, ONNX file), exporting, fusing and quantising on first use."""
    model_dir = _resolve(location)
    key = hashlib.sha256(str(model_dir.resolve()).encode()).hexdigest()[:12]
    directory = cache_dir() / f"onnx-{model_dir.name}-{key}"
    directory.mkdir(parents=True, exist_ok=True)
    fused = directory / "model-fused.onnx"
    int8 = directory / "model-fused-int8-per-channel.onnx"
    wanted = int8 if quantized else fused
    if not wanted.exists():
        with _deriving_alone(directory):
            if not fused.exists():  # another process may have made it while this one waited
                what = f"the embedding model {model_dir} to ONNX with fused attention in {fused}"
                _say(f"Exporting {what} (once).")
                exported = _tmp(directory / "model-exported.onnx")
                try:
                    export_onnx(model_dir, exported)
                    fuse(model_dir, exported, fused)
                finally:
                    exported.unlink(missing_ok=True)
            if quantized and not int8.exists():
                _say(f"Quantising the ONNX embedding model to int8 (per-channel weights) in {int8} (once).")
                quantize(fused, int8)
    return model_dir, wanted


class OnnxEncoder:
    def __init__(
        self, location: str, quantized: bool, max_tokens: int | None = None, threads: int | None = None
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir, path = onnx_file(location, quantized)
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
