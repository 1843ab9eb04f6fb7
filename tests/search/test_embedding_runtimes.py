"""Embedding runtimes: each one makes the same unit vectors as float32 torch, within its precision."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.search import embedding
from paperfeed.search.embedding import Embedder, EmbeddingUnavailable, document_text, model_location
from paperfeed.search.embedding_onnx import deriving_allowed

DOCUMENTS = [
    document_text(
        "Attention is all you need",
        "The dominant sequence transduction models are based on complex recurrent or convolutional "
        "neural networks. We propose a new simple network architecture, the Transformer, based solely "
        "on attention mechanisms, dispensing with recurrence and convolutions entirely.",
    ),
    document_text("Protein structure prediction", "Deep learning predicts protein folding from sequence."),
    document_text("Lattice cryptography", "Learning with errors as a basis for post-quantum encryption."),
    document_text("A short title only", ""),
]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    # One derived ONNX directory for the module: exporting takes tens of seconds.
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def onnx_cache(model_cache, monkeypatch):
    """The module's derived files, which this test may derive (as `paperfeed index` does)."""
    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(model_cache))
    with deriving_allowed():
        yield model_cache


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return Embedder(model_location(), "torch").encode_documents(DOCUMENTS)


def test_torch_bf16_vectors_agree_with_float32_to_four_digits(reference):
    vectors = Embedder(model_location(), "torch-bf16").encode_documents(DOCUMENTS)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > 0.999


def test_the_shipped_int8_model_runs_without_deriving_anything(tmp_path, monkeypatch, reference, capsys):
    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(tmp_path))
    vectors = Embedder(model_location(), "onnx-int8").encode_documents(DOCUMENTS)
    assert capsys.readouterr().err == "" and list(tmp_path.iterdir()) == []
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > 0.98


def test_float32_onnx_is_derived_once_into_the_data_dir_and_says_so(onnx_cache, reference, capsys):
    first = Embedder(model_location(), "onnx")
    said = capsys.readouterr().err  # the module's first float32 runtime derives the file and says so
    assert "Exporting the embedding model" in said and "to ONNX with fused attention" in said
    assert [p.name for p in onnx_cache.glob("onnx-*/*.onnx")] == ["model-fused.onnx"]
    assert not list(onnx_cache.glob("onnx-*/*.tmp"))
    Embedder(model_location(), "onnx")
    assert capsys.readouterr().err == ""  # reused: nothing derived again
    vectors = first.encode_documents(DOCUMENTS)
    assert (vectors * reference).sum(axis=1).min() > 0.9999


