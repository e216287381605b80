"""How much of the corpus the taxonomy tags, and how evenly.

    .venv/bin/python bench/taxonomy_coverage.py [DUMPS_DIR]

Prints the papers read, the share with at least one tag, every tag's count and share
(largest first), the largest share and the seconds tagging took. Exits 1 when fewer than
95% of papers are tagged or any tag sits on more than 40% of them.

The reader here is a small stand-in for ``generator/parse.py``: paragraphs split on blank
lines, header lines and the ``Mon D`` date line skipped, then title / abstract pairs.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.enrich.taxonomy import Taxonomy, default_path, load_taxonomy  # noqa: E402

DEFAULT_DUMPS = ROOT.parent / "shared" / "corpus" / "dumps"
MIN_TAGGED = 0.95
MAX_TAG_SHARE = 0.40

_HEADER = {"new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"}
_DATE = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}")


def read_papers(path: Path) -> Iterator[tuple[str, str]]:
    """(title, abstract) pairs of one dump file."""
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
    body = [p for p in paragraphs if p and p not in _HEADER]
    if body and _DATE.fullmatch(body[0]):
        body = body[1:]
    yield from zip(body[0::2], body[1::2], strict=False)


def read_corpus(dumps: Path) -> list[tuple[str, str]]:
    return [paper for path in sorted(dumps.glob("*.txt")) for paper in read_papers(path)]


def tag_counts(taxonomy: Taxonomy, papers: list[tuple[str, str]]) -> tuple[Counter[str], int]:
    """How many papers carry each tag, and how many carry at least one."""
    counts: Counter[str] = Counter()
    tagged = 0
    for title, abstract in papers:
        names = taxonomy.tags_for(title, abstract)
        counts.update(names)
        tagged += bool(names)
    return counts, tagged


def main(argv: list[str]) -> int:
    dumps = Path(argv[0]) if argv else DEFAULT_DUMPS
    papers = read_corpus(dumps)
    if not papers:
        print(f"{dumps}: no papers found", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy(default_path())
    start = time.perf_counter()
    counts, tagged = tag_counts(taxonomy, papers)
    seconds = time.perf_counter() - start

    total = len(papers)
    print(f"papers: {total}")
    print(f"tagged: {tagged} ({tagged / total:.1%})")
    for tag in sorted(taxonomy.tags, key=lambda t: (-counts[t.name], t.name)):
        print(f"  {counts[tag.name]:6d}  {counts[tag.name] / total:6.1%}  {tag.name}")
    largest = max(taxonomy.tags, key=lambda t: counts[t.name])
    print(f"largest tag: {largest.name} ({counts[largest.name] / total:.1%})")
    print(f"seconds: {seconds:.2f} ({len(taxonomy.tags)} tags)")

    failed = False
    if tagged / total < MIN_TAGGED:
        print(f"FAIL: {tagged / total:.1%} tagged, below {MIN_TAGGED:.0%}", file=sys.stderr)
        failed = True
    if counts[largest.name] / total > MAX_TAG_SHARE:
        print(f"FAIL: {largest.name} above {MAX_TAG_SHARE:.0%}", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
