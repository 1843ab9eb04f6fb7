"""English stop words (PostgreSQL's and Snowball's list), left out of keyword queries.

BM25 gives them almost no weight, but each one still walks a posting list as long as the corpus;
PostgreSQL's ``english`` configuration drops them too, so both backends match the same words.
"""

_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_LIST.split())


def content_words(words: list[str]) -> list[str]:
    """``words`` without stop words, or all of them when nothing else is left."""
    kept = [w for w in words if w not in STOP_WORDS]
    return kept or words
