"""The Pagefind search index, built on the second core while the rest of the site is made.

Pagefind indexes one small HTML document per paper (``document``: its title, its abstract
and its tags as filters), written flat as ``papers/<slug>.html`` into a folder beside the
generated pages as soon as papers are tagged. Pagefind's own binary (from the
``pagefind[bin]`` package) then indexes them into ``site/pagefind/`` in a separate process
while related lists, pages and MkDocs run; the build waits for it at the end. Indexing the
written site afterwards instead cost 42 s at 28,228 papers on top of MkDocs' 82 s.

Pagefind's result URLs follow the documents' paths (``papers/<slug>.html``);
``search.js`` turns them into the pages' (``papers/<slug>/``).

Pagefind's Python service API was tried first, feeding pages as MkDocs wrote them; it
polls for each answer every 0.1 s, so 28,000 pages would take 47 minutes. Without the
poll it takes twice as long as the binary reading files (56 s against 31 s).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape


def document_path(slug: str) -> str:
    return f"papers/{slug}.html"


def document(title_html: str, abstract_html: str, tags: Sequence[str]) -> str:
    """What Pagefind indexes of a paper: title (its result's title), abstract, tags as filters.

    ``title_html`` and ``abstract_html`` are the page's own escaped fragments (``text.py``);
    the page's links, related papers and sources are not searched.
    """
    filters = "".join(f'<span data-pagefind-filter="tag">{escape(name)}</span>' for name in tags)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title_html}</title></head>'
        f"<body><div data-pagefind-body>\n<nav hidden>{filters}</nav>\n"
        f"<h1>{title_html}</h1>\n<p>{abstract_html}</p>\n</div></body></html>\n"
    )


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message holds what it printed."""


@dataclass(frozen=True, slots=True)
class SearchIndex:
    pages: int
    words: int


def start_search_index(documents: Path, output: Path) -> subprocess.Popen[str]:
    """Start indexing ``documents`` (a folder of HTML files laid out like the site) into ``output``."""
    command = [
        sys.executable, "-m", "pagefind",
        "--site", str(documents),
        "--output-path", str(output),
        "--force-language", "en",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish_search_index(process: subprocess.Popen[str]) -> SearchIndex:
    """Wait for Pagefind; raise ``SearchIndexError`` with its output if it failed."""
    output, _ = process.communicate()
    if process.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({process.returncode}):\n{output}")

    def count(label: str) -> int:
        match = re.search(rf"Indexed (\d+) {label}", output)
        return int(match.group(1)) if match else 0

    return SearchIndex(count("page"), count("word"))
