"""What the related lists and the map compare of a paper, in a module that loads nothing else:
the build's own process makes these texts, and only the worker loads scikit-learn to compare them."""

from __future__ import annotations

from collections.abc import Sequence

TITLE_WEIGHT = 3
"""The title is said this many times: its words name what the paper is about, where the
abstract's words are spread over method, data and results. On the corpus this brought more
of a group of papers on one subject among each other's ten closest (README, "Performance", "Recommendations")."""


def paper_text(title: str, abstract: str) -> str:
    """A paper's clean title (``TITLE_WEIGHT`` times) and abstract, one text. The build, the
    tests and ``bench/bench_links.py`` all make their input with it."""
    return f"{title}\n" * TITLE_WEIGHT + abstract


def as_written(terms: Sequence[str], title: str, abstract: str) -> tuple[str, ...]:
    """``terms`` (lower-case, as counted) as the paper writes them ("3DGS", "Gaussian"), for a
    reader: as its abstract writes them, else its title (not a title in capitals). A bigram
    the paper never writes as such is left out: the counting joins words across punctuation
    and dropped stop words ("synthesis nvs" of "view synthesis (NVS)"). A word not found
    whole (``terms._preprocess`` read it otherwise) is shown as counted; a term that reads as
    one shown before but for a hyphen ("sparse view" after "sparse-view") is not shown twice."""
    texts = [abstract] if title.isupper() else [abstract, title]
    # (text, lower case) where the two are as long, so a position in one is one in the other
    texts = [(text, lowered) for text in texts if len(lowered := text.lower()) == len(text)]
    shown = []
    seen = set()
    for term in terms:
        if (read := term.replace("-", " ")) in seen:
            continue
        seen.add(read)
        found = next(
            (
                text[at : at + len(term)]
                for text, lowered in texts
                if (at := _whole(lowered, term)) is not None
            ),
            None,
        )
        if found is not None:
            shown.append(found)
        elif " " not in term:
            shown.append(term)
    return tuple(shown)


def _whole(lowered: str, term: str) -> int | None:
    """Where ``term`` first stands as whole words in ``lowered``, or None."""
    start = lowered.find(term)
    while start >= 0:
        end = start + len(term)
        if (start == 0 or not lowered[start - 1].isalnum()) and (
            end == len(lowered) or not lowered[end].isalnum()
        ):
            return start
        start = lowered.find(term, start + 1)
    return None
