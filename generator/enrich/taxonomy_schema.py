"""The taxonomy file's schema: every area and topic entry checked, every problem named by file
and key (``tags[3].topics[1].name: ...``), then the ``Taxonomy`` they declare.

Apart from ``taxonomy.py``, which matches texts, so that either can change alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from generator.enrich.taxonomy import (
    Tag,
    Taxonomy,
    TaxonomyError,
    Topic,
    _Matcher,
    compile_patterns,
)

_KEYS = ("name", "description", "phrases", "patterns", "exclude", "topics")
_TOPIC_KEYS = ("name", "description", "phrases", "patterns", "exclude")
_REQUIRED = ("name", "description", "phrases")


@dataclass
class _Entries:
    """What ``build`` gathers: the matcher's inputs, one per area or topic, and the names seen."""

    phrases: list[list[str]] = field(default_factory=list)
    exclusions: list[list[str]] = field(default_factory=list)
    patterns: list[re.Pattern[str] | None] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> key of its entry

    def add(self, own_phrases: list[str], exclude: list[str], own_patterns: list[str]) -> None:
        self.phrases.append(own_phrases)
        self.exclusions.append(exclude)
        self.patterns.append(compile_patterns(own_patterns))


def _new_entry(
    entry: Any, where: str, key: str, keys: tuple[str, ...], noun: str, seen: _Entries, problems: list[str]
) -> tuple[Any, ...] | None:
    """An area's or topic's checked fields, its name recorded in ``seen``; None, with the
    problems said, when the entry is malformed or an earlier one has its name."""
    found = _check_entry(entry, f"{where}: {key}", problems, keys)
    if found is None:
        return None
    name = found[0]
    first = seen.names.get(name.lower())
    if first is not None:
        problems.append(f"{where}: {key}.name: duplicate {noun} {name!r} (first at {first})")
        return None
    seen.names[name.lower()] = key
    return found


def build(where: str, data: Any) -> Taxonomy:
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        raise TaxonomyError(f"{where}: must be a mapping with the key 'tags', found {found}")
    extra = sorted(set(data) - {"tags"}, key=str)
    problems = [f"{where}: unknown key {key!r}; allowed: tags" for key in extra]
    entries = data.get("tags")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: tags: must be a non-empty list of tag entries")
        raise TaxonomyError("\n".join(problems))

    tags: list[Tag] = []
    areas = _Entries()
    slugs: dict[str, int] = {}
    area_topics: list[tuple[str, Tag, Any]] = []
    for index, entry in enumerate(entries):
        key = f"tags[{index}]"
        found = _new_entry(entry, where, key, _KEYS, "tag", areas, problems)
        if found is None:
            continue
        label = f"{where}: {key}.name"
        name, description, own_phrases, own_patterns, exclude = found
        slug = slugify(name)
        if not slug:
            problems.append(f"{label}: {name!r} has an empty slug; use letters or digits")
            continue
        if slug in slugs:
            problems.append(f"{label}: slug {slug!r} clashes with tags[{slugs[slug]}]")
            continue
        slugs[slug] = index
        if _check_patterns(own_patterns, f"{where}: {key}.patterns", name, problems):
            tag = Tag(name=name, slug=slug, description=description)
            tags.append(tag)
            areas.add(own_phrases, exclude, own_patterns)
            if "topics" in entry:
                area_topics.append((key, tag, entry["topics"]))
    topics: list[Topic] = []
    found_topics = _Entries(names=dict(areas.names))
    for key, area, listed in area_topics:
        topics.extend(_build_topics(where, key, area, listed, found_topics, problems))
    if problems:
        raise TaxonomyError("\n".join(problems))
    matcher = _Matcher(
        areas.phrases + found_topics.phrases,
        areas.exclusions + found_topics.exclusions,
        areas.patterns + found_topics.patterns,
    )
    return Taxonomy(tags=tuple(tags), matcher=matcher, topics=tuple(topics))


def _build_topics(
    where: str, area_key: str, area: Tag, listed: Any, seen: _Entries, problems: list[str]
) -> list[Topic]:
    """The topics of one area (``listed``, its ``topics`` value); what is wrong goes to ``problems``.
    ``seen`` holds every area's and earlier topic's name, and takes this area's topics' phrases."""
    if not isinstance(listed, list) or not listed:
        problems.append(f"{where}: {area_key}.topics: must be a non-empty list of topic entries")
        return []
    topics: list[Topic] = []
    slugs: dict[str, str] = {}
    for index, entry in enumerate(listed):
        key = f"{area_key}.topics[{index}]"
        found = _new_entry(entry, where, key, _TOPIC_KEYS, "name", seen, problems)
        if found is None:
            continue
        label = f"{where}: {key}.name"
        name, description, own_phrases, own_patterns, exclude = found
        slug = slugify(name)
        if not slug or slug.isdigit():
            problems.append(
                f"{label}: {name!r} needs a slug with letters (the area's page numbers are digits)"
            )
            continue
        if slug in slugs:
            problems.append(f"{label}: slug {slug!r} clashes with {slugs[slug]}")
            continue
        slugs[slug] = key
        if _check_patterns(own_patterns, f"{where}: {key}.patterns", name, problems):
            topics.append(Topic(name=name, slug=slug, description=description, area=area))
            seen.add(own_phrases, exclude, own_patterns)
    return topics


def _check_entry(
    entry: Any, key: str, problems: list[str], allowed: tuple[str, ...]
) -> tuple[Any, ...] | None:
    """The entry's fields, or None after recording what is wrong with it."""
    if not isinstance(entry, dict):
        problems.append(f"{key}: must be a mapping with name, description and phrases")
        return None
    before = len(problems)
    for unknown in sorted(set(entry) - set(allowed), key=str):
        problems.append(f"{key}: unknown key {unknown!r}; allowed: {', '.join(allowed)}")
    for field_name in _REQUIRED:
        if field_name not in entry:
            problems.append(f"{key}: missing required key {field_name!r}")
    for field_name in ("name", "description"):
        value = entry.get(field_name)
        if field_name in entry and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{key}.{field_name}: must be a non-empty string")
    for field_name in ("phrases", "patterns", "exclude"):
        value = entry.get(field_name)
        if field_name in entry and not _is_strings(value, empty_ok=field_name != "phrases"):
            problems.append(f"{key}.{field_name}: must be a non-empty list of strings")
    if len(problems) > before:
        return None
    return (
        entry["name"].strip(),
        entry["description"].strip(),
        entry["phrases"],
        entry.get("patterns", []),
        entry.get("exclude", []),
    )


def _is_strings(value: Any, empty_ok: bool) -> bool:
    if not isinstance(value, list) or (not value and not empty_ok):
        return False
    return all(isinstance(item, str) and item.strip() for item in value)


def _check_patterns(patterns: list[str], key: str, name: str, problems: list[str]) -> bool:
    """Whether every pattern compiles; records each that does not."""
    before = len(problems)
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"{key}[{index}]: tag {name!r}: invalid regex {pattern!r}: {error}")
    return len(problems) == before
