"""The parser, one edge case per fixture; every message is pinned exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ingest.parse import dump_sort_key, parse_dump, parse_text
from generator.model import DumpDate
from tests.conftest import CORPUS, DUMPS, FIXTURES, SEED, needs_corpus

TITLES = ["First Paper: A Test", "Second Paper"]


def titles(name: str) -> list[str]:
    return [entry.title for entry in parse_dump(DUMPS / name).dump.entries]


@pytest.mark.parametrize(
    "name",
    [
        "well_formed.txt",
        "crlf_line_endings.txt",
        "no_header.txt",
        "extra_blank_lines_and_trailing_spaces.txt",
    ],
)
def test_accepted_shapes_give_the_same_papers(name: str) -> None:
    result = parse_dump(DUMPS / name)
    assert result.problems == ()
    assert [e.title for e in result.dump.entries] == TITLES
    assert result.dump.entries[1].abstract.startswith("A second abstract follows here.")
    assert not result.dump.entries[1].abstract.endswith((" ", "\r", "\t"))


def test_lines_are_those_of_the_file() -> None:
    entries = parse_dump(DUMPS / "extra_blank_lines_and_trailing_spaces.txt").dump.entries
    assert [(e.line, e.abstract_line) for e in entries] == [(17, 21), (25, 27)]


def test_crlf_lines_count_like_lf() -> None:
    lf = parse_dump(DUMPS / "well_formed.txt").dump.entries
    crlf = parse_dump(DUMPS / "crlf_line_endings.txt").dump.entries
    assert [(e.title, e.abstract, e.line) for e in lf] == [(e.title, e.abstract, e.line) for e in crlf]


def test_missing_date_is_no_date() -> None:
    result = parse_dump(DUMPS / "no_date.txt")
    assert result.problems == ()
    assert result.dump.date is None
    assert [e.title for e in result.dump.entries] == ["First Paper: A Test"]


def test_date_without_year_in_the_name_has_no_year() -> None:
    date = parse_dump(DUMPS / "well_formed.txt").dump.date
    assert date == DumpDate(None, 5, 28)
    assert date.label == "May 28"
    assert date.iso is None


def test_year_comes_from_the_file_name() -> None:
    date = parse_dump(FIXTURES / "dated" / "0001_2024-05-28.txt").dump.date
    assert date == DumpDate(2024, 5, 28)
    assert (date.label, date.iso) == ("May 28, 2024", "2024-05-28")


def test_december_header_in_a_january_file_is_last_year() -> None:
    assert parse_dump(FIXTURES / "dated" / "0002_2025-01-02.txt").dump.date == DumpDate(2024, 12, 31)


ERRORS = {
    "empty.txt": ["1: empty dump: the file holds no text"],
    "header_only.txt": ["9: no papers found: the dump holds only the page header"],
    "impossible_date.txt": ["3: 'Feb 30' is not a date: Feb has no day 30"],
    "invalid_utf8.txt": ["13: not valid UTF-8 (byte 0xff at column 29); save the dump as UTF-8 text"],
    "title_too_long.txt": [
        "11: paragraph of 351 characters is too long to be a title (titles are at most 300); "
        "is a blank line missing?"
    ],
    "title_without_abstract.txt": [
        "15: title 'A Title Left Alone' has no abstract after it (line 17 looks like the next title)"
    ],
    "truncated_paste.txt": ["19: title 'Third Paper' has no abstract after it (end of file)"],
    "two_abstracts_in_a_row.txt": [
        "15: two abstracts in a row: this paragraph follows the abstract of 'First Paper: A Test' "
        "(line 11); is its title missing?"
    ],
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_broken_dump_is_reported_with_file_and_line(name: str) -> None:
    path = DUMPS / name
    assert [str(p) for p in parse_dump(path).problems] == [f"{path}:{m}" for m in ERRORS[name]]


def test_papers_around_a_broken_one_are_kept() -> None:
    assert titles("title_without_abstract.txt") == TITLES
    assert titles("truncated_paste.txt") == TITLES


def test_a_second_pasted_page_repeats_its_chrome_harmlessly() -> None:
    text = (DUMPS / "well_formed.txt").read_text()
    result = parse_text(text + "\n\n" + text, "x.txt", "x.txt")
    assert result.problems == ()
    assert [e.title for e in result.dump.entries] == TITLES * 2


def test_oversized_paragraph_is_rejected_not_parsed() -> None:
    huge = "word " * 30_000
    result = parse_text(f"A Title\n\n{huge}.\n", "x.txt", "x.txt")
    assert [str(p) for p in result.problems] == [
        "x.txt:3: paragraph of 150,001 characters is longer than the 100,000 allowed; "
        "is it several paragraphs without blank lines?"
    ]


def test_dumps_sort_by_their_number() -> None:
    names = ["0004_2026-11-22.txt", "003_c4391410718c9974.txt", "000_919b48b6701b301b.txt", "notes.txt"]
    assert sorted(names, key=dump_sort_key) == [
        "000_919b48b6701b301b.txt",
        "003_c4391410718c9974.txt",
        "0004_2026-11-22.txt",
        "notes.txt",
    ]


def test_seed_dumps_parse_clean() -> None:
    results = [parse_dump(path) for path in sorted(SEED.glob("*.txt"))]
    assert [r.problems for r in results] == [(), ()]
    assert sum(len(r.dump.entries) for r in results) == 99


@needs_corpus
def test_every_corpus_dump_parses_clean() -> None:
    problems = []
    entries = 0
    for path in sorted(Path(CORPUS).glob("*.txt")):
        result = parse_dump(path)
        problems.extend(str(p) for p in result.problems)
        entries += len(result.dump.entries)
    assert problems == []
    assert entries == 28_228
