"""The Pagefind search index, built on the second core while MkDocs renders the pages.

The generator writes one small HTML document per paper (its page's body and its tags as
filters, ``render.search_document``) beside the generated pages. As soon as they are
written, Pagefind's own binary (from the ``pagefind[bin]`` package) starts indexing them
into ``site/pagefind/`` in a separate process; the build waits for it at the end. Indexing
the written site afterwards instead cost 42 s at 28,228 papers on top of MkDocs' 82 s.

Pagefind's Python service API was tried first, feeding pages as MkDocs wrote them; it
polls for each answer every 0.1 s, so 28,000 pages would take 47 minutes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


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
