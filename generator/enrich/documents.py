"""What the related lists and the map compare of a paper, in a module that loads nothing else:
the build's own process makes these texts, and only the worker loads scikit-learn to compare them."""

from __future__ import annotations


def paper_text(title: str, abstract: str) -> str:
    """A paper's clean title and abstract, one text. The build, the tests and
    ``bench/bench_links.py`` all make their input with it."""
    return f"{title}\n{abstract}"
