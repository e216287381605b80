"""The taxonomy, two levels: areas (``tags``) and the topics under each, from a declared YAML
schema validated once, and the tagger built from it.

``taxonomy.yml`` holds ``tags:``, a list of area entries::

    - name: Speech & audio            # shown to readers; unique, case-insensitive
      description: One sentence.      # shown on the tag page
      phrases: [speech, text-to-speech, audio]
      patterns: ['\\bASR\\b']          # optional regular expressions, case-sensitive
      exclude: [hate speech]          # optional phrases whose matches hide this tag's hits
      topics:                         # optional: the narrower subjects of the area
        - name: Speech recognition    # unique among all areas and topics, case-insensitive
          description: One sentence.
          phrases: [speech recognition, ASR]   # patterns and exclude as for areas

A topic's slug is unique within its area: its page is ``tags/<area slug>/<topic slug>/``.

How a phrase matches (the normalisation, kept small on purpose):

- case-insensitively, on word boundaries: ``agent`` matches "Agents" but not "reagent";
- with an optional plural ``s`` or ``es`` after the last word: ``agent`` matches "agents";
- a space matches any run of spaces and hyphens: ``text to image`` matches "text-to-image";
- a hyphen matches a hyphen, a space or nothing: ``pre-train`` matches "pretrain" and "pre train".

Patterns are Python regular expressions run on the text as written (add ``\\b`` and a
leading ``(?i)`` yourself). An exclusion is a phrase of the same tag whose match hides every
hit of that tag inside it: ``exclude: [hate speech]`` keeps "hate speech" from counting
for ``speech``, while "speech" elsewhere still counts.

A paper gets a tag when its title has one hit, or its abstract at least ``ABSTRACT_HITS``
(overlapping hits count once): one passing mention in an abstract is not what a paper is about.
It gets a topic by the same rule, and only when it has the topic's area: a topic's phrases
are read in their area's sense ("guidance" in a diffusion paper is classifier-free guidance).

All phrases of all areas and topics are compiled at load time into one Aho-Corasick automaton, so each
text is scanned once however many tags there are; each tag's patterns are joined into one
regular expression. (One regular expression per tag scanned the corpus some 50 times over
and took minutes; the automaton takes seconds.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import ahocorasick
import yaml

ABSTRACT_HITS = 2
"""Hits an abstract needs to earn a tag when the title has none."""
FALLBACK_HITS = 1
"""Hits an abstract needs to earn a topic of an area for which the paper has no other."""

_LEADING_FLAGS = re.compile(r"\(\?([imsx]+)\)")
_HYPHENS = re.compile(r"[-\u2010-\u2015]+")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_STOPS = "!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~\u2018\u2019\u201c\u201d\u2026\u00b7"
_FOLD = str.maketrans({char: " " for char in _DASHES + _STOPS})
_PLURALS = ("", "s", "es")

Span = tuple[int, int]


class TaxonomyError(ValueError):
    """The taxonomy file is unreadable or breaks the schema; the message lists every problem."""


@dataclass(frozen=True, slots=True, order=True)
class Tag:
    """One area as readers see it."""

    name: str
    slug: str
    description: str


@dataclass(frozen=True, slots=True, order=True)
class Topic:
    """One topic under an area, as readers see it."""

    name: str
    slug: str
    description: str
    area: Tag

    @property
    def path(self) -> str:
        """Its page's folder, relative to the site root: under its area's page."""
        return f"tags/{self.area.slug}/{self.slug}"


class _Matcher:
    """Finding every tag's hits in a text: one automaton pass, then each tag's patterns.

    Texts and phrases are normalised alike (see ``normalise``) and padded with spaces, and
    every automaton key is a whole spelling with a space at each end, so whatever the
    automaton finds starts and ends on word boundaries. Values are ``(key length, tags it
    counts for, tags it is an exclusion of)``, tags by index.
    """

    def __init__(
        self,
        phrases: list[list[str]],
        exclude: list[list[str]],
        patterns: list[re.Pattern[str] | None],
    ) -> None:
        owners: dict[str, tuple[set[int], set[int]]] = {}
        for index, (own, hidden) in enumerate(zip(phrases, exclude, strict=True)):
            for kind, listed in ((0, own), (1, hidden)):
                for phrase in listed:
                    for spelling in phrase_spellings(phrase):
                        for plural in _PLURALS:
                            owners.setdefault(f" {spelling}{plural} ", (set(), set()))[kind].add(index)
        self.automaton = ahocorasick.Automaton()
        for key, (counted, excluded) in owners.items():
            self.automaton.add_word(key, (len(key), tuple(sorted(counted)), tuple(sorted(excluded))))
        self.automaton.make_automaton()
        self.patterns = [(index, regex) for index, regex in enumerate(patterns) if regex is not None]

    def hits(self, title: str, abstract: str) -> tuple[dict[int, int], dict[int, int]]:
        """How many hits each tag has in the title and in the abstract, by tag index.

        Both are scanned in one pass (three spaces apart, which no key spans); tags without
        hits are absent.
        """
        text = f" {normalise(title)}   {normalise(abstract)} "
        border = len(title) + 2
        found: tuple[dict[int, list[Span]], dict[int, list[Span]]] = ({}, {})
        hidden: dict[int, list[Span]] = {}
        for last, (length, counted, excluded) in self.automaton.iter(text):
            span = (last + 2 - length, last)  # the key without its two spaces
            spans = found[last > border]
            for index in counted:
                spans.setdefault(index, []).append(span)
            for index in excluded:
                hidden.setdefault(index, []).append(span)
        in_title, in_abstract = (
            {index: _count(own, hidden.get(index)) for index, own in spans.items()} for spans in found
        )
        for index, regex in self.patterns:
            # Patterns read the raw text, exclusions the normalised one: patterns ignore exclusions.
            for counts, raw in ((in_title, title), (in_abstract, abstract)):
                extra = sum(1 for _ in regex.finditer(raw))
                if extra:
                    counts[index] = counts.get(index, 0) + extra
        return _nonzero(in_title), _nonzero(in_abstract)


def _nonzero(counts: dict[int, int]) -> dict[int, int]:
    return {index: count for index, count in counts.items() if count}


def _count(spans: list[Span], hidden: list[Span] | None) -> int:
    """Hits left once exclusions hide theirs, overlapping hits counted once (leftmost, longest)."""
    if hidden is None and len(spans) == 1:
        return 1
    count, reach = 0, -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < reach or (hidden and any(h0 <= start and end <= h1 for h0, h1 in hidden)):
            continue
        count, reach = count + 1, end
    return count


def normalise(text: str) -> str:
    """Lower case, with hyphens, dashes and punctuation as spaces.

    Every character maps to one, so offsets hold and ``str.translate`` stays fast. Spaces
    are not collapsed: punctuation followed by a space leaves two, and no phrase spans
    two, so "language. Models" is not "language models" while "(RAG)" is still "rag".
    """
    return text.lower().translate(_FOLD)


def phrase_spellings(phrase: str) -> set[str]:
    """The normalised spellings a phrase stands for: each hyphen as a space or as nothing."""
    spellings = [""]
    for word in phrase.lower().split():
        parts = [part for part in _HYPHENS.split(word) if part]
        glued = {
            parts[0] + "".join(g + p for g, p in zip(glue, parts[1:], strict=True))
            for glue in _glues(len(parts))
        }
        variants = sorted(" ".join(normalise(variant).split()) for variant in glued)
        spellings = [f"{done} {variant}".strip() for done in spellings for variant in variants]
    return set(spellings)


def _glues(parts: int) -> Iterator[tuple[str, ...]]:
    """Every choice of a space or nothing between ``parts`` pieces of a hyphenated word."""
    yield from product((" ", ""), repeat=max(parts - 1, 0))


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The areas and topics in taxonomy order, and the matcher that assigns them (its
    entries: the areas, then the topics)."""

    tags: tuple[Tag, ...]
    matcher: _Matcher
    topics: tuple[Topic, ...] = ()
    topic_by_name: dict[str, Topic] = field(init=False, repr=False, compare=False)
    topic_area: tuple[int, ...] = field(init=False, repr=False, compare=False)  # each topic's area, by index

    def tags_for(self, title: str, abstract: str) -> tuple[str, ...]:
        """Names of the areas a paper gets, in taxonomy order."""
        return self.classify(title, abstract)[0]

    def classify(self, title: str, abstract: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Names of the areas and of the topics a paper gets, each in taxonomy order.

        A topic needs its area and the same hits as an area. An area none of whose topics
        reaches that takes the one of them with the most hits in the abstract, if it has at
        least ``FALLBACK_HITS`` (the first in taxonomy order on a tie): a paper that names a
        subject of its area once is better filed under it than under nothing."""
        in_title, in_abstract = self.matcher.hits(title, abstract)
        first = len(self.tags)
        hit = {*in_title, *in_abstract}
        areas = sorted(i for i in hit if i < first and (i in in_title or in_abstract[i] >= ABSTRACT_HITS))
        chosen: list[int] = []
        weak: dict[int, list[int]] = {}  # area -> its topics with fewer hits than a topic needs
        for index in hit:
            area = self.topic_area[index - first] if index >= first else -1
            if area < 0 or area not in areas:
                continue
            if index in in_title or in_abstract[index] >= ABSTRACT_HITS:
                chosen.append(index)
            elif in_abstract[index] >= FALLBACK_HITS:
                weak.setdefault(area, []).append(index)
        settled = {self.topic_area[index - first] for index in chosen}
        for area, indices in weak.items():
            if area not in settled:
                chosen.append(max(indices, key=lambda i: (in_abstract[i], -i)))
        tags = tuple(self.tags[i].name for i in areas)
        topics = tuple(self.topics[i - first].name for i in sorted(chosen))
        return tags, topics

    def by_slug(self) -> dict[str, Tag]:
        return {tag.slug: tag for tag in self.tags}

    def area_of(self, topic: str) -> str:
        """The name of a topic's area."""
        return self.topic_by_name[topic].area.name

    def __post_init__(self) -> None:
        object.__setattr__(self, "topic_by_name", {topic.name: topic for topic in self.topics})
        area_index = {tag.name: index for index, tag in enumerate(self.tags)}
        object.__setattr__(self, "topic_area", tuple(area_index[topic.area.name] for topic in self.topics))


def compile_patterns(patterns: list[str]) -> re.Pattern[str] | None:
    """A tag's patterns joined into one expression, or None when it has none."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{_scoped(pattern)})" for pattern in patterns))


def _scoped(pattern: str) -> str:
    """A pattern's leading global flags, e.g. ``(?i)``, made local so patterns can be joined."""
    flags = _LEADING_FLAGS.match(pattern)
    if flags is None:
        return pattern
    return f"(?{flags.group(1)}:{pattern[flags.end() :]})"


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: the taxonomy in a seventh of the time."""


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Reading and validating a taxonomy file; ``TaxonomyError`` lists every problem at once."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise TaxonomyError(f"{where}: cannot read: {error.strerror}") from None
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - libyaml's SafeLoader
    except yaml.YAMLError:
        data = None  # PyYAML's own parser says what is wrong in its words, below
    if data is None:
        data = yaml_or_error(where, text)
    from generator.enrich.taxonomy_schema import build  # the schema reads this module's types

    return build(where, data)


def yaml_or_error(where: str, text: str) -> object:
    """``text`` parsed by PyYAML's own safe loader, or a ``TaxonomyError`` naming the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise TaxonomyError(f"{where}:{line}: invalid YAML: {problem}") from None


def default_path() -> Path:
    """The taxonomy shipped with the generator."""
    return Path(__file__).with_name("taxonomy.yml")
