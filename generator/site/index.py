"""The catalogue as the listings see it: papers by dump, by tag, A to Z, computed once."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial

from markupsafe import Markup

from generator.enrich.taxonomy import Tag, Topic
from generator.ingest.catalogue import Catalogue
from generator.memo import NoMemo
from generator.model import Dump, Paper
from generator.site.coverage import Coverage, TopicCoverage, tag_coverage, topic_coverage
from generator.site.views import PaperView, PaperViews

OFTEN_WITH = 6
"""Tags a tag page lists as most often beside it."""


@dataclass(frozen=True, slots=True)
class Listed:
    """What a listing shows of one paper."""

    slug: str
    title_html: Markup
    tags: tuple[Tag, ...]
    has_code: bool
    name: str = ""
    """The readable title of a title with math (``PaperView.readable_math_title``), else ""."""
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        """Computed once: a serve's listing pages are keyed by their entries (``Listings``)."""
        if not self._hash:
            object.__setattr__(
                self, "_hash", hash((self.slug, self.title_html, self.tags, self.has_code, self.name)) or 1
            )
        return self._hash


def letter_of(title: str) -> str:
    """The A to Z section of a (clean) title: its first Latin letter, ``0-9`` for digits, else ``other``."""
    plain = title.lstrip("\"'“‘([{*_`#$ ")
    head = plain[:1].upper()
    if "A" <= head <= "Z":
        return head.lower()
    if head.isdigit():
        return "0-9"
    decomposed = unicodedata.normalize("NFKD", head)[:1].upper()
    return decomposed.lower() if "A" <= decomposed <= "Z" else "other"


class SiteIndex:
    """Derived orderings of a catalogue that several pages share."""

    def __init__(
        self,
        catalogue: Catalogue,
        views: PaperViews,
        topics: Sequence[Topic] = (),
        memo: NoMemo | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.memo = memo or NoMemo()
        self.views = views
        self.tags = dict(views.tags)
        self.tag_order = list(self.tags)
        self.topics = {topic.name: topic for topic in topics}

    @cached_property
    def papers(self) -> dict[str, Paper]:
        return self.catalogue.by_slug()

    @cached_property
    def listed(self) -> dict[str, Listed]:
        """Each paper's entry; with a memo, the last run's where the paper is the same."""

        def entry(view: PaperView) -> Listed:
            return Listed(
                view.slug, view.title_html, view.tags, bool(view.code_url), view.readable_math_title
            )

        return {view.slug: self.memo.get("listed", view.paper, partial(entry, view)) for view in self.views}

    @cached_property
    def dumps(self) -> dict[str, Dump]:
        return {dump.name: dump for dump in self.catalogue.dumps}

    @cached_property
    def dump_papers(self) -> dict[str, list[str]]:
        """Each dump's papers in dump order (their titles' lines), each once: from the papers'
        sightings, which the catalogue made from the same entries."""
        sightings: dict[str, list[tuple[int, str]]] = {dump.name: [] for dump in self.catalogue.dumps}
        for paper in self.catalogue.papers:
            for source in paper.sources:
                sightings[source.dump].append((source.line, paper.slug))
        return {
            name: list(dict.fromkeys(slug for _, slug in sorted(seen))) for name, seen in sightings.items()
        }

    @cached_property
    def coverage(self) -> Coverage[Tag]:
        """Each tag's papers, newest dump first; which tags have a page (``coverage.py``)."""
        return tag_coverage(self.tags.values(), self.catalogue.papers)

    @cached_property
    def topic_coverage(self) -> TopicCoverage[Topic]:
        """Each topic's papers, newest dump first; which topics have a page (``coverage.py``)."""
        return topic_coverage(self.topics.values(), self.catalogue.papers)

    @cached_property
    def topic_papers(self) -> dict[str, Sequence[str]]:
        """Each topic with papers, in taxonomy order: its papers, newest dump first. A topic no
        paper has gets no page, feed or link: the topic pages and the area pages read this."""
        coverage = self.topic_coverage
        return {topic.name: coverage.papers[topic.name] for topic in coverage.shown}

    @cached_property
    def often_with(self) -> dict[str, list[tuple[str, int]]]:
        """For each tag, the tags most often on the same papers (at most ``OFTEN_WITH``)."""
        return most_often_together((paper.tags for paper in self.catalogue.papers), self.tag_order)

    @cached_property
    def alphabetical(self) -> list[str]:
        def sort_key(paper: Paper) -> tuple[str, str]:
            return (self.views[paper.slug].title.casefold(), paper.slug)

        return [paper.slug for paper in sorted(self.catalogue.papers, key=sort_key)]

    @cached_property
    def letters(self) -> dict[str, list[str]]:
        """Papers by A to Z section, in the sections' order (digits first, ``other`` last)."""
        letters: dict[str, list[str]] = {}
        for slug in self.alphabetical:
            letters.setdefault(letter_of(self.views[slug].title), []).append(slug)
        order = sorted(letters, key=lambda k: (k == "other", k != "0-9", k))
        return {letter: letters[letter] for letter in order}


def most_often_together(
    labels: Iterable[Sequence[str]], names: Iterable[str]
) -> dict[str, list[tuple[str, int]]]:
    """For each of ``names``, the others of ``names`` most often on the same papers (``labels``:
    each paper's), most first, at most ``OFTEN_WITH``."""
    pairs: dict[str, Counter[str]] = {name: Counter() for name in names}
    for found, papers in Counter(map(tuple, labels)).items():  # papers share a few thousand sets
        kept = [name for name in found if name in pairs]
        for name in kept:
            counter = pairs[name]
            for other in kept:
                if other != name:
                    counter[other] += papers
    return {
        name: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:OFTEN_WITH]
        for name, counter in pairs.items()
    }
