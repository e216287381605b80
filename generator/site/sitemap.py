"""The site's sitemap, in parts of at most ``PART`` pages under ``sitemaps/``.

``overrides/sitemap.xml`` makes MkDocs' ``sitemap.xml`` an index of these parts: a single
sitemap may hold at most 50,000 URLs (the catalogue passes that at about twice the shared
corpus), and the theme fetches ``sitemap.xml`` on every page a reader opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PART = 10_000
FOLDER = "sitemaps"


@dataclass(frozen=True, slots=True)
class SitemapPart:
    path: str  # relative to the site: sitemaps/1.xml
    url: str  # absolute when the site has a URL
    lastmod: str
    xml: str


def sitemap_parts(pages: Sequence[tuple[str, str]], site_url: str) -> list[SitemapPart]:
    """``pages`` are ``(location, lastmod)`` in MkDocs' order, as its own sitemap lists them."""
    parts = []
    for number, start in enumerate(range(0, len(pages), PART), start=1):
        chunk = pages[start : start + PART]
        urls = "".join(
            f"<url><loc>{escape(loc)}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>\n"
            for loc, lastmod in chunk
        )
        path = f"{FOLDER}/{number}.xml"
        parts.append(
            SitemapPart(
                path=path,
                url=(site_url.rstrip("/") + "/" if site_url else "") + path,
                lastmod=max((lastmod for _, lastmod in chunk), default=""),
                xml='<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{urls}</urlset>\n",
            )
        )
    return parts
