"""The Pagefind search index of a built site.

Pagefind's own binary (from the ``pagefind[bin]`` package) reads the written pages and
indexes, in parallel, every page whose HTML carries ``data-pagefind-body``: papers and
authored pages, not listings. Pagefind's Python service API was tried first, feeding pages
as MkDocs wrote them; it polls for each answer every 0.1 s, so 28,000 pages would take
47 minutes. The binary indexes the whole corpus in a fraction of that.
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


def build_search_index(site_dir: Path) -> SearchIndex:
    """Index ``site_dir`` into ``site_dir/pagefind``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", "en"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def count(label: str) -> int:
        match = re.search(rf"Indexed (\d+) {label}", result.stdout)
        return int(match.group(1)) if match else 0

    return SearchIndex(count("page"), count("word"))
