"""What every generated page shares: its source path and URL, its front matter, the templates
and the pager of a long listing.

Pages are Markdown files whose bodies are HTML; the plugin hands the bodies to MkDocs without a
Markdown pass (``HTML_LISTING``), so asterisks, brackets and braces in a title stay what they are.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 400
"""Entries per listing page: keeps every listing well under 300 KB."""
HTML_LISTING = {"html": True}
"""Front matter of pages whose body is already HTML: the plugin keeps them out of Markdown."""


def environment() -> Environment:
    """The Jinja environment of every generated page: autoescaping, strict about missing values."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["front_matter"] = front_matter
    env.filters["counted"] = counted
    env.globals["quote_plus"] = quote_plus
    return env


def url_of(src: str) -> str:
    """The directory URL MkDocs gives a source path: ``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(src: str) -> str:
    """The relative prefix from the page made of ``src`` back to the site root."""
    return "../" * url_of(src).count("/")


# Characters YAML refuses to read raw (PyYAML's reader) or reads as line breaks (NEL, LS,
# PS, folded into a space), written as escapes instead.
YAML_UNREADABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


JSON = json.JSONEncoder(ensure_ascii=False)


def yaml_value(value: object) -> str:
    """A YAML flow value: JSON is YAML, once the characters YAML will not read raw are escaped."""
    dumped = JSON.encode(value)
    return YAML_UNREADABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def front_matter(meta: dict) -> Markup:
    """YAML front matter; values are already HTML-escaped where the theme prints them raw."""
    return Markup("".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items()))


def read_front_matter(source: str) -> tuple[dict, str] | None:
    """``(meta, body)`` of a page whose front matter ``front_matter`` wrote; None for any
    other page. One ``json.loads`` a line, where PyYAML takes about 0.3 ms a paper page."""
    head, sep, body = source.partition("\n---\n")
    if not sep or not head.startswith("---\n"):
        return None
    meta = {}
    for line in head[4:].split("\n"):
        key, sep, value = line.partition(": ")
        if not sep or not key.isidentifier():
            return None
        try:
            meta[key] = json.loads(value)
        except ValueError:
            return None
    return meta, body.lstrip("\n")


def counted(number: int, noun: str) -> str:
    """``1 paper``, ``2 papers``: a count and its noun (the site's nouns take an ``s``)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def html_text(value: str) -> str:
    """Escape for the theme's templates, which print ``page.meta.title`` without escaping."""
    return str(Markup.escape(value))


@dataclass(frozen=True, slots=True)
class Pagination:
    """One page of a listing split into pages of ``PER_PAGE`` entries."""

    number: int
    count: int
    base: str  # source folder of the listing, e.g. ``tags/diffusion``

    def src(self, number: int) -> str:
        return f"{self.base}/index.md" if number == 1 else f"{self.base}/{number}.md"

    def href(self, number: int) -> str:
        """Link from this page to page ``number`` of the same listing."""
        here = url_of(self.src(self.number)).count("/")
        base = url_of(self.src(1)).count("/")
        up = "../" * (here - base)
        return up if number == 1 else f"{up}{number}/"


def pages_of(items: Sequence, base: str, per_page: int = PER_PAGE) -> Iterator[tuple[Pagination, Sequence]]:
    count = max(1, math.ceil(len(items) / per_page))
    for number in range(1, count + 1):
        yield Pagination(number, count, base), items[(number - 1) * per_page : number * per_page]
