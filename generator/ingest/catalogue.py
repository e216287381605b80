"""Dumps to papers: one ``Paper`` per distinct title, with stable slugs.

Titles are the same paper when they agree after Unicode normalisation, ignoring case,
whitespace and punctuation. Dumps are taken in dump order; the last dump's spelling of
a title and its abstract win, and every sighting is kept as a ``Source``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from slugify import slugify

from generator.model import Dump, Paper, Related, Source

SLUG_MAX = 80
RESERVED_SLUGS = frozenset({"index"})  # papers/index.md would be served as papers/, not papers/index/


def title_key(title: str) -> str:
    """The identity of a title: NFKC, casefolded, letters and digits only."""
    text = unicodedata.normalize("NFKC", title).casefold()
    key = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    # A title made only of punctuation or symbols still needs an identity.
    return key or " ".join(text.split())


def base_slug(title: str, key: str) -> str:
    """python-slugify's slug (non-Latin scripts transliterated), or a hash when nothing is left."""
    slug = slugify(title, max_length=SLUG_MAX, word_boundary=True)
    if not slug:
        slug = "paper-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return slug


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every paper and every dump, in the orders the site shows them."""

    dumps: tuple[Dump, ...]  # dump order
    papers: tuple[Paper, ...]  # order of first appearance
    further: Mapping[str, tuple[Related, ...]] = field(default_factory=dict)
    """By slug, a paper's closest papers after its related list (to ten, without terms): only
    the Library's recommendations read them, so a paper's page does not change with them."""

    def by_slug(self) -> dict[str, Paper]:
        return {paper.slug: paper for paper in self.papers}


def build_catalogue(
    dumps: Sequence[Dump],
    title_key: Callable[[str], str] = title_key,
    base_slug: Callable[[str, str], str] = base_slug,
) -> Catalogue:
    """Merge the dumps (already in dump order) into papers with unique, stable slugs.

    Slugs are handed out in order of first appearance, so a paper keeps its slug when
    later dumps are added; a later title whose slug is taken gets ``-2``, ``-3``...
    (``title_key`` and ``base_slug``: the functions above, or ones that remember them.)
    """
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    first_titles: dict[str, str] = {}
    sources: dict[str, list[Source]] = {}
    for dump in dumps:
        for entry in dump.entries:
            key = title_key(entry.title)
            first_titles.setdefault(key, entry.title)
            titles[key] = entry.title
            abstracts[key] = entry.abstract
            sources.setdefault(key, []).append(Source(dump.name, entry.line, dump.date))
    taken: set[str] = set(RESERVED_SLUGS)
    papers = []
    for key in sources:  # insertion order: first appearance
        # The first spelling names the slug, so a respelling in a later dump keeps the URL.
        slug = base = base_slug(first_titles[key], key)
        counter = 2
        while slug in taken:
            slug = f"{base}-{counter}"
            counter += 1
        taken.add(slug)
        papers.append(Paper(key, slug, titles[key], abstracts[key], tuple(sources[key])))
    return Catalogue(tuple(dumps), tuple(papers))
