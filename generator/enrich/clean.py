"""Raw dump text (titles and abstracts copied from arXiv / Hugging Face) made safe to show.

Abstracts carry TeX in two forms. Math between ``$...$`` (or ``\\(...\\)``) is kept as TeX and
rendered in the browser by KaTeX. Everything else is prose with TeX remnants: escapes (``\\%``),
accents (``Schr\\"odinger``), font commands (``\\textbf{x}``) and, where Hugging Face dropped the
backslashes, braced names (``64{times}64``, ``chi_{rm eq}``). ``clean_tex`` turns those remnants into
what they mean and never touches an ordinary English word.

Every function that returns HTML escapes all input text; the only elements it creates are
``<span class="arithmatex">`` (the markup pymdownx.arithmatex emits in generic mode) and
``<a href="http(s)://..." rel="nofollow">``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import unicodeit
from markupsafe import escape

from generator.enrich import links
from generator.enrich.math_spans import math_parts, split_math
from generator.model import Link

# --- TeX remnants in prose -----------------------------------------------------------------------

GREEK = {
    name: chr(code)
    for name, code in {
        "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "epsilon": 0x3F5,
        "varepsilon": 0x3B5, "zeta": 0x3B6, "eta": 0x3B7, "theta": 0x3B8, "vartheta": 0x3D1,
        "iota": 0x3B9, "kappa": 0x3BA, "lambda": 0x3BB, "mu": 0x3BC, "nu": 0x3BD, "xi": 0x3BE,
        "pi": 0x3C0, "varpi": 0x3D6, "rho": 0x3C1, "varrho": 0x3F1, "sigma": 0x3C3,
        "varsigma": 0x3C2, "tau": 0x3C4, "upsilon": 0x3C5, "phi": 0x3D5, "varphi": 0x3C6,
        "chi": 0x3C7, "psi": 0x3C8, "omega": 0x3C9, "Gamma": 0x393, "Delta": 0x394,
        "Theta": 0x398, "Lambda": 0x39B, "Xi": 0x39E, "Pi": 0x3A0, "Sigma": 0x3A3,
        "Upsilon": 0x3A5, "Phi": 0x3A6, "Psi": 0x3A8, "Omega": 0x3A9,
    }.items()
}  # fmt: skip

# Symbols a reader expects in place of ``\name``; the first group may also appear as ``{name}``.
BRACED_SYMBOLS = {
    "times": "×", "sim": "∼", "to": "→", "pm": "±", "approx": "≈", "leq": "≤", "geq": "≥",
    "le": "≤", "ge": "≥", "cdot": "·", "infty": "∞", "circ": "∘", "deg": "°", "rightarrow": "→",
}  # fmt: skip
SYMBOLS = {
    **BRACED_SYMBOLS,
    **GREEK,
    "mp": "∓", "neq": "≠", "ne": "≠", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "uparrow": "↑", "downarrow": "↓", "ll": "≪",
    "gg": "≫", "propto": "∝", "in": "∈", "star": "⋆", "dagger": "†", "ddagger": "‡",
    "textemdash": "—", "textendash": "–", "ldots": "…", "dots": "…", "cdots": "⋯",
    "checkmark": "✓", "ell": "ℓ", "nabla": "∇", "partial": "∂", "percent": "%",
    "textdegree": "°", "copyright": "©", "S": "§", "eg": "e.g.", "ie": "i.e.", "etal": "et al.",
    "quad": " ", "qquad": " ", "ldquo": "“", "rdquo": "”", "textasciitilde": "~",
}  # fmt: skip
FONT_SWITCHES = frozenset({"it", "bf", "em", "rm", "sl", "tt", "sc", "sf", "itshape", "bfseries"})
WRAPPERS = (
    "textbf|textit|emph|texttt|underline|textsc|text|textrm|textsf|textup|textnormal|mbox|"
    "mathrm|mathbf|mathit|mathsf|mathtt|boldsymbol|bm"
)
CITATIONS = "cite|citep|citet|citealp|citeauthor|ref|eqref|label"
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_BRACED_ARG = r"\{([^{}]*)\}"
_WRAPPED_MATH = re.compile(rf"\\(?:{WRAPPERS})\{{([^{{}}$]*\$[^{{}}]*)\}}")
_POSSESSIVE = re.compile(r"\\'(?<=[A-Za-z]\\')(?=s\b)")
_BARE_ACCENT = re.compile(r"\\(['`^\"~=.])(\\[ij](?![A-Za-z])|[A-Za-z])|\\([cvuHk]) ([A-Za-z])")
_ESCAPE = re.compile(r"\\([%&_#$])")
_SPACING = re.compile(r"\\[,;: ]|\\\\")
_INVISIBLE = re.compile(r"\\[!/-]")
_COMMAND = re.compile(r"\\([A-Za-z]+)(\{\})?( ?)")
_TO_INFTY = re.compile(r"\{to\}\s*(?:\\?infty\b|∞)")
_BRACED_NAME = re.compile(rf"\{{\\?({'|'.join(BRACED_SYMBOLS)})\}}")
_BRACED_CHAR = re.compile(r"\{([-=+<>,.:;/|!?*×∼→±≈≤≥·°∘])\}")
_DEGREES = re.compile(r"(\d)\s?\^\{?(?:\\?circ|∘)\}?")
_SUPERSCRIPT = re.compile(r"([A-Za-z0-9)])\^\{(\d+)\}")
_BARE_SIM = re.compile(r"([\d%])sim(?=\d)")
_BARE_TIMES = re.compile(r"(\d)times\b")
_BARE_GREEK = re.compile(rf"\b({'|'.join(GREEK)})(?=[_^])")
_TIE = re.compile(r"(?<=[\w.,;:)\]}])~(?=[A-Za-z\\])")
_TEX_QUOTES = (re.compile(r"``([^`'\n]{1,200})''"), re.compile(r"`(\w[^`'\n]{0,200})'"))
_SPACES = re.compile(r" {2,}")
ARGUMENT_COMMANDS = frozenset(
    {*WRAPPERS.split("|"), *CITATIONS.split("|"), "textcolor", "textsuperscript", "textsubscript"}
    | {"href", "url", "footnote", "SI"}
)
_DOUBLED_COMMAND = re.compile(r"\\\\([A-Za-z]+)")


def clean_tex(text: str) -> str:
    """Turn TeX remnants outside math into the characters they stand for; math stays as written.

    Conservative by design: plain words (``to``, ``sim``, ``times``, ``chi``) are only changed when
    TeX marks them (a backslash, braces, a digit glued to them, or a following ``_``/``^``);
    an unknown ``\\command`` stays as written.
    """
    if _normalise_space(text) == text:  # as the other forms read it: their clean-up, kept
        return "".join(part for _, part in _cleaned(text))
    segments = split_math(_unwrap_math(text))
    return "".join(part if is_math else _clean_prose(part) for is_math, part in segments)


def _unwrap_math(text: str) -> str:
    """Drop font commands around math (``\\textbf{2.5$\\times$}``): math would split them in two."""
    return _WRAPPED_MATH.sub(r"\1", text) if "$" in text else text


def _clean_prose(text: str) -> str:
    present = {trigger for trigger in _TRIGGERS if trigger in text}
    for triggers, step in _STEPS:
        if not present.isdisjoint(triggers):
            text = step(text)
    return _SPACES.sub(" ", text) if "  " in text else text


def _apply_argument_commands(text: str) -> str:
    """Resolve commands with braced arguments, innermost first, so nesting unwinds."""
    changed = True
    while changed:
        changed = False
        for pattern, replace in _ARGUMENT_COMMANDS:
            text, count = pattern.subn(replace, text)
            changed = changed or count > 0
    return text


def _undouble(match: re.Match[str]) -> str:
    """``\\\\textsc{X}`` as ``\\textsc{X}``: Hugging Face sometimes doubles a backslash. Only
    before a command this module cleans: ``\\\\`` before any other word is a line break."""
    name = match[1]
    known = name in ARGUMENT_COMMANDS or name in SYMBOLS or name in FONT_SWITCHES
    return match[0][1:] if known else match[0]


def _command(match: re.Match[str]) -> str:
    name, space = match[1], match[3]
    if name in FONT_SWITCHES:
        return ""
    if name in SYMBOLS:
        # ``\eg, ...`` keeps its space; ``\times 4`` becomes ``× 4`` like the source.
        return SYMBOLS[name] + space
    return match[0]


def _accent(match: re.Match[str]) -> str:
    mark, letter = (g for g in match.groups() if g is not None)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + ACCENTS[mark])


def _superscript(text: str) -> str:
    return text.translate(SUPERSCRIPT_DIGITS) if text.isdigit() else text


def _si(value: str, unit: str) -> str:
    unit = SYMBOLS.get(unit.lstrip("\\"), unit) if unit.startswith("\\") else unit
    return f"{value}{unit}" if unit in ("%", "") else f"{value} {unit}"


def _unescape_url(url: str) -> str:
    return _ESCAPE.sub(r"\1", url.strip())


def _sub(pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]) -> Callable[[str], str]:
    return lambda text: pattern.sub(replacement, text)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text).replace("\\{", "{").replace("\\}", "}")


_ARGUMENT_COMMANDS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(rf"\\(?:{WRAPPERS})\s*{_BRACED_ARG}"), lambda m: m[1]),
    (re.compile(rf"\\textcolor{_BRACED_ARG}{_BRACED_ARG}"), lambda m: m[2]),
    (re.compile(rf"\\(?:textsuperscript|textsubscript){_BRACED_ARG}"), lambda m: _superscript(m[1])),
    (re.compile(rf"\{{\\?(?:{'|'.join(FONT_SWITCHES)})\s+([^{{}}]*)\}}"), lambda m: m[1]),
    (re.compile(rf"\\href{_BRACED_ARG}{_BRACED_ARG}"), lambda m: links.href(_unescape_url(m[1]), m[2])),
    (re.compile(rf"\\url{_BRACED_ARG}"), lambda m: _unescape_url(m[1])),
    (re.compile(rf"\\footnote{_BRACED_ARG}"), lambda m: f" ({m[1].strip()})"),
    (re.compile(rf"\\SI{_BRACED_ARG}{_BRACED_ARG}"), lambda m: _si(m[1], m[2])),
    (re.compile(rf"(?:~|\s*)\\(?:{CITATIONS}){_BRACED_ARG}"), lambda m: ""),
    (re.compile(r"\\([cvuHkr])\{(\\[ij]|[A-Za-z])\}"), _accent),
    (re.compile(r"\{\\(['`^\"~=.])\{?(\\[ij]|[A-Za-z])\}?\}"), _accent),
    (re.compile(r"\\(['`^\"~=.])\{(\\[ij]|[A-Za-z])\}"), _accent),
)  # fmt: skip

# The clean-up, in order. A step runs only when the text held one of its triggers before the
# clean-up began: most abstracts hold none, which keeps a whole-corpus build fast.
_STEPS: tuple[tuple[tuple[str, ...], Callable[[str], str]], ...] = (
    (("\\\\",), _sub(_DOUBLED_COMMAND, _undouble)),
    (("{",), _apply_argument_commands),
    (("\\'",), _sub(_POSSESSIVE, "'")),
    (("\\",), lambda text: unicodedata.normalize("NFC", _BARE_ACCENT.sub(_accent, text))),
    (("\\",), _unescape),
    (("\\",), _sub(_INVISIBLE, "")),
    (("\\",), _sub(_SPACING, " ")),
    (("~",), _sub(_TIE, " ")),
    (("\\",), _sub(_COMMAND, _command)),
    (("{",), _sub(_TO_INFTY, "→∞")),
    (("{",), _sub(_BRACED_NAME, lambda m: BRACED_SYMBOLS[m[1]])),
    (("{",), _sub(_BRACED_CHAR, r"\1")),
    (("^",), _sub(_DEGREES, r"\1°")),
    (("^",), _sub(_SUPERSCRIPT, lambda m: m[1] + _superscript(m[2]))),
    (("sim",), _sub(_BARE_SIM, r"\1∼")),
    (("times",), _sub(_BARE_TIMES, r"\1×")),
    (("_", "^"), _sub(_BARE_GREEK, lambda m: GREEK[m[1]])),
    (("`",), _sub(_TEX_QUOTES[0], "“\\1”")),
    (("`",), _sub(_TEX_QUOTES[1], "‘\\1’")),
)
_TRIGGERS = frozenset(trigger for triggers, _ in _STEPS for trigger in triggers)


# --- output forms -------------------------------------------------------------------------------

# C0 controls also include Python-Markdown's placeholder markers (\x02, \x03).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _normalise_space(text: str) -> str:
    """Controls dropped, runs of whitespace one space, none at the ends. Most texts are
    printable already (no control, no space but " "): ``isprintable`` says so at C speed, a
    third of the regex's time on the corpus, where this runs a few times on every text."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(_CONTROL.sub("", text).split())


