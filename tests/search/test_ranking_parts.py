"""Fusion, highlighting and the evaluation metrics, on hand-made inputs."""

import math

import pytest

from paperfeed.search.evaluation import ndcg, recall, reciprocal_rank
from paperfeed.search.fusion import reciprocal_rank_fusion
from paperfeed.search.highlight import excerpt, highlight
from paperfeed.search.query import parse_query
from paperfeed.search.stopwords import content_words


def test_fusion_rewards_papers_ranked_well_by_both_signals():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [pk for pk, _ in fused] == [1, 3, 2, 4]
    assert math.isclose(dict(fused)[1], 1 / 61 + 1 / 62)


def test_fusion_weights_tilt_toward_one_signal():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], weights=[1.0, 2.0])
    assert [pk for pk, _ in fused] == [2, 1]


def test_highlight_marks_words_sharing_a_stem_and_keeps_the_text():
    spans = highlight("Training models, one model at a time.", ["model", "trained"])
    assert "".join(t for t, _ in spans) == "Training models, one model at a time."
    assert [t for t, marked in spans if marked] == ["Training", "models", "model"]


def test_a_word_ending_in_e_meets_its_other_forms():
    spans = highlight("Erase what was erased; images and imaging.", ["erasing", "image"])
    assert [t for t, marked in spans if marked] == ["Erase", "erased", "images", "imaging"]


def test_highlight_marks_whole_words_only_never_a_word_containing_the_term():
    spans = highlight("Remodel the model; premodels and modelling_2 models.", ["model"])
    assert [t for t, marked in spans if marked] == ["model", "models"]


def test_stop_words_are_highlighted_only_when_the_query_has_nothing_else():
    assert parse_query("the effect of dropout").highlight_terms == ["effect", "dropout"]
    assert parse_query("the who").highlight_terms == ["the", "who"]
    assert parse_query('dropout "in the wild"').highlight_terms == ["dropout", "in", "the", "wild"]


def test_excerpt_centres_on_the_matches_with_ellipses():
    text = " ".join(["filler"] * 100 + ["quantum", "error", "correction"] + ["filler"] * 100)
    spans = excerpt(text, ["quantum", "correction"], size=20)
    assert "".join(t for t, _ in spans).startswith("… filler filler filler quantum") and spans[-1][
        0
    ].endswith(" …")
    assert ("quantum", True) in spans and ("correction", True) in spans


def test_metrics_on_a_known_ranking():
    judged = {"a": 1, "b": 1}
    assert reciprocal_rank(["x", "a", "b"], judged) == 0.5
    assert recall(["x", "a"], judged) == 0.5
    ideal = 1 + 1 / math.log2(3)
    assert math.isclose(ndcg(["x", "a", "b"], judged), (1 / math.log2(3) + 1 / math.log2(4)) / ideal)


def test_keyword_queries_leave_out_stop_words_unless_nothing_else_is_left():
    assert content_words(["the", "attention", "of", "a", "model"]) == ["attention", "model"]
    assert content_words(["to", "be", "or", "not"]) == ["to", "be", "or", "not"]


def test_a_papers_telling_words_favour_its_title_and_skip_stop_words_and_numbers():
    from paperfeed.search.related_words import distinctive_words

    words = distinctive_words(
        [
            (
                "Sparse Attention",
                "We make attention sparse in 2025 and the model is fast; the fast model wins.",
            )
        ],
        limit=4,
    )
    assert words[:2] == ["sparse", "attention"]
    assert set(words[2:]) == {"fast", "model"}
    assert not {"the", "and", "2025", "we"} & set(distinctive_words([("The 2025 we", "and the")]))


def test_keyword_matches_count_when_the_words_the_corpus_knows_carry_the_query():
    from paperfeed.search.ranking import keyword_is_genuine

    shares = {"unlearning": 0.001, "llms": 0.15, "models": 0.4}
    assert keyword_is_genuine(["machine", "unlearning"], {**shares, "machine": 0.03})
    assert keyword_is_genuine(["models", "llms"], shares)  # common, but nothing unknown
    assert keyword_is_genuine(["unlearning", "machine", "flurbo"], {**shares, "machine": 0.03})
    # Half unknown: a telling word carries a stray one only when the query means something.
    assert keyword_is_genuine(["unlearning", "flurbo"], shares, best=0.5)
    assert not keyword_is_genuine(["unlearning", "flurbo"], shares, best=0.25)
    assert not keyword_is_genuine(["unlearning", "flurbo"], shares)  # meaning not measured
    assert not keyword_is_genuine(["models", "flurbo"], shares, best=0.9)  # only a common word is known
    assert not keyword_is_genuine(["unlearning", "flurbo", "glark"], shares)  # mostly unknown
    assert not keyword_is_genuine(["xqzvbnm"], shares)


@pytest.mark.parametrize(
    ("typed", "title", "tier"),
    [
        ("Attention Is All You Need", "Attention Is All You Need", 0),
        ("attention is all you need!", "Attention Is All You Need", 0),
        ("Über große Modelle", "Uber Grosse Modelle", None),  # ß is not ss: too far for a short title
        ("Uber grosse Modelle", "Über grosse Modelle", 0),  # accents are ignored
        ("DeepSeek-R1", "DeepSeek-R1: Incentivizing Reasoning via Reinforcement Learning", 1),
        ("Graph Neural Networks", "Graph Neural Networks: A Review of Methods", None),  # a topic, not a name
        ("Machine Unlearning for Large Langauge Models", "Machine Unlearning for Large Language Models", 2),
        ("graph neural network", "Graph Neural Networks", None),  # short: a typo is not forgiven
        ("Machine Unlearning for Vision Transformers", "Machine Unlearning for Large Language Models", None),
    ],
)
def test_a_title_is_recognised_exactly_without_its_subtitle_or_with_a_small_typo(typed, title, tier):
    from paperfeed.search.lookup import names_a_paper, normalized_title, title_tier

    assert title_tier(normalized_title(typed), title, main_ok=names_a_paper(typed)) == tier


def test_a_main_title_names_a_paper_when_it_looks_like_a_name_or_is_long():
    from paperfeed.search.lookup import main_title, names_a_paper

    assert main_title("Mamba: Linear-Time Sequence Modeling") == "Mamba"
    assert main_title("Segment Anything - A Model for Masks") == "Segment Anything"
    assert main_title("Linear-Time Sequence Modeling") == "Linear-Time Sequence Modeling"
    assert [names_a_paper(t) for t in ("LLaVA", "SAM 2", "Qwen2.5-VL", "Diffusion Models")] == [
        True,
        True,
        True,
        False,
    ]
    assert names_a_paper("scaling laws for neural language models")


def test_one_word_may_be_a_title_only_when_it_looks_like_a_name():
    from paperfeed.search.lookup import may_be_title

    assert may_be_title("ZeroUnlearn") and may_be_title("GPT-4") and may_be_title("sparse attention")
    assert not may_be_title("attention") and not may_be_title("Prism")
