"""Every page of a built site shows something, and every feed has an entry.

``python -m generator.checks.nonempty SITE_DIR`` prints one ``FILE: what`` line for each list,
table, paragraph or section with nothing in it and each Atom feed without entries, and exits 1
when there is any. Only a page's own content is read (Material's ``<article>``), not the
theme's chrome; links to missing pages are the link checker's (``linkcheck.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from generator.checks.report import Violation, is_built_site, report, site_arguments

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.DOTALL)
_EMPTY_ELEMENT = re.compile(
    r"<(ol|ul|tbody|table|p|figure|details|nav|li|td|h[1-6])\b[^>]*>\s*</\1>", re.IGNORECASE
)
_HEADING = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_ATOM_FEED = re.compile(r"<feed\b[^>]*http://www\.w3\.org/2005/Atom")
_ENTRY = re.compile(r"<entry\b")


def page_gaps(page: str, file: str) -> list[Violation]:
    """The empty elements and the empty ``<h2>`` sections of a page's content."""
    found = []
    for content in _ARTICLE.findall(page):
        for match in _EMPTY_ELEMENT.finditer(content):
            found.append(Violation(file, f"empty <{match.group(1).lower()}>"))
        sections = _HEADING.split(content)
        # [before, title 1, body 1, title 2, body 2, ...]
        for title, body in zip(sections[1::2], sections[2::2], strict=True):
            if not _TAGS.sub("", body).strip() and "<svg" not in body and "<canvas" not in body:
                found.append(Violation(file, f"section {_TAGS.sub('', title).strip()!r} shows nothing"))
    return found


def feed_gaps(feed: str, file: str) -> list[Violation]:
    """An Atom feed without entries."""
    if _ATOM_FEED.search(feed) and not _ENTRY.search(feed):
        return [Violation(file, "feed without entries")]
    return []


def check_site(site: Path) -> tuple[list[Violation], int, int]:
    """Everything of ``site`` that shows nothing; also the counts of pages and feeds read."""
    pages = sorted(site.rglob("*.html"))
    feeds = sorted(site.rglob("*.xml"))
    found: list[Violation] = []
    for path in pages:
        found += page_gaps(
            path.read_text(encoding="utf-8", errors="replace"), path.relative_to(site).as_posix()
        )
    for path in feeds:
        found += feed_gaps(
            path.read_text(encoding="utf-8", errors="replace"), path.relative_to(site).as_posix()
        )
    return sorted(found), len(pages), sum(1 for path in feeds if path.name == "feed.xml")


def main(argv: Iterable[str] | None = None) -> int:
    args = site_arguments("generator.checks.nonempty", __doc__).parse_args(
        list(argv) if argv is not None else None
    )
    if not is_built_site(args.site):
        return 2
    found, pages, feeds = check_site(args.site)
    return report(found, f"{pages} pages, {feeds} feeds, {len(found)} showing nothing")


if __name__ == "__main__":
    sys.exit(main())
