"""A paper's title and abstract as HTML: the clean-up's fragments, with mentioned method names linked.

Works on escaped HTML only: dump text reaches a page through ``enrich/clean.py``'s escaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markupsafe import Markup

from generator.enrich import clean
from generator.enrich.mentions import on_boundaries, whole_word_occurrences
from generator.model import Mention, Paper


def paper_markup(paper: Paper) -> tuple[Markup, Markup]:
    """A paper's title and abstract as HTML fragments, before mentions are linked."""
    return Markup(clean.title_html(paper.title)), Markup(clean.abstract_html(paper.abstract))


MARKUP_SPLIT = re.compile(r"(<[^>]*>)")


def link_mentions(html: str, mentions: Sequence[Mention], href: Callable[[str], str]) -> str:
    """Link each mentioned method name where it first appears in the abstract's text.

    Works on the escaped HTML: only text outside tags, links and math spans is touched,
    so a name never breaks markup and math stays math.
    """
    targets: dict[str, str] = {}
    for mention in mentions:
        targets.setdefault(str(Markup.escape(mention.name)), mention.target)
    if not targets:
        return html
    names = sorted(targets, key=len, reverse=True)
    done: set[str] = set()

    def link(name: str) -> str:
        if name in done:
            return name
        done.add(name)
        return f'<a class="paper-mention" href="{href(targets[name])}">{name}</a>'

    parts = MARKUP_SPLIT.split(html)
    depth = 0  # inside <a> or <span>: links and math
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if part.startswith(("<a", "<span")):
                depth += 1
            elif part.startswith(("</a", "</span")):
                depth -= 1
        elif depth == 0 and part:
            parts[index] = replace_names(part, names, link)
    return "".join(parts)


def replace_names(text: str, names: Sequence[str], replace: Callable[[str], str]) -> str:
    """``text`` with each whole-word occurrence of ``names`` (longest first at a place)
    replaced, scanning left to right as one alternation regex would, without compiling one:
    each paper's set of names is its own, and ``re`` would compile a pattern per paper."""
    places = sorted({at for name in names for at in whole_word_occurrences(text, name)})
    pieces: list[str] = []
    done = 0
    for at in places:
        if at < done:
            continue
        name = next(n for n in names if text.startswith(n, at) and on_boundaries(text, at, at + len(n)))
        pieces += (text[done:at], replace(name))
        done = at + len(name)
    return "".join(pieces) + text[done:] if pieces else text
