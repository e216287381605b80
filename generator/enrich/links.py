"""URLs in an abstract: where each one ends, when two are the same, and the link a page shows.

``clean`` relies on this module three times: it links the URLs of an abstract's HTML
(``find_urls``), reads TeX's ``\\href{url}{label}`` as text (``href``) and gives each paper
its code and project links (``clean.extract_links``, which cleans the TeX first and then calls
``find_urls`` and ``link``). What a URL is and which hosts hold code live here, apart from the
TeX clean-up, and this module imports nothing from it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from generator.model import Link

_CODE_HOSTS = ("github.com", "gitlab.com")
# An http(s) URL, or a code host's repository written without its scheme ("Code:
# github.com/owner/name", 38 abstracts of the corpus): nothing else without a scheme is a URL.
_URL = re.compile(
    r"https?://[A-Za-z0-9][^\s<>\"'`{}|\\^$]*"
    r"|(?<![\w.@/:-])(?:www\.)?(?:github|gitlab)\.com/[A-Za-z0-9][\w.-]*/[A-Za-z0-9][^\s<>\"'`{}|\\^$]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"]}*”’"


def find_urls(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each URL (``url_of`` gives its address), trailing punctuation left outside."""
    spans = []
    for match in _URL.finditer(text):
        url = match[0]
        while url:
            unbalanced = url[-1] == ")" and url.count("(") < url.count(")")
            if url[-1] in _TRAILING or unbalanced:
                url = url[:-1]
            else:
                break
        if urlsplit(url_of(url)).hostname:
            spans.append((match.start(), match.start() + len(url)))
    return spans


def url_of(found: str) -> str:
    """The address of a URL ``find_urls`` found: as written, or with ``https://`` before a
    repository written without its scheme."""
    return found if "://" in found else "https://" + found


def url_key(url: str) -> str:
    """What two spellings of one URL share: ``HTTPS://x.org/`` and ``https://x.org`` are one link."""
    return url.lower().rstrip("/")


def href(url: str, label: str) -> str:
    """``\\href{url}{label}`` as text: ``label (url)``, or the URL alone when the label is it."""
    label = label.strip()
    same = url_key(label if "://" in label else "https://" + label) == url_key(url)
    return url if not label or same else f"{label} ({url})"


def link(url: str) -> Link:
    """A URL as the page shows it: a code repository (``Code: owner/name``) or a project page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host in _CODE_HOSTS and len(path) >= 2:
        return Link(url, "code", f"Code: {path[0]}/{path[1].removesuffix('.git')}")
    return Link(url, "project", f"Project page: {_cut_url(host + parts.path.rstrip('/'))}")


def _cut_url(text: str, limit: int = 48) -> str:
    """A URL as a link label shows it: at most ``limit`` characters, "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