def test_a_web_process_never_derives_a_missing_file_and_says_which_command_does(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PAPERFEED_EMBEDDING_QUERY_RUNTIME", "onnx")
    with pytest.raises(EmbeddingUnavailable, match=r"needs .*model-fused\.onnx.*Run `paperfeed index model`"):
        embedding.check_query_model()
    with pytest.raises(EmbeddingUnavailable, match="a web process never derives it"):
        Embedder(model_location(), "onnx")
    assert list(tmp_path.iterdir()) == []  # nothing derived, nothing half-made


def test_documents_come_back_in_the_order_given_although_batched_by_length(reference):
    embedder = Embedder(model_location(), "torch")
    reordered = embedder.encode_documents(DOCUMENTS[::-1], batch_size=2)
    np.testing.assert_allclose(reordered[::-1], reference, atol=1e-5)


def test_a_token_cap_cuts_long_documents_and_leaves_short_ones(reference):
    capped = Embedder(model_location(), "torch-bf16", tokens=16).encode_documents(DOCUMENTS)
    agreement = (capped * reference).sum(axis=1)
    assert agreement[0] < 0.99  # the long abstract lost most of its words
    assert agreement[3] > 0.999  # the title alone fits in 16 word pieces


def test_a_cap_above_the_models_own_limit_keeps_the_models_limit(onnx_cache):
    assert embedding.make_encoder(model_location(), "torch-bf16", 4096).max_tokens == 256
    assert embedding.make_encoder(model_location(), "onnx", 4096).max_tokens == 256


def test_queries_go_to_int8_onnx_and_documents_to_bf16_by_default_on_bf16_cpus(onnx_cache, monkeypatch):
    monkeypatch.delenv("PAPERFEED_EMBEDDING_RUNTIME", raising=False)
    monkeypatch.delenv("PAPERFEED_EMBEDDING_QUERY_RUNTIME", raising=False)
    runtime = embedding.runtime_name()
    embedder = Embedder(model_location(), runtime, query_runtime=embedding.query_runtime_name(runtime))
    assert embedder.query_runtime == ("onnx-int8" if runtime == "torch-bf16" else runtime)
    query = embedder.encode_query(DOCUMENTS[1])
    # A search-only process loads one model: the query encoder.
    assert list(embedder._encoders) == [(embedder.query_runtime, True)]
    document = embedder.encode_documents([DOCUMENTS[1]])[0]
    assert float(query @ document) > 0.99  # the same text lands in the same place either way


def test_the_query_runtime_can_be_chosen_and_is_checked(monkeypatch):
    monkeypatch.setenv("PAPERFEED_EMBEDDING_QUERY_RUNTIME", "torch")
    assert embedding.query_runtime_name("torch-bf16") == "torch"
    monkeypatch.setenv("PAPERFEED_EMBEDDING_QUERY_RUNTIME", "gpu")
    with pytest.raises(ValueError, match="PAPERFEED_EMBEDDING_QUERY_RUNTIME must be one of"):
        embedding.query_runtime_name("torch-bf16")


def test_repeated_queries_are_answered_from_the_cache():
    embedder = Embedder(model_location(), "torch-bf16")
    first = embedder.encode_query("protein  folding")
    again = embedder.encode_query("Protein folding")
    assert again is first and not first.flags.writeable
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5


def test_an_unknown_runtime_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("PAPERFEED_EMBEDDING_RUNTIME", "tensorrt")
    with pytest.raises(ValueError, match="torch-bf16, onnx-int8, onnx, torch, got 'tensorrt'"):
        embedding.runtime_name()


def test_a_bad_token_cap_is_refused(monkeypatch):
    monkeypatch.setenv("PAPERFEED_EMBEDDING_MAX_TOKENS", "lots")
    with pytest.raises(ValueError, match="whole number of 8 or more, got 'lots'"):
        embedding.max_tokens()
    monkeypatch.setenv("PAPERFEED_EMBEDDING_MAX_TOKENS", "128")
    assert embedding.max_tokens() == 128


def test_the_default_runtime_is_bf16_only_where_the_cpu_has_amx_bf16_tiles(monkeypatch):
    monkeypatch.delenv("PAPERFEED_EMBEDDING_RUNTIME", raising=False)
    expected = "torch-bf16" if embedding.cpu_has_bf16_matrix_units() else "onnx-int8"
    assert embedding.runtime_name() == expected


def test_without_the_torch_extra_the_default_is_the_shipped_model_and_torch_runtimes_say_what_to_install(
    monkeypatch,
):
    monkeypatch.delenv("PAPERFEED_EMBEDDING_RUNTIME", raising=False)
    monkeypatch.setattr(embedding, "cpu_has_bf16_matrix_units", lambda: True)
    monkeypatch.setattr(embedding, "has_torch", lambda: False)
    assert embedding.runtime_name() == "onnx-int8"
    assert embedding.query_runtime_name("onnx-int8") == "onnx-int8"
    with pytest.raises(
        EmbeddingUnavailable, match=r"torch-bf16 embedding runtime needs PyTorch: pip install"
    ):
        embedding.make_encoder(model_location(), "torch-bf16", None)


def test_threads_that_derive_the_float32_model_at_once_derive_it_once(tmp_path, monkeypatch, capsys):
    from concurrent.futures import ThreadPoolExecutor

    from paperfeed.search.embedding_onnx import OnnxEncoder

    # An index command embedding on several threads, all asking for the model as it starts.
    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(tmp_path))
    with deriving_allowed(), ThreadPoolExecutor(max_workers=3) as pool:
        encoders = list(pool.map(lambda _: OnnxEncoder(model_location(), quantized=False), range(3)))

    assert capsys.readouterr().err.count("Exporting the embedding model") == 1
    vectors = [encoder.encode(DOCUMENTS[:1]) for encoder in encoders]
    assert all(np.allclose(v, vectors[0]) for v in vectors)


def test_index_model_derives_what_the_configured_runtime_needs(db, tmp_path, monkeypatch, capsys):
    from django.core.management import call_command

    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PAPERFEED_EMBEDDING_RUNTIME", "onnx")
    embedding._embedder.cache_clear()
    try:
        call_command("index", "model")
    finally:
        embedding._embedder.cache_clear()
    out = capsys.readouterr().out
    assert "documents run on onnx, queries on onnx; all-MiniLM-L6-v2:384. Ready." in out
    assert [p.name for p in tmp_path.glob("onnx-*/*.onnx")] == ["model-fused.onnx"]
    embedding.check_query_model()  # what `paperfeed serve` checks now passes


def test_serve_refuses_to_start_while_the_query_model_is_not_derived(db, tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("PAPERFEED_MODEL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PAPERFEED_EMBEDDING_QUERY_RUNTIME", "onnx")
    with pytest.raises(CommandError, match=r"The site cannot start: .*Run `paperfeed index model`"):
        call_command("serve", "--no-migrate")
    assert list(tmp_path.iterdir()) == []


def test_papers_embedded_while_a_request_waits_use_the_query_model_already_loaded(reference):
    # A web process: bf16 documents configured, but only the int8 query model is ever loaded.
    embedder = Embedder(model_location(), "torch-bf16", query_runtime="onnx-int8")
    vectors = embedder.encode_for_request(DOCUMENTS)
    assert list(embedder._encoders) == [("onnx-int8", True)]
    assert (vectors * reference).sum(axis=1).min() > 0.98
    assert embedder.encode_for_request([]).shape == (0, embedder.dim)
