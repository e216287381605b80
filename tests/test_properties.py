"""Properties of the parser on generated dumps: nothing lost, nothing invented, never a traceback.

Valid dumps are generated from titles and abstracts that are valid by construction (a title
is at most 200 characters and does not end with a full stop; an abstract is sentences ending
with '.', at least 150 characters) full of Markdown, HTML, TeX, URLs, non-Latin scripts and
emoji, then pasted the way people paste: page chrome, CRLF, blank-line noise, trailing
spaces, lines broken mid-paragraph. Broken dumps are anything at all; they may only ever
produce ``PATH:LINE: message`` problems. Runs are derandomised so CI sees the same examples.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import CHROME, HEADER, format_dump, is_date_line, parse_dump, parse_text
from generator.model import DumpDate

SETTINGS = settings(
    max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PATH = "dumps/generated.txt"
NAME = "generated.txt"

# --- valid titles and abstracts -------------------------------------------------------------------

# Characters the parser treats as whitespace or line ends are left out of words: a paste keeps
# them only as separators, which the noise below adds on purpose.
WORD_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff")
HOSTILE_WORDS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[link](javascript:alert(3))",
    "![img](https://evil.example/x.png)",
    "**bold**",
    "_emph_",
    "`code`",
    "#",
    ">",
    "{{ config.site_name }}",
    "{% raw %}",
    "{++ins++}",
    "{: .cls }",
    "$x^2$",
    "$\\alpha<\\beta$",
    "\\(a<b\\)",
    "$5",
    "\\textbf{bold}",
    "\\href{javascript:alert(4)}{x}",
    "64{times}64",
    'Schr\\"odinger',
    "https://github.com/a/b",
    "https://example.org/a_(b)?q=<x>&y=1",
    "&amp;",
    "&lt;b&gt;",
    "<!--",
    "-->",
    "日本語",
    "العربية",
    "Ελληνικά",
    "Привет",
    "🤗",
    "👩\u200d🔬",
    "\u202e",
]
PLAIN_WORDS = [
    "model",
    "Learning",
    "diffusion",
    "LLM",
    "3D",
    "v2.0",
    "e.g.",
    "GPT-4",
    "(ours)",
    "vs.",
    "state-of-the-art",
]
WORD = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.sampled_from(PLAIN_WORDS),
    st.text(WORD_CHARS, min_size=1, max_size=12),
)


def valid_title(words: list[str]) -> str | None:
    title = " ".join(words)[:200].strip()
    title = " ".join(title.split())
    while title.endswith((".", "。")):
        title = title[:-1].rstrip()
    if not title or ". " in title or title in CHROME or is_date_line(title):
        return None
    return title


TITLES = st.lists(WORD, min_size=1, max_size=20).map(valid_title).filter(lambda t: t is not None)

SENTENCE = st.lists(WORD, min_size=3, max_size=25).map(lambda words: " ".join(words).rstrip(".") + ".")


def valid_abstract(sentences: list[str]) -> str:
    text = " ".join(sentences)
    while len(text) < 150:
        text += " This sentence pads the abstract to the length of a real one."
    return text


ABSTRACTS = st.lists(SENTENCE, min_size=2, max_size=8).map(valid_abstract)
DATES = st.one_of(
    st.none(),
    st.builds(lambda month, day: DumpDate(None, month, day), st.integers(1, 12), st.integers(1, 28)),
)
ENTRIES = st.lists(st.tuples(TITLES, ABSTRACTS), min_size=1, max_size=6)


# --- pasting them the way people paste ------------------------------------------------------------


@st.composite
def pasted(draw: st.DrawFn, date: DumpDate | None, entries: list[tuple[str, str]]) -> str:
    """A dump with these entries, with the noise a browser copy and an editor leave in it."""
    blank = st.sampled_from(["", " ", "\t", "   ", " \t "])
    paragraphs: list[str] = []
    if draw(st.booleans()):
        paragraphs += HEADER
    if date is not None:
        paragraphs.append(date.label)
    for index, (title, abstract) in enumerate(entries):
        if index and draw(st.integers(0, 9)) == 0:
            paragraphs += HEADER  # a second page pasted below the first
        paragraphs.append(title)
        words = abstract.split(" ")
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(words) - 1)), max_size=3)))
        lines, last = [], 0
        for cut in [*cuts, len(words)]:
            if cut > last:
                lines.append(" ".join(words[last:cut]))
                last = cut
        paragraphs.append("\n".join(lines))
    out: list[str] = []
    if draw(st.booleans()):
        out.append(draw(blank))
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            out.append(draw(blank) + line + draw(blank) if draw(st.booleans()) else line)
        out += [draw(blank) for _ in range(draw(st.integers(1, 3)))]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return draw(st.sampled_from(["", "\ufeff"])) + newline.join(out)


@st.composite
def dumps(draw: st.DrawFn) -> tuple[DumpDate | None, list[tuple[str, str]], str]:
    date, entries = draw(DATES), draw(ENTRIES)
    return date, entries, draw(pasted(date, entries))


def parse_file(data: bytes) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / NAME
        path.write_bytes(data)
        return parse_dump(path, PATH)


def same_papers(catalogue_a: object, catalogue_b: object) -> bool:
    def shown(catalogue: object) -> list[tuple[str, str, str]]:
        return [(p.slug, p.title, p.abstract) for p in catalogue.papers]  # type: ignore[attr-defined]

    return shown(catalogue_a) == shown(catalogue_b)


# --- the properties -------------------------------------------------------------------------------


@SETTINGS
@given(dumps())
def test_a_pasted_dump_gives_exactly_its_papers(dump: tuple) -> None:
    date, entries, text = dump
    result = parse_file(text.encode("utf-8"))
    assert [str(p) for p in result.problems] == []
    assert [(e.title, e.abstract) for e in result.dump.entries] == entries
    assert result.dump.date == date


@SETTINGS
@given(dumps())
def test_format_dump_round_trips_to_the_same_catalogue(dump: tuple) -> None:
    date, entries, text = dump
    first = parse_text(text.replace("\r\n", "\n").removeprefix("\ufeff"), NAME, PATH)
    canonical = format_dump(first.dump.date, [(e.title, e.abstract) for e in first.dump.entries])
    second = parse_text(canonical, NAME, PATH)
    assert second.problems == ()
    assert second.dump.date == first.dump.date
    assert [(e.title, e.abstract) for e in second.dump.entries] == entries
    assert same_papers(build_catalogue([first.dump]), build_catalogue([second.dump]))
    assert format_dump(second.dump.date, [(e.title, e.abstract) for e in second.dump.entries]) == canonical


# --- broken dumps: problems with a place, never an exception ----------------------------------

LOCATED = re.compile(rf"^{re.escape(PATH)}:(\d+): \S.*", re.DOTALL)
BROKEN_PARAGRAPHS = st.one_of(
    TITLES,
    ABSTRACTS,
    st.sampled_from([*HEADER, "Feb 30", "Foo 12", "May 28", "Dec 32", "", ".", "。", "x" * 400]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.lists(WORD, min_size=40, max_size=80).map(" ".join),  # too long for a title, no full stop
    ABSTRACTS.map(lambda a: a.replace(". ", "\n\n", 1)),  # a blank line inside an abstract
    TITLES.map(lambda t: t + "\n" + t),
)


@st.composite
def broken_dumps(draw: st.DrawFn) -> bytes:
    paragraphs = draw(st.lists(BROKEN_PARAGRAPHS, max_size=12))
    text = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n\n\n"])).join(paragraphs)
    data = text.encode("utf-8")
    if data and draw(st.integers(0, 4)) == 0:  # a truncated or mis-encoded paste
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=4)) + data[cut:]
    return data


def lines_of(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") + 1


@SETTINGS
@given(broken_dumps())
def test_a_broken_dump_gives_located_problems_never_an_exception(data: bytes) -> None:
    result = parse_file(data)
    for problem in result.problems:
        match = LOCATED.match(str(problem))
        assert match, str(problem)
        assert 1 <= int(match.group(1)) <= lines_of(data), str(problem)
    if not result.errors:
        # Accepted: every entry is a title followed by its abstract, both taken from the text.
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        squashed = " ".join(text.split())
        for entry in result.dump.entries:
            assert entry.title in squashed and entry.abstract in squashed


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_located_problems_never_an_exception(data: bytes) -> None:
    result = parse_file(data)
    for problem in result.problems:
        assert LOCATED.match(str(problem)), str(problem)
