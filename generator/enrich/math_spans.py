"""Math in dump text: where it is, and the TeX inside it.

``split_math`` cuts a title or abstract into math and prose; ``clean`` cleans the prose and
keeps the math for KaTeX, and ``checks.paper_page`` compares the prose a page shows.
"""

from __future__ import annotations

import bisect
import re


def split_math(text: str) -> list[tuple[bool, str]]:
    """Split ``text`` into ``(is_math, segment)`` pairs; math segments keep their delimiters.

    Joining the segments gives back ``text`` exactly. Math is ``$...$``, ``$$...$$``, ``\\(...\\)``
    or ``\\[...\\]``. Dollars follow Pandoc's rule, so prices stay text: an opening ``$`` has a
    non-space right after it, the closing ``$`` (the next unescaped one) has a non-space right
    before it and no digit right after it. ``\\$`` is never a delimiter; unbalanced ones stay text.
    """
    segments: list[tuple[bool, str]] = []
    start = 0
    closers = _Closers(text)
    candidate = _ESCAPE_OR_DOLLAR.search(text)
    while candidate:
        end = _math_end(text, candidate.start(), closers)
        if end is None:
            candidate = _ESCAPE_OR_DOLLAR.search(text, candidate.end())
            continue
        if start < candidate.start():
            segments.append((False, text[start : candidate.start()]))
        segments.append((True, text[candidate.start() : end]))
        start = end
        candidate = _ESCAPE_OR_DOLLAR.search(text, end)
    if start < len(text):
        segments.append((False, text[start:]))
    return segments


_ESCAPE_OR_DOLLAR = re.compile(r"\\.|\$", re.S)
_ESCAPE_OR_DOLLARS = re.compile(r"\\.|\$\$", re.S)


class _Closers:
    """Where each kind of closing delimiter occurs, found in one pass over the text.

    Looking each closer up from every opener instead made unclosed openers quadratic:
    100,000 characters of ``\\(`` took seconds.
    """

    FINDERS = {
        "\\)": lambda text: [m.start() for m in re.finditer(re.escape("\\)"), text)],
        "\\]": lambda text: [m.start() for m in re.finditer(re.escape("\\]"), text)],
        "$": lambda text: [m.start() for m in _ESCAPE_OR_DOLLAR.finditer(text) if m[0] == "$"],
        "$$": lambda text: [m.start() for m in _ESCAPE_OR_DOLLARS.finditer(text) if m[0] == "$$"],
    }

    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[str, list[int]] = {}  # filled on first use: most texts have no math

    def next(self, closer: str, start: int) -> int | None:
        """The first ``closer`` at or after ``start``."""
        found = self.positions.get(closer)
        if found is None:
            found = self.positions[closer] = self.FINDERS[closer](self.text)
        index = bisect.bisect_left(found, start)
        return found[index] if index < len(found) else None


def _math_end(text: str, i: int, closers: _Closers) -> int | None:
    """Where the math opening at ``i`` ends (exclusive), or None when no math opens there."""
    if text.startswith("\\(", i) or text.startswith("\\[", i):
        j = closers.next("\\)" if text[i + 1] == "(" else "\\]", i + 2)
        return j + 2 if j is not None and text[i + 2 : j].strip() else None
    if not text.startswith("$", i):
        return None
    if text.startswith("$$", i):
        j = closers.next("$$", i + 2)
        return j + 2 if j is not None and text[i + 2 : j].strip() else None
    j = closers.next("$", i + 1)
    if j is None or j == i + 1 or text[i + 1].isspace() or text[j - 1].isspace():
        return None
    if j + 1 < len(text) and text[j + 1].isdigit():
        return None
    return j + 1


def math_parts(segment: str) -> tuple[str, bool]:
    """The TeX inside a math segment and whether it is display math."""
    for left, right, display in (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False)):
        if segment.startswith(left) and segment.endswith(right) and len(segment) >= 4:
            return fix_doubled_backslashes(segment[len(left) : -len(right)]), display
    return fix_doubled_backslashes(segment[1:-1]), False


def fix_doubled_backslashes(tex: str) -> str:
    r"""Hugging Face sometimes doubles backslashes (``$_\\infty$``); a ``\\`` before a letter is
    a line break followed by a word in real TeX, which never occurs in inline math."""
    return re.sub(r"\\\\(?=[A-Za-z])", r"\\", tex)