def title_text(title: str) -> str:
    """A title as plain text: remnants cleaned, math kept as ``$...$`` source, one line."""
    return _normalise_space("".join(part for _, part in _segments(title)))


def readable_text(text: str) -> str:
    """A title as plain text for places no KaTeX draws (a tab's title, the Library, the map,
    feeds): ``title_text`` with each math span written in Unicode where unicodeit writes all of
    it (``PT$^2$`` reads ``PT²``), else kept as its ``$...$`` source (97 titles of the corpus
    hold math; 7 keep some source)."""
    parts = [_readable_math(part) if is_math else part for is_math, part in _segments(text)]
    return _normalise_space("".join(parts))


# Text inside math: its words, for unicodeit, which writes symbols, Greek, sub- and superscripts.
_TEXT_IN_MATH = re.compile(
    r"\\(?:text|textit|textbf|texttt|textrm|textsf|mathrm|mathit|mathsf|mathtt|mbox)\s*\{([^{}]*)\}"
)
_TEX_LEFT = re.compile(r"[\\{}^_]")


def _readable_math(segment: str) -> str:
    shown = unicodeit.replace(_TEXT_IN_MATH.sub(r"\1", math_parts(segment)[0]))
    return segment if _TEX_LEFT.search(shown) else shown


def _segments(text: str) -> tuple[tuple[bool, str], ...]:
    """``text``'s math and its prose with the TeX remnants cleaned (``_cleaned``), its space
    normalised first."""
    return _cleaned(_normalise_space(text))


