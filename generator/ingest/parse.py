"""Dump text to records: ``parse_dump`` reads one file, ``read_dumps`` a folder.

A dump is the text of a Hugging Face papers page pasted by a person: optional page
chrome, an optional ``Mon D`` date line, then paragraphs alternating title and abstract.
Every problem is collected as a ``Problem`` naming file and line; nothing raises for bad
input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.ingest.dates import full_dates
from generator.model import MONTHS, Dump, DumpDate, Entry, Problem

HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)
CHROME = frozenset(HEADER)
DATE_LINE = re.compile(r"(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2})")
FILE_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
FILE_NUMBER = re.compile(r"^(\d+)")
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Real titles run to about 215 characters and real abstracts start at about 140
# (measured on the 28,228-paper corpus), so the two ranges overlap: a paragraph is
# judged by its place first and its shape second.
TITLE_MAX = 300
SHORT_PARAGRAPH = 250
MIN_ABSTRACT = 120
MAX_DUMP_BYTES = 10 * 1024 * 1024
MAX_PARAGRAPH = 100_000


@dataclass(frozen=True, slots=True)
class ParseResult:
    """One dump as parsed, and every problem found in it (errors and warnings)."""

    dump: Dump
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def dump_sort_key(name: str) -> tuple[int, str]:
    """Dumps are ordered by file name, numerically by their leading number.

    ``003_x.txt`` comes before ``0004_2026-01-02.txt`` although a plain string sort says
    otherwise; files without a number come last, by name.
    """
    match = FILE_NUMBER.match(name)
    return (int(match.group(1)) if match else 10**9, name)


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text without BOM and with LF line ends, or the problem that prevents it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        bad = data[err.start : err.start + 1].hex()
        return None, Problem(
            path, line, f"not valid UTF-8 (byte 0x{bad} at column {column}); save the dump as UTF-8 text"
        )
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Lines between blank lines, joined by a space, and the line the first one is on."""

    text: str
    line: int


def paragraphs(text: str) -> list[Paragraph]:
    """Blank-line separated paragraphs; lines inside one paragraph are joined by a space."""
    found: list[Paragraph] = []
    lines: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())
        if line:
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            found.append(Paragraph(" ".join(lines), start))
            lines = []
    if lines:
        found.append(Paragraph(" ".join(lines), start))
    return found


def date_from_name(name: str) -> DumpDate | None:
    match = FILE_DATE.search(name)
    if not match:
        return None
    year, month, day = (int(match.group(k)) for k in ("year", "month", "day"))
    if not (1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month - 1]):
        return None
    return DumpDate(year, month, day)


def header_date(text: str, name: str, path: str, line: int) -> tuple[DumpDate | None, Problem | None]:
    """The ``Mon D`` line, with the year taken from the file name when it has one."""
    match = DATE_LINE.fullmatch(text)
    assert match is not None
    month_name, day = match.group("month"), int(match.group("day"))
    if month_name not in MONTHS:
        return None, Problem(path, line, f"'{text}' is not a date: expected a month like 'May 28'")
    month = MONTHS.index(month_name) + 1
    if not 1 <= day <= DAYS_IN_MONTH[month - 1]:
        return None, Problem(path, line, f"'{text}' is not a date: {month_name} has no day {day}")
    from_name = date_from_name(name)
    year = None
    if from_name is not None:
        year = from_name.year
        # A dump named 2025-01-02 whose header says Dec 31 covers the end of 2024.
        if month == 12 and from_name.month == 1:
            year -= 1
    return DumpDate(year, month, day), None


def is_date_line(text: str) -> bool:
    match = DATE_LINE.fullmatch(text)
    return bool(match) and match.group("month") in MONTHS


def looks_like_prose(text: str) -> bool:
    """Sentences rather than a heading: an abstract-shaped paragraph."""
    return text.endswith((".", "。")) or ". " in text


def looks_like_title(text: str) -> bool:
    return len(text) <= SHORT_PARAGRAPH and not looks_like_prose(text)


def looks_like_abstract(text: str) -> bool:
    """Too long, or several sentences ending in a full stop: not a title, wherever it stands."""
    return len(text) > TITLE_MAX or (len(text) > MIN_ABSTRACT and text.endswith(".") and ". " in text)


