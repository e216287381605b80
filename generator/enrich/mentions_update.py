"""Where method names occur, kept between the runs of one process: a run scans only the new
texts with every name, and the texts it has seen with the names that are new.

A ``Scan`` for ``find_mentions``: what it returns is what ``scan_texts`` would, so the
mentions found are the same as a full run's.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.enrich.mentions import Matches, scan_texts


class KeptScan:
    """``scan_texts`` that remembers each text's matches and the names it looked for."""

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset()
        self.found: dict[str, Matches] = {}

    def __call__(self, names: Sequence[str], texts: Sequence[str], new_only: bool = False) -> list[Matches]:
        """``scan_texts(names, texts)``; ``new_only`` (a serve's first step): the texts seen
        before are not scanned for the new names, and nothing is kept, so the next call
        scans them as if this one had not been."""
        wanted = frozenset(names)
        added = sorted(wanted - self.names)
        gone = self.names - wanted
        distinct = list(dict.fromkeys(texts))
        new = [text for text in distinct if text not in self.found]
        old = [text for text in distinct if text in self.found]
        found = dict(zip(new, scan_texts(names, new), strict=True))
        more = dict(zip(old, scan_texts(added, old), strict=True)) if added and not new_only else {}
        for text in old:
            matches = self.found[text]
            if gone:
                matches = [match for match in matches if match[2] not in gone]
            found[text] = matches + more[text] if more.get(text) else matches
        if not new_only:
            self.names, self.found = wanted, found
        return [found[text] for text in texts]
