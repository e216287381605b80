"""A synthetic corpus SCALE times the shared one, for ``make bench SCALE=N``: how the build grows.

    .venv/bin/python bench/scale_corpus.py SCALE OUT [--dumps DIR]

Every real dump is kept as it is. Copy ``k`` (1 to SCALE - 1) of dump ``n`` is dump
``n + k * len(dumps)``, dated ``k * SHIFT_DAYS`` later (so dumps stay in date order and
every copy comes after the real ones), with as many papers as dump ``n``. Each of its papers
recombines two real ones drawn with a fixed seed: the first half of one title's words and
the second half of another's, the first half of one abstract's sentences and the second
half of another's. Titles are new papers (no title key, nor method name before a colon,
repeats one already in the corpus), so the catalogue really grows; abstracts keep the
corpus's vocabulary, lengths, math and links, so tags, related lists and the index grow as
they would with real papers. The same SCALE gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.catalogue import title_key  # noqa: E402
from generator.ingest.parse import (  # noqa: E402
    dump_files,
    format_dump,
    looks_like_abstract,
    looks_like_title,
    parse_text,
    read_dumps,
)
from generator.model import DumpDate  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"
SEED = 20
"""The recombinations' seed (issue 20); each paper's draw is seeded from it, its copy and its place."""
SHIFT_DAYS = 1001
"""Days between copies: more than the corpus's span (2023-12-01 to 2026-08-21, 994 days)."""
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def halves(parts: list[str]) -> tuple[list[str], list[str]]:
    middle = (len(parts) + 1) // 2
    return parts[:middle], parts[middle:]


def recombine_title(first: str, second: str, number: int) -> str:
    """The first half of ``first``'s words, the second half of ``second``'s; a method name
    the first half carries whole ("Mamba: ...") gets a number ("Mamba 2: ...")."""
    head, _ = halves(first.split())
    _, tail = halves(second.split())
    title = " ".join(head + tail) if tail else " ".join([*head, "Revisited"])
    if ":" in " ".join(head):
        name, rest = title.split(":", 1)
        title = f"{name.rstrip()} {number}:{rest}"
    return title


def recombine_abstract(first: str, second: str) -> str:
    """The first half of ``first``'s sentences and the second half of ``second``'s (their
    words when an abstract is one sentence)."""
    a, b = SENTENCE.split(first), SENTENCE.split(second)
    if len(a) < 2 or len(b) < 2:
        a, b = first.split(), second.split()
    head, _ = halves(a)
    _, tail = halves(b)
    return " ".join(head + tail)


def shifted(date: DumpDate, days: int) -> DumpDate:
    moved = datetime.date(date.year, date.month, date.day) + datetime.timedelta(days=days)
    return DumpDate(moved.year, moved.month, moved.day)


def name_of(title: str) -> str | None:
    return title.split(":", 1)[0].strip() if ":" in title else None


def new_paper(
    title: str,
    abstract: str,
    pool: list[tuple[str, str]],
    rng: random.Random,
    copy: int,
    scale: int,
    keys: set[str],
    names: set[str],
) -> tuple[str, str]:
    """``title`` and ``abstract`` recombined with a paper drawn from ``pool``, drawing again
    (and numbering a kept method name further) until the title is a new paper's."""
    for attempt in range(1000):
        other_title, other_abstract = pool[rng.randrange(len(pool))]
        new = recombine_title(title, other_title, copy + 1 + attempt * scale)
        name = name_of(new)
        text = recombine_abstract(abstract, other_abstract)
        # A title must not read as an abstract, nor an abstract as a title: the dump would not parse.
        parses = not looks_like_abstract(new) and not looks_like_title(text)
        if parses and title_key(new) not in keys and (name is None or name not in names):
            return new, text
    raise SystemExit(f"no new title recombines {title!r}")


def scale_corpus(source: Path, scale: int, out: Path) -> tuple[int, int]:
    """Write the real dumps of ``source`` and ``scale - 1`` recombined copies into ``out``.
    Returns the dumps and papers written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = dump_files(source)
    dumps = [result.dump for result in read_dumps(paths)]
    pool = [(entry.title, entry.abstract) for dump in dumps for entry in dump.entries]
    keys = {title_key(title) for title, _ in pool}
    names = {name for title, _ in pool if (name := name_of(title))}
    papers = len(pool)
    for path in paths:
        (out / path.name).write_bytes(path.read_bytes())
    for copy in range(1, scale):
        for number, dump in enumerate(dumps, start=1):
            rng = random.Random(f"{SEED}-{copy}-{number}")
            entries = []
            for entry in dump.entries:
                title, abstract = new_paper(entry.title, entry.abstract, pool, rng, copy, scale, keys, names)
                keys.add(title_key(title))
                if name := name_of(title):
                    names.add(name)
                entries.append((title, abstract))
            date = shifted(dump.date, copy * SHIFT_DAYS)
            name = f"{number + copy * len(dumps):04d}_{date.iso}.txt"
            text = format_dump(date, entries).rstrip("\n")
            check = parse_text(text, name, name)
            if check.problems or [(e.title, e.abstract) for e in check.dump.entries] != entries:
                raise SystemExit(f"{name}: the recombined dump does not parse back: {check.problems[:3]}")
            (out / name).write_text(text, encoding="utf-8")
            papers += len(entries)
    return len(dumps) * scale, papers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dumps", type=Path, default=CORPUS)
    args = parser.parse_args()
    dumps, papers = scale_corpus(args.dumps, args.scale, args.out)
    print(f"{dumps} dumps, {papers} papers in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
