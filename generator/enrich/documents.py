"""What the related lists and the map compare of a paper, in a module that loads nothing else:
the build's own process makes these texts, and only the worker loads scikit-learn to compare them."""

from __future__ import annotations

TITLE_WEIGHT = 3
"""The title is said this many times: its words name what the paper is about, where the
abstract's words are spread over method, data and results. On the corpus this brought more
of a group of papers on one subject among each other's ten closest (README, "Performance", recommendations)."""


def paper_text(title: str, abstract: str) -> str:
    """A paper's clean title (``TITLE_WEIGHT`` times) and abstract, one text. The build, the
    tests and ``bench/bench_links.py`` all make their input with it."""
    return f"{title}\n" * TITLE_WEIGHT + abstract