@functools.cache
def _cleaned(text: str) -> tuple[tuple[bool, str], ...]:
    """``(is_math, segment)`` pairs of ``text`` (space already normalised), prose cleaned,
    math as written. Each abstract is read four ways (plain text for search, HTML, TeX-clean
    text for mentions and for links): the clean-up, most of each, is done once per text.

    Kept for every text until ``forget_cleaned``, whatever the catalogue's size: a bound
    smaller than the catalogue's texts would clean most of them again at every reading."""
    return tuple(
        (is_math, part if is_math else _clean_prose(part)) for is_math, part in split_math(_unwrap_math(text))
    )


def forget_cleaned() -> None:
    """Lets go of the kept clean-ups (``_cleaned``): a generation calls it when it ends, so
    they are not held while MkDocs renders the pages, nor from one serve's rebuild to the next."""
    _cleaned.cache_clear()


def extract_links(text: str) -> tuple[Link, ...]:
    """Every distinct URL of an abstract (``links.find_urls``), in order, with a kind and a short label."""
    cleaned = "".join(part for _, part in _segments(text))
    if "://" not in cleaned and ".com/" not in cleaned:  # no URL: most abstracts
        return ()
    by_key: dict[str, Link] = {}
    for start, end in links.find_urls(cleaned):
        url = links.url_of(cleaned[start:end])
        by_key.setdefault(links.url_key(url), links.link(url))
    return tuple(by_key.values())


