"""Indexing gives every paper topics: papers without arXiv categories get categories inferred from
the labelled papers' vectors, papers without keywords get key phrases; incremental, idempotent,
with a progress bar, on both backends; `paperfeed eval categories` measures the inference."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from paperfeed.papers.models import Paper
from paperfeed.search import topics
from paperfeed.search.public import search_papers
from paperfeed.search.topics import MIN_LABELLED

VISION = [
    "image segmentation with convolutional networks",
    "object detection in street photographs",
    "depth estimation from a single camera image",
    "semantic segmentation of satellite images",
    "face recognition under occlusion",
    "video action recognition with optical flow",
    "image super-resolution with diffusion models",
    "3D point cloud classification for scenes",
    "pose estimation of people in images",
    "visual tracking of objects in video frames",
    "instance segmentation of cells in microscopy images",
    "image denoising with convolutional autoencoders",
]
LANGUAGE = [
    "machine translation between low-resource languages",
    "named entity recognition in news text",
    "question answering over long documents",
    "sentiment analysis of product reviews",
    "dependency parsing of sentences with treebanks",
    "summarization of scientific articles with language models",
    "speech transcripts and dialogue act tagging",
    "grammatical error correction for learners of English",
    "word embeddings for morphologically rich languages",
    "coreference resolution in narrative text",
    "text classification with pretrained language models",
    "open-domain dialogue generation with chatbots",
]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def corpus(make_search_paper):
    """24 arXiv papers with categories (vision in cs.CV, language in cs.CL) and two Hugging Face
    imports without categories or keywords, one on images and one on translation."""
    for topic in VISION:
        make_search_paper(topic.capitalize(), f"We study {topic}. Pixels and images.", categories="cs.CV")
    for topic in LANGUAGE:
        make_search_paper(
            topic.capitalize(), f"We study {topic}. Words and sentences.", categories="cs.CL cs.AI"
        )
    image = make_search_paper(
        "Panoptic segmentation of street scene images",
        "A convolutional network labels every pixel of street photographs with its object class.",
        categories="",
    )
    translation = make_search_paper(
        "Neural machine translation for African languages",
        "We translate sentences between English and Swahili with a multilingual language model.",
        categories="",
    )
    return image, translation


def test_indexing_infers_categories_for_papers_arxiv_gives_none(search_backend, corpus, capsys):
    image, translation = corpus
    out, _ = run("rebuild")
    assert "Topics: inferred categories for 2 papers (from 24 with arXiv categories)" in out
    assert "categories" not in capsys.readouterr().err  # no progress bar off a terminal
    image.refresh_from_db()
    translation.refresh_from_db()
    assert image.categories == "" and image.inferred_categories.split()[0] == "cs.CV"
    assert translation.inferred_categories.split() == ["cs.CL", "cs.AI"]
    assert image.topic_categories[0] == "cs.CV" and image.categories_inferred


def test_search_category_filter_finds_papers_by_inferred_category(search_backend, corpus):
    image, _ = corpus
    run("rebuild")
    for query in ("panoptic cat:cs.CV", "street scene pixels cat:cs.cv"):
        hits, _ = search_papers(query)
        assert image.pk in [hit.paper.pk for hit in hits], query
    hits, _ = search_papers("panoptic cat:cs.CL")
    assert image.pk not in [hit.paper.pk for hit in hits]


def test_papers_without_keywords_get_key_phrases_and_hugging_face_ones_are_kept(search_backend, corpus):
    image, _ = corpus
    keyworded = Paper.objects.filter(categories="cs.CV").first()
    Paper.objects.filter(pk=keyworded.pk).update(ai_keywords=["image segmentation"])
    run("rebuild")
    image.refresh_from_db()
    keyworded.refresh_from_db()
    assert image.keyphrases and image.keywords_extracted
    assert any("segmentation" in phrase.lower() for phrase in image.keyphrases)
    assert keyworded.keyphrases == [] and keyworded.keyword_list == ["image segmentation"]


def test_a_second_run_changes_nothing_and_leaves_modified_at_alone(search_backend, corpus):
    image, _ = corpus
    before = Paper.objects.get(pk=image.pk).modified_at
    run("rebuild")
    inferred = Paper.objects.get(pk=image.pk).inferred_categories
    out, _ = run("topics")
    assert "inferred categories for 0 papers" in out and "key phrases for 0" in out
    after = Paper.objects.get(pk=image.pk)
    assert after.inferred_categories == inferred and after.modified_at == before
    assert "Up to date." in run("status")[0]


def test_catch_up_infers_only_for_new_papers(search_backend, corpus, make_search_paper):
    run("rebuild")
    make_search_paper("Optical flow between video frames", "Motion of pixels between images.", categories="")
    out, _ = run("catch-up")
    assert "Indexed 1 papers" in out
    assert "inferred categories for 1 papers" in out and "key phrases for 1 " in out


def test_a_paper_that_gets_arxiv_categories_loses_its_inferred_ones(search_backend, corpus):
    image, _ = corpus
    run("rebuild")
    Paper.objects.filter(pk=image.pk).update(categories="cs.RO")
    run("topics")
    image.refresh_from_db()
    assert image.inferred_categories == "" and image.topic_categories == ["cs.RO"]


def test_a_paper_whose_text_changes_gets_its_topics_again_after_catch_up(search_backend, corpus):
    from django.utils import timezone

    image, translation = corpus
    run("rebuild")
    image.refresh_from_db()
    assert image.inferred_categories.startswith("cs.CV")
    # A re-import rewrote the paper: now it is about translation (modified_at moves, as ingest does).
    Paper.objects.filter(pk=image.pk).update(
        title="Machine translation of sentences between languages",
        abstract="We translate words and sentences with a multilingual language model.",
        modified_at=timezone.now(),
    )
    Paper.objects.filter(pk=translation.pk).update(upvotes=5, modified_at=timezone.now())  # text unchanged
    before = Paper.objects.get(pk=translation.pk)
    out, _ = run("catch-up")
    assert "1 papers changed their title or abstract" in out
    image.refresh_from_db()
    assert image.inferred_categories.startswith("cs.CL")
    assert any("translat" in phrase.lower() for phrase in image.keyphrases)
    assert not any("segmentation" in phrase.lower() for phrase in image.keyphrases)
    after = Paper.objects.get(pk=translation.pk)
    assert (after.inferred_categories, after.keyphrases) == (before.inferred_categories, before.keyphrases)
    assert "inferred categories for 0 papers" in run("topics")[0]  # nothing changed since


def test_a_changed_paper_the_index_has_not_caught_up_with_waits_for_its_new_vector(search_backend, corpus):
    from django.utils import timezone

    image, _ = corpus
    run("rebuild")
    Paper.objects.filter(pk=image.pk).update(
        title="Machine translation of sentences", abstract="Words.", modified_at=timezone.now()
    )
    out, _ = run("topics")  # no catch-up: the index still holds the old text
    assert "changed their title" not in out
    assert Paper.objects.get(pk=image.pk).inferred_categories.startswith("cs.CV")


def test_with_too_few_labelled_papers_the_bundled_model_infers(search_backend, make_search_paper):
    for i in range(MIN_LABELLED - 1):
        make_search_paper(f"Robot paper {i}", "Grasping.", categories="cs.RO")
    lone = make_search_paper(
        "Panoptic segmentation of street scene images",
        "A convolutional network labels every pixel of street photographs with its object class.",
        categories="",
    )
    out, _ = run("rebuild")
    assert "(the bundled model, fitted on 4,000 with arXiv categories)" in out
    lone.refresh_from_db()
    assert lone.inferred_categories.split()[0] == "cs.CV"


def test_without_the_bundled_model_too_few_labelled_papers_infer_nothing_and_say_why(
    search_backend, make_search_paper, monkeypatch, tmp_path
):
    monkeypatch.setattr(topics, "PRIOR", tmp_path / "missing.npz")
    make_search_paper("Image paper", "Pixels.", categories="cs.CV")
    lone = make_search_paper("An unlabelled paper", "About images.", categories="")
    out, _ = run("rebuild")
    assert f"fewer than {MIN_LABELLED} papers with arXiv categories" in out
    lone.refresh_from_db()
    assert lone.inferred_categories == ""


def test_redo_infers_again(search_backend, corpus):
    image, _ = corpus
    run("rebuild")
    Paper.objects.filter(pk=image.pk).update(inferred_categories="hep-th")
    out, _ = run("topics", "--redo")
    assert "inferred categories for 2 papers" in out
    image.refresh_from_db()
    assert image.inferred_categories.startswith("cs.CV")


def evaluate(*args) -> str:
    out = StringIO()
    call_command("eval", "categories", *args, stdout=out)
    return out.getvalue()


def test_eval_categories_scores_held_out_papers_against_a_truth_file(search_backend, corpus, tmp_path):
    image, translation = corpus
    run("rebuild")
    truth = tmp_path / "truth.tsv"
    truth.write_text(f"{image.arxiv_id}\tcs.CV\n{translation.arxiv_id}\tcs.CL cs.LG\n2999.00001\tcs.CV\n")
    out = evaluate("--truth", str(truth))
    assert "held-out papers:            2 (learned from 24; 1 not found or without a vector)" in out
    assert "primary category top-1:     1.0000" in out
    # Predicted {cs.CV}, {cs.CL, cs.AI}; true {cs.CV}, {cs.CL, cs.LG}: 2 of 3 right, 2 of 3 found.
    assert "category set precision:     0.6667" in out
    assert "category set recall:        0.6667" in out


def test_eval_categories_rejects_a_malformed_truth_file(search_backend, corpus, tmp_path):
    run("rebuild")
    truth = tmp_path / "truth.tsv"
    truth.write_text("2504.00001 no tab here\n")
    with pytest.raises(CommandError, match="expected 'arxiv_id<TAB>categories'"):
        evaluate("--truth", str(truth))
    with pytest.raises(CommandError, match="No truth file"):
        evaluate("--truth", str(tmp_path / "missing.tsv"))