def excerpt(text: str, width: int = 60) -> str:
    """The start of ``text`` as a message quotes it: at most ``width`` characters, "…" when cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def pair_entries(body: list[Paragraph], path: str) -> tuple[list[Entry], list[Problem]]:
    """Walk paragraphs as title, abstract, title, abstract... reporting what breaks the rhythm."""
    walk = _Pairing(path)
    for para in body:
        walk.read(para)
    return walk.finish()


class _Pairing:
    """Where ``pair_entries`` is in its walk: the entries and problems so far, and the title
    waiting for its abstract."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self.title: Paragraph | None = None
        self.orphan = False  # the previous paragraph was reported as a broken title: its abstract follows

    def read(self, para: Paragraph) -> None:
        """One paragraph: the abstract of the waiting title, or else where a title belongs."""
        if len(para.text) > MAX_PARAGRAPH:
            self.report(
                para.line,
                f"paragraph of {len(para.text):,} characters is longer than the "
                f"{MAX_PARAGRAPH:,} allowed; is it several paragraphs without blank lines?",
            )
            self.title = None
        elif self.title is None:
            self.read_title(para)
        elif looks_like_title(para.text):
            self.report(
                self.title.line,
                f"title '{excerpt(self.title.text)}' has no abstract after it "
                f"(line {para.line} looks like the next title)",
            )
            self.title = para
        else:
            self.entries.append(Entry(self.title.text, para.text, self.title.line, para.line))
            self.title = None

    def read_title(self, para: Paragraph) -> None:
        """A paragraph where a title belongs: a title, repeated page chrome, or a stray abstract."""
        if para.text in CHROME or is_date_line(para.text):
            return  # a second page pasted below the first repeats its chrome
        if not looks_like_abstract(para.text):
            self.title, self.orphan = para, False
        elif self.orphan:
            self.orphan = False  # the abstract of the title just reported; one message is enough
        elif not looks_like_prose(para.text):
            self.orphan = True
            self.report(
                para.line,
                f"paragraph of {len(para.text)} characters is too long to be a title "
                f"(titles are at most {TITLE_MAX}); is a blank line missing?",
            )
        elif self.entries:
            previous = self.entries[-1]
            self.report(
                para.line,
                f"two abstracts in a row: this paragraph follows the abstract of "
                f"'{excerpt(previous.title)}' (line {previous.line}); is its title missing?",
            )
        else:
            self.report(para.line, "abstract without a title: the paragraph before it is missing")

    def finish(self) -> tuple[list[Entry], list[Problem]]:
        """The entries and problems, once a title left waiting at the end is reported."""
        if self.title is not None:
            message = f"title '{excerpt(self.title.text)}' has no abstract after it (end of file)"
            self.report(self.title.line, message)
        return self.entries, self.problems

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))


def parse_text(text: str, name: str, path: str) -> ParseResult:
    """Parse a dump's decoded text. ``name`` is the file name, ``path`` what messages show."""
    paras = paragraphs(text)
    problems: list[Problem] = []
    date: DumpDate | None = None
    index = 0
    while index < len(paras) and (paras[index].text in CHROME or is_date_line(paras[index].text)):
        para = paras[index]
        if is_date_line(para.text) and date is None:
            date, problem = header_date(para.text, name, path, para.line)
            if problem:
                problems.append(problem)
        index += 1
    if date is None:
        date = date_from_name(name)
    entries, pairing = pair_entries(paras[index:], path)
    problems.extend(pairing)
    if not paras:
        problems.append(Problem(path, 1, "empty dump: the file holds no text"))
    elif not entries and not problems:
        last = paras[-1].line
        problems.append(Problem(path, last, "no papers found: the dump holds only the page header"))
    return ParseResult(Dump(name, path, date, tuple(entries)), tuple(problems))


def entry_texts(dump: Dump) -> list[tuple[str, str]]:
    """Title and abstract of each entry, in order: what a dump says, its line numbers aside."""
    return [(e.title, e.abstract) for e in dump.entries]


def format_dump(date: DumpDate | None, entries: Iterable[tuple[str, str]]) -> str:
    """The canonical text of a dump: header, date line, then title and abstract paragraphs.

    ``parse_text(format_dump(...))`` gives back the same titles, abstracts and date.
    """
    head = list(HEADER) + ([f"{MONTHS[date.month - 1]} {date.day}"] if date else [])
    body = [part for title, abstract in entries for part in (title, abstract)]
    return "\n\n".join(head + body) + "\n"


def parse_dump(path: Path | str, display: str | None = None) -> ParseResult:
    """Read and parse one dump file."""
    path = Path(path)
    shown = display or str(path)
    empty = Dump(path.name, shown, date_from_name(path.name), ())
    try:
        size = path.stat().st_size
        if size > MAX_DUMP_BYTES:
            message = f"dump of {size:,} bytes is larger than the {MAX_DUMP_BYTES:,} allowed; split it"
            return ParseResult(empty, (Problem(shown, 1, message),))
        data = path.read_bytes()
    except OSError as err:
        return ParseResult(empty, (Problem(shown, 1, f"cannot read the dump: {err.strerror}"),))
    text, problem = decode(data, shown)
    if text is None:
        assert problem is not None
        return ParseResult(empty, (problem,))
    return parse_text(text, path.name, shown)


def dump_files(folder: Path) -> list[Path]:
    """The ``*.txt`` dumps of a folder in dump order."""
    return sorted((p for p in folder.glob("*.txt") if p.is_file()), key=lambda p: dump_sort_key(p.name))


def read_dumps(
    paths: Iterable[Path],
    root: Path | None = None,
    parse: Callable[[Path, str], ParseResult] = parse_dump,
) -> list[ParseResult]:
    """Parse every dump (with ``parse``), each with its full date (``dates.full_dates``); paths
    in messages are relative to ``root`` when given."""
    results = {}
    for path in sorted(paths, key=lambda p: dump_sort_key(p.name)):
        shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        results[path] = parse(path, shown)
    dated = full_dates({path: result.dump.date for path, result in results.items()})
    return [replace(r, dump=replace(r.dump, full_date=dated.get(r.dump.name))) for r in results.values()]
