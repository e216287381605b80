"""``python -m generator add``: file a pasted page under ``dumps/`` as its next dump, normalised.

``add_dump`` parses a paste, refuses it with every ``Problem`` when it has errors, and
otherwise writes it in the canonical form of ``format_dump`` under the next number. The
year of its date comes from ``today()``: the only place in the project that reads the clock.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.ingest.catalogue import title_key
from generator.ingest.parse import FILE_NUMBER, dump_files, entry_texts, format_dump, parse_dump, read_dumps
from generator.model import MONTHS, Dump, DumpDate, Problem


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add_dump`` did: the file it wrote, or the problems that refused the paste."""

    written: Path | None
    problems: tuple[Problem, ...]  # errors refuse the paste; warnings are only shown
    date: DumpDate | None = None
    papers: int = 0
    known: int = 0  # papers of the paste already in the dumps folder

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def next_dump_name(dumps_dir: Path, date: datetime.date) -> str:
    """``NNNN_YYYY-MM-DD.txt``: one past the largest leading number of the folder's dumps."""
    numbers = [int(m.group(1)) for p in dump_files(dumps_dir) if (m := FILE_NUMBER.match(p.name))]
    return f"{max(numbers, default=0) + 1:04d}_{date.isoformat()}.txt"


def dated(header: DumpDate, today: datetime.date) -> datetime.date | None:
    """The header's ``Mon D`` in the latest year that does not put it after ``today``.

    A page of Dec 31 pasted on Jan 2 belongs to last year. None for a Feb 29 that no
    recent year has.
    """
    for year in (today.year, today.year - 1):
        try:
            day = datetime.date(year, header.month, header.day)
        except ValueError:
            continue
        if day <= today:
            return day
    return None


def current_date() -> datetime.date:
    """Today: the one place in the project that reads the clock (tests replace it)."""
    return datetime.date.today()


def add_dump(
    source: Path,
    dumps_dir: Path,
    *,
    date: datetime.date | None = None,
    today: Callable[[], datetime.date] | None = None,
    display: str | None = None,
) -> AddResult:
    """Write the paste at ``source`` into ``dumps_dir`` as its next dump, normalised.

    ``date`` (the ``--date`` option) overrides the header's date; without it the header's
    ``Mon D`` is taken in the year of ``today()`` (``current_date`` unless given). Nothing is
    written when the paste has errors.
    """
    shown = display or str(source)
    result = parse_dump(source, shown)
    if result.errors:
        return AddResult(None, result.problems)
    dump = result.dump
    if not dump.entries:
        return AddResult(None, (Problem(shown, 1, "no papers found in the paste"),))
    problems = list(result.problems)
    first_line = min(e.line for e in dump.entries)
    if date is None:
        if dump.date is None:
            message = (
                "no date line: add the page's date (e.g. 'May 28') on a line of its own above the "
                "first title, or give it with --date YYYY-MM-DD"
            )
            return AddResult(None, (*problems, Problem(shown, first_line, message)))
        date = dated(dump.date, (today or current_date)())
        if date is None:
            message = f"no recent year has {dump.date.label}: give the date with --date YYYY-MM-DD"
            return AddResult(None, (*problems, Problem(shown, 1, message)))
    elif dump.date is not None and (dump.date.month, dump.date.day) != (date.month, date.day):
        label = f"{MONTHS[date.month - 1]} {date.day}"
        message = f"the paste says {dump.date.label}; writing {label} as --date asks"
        problems.append(Problem(shown, 1, message, "warning"))
    existing = existing_dumps(dumps_dir)
    same = [other.path for other in existing if entry_texts(other) == entry_texts(dump)]
    if same:
        message = f"{same[0]} already holds exactly these papers: this page was added before"
        return AddResult(None, (*problems, Problem(shown, 1, message)))
    known = known_papers(dump, existing)
    header = DumpDate(None, date.month, date.day)  # the year lives in the file name
    text = format_dump(header, entry_texts(dump))
    target = dumps_dir / next_dump_name(dumps_dir, date)
    try:
        write_new(target, text)
    except FileExistsError:
        return AddResult(None, (*problems, Problem(str(target), 1, "already exists: not overwritten")))
    except OSError as err:
        return AddResult(None, (*problems, Problem(str(target), 1, f"cannot write the dump: {err.strerror}")))
    stored = DumpDate(date.year, date.month, date.day)
    return AddResult(target, tuple(problems), stored, len(dump.entries), known)


def existing_dumps(dumps_dir: Path) -> list[Dump]:
    if not dumps_dir.is_dir():
        return []
    return [result.dump for result in read_dumps(dump_files(dumps_dir))]


def known_papers(dump: Dump, existing: Sequence[Dump]) -> int:
    """How many of the dump's papers the existing dumps already list (they will be merged)."""
    keys = {title_key(e.title) for other in existing for e in other.entries}
    return sum(1 for e in dump.entries if title_key(e.title) in keys)


def write_new(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, raising FileExistsError rather than overwrite."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".add-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.link(temp, target)  # fails when target exists: never overwrites
    finally:
        os.unlink(temp)
