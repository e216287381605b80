"""A paper's title and abstract as HTML: the clean-up's fragments, with mentioned method names linked.

Works on escaped HTML only: dump text reaches a page through ``enrich/clean.py``'s escaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markupsafe import Markup

from generator.enrich import clean
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
    pattern = re.compile(r"(?<![\w+-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w+-])")
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
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
            parts[index] = pattern.sub(replace, part)
    return "".join(parts)