def plain_text(text: str) -> str:
    """Cleaned text with math as bare TeX source, for search, feeds and meta tags (not escaped)."""
    parts = [math_parts(part)[0] if is_math else part for is_math, part in _segments(text)]
    return _normalise_space("".join(parts))


def abstract_html(text: str) -> str:
    """An abstract as an inline HTML fragment with KaTeX-ready math and linked URLs."""
    return _html(text, link=True)


def title_html(title: str) -> str:
    """A title as an inline HTML fragment with KaTeX-ready math, without links."""
    return _html(title, link=False)


def _html(text: str, *, link: bool) -> str:
    parts = [
        _math_html(part) if is_math else _prose_html(part, link=link) for is_math, part in _segments(text)
    ]
    return "".join(parts)


# Braces become numeric entities: pymdownx.critic reads ``{++ ++}`` even inside raw HTML, and a
# later Jinja pass (mkdocs-macros) would read ``{{ }}``. Browsers and KaTeX see plain braces.
_BRACE_ENTITIES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def _escape(text: str) -> str:
    return str(escape(text)).translate(_BRACE_ENTITIES)


def _math_html(segment: str) -> str:
    tex, display = math_parts(segment)
    left, right = ("\\[", "\\]") if display else ("\\(", "\\)")
    return f'<span class="arithmatex">{left}{_escape(tex)}{right}</span>'


def _prose_html(text: str, *, link: bool) -> str:
    if not link:
        return _escape(text)
    parts, last = [], 0
    for start, end in links.find_urls(text):
        shown = text[start:end]
        parts += [
            _escape(text[last:start]),
            f'<a href="{_escape(links.url_of(shown))}" rel="nofollow">{_escape(shown)}</a>',
        ]
        last = end
    parts.append(_escape(text[last:]))
    return "".join(parts)
