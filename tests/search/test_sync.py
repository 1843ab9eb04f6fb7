"""The order an index fills in: keywords for every new paper first, then vectors in batches, each
searchable as it lands; what the search page and the API answer meanwhile."""

from __future__ import annotations

import pytest

from paperfeed.search import sync
from paperfeed.search.public import search_papers

TOPICS = [
    ("Lattice cryptography basics", "Learning with errors and short vectors in lattices."),
    ("Isogeny graphs for key exchange", "Supersingular isogeny graphs give post-quantum key exchange."),
    ("Sorting on many cores", "A cache-efficient parallel sorting algorithm for multicore machines."),
    ("Protein folding with transformers", "Attention models predict protein structure from sequence."),
]


class _VectorsStop(Exception):
    pass


@pytest.fixture
def half_embedded(search_backend, make_search_paper, monkeypatch):
    """The papers above after a first import whose vector stage stopped after its first batch of
    two: every paper is in the keyword index, the first two have vectors."""
    papers = [make_search_paper(title, abstract) for title, abstract in TOPICS]
    monkeypatch.setattr(sync, "VECTOR_BATCH_FIRST", 2)
    real = sync.embed_sorted
    calls = []

    def stop_after_one_batch(*args):
        calls.append(args)
        if len(calls) > 1:
            raise _VectorsStop
        return real(*args)

    monkeypatch.setattr(sync, "embed_sorted", stop_after_one_batch)
    with pytest.raises(_VectorsStop):
        sync.catch_up()
    monkeypatch.setattr(sync, "embed_sorted", real)
    return papers


def test_keywords_come_first_and_vectors_land_in_batches(half_embedded):
    status = sync.status()
    assert (status.documents, status.vectors) == (4, 2)
    assert (status.stale, status.vectors_pending) == (0, 2)
    assert not status.up_to_date
    # The last paper has no vector yet, and its words find it.
    hits, _ = search_papers("protein folding transformers")
    assert hits[0].paper == half_embedded[3]
    hits, _ = search_papers("protein folding transformers", mode="dense")
    assert half_embedded[3] not in [hit.paper for hit in hits]


def test_catch_up_embeds_only_what_is_missing_and_then_meaning_finds_it(half_embedded):
    result = sync.catch_up()
    assert (result.indexed, result.embedded) == (0, 2)
    status = sync.status()
    assert (status.vectors, status.vectors_pending) == (4, 0)
    assert status.up_to_date
    hits, _ = search_papers("how amino acid chains take their shape", mode="dense")
    assert hits[0].paper == half_embedded[3]
    assert sync.catch_up().embedded == 0


def test_the_search_page_says_meaning_based_search_is_still_being_prepared(client, half_embedded):
    response = client.get("/search", {"q": "protein folding"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="title-{half_embedded[3].pk}"' in html
    assert "Meaning-based search is still being prepared: 2 of 4 papers so far" in html
    sync.catch_up()
    html = client.get("/search", {"q": "protein folding"}).content.decode()
    assert "still being prepared" not in html


def test_the_api_answers_searches_while_vectors_are_pending(client, half_embedded):
    response = client.get("/api/papers/search", {"q": "isogeny key exchange"})
    assert response.status_code == 200
    assert [item["title"] for item in response.json()][:1] == ["Isogeny graphs for key exchange"]
    response = client.get("/api/papers/search", {"q": "protein folding"})
    assert response.status_code == 200
    assert response.json()[0]["title"] == "Protein folding with transformers"


def test_related_papers_of_a_paper_without_a_vector_yet_still_come(half_embedded):
    from paperfeed.search.public import related_papers

    related = related_papers(half_embedded[3], limit=3)
    assert related and half_embedded[3] not in related


def test_hiding_a_paper_takes_it_out_of_keywords_and_vectors(search_backend, make_search_paper):
    papers = [make_search_paper(title, abstract) for title, abstract in TOPICS]
    sync.catch_up()
    papers[0].hidden = True
    papers[0].save()
    result = sync.catch_up()
    assert (result.removed, result.embedded) == (1, 0)
    status = sync.status()
    assert (status.documents, status.vectors, status.hidden_in_index) == (3, 3, 0)


def test_sorting_by_length_keeps_each_text_with_its_own_vector(search_backend):
    from paperfeed.search.embedding import get_embedder

    embedder = get_embedder()
    texts = ["a much longer text about lattices and learning with errors " * 3, "short", "middle length text"]
    counted = []
    vectors = sync.embed_sorted(embedder, texts, counted.append)
    assert sum(counted) == 3
    alone = [embedder.encode_documents([text])[0] for text in texts]
    for own, vector in enumerate(vectors):
        similarities = [float(vector @ other) for other in alone]
        # The int8 model quantises activations per batch, so the texts a batch holds nudge a
        # vector (one word beside a 30-word text: cosine 0.983); another text's vector is far below.
        assert similarities[own] > 0.98 and similarities[own] == max(similarities)
