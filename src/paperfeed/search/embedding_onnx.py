"""Run a sentence-transformers model with onnxruntime, optionally with int8 weights.

The ONNX file is exported once from the local model (with torch) and cached next to the data,
keyed by the model's location; mean pooling and normalisation follow the model's own config
(all-MiniLM-L6-v2: mean pooling over tokens, unit length, 256 tokens at most).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

INTRA_OP_THREADS = int(os.environ.get("PAPERFEED_EMBEDDING_THREADS", "0"))  # 0: onnxruntime decides


def cache_dir() -> Path:
    from django.conf import settings

    configured = getattr(settings, "SEARCH_MODEL_CACHE_DIR", None) or os.environ.get(
        "PAPERFEED_MODEL_CACHE_DIR"
    )
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


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export the transformer (token embeddings out) to ``target``."""
    import torch
    from transformers import AutoModel

    base = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

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
    tmp = target.with_suffix(".tmp")
    with torch.no_grad():
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


def quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp")
    # Per-channel weights on the MatMuls only: whole-tensor int8 costs far more accuracy
    # (cosine to the float model about 0.94 instead of 0.995 on arXiv abstracts).
    quantize_dynamic(
        str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )
    os.replace(tmp, target)


def onnx_file(location: str, quantized: bool) -> tuple[Path, Path]:
    """(model directory, ONNX file), exporting and quantising on first use."""
    model_dir = _resolve(location)
    key = hashlib.sha256(str(model_dir.resolve()).encode()).hexdigest()[:12]
    directory = cache_dir() / f"onnx-{model_dir.name}-{key}"
    directory.mkdir(parents=True, exist_ok=True)
    fp32 = directory / "model.onnx"
    if not fp32.exists():
        export_onnx(model_dir, fp32)
    if not quantized:
        return model_dir, fp32
    int8 = directory / "model-int8-matmul-per-channel.onnx"
    if not int8.exists():
        quantize(fp32, int8)
    return model_dir, int8


class OnnxEncoder:
    def __init__(self, location: str, quantized: bool) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir, path = onnx_file(location, quantized)
        options = ort.SessionOptions()
        options.intra_op_num_threads = INTRA_OP_THREADS
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(_max_length(model_dir))
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
