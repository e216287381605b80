"""Big inputs are handled in bounded time and memory: rendered, or rejected with a clear message.

The parser's limits are ``MAX_DUMP_BYTES`` (10 MiB per dump) and ``MAX_PARAGRAPH`` (100,000
characters per paragraph). Just under each limit the input is processed; just over it the
exact message names the file and the line. Memory bounds are generous and still far below
what a copy per paragraph would take; how long these inputs take is ``make bench``'s to say.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.enrich import clean
from generator.ingest.parse import MAX_DUMP_BYTES, MAX_PARAGRAPH, format_dump, parse_dump, parse_text

SENTENCE = (
    "We study how $\\alpha$-scaled models behave at https://example.org/x and \\textbf{why} it matters. "
)


def measured(function: Callable[[], Any]) -> tuple[Any, int]:
    """The result and the peak of Python allocations (bytes) of ``function()``."""
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def abstract_of(length: int) -> str:
    body = (SENTENCE * (length // len(SENTENCE) + 1))[: length - 1].rstrip()
    return body + "." + "x" * (length - len(body) - 1)


def test_a_10_mb_dump_parses_in_bounded_time_and_memory(tmp_path: Path) -> None:
    abstract = "We study a model of things in a setting that matters. " * 20
    entries = [(f"Paper Number {i}: Scaling Things Up", abstract.strip()) for i in range(8900)]
    data = format_dump(None, entries).encode("utf-8")
    assert 9_900_000 < len(data) <= MAX_DUMP_BYTES
    path = tmp_path / "0001_big.txt"
    path.write_bytes(data)
    result, peak = measured(lambda: parse_dump(path))
    assert result.problems == ()
    assert len(result.dump.entries) == len(entries)
    assert peak < 15 * len(data)


def test_a_dump_over_the_limit_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "0001_huge.txt"
    path.write_bytes(b"x" * (MAX_DUMP_BYTES + 1))
    result, peak = measured(lambda: parse_dump(path, "dumps/0001_huge.txt"))
    assert [str(p) for p in result.problems] == [
        "dumps/0001_huge.txt:1: dump of 10,485,761 bytes is larger than the 10,485,760 allowed; split it"
    ]
    assert result.dump.entries == ()
    assert peak < 1_000_000


def test_an_abstract_of_100000_characters_renders(tmp_path: Path) -> None:
    from generator.pipeline import generate

    abstract = abstract_of(MAX_PARAGRAPH)
    assert len(abstract) == MAX_PARAGRAPH
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    other = "A second paper, here so the catalogue has neighbours. " * 4
    text_of_dump = format_dump(None, [("A Very Long Abstract", abstract), ("A Short One", other.strip())])
    (dumps / "0001_long.txt").write_text(text_of_dump, encoding="utf-8")
    generated, peak = measured(lambda: generate(dumps))
    assert generated.errors == ()
    page = generated.files["papers/a-very-long-abstract.md"].decode()
    assert clean.abstract_html(abstract) in page
    assert peak < 300_000_000


def test_an_abstract_over_100000_characters_is_rejected_with_its_line() -> None:
    dump = format_dump(None, [("A Too Long Abstract", abstract_of(MAX_PARAGRAPH + 1))])
    result = parse_text(dump, "x.txt", "dumps/x.txt")
    assert [str(p) for p in result.problems] == [
        "dumps/x.txt:11: paragraph of 100,001 characters is longer than the 100,000 allowed; "
        "is it several paragraphs without blank lines?",
    ]


def test_unclosed_math_openers_stay_text() -> None:
    """An abstract of unclosed ``\\(`` openers (the input that once took quadratic time) shows
    as the text it is: no math span, nothing dropped."""
    abstract = ("\\( x " * (MAX_PARAGRAPH // 5))[: MAX_PARAGRAPH - 1] + "."
    assert "arithmatex" not in clean.abstract_html(abstract)
    assert clean.plain_text(abstract).count("\\(") == abstract.count("\\(")
    assert clean.extract_links(abstract) == ()


def test_an_abstract_read_four_ways_is_cleaned_once() -> None:
    """Search text, HTML, mentions' and links' text of one abstract share one clean-up."""
    abstract = SENTENCE * 3
    clean.forget_cleaned()
    for read in (clean.plain_text, clean.abstract_html, clean.clean_tex, clean.extract_links):
        read(abstract)
    assert clean._cleaned.cache_info().misses == 1


def test_a_generation_lets_go_of_the_texts_it_cleaned(tmp_path: Path) -> None:
    """The kept clean-ups hold every title and abstract (a third of a GB at three times the
    corpus): they last the stages that read them, not the rest of the build."""
    from generator.pipeline import generate

    dumps = tmp_path / "dumps"
    dumps.mkdir()
    papers = [(f"Paper Number {n}", SENTENCE * (n + 1)) for n in range(3)]
    (dumps / "0001_three.txt").write_text(format_dump(None, papers), encoding="utf-8")
    assert generate(dumps).errors == ()
    assert clean._cleaned.cache_info().currsize == 0
