"""generator.enrich.clean and math_spans: TeX remnants, math splitting, safe HTML, URLs and links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from generator.enrich.clean import (
    abstract_html,
    clean_tex,
    extract_links,
    plain_text,
    readable_text,
    title_html,
    title_text,
)
from generator.enrich.math_spans import split_math
from generator.model import Link

CORPUS = Path("/work/shared/corpus/dumps")
DATE_LINE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}$")


def case(name: str, *values: object) -> pytest.param:
    return pytest.param(*values, id=name)


# --- clean_tex ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case("umlaut_without_braces", r"Schr\"odinger", "Schrödinger"),
        case("circumflex", r"It\^o", "Itô"),
        case("escaped_percent_and_bare_sim", r"15\%sim30\%", "15%∼30%"),
        case("braced_sim", "{sim}50 experiments", "∼50 experiments"),
        case("braced_equals", "D{=}1", "D=1"),
        case("braced_minus_and_comma", "r{=}{-}0.13 and 1{,}000", "r=-0.13 and 1,000"),
        case("braced_times", "64{times}64", "64×64"),
        case("times_command", r"4\times faster", "4× faster"),
        case("digit_glued_times", "1.2{sim}1.3times speedup", "1.2∼1.3× speedup"),
        case("braced_to_infinity", "(D{to} infty)", "(D→∞)"),
        case("braced_to_infinity_without_space", "D{to}infty.", "D→∞."),
        case("roman_subscript_after_greek", "chi_{rm eq}", "χ_eq"),
        case("acute_accent", r"Pok\'emon", "Pokémon"),
        case("braced_accent_group", r"{\'e}t{\'e}", "été"),
        case("accent_with_braced_letter", r"M\"{o}bius", "Möbius"),
        case("accent_on_dotless_i", r"na\"{\i}vely", "naïvely"),
        case("grave_and_tilde", r"\`a la Espa\~na", "à la España"),
        case("cedilla_and_caron", r"\c{c}a \v{s} \c c", "ça š ç"),
        case("escaped_apostrophe_is_not_an_accent", r"the query\'s content", "the query's content"),
        case("escapes", r"50\% \& 3\_4 \#1 \$5", "50% & 3_4 #1 $5"),
        case("font_commands", r"\textbf{Bold} \textit{it} \emph{em} \texttt{tt}", "Bold it em tt"),
        case("more_font_commands", r"\underline{u} \textsc{sc} \text{t}", "u sc t"),
        case("nested_font_commands", r"\textbf{\underline{D}}ata \textbf{\textit{SymGS}}", "Data SymGS"),
        case("old_style_font_switch", r"{\it TimesFM} and {\bf X}", "TimesFM and X"),
        case("href_with_label", r"\href{https://x.io/a}{here}", "here (https://x.io/a)"),
        case("href_label_same_as_url", r"\href{https://x.io/a}{https://x.io/a}", "https://x.io/a"),
        case("href_label_url_without_scheme", r"\href{https://x.io/a}{x.io/a}", "https://x.io/a"),
        case("url_command", r"\url{https://x.io/a\_b}", "https://x.io/a_b"),
        case("textcolor_keeps_text", r"\textcolor{blue}{code}", "code"),
        case("tie_between_words", r"Model~significantly 100~ms", "Model significantly 100 ms"),
        case("tilde_as_approx_stays", "with ~3x throughput", "with ~3x throughput"),
        case(
            "relation_commands",
            r"\pm 1 \approx 2 \sim 3 \leq 4 \le 5 \geq 6 \ge 7",
            "± 1 ≈ 2 ∼ 3 ≤ 4 ≤ 5 ≥ 6 ≥ 7",
        ),
        case("arrows_and_infinity", r"a \rightarrow b \to c \infty", "a → b → c ∞"),
        case("cdot", r"a \cdot b", "a · b"),
        case("greek_commands_outside_math", r"\alpha-blending and \Delta", "α-blending and Δ"),
        case("degrees", r"360{\deg} and 90^{circ}", "360° and 90°"),
        case("citation_dropped", r"DPO~\citep{rafailov2024dpo}, and", "DPO, and"),
        case("eg_ie_macros", r"(\eg, ControlNet) \ie more", "(e.g., ControlNet) i.e. more"),
        case("thin_space", r"72.19\,ms", "72.19 ms"),
        case("superscript_digits", r"ID\textsuperscript{2}Face and R^{2}", "ID²Face and R²"),
        case("si_units", r"\SI{82.71}{\percent} and \SI{0.06}{m/s}", "82.71% and 0.06 m/s"),
        case("tex_quotes", "``stochastic interpolants''", "“stochastic interpolants”"),
        case("unknown_command_stays", r"\ModelName outperforms \ours{}", r"\ModelName outperforms \ours{}"),
        case("unknown_command_with_argument_stays", r"\method{X} wins", r"\method{X} wins"),
        case(
            "plain_words_stay",
            "go to the sim, two times, chi square, pi",
            "go to the sim, two times, chi square, pi",
        ),
        case("math_untouched", r"$\times$ and \times and $a{=}b$", r"$\times$ and × and $a{=}b$"),
        case("inline_paren_math_untouched", r"\(\times\) and \times", r"\(\times\) and ×"),
        case("font_command_around_math", r"\textbf{2.5$\times$} faster", r"2.5$\times$ faster"),
        case("prices_are_not_math", r"costs $5 and \textbf{$10}", "costs $5 and $10"),
        case("doubled_backslash_textsc", r"\\textsc{Gen2Real}: Towards", "Gen2Real: Towards"),
        case(
            "doubled_backslash_font_commands",
            r"\\textit{it}, \\textbf{bf}, \\emph{em} and \\texttt{tt}",
            "it, bf, em and tt",
        ),
        case("doubled_backslash_symbol", r"90\\times faster, \\alpha-blending", "90× faster, α-blending"),
        case("doubled_backslash_before_a_word_is_a_line_break", r"end.\\We go", "end. We go"),
    ],
)
def test_clean_tex(raw: str, expected: str) -> None:
    assert clean_tex(raw) == expected


# --- split_math ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case("inline_math", "$x^2$", [(True, "$x^2$")]),
        case("math_between_text", "a $x$ b", [(False, "a "), (True, "$x$"), (False, " b")]),
        case("display_math", "a $$\\int f$$ b", [(False, "a "), (True, "$$\\int f$$"), (False, " b")]),
        case(
            "paren_and_bracket_math", "\\(a\\) \\[b\\]", [(True, "\\(a\\)"), (False, " "), (True, "\\[b\\]")]
        ),
        case("two_prices", "costs $5 and $10", [(False, "costs $5 and $10")]),
        case("price_range", "$5-$10", [(False, "$5-$10")]),
        case("closing_dollar_before_digit", "$a$5", [(False, "$a$5")]),
        case("space_after_opening", "$ x$", [(False, "$ x$")]),
        case("space_before_closing", "$x $", [(False, "$x $")]),
        case("escaped_dollar", r"\$x$ y", [(False, r"\$x$ y")]),
        case("escaped_dollar_inside_math", r"$a\$b$", [(True, r"$a\$b$")]),
        case("unbalanced_dollar", "only $x here", [(False, "only $x here")]),
        case("price_then_math", "costs $5 and $10 vs $x$", [(False, "costs $5 and $10 vs "), (True, "$x$")]),
        case("empty_display_math", "$$$$", [(False, "$$$$")]),
        case("spaced_display_math", "$$ x $$", [(True, "$$ x $$")]),
        case("empty_text", "", []),
    ],
)
def test_split_math(raw: str, expected: list[tuple[bool, str]]) -> None:
    assert split_math(raw) == expected
    assert "".join(part for _, part in split_math(raw)) == raw


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case("script_tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        case("img_onerror", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        case("markdown_javascript_link", "[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        case("template_braces", "{{ x }}", "&#123;&#123; x &#125;&#125;"),
        case("markdown_emphasis_and_link", "Markdown *Stars* and [x](y)", "Markdown *Stars* and [x](y)"),
        case("ampersand_and_less_than", "a & b < c", "a &amp; b &lt; c"),
        case("quotes", 'say "hi" it\'s', "say &#34;hi&#34; it&#39;s"),
        case("existing_entity_is_text", "&amp; &#65;", "&amp;amp; &amp;#65;"),
        case("cleaned_then_escaped", r"A \& B", "A &amp; B"),
        case(
            "inline_math",
            "with $x<y$ here",
            'with <span class="arithmatex">\\(x&lt;y\\)</span> here',
        ),
        case(
            "display_math",
            "$$\\int_0^1 f$$",
            '<span class="arithmatex">\\[\\int_0^1 f\\]</span>',
        ),
        case(
            "math_braces_are_entities",
            "$x^{2}$",
            '<span class="arithmatex">\\(x^&#123;2&#125;\\)</span>',
        ),
        case(
            "doubled_backslash_in_math",
            "H$_\\\\infty$",
            'H<span class="arithmatex">\\(_\\infty\\)</span>',
        ),
        case("lone_dollars_stay_text", "costs $5 and $10", "costs $5 and $10"),
        case(
            "url_trailing_period",
            "Code: https://github.com/harryjo97/GDSS.",
            'Code: <a href="https://github.com/harryjo97/GDSS" rel="nofollow">'
            "https://github.com/harryjo97/GDSS</a>.",
        ),
        case(
            "url_in_parentheses",
            "(https://x.io/a).",
            '(<a href="https://x.io/a" rel="nofollow">https://x.io/a</a>).',
        ),
        case(
            "url_with_balanced_parenthesis",
            "see https://en.wikipedia.org/wiki/A_(b), ok",
            'see <a href="https://en.wikipedia.org/wiki/A_(b)" rel="nofollow">'
            "https://en.wikipedia.org/wiki/A_(b)</a>, ok",
        ),
        case(
            "url_query_is_escaped",
            "https://x.io/?a=1&b=2;",
            '<a href="https://x.io/?a=1&amp;b=2" rel="nofollow">https://x.io/?a=1&amp;b=2</a>;',
        ),
        case(
            "url_stops_at_quote",
            'https://x.io/"onmouseover="alert(1)',
            '<a href="https://x.io/" rel="nofollow">https://x.io/</a>&#34;onmouseover=&#34;alert(1)',
        ),
        case("javascript_url_is_text", "javascript:alert(1)", "javascript:alert(1)"),
        case(
            "repository_without_its_scheme_shows_as_written",
            "Code: github.com/o/r.",
            'Code: <a href="https://github.com/o/r" rel="nofollow">github.com/o/r</a>.',
        ),
        case("newlines_collapse", "a\n\nb\r\n c", "a b c"),
        case("control_characters_dropped", "x\x02wzxhzdk:0\x03y", "xwzxhzdk:0y"),
    ],
)
def test_abstract_html(raw: str, expected: str) -> None:
    assert abstract_html(raw) == expected


def test_abstract_html_links_href_commands() -> None:
    raw = r"Code at \href{https://github.com/a/b}{\textcolor{blue}{https://github.com/a/b}}."
    expected = 'Code at <a href="https://github.com/a/b" rel="nofollow">https://github.com/a/b</a>.'
    assert abstract_html(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case("no_links_in_titles", "A https://x.io title", "A https://x.io title"),
        case(
            "math_in_title",
            "H$_\\infty$ Control & <b>",
            'H<span class="arithmatex">\\(_\\infty\\)</span> Control &amp; &lt;b&gt;',
        ),
        case("remnants_in_title", r"Light Schr\"odinger Bridge", "Light Schrödinger Bridge"),
    ],
)
def test_title_html(raw: str, expected: str) -> None:
    assert title_html(raw) == expected


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "{{ x }} {% if %}",
    "Markdown *Stars* and [x](y) __u__ ~~s~~ ==m== ^^c^^ {++a++} {--b--} [[Ctrl]] `code`",
    "| a | b |\n\n| - | - |",
    "# heading\n\n    indented code\n\n> quote",
    "a & b < c &amp; --> (c) +/- [^1] *[HTML]: x",
    '--8<-- "README.md"',
    "</p></div><div markdown=1>*x*",
    r"$x^{++}$ and $$\int$$ \(a\) https://github.com/a/b_c_d*e* www.example.com user@example.com :smile:",
]
MARKDOWN_EXTENSIONS = [
    "pymdownx.arithmatex", "attr_list", "md_in_html", "pymdownx.superfences", "pymdownx.betterem",
    "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde", "pymdownx.magiclink", "toc", "tables",
    "footnotes", "abbr", "def_list", "admonition", "pymdownx.inlinehilite", "pymdownx.smartsymbols",
    "pymdownx.keys", "pymdownx.critic", "pymdownx.snippets", "pymdownx.details", "pymdownx.tasklist",
]  # fmt: skip


@pytest.mark.parametrize("raw", HOSTILE)
def test_markdown_leaves_the_fragment_alone(raw: str) -> None:
    page = '<div class="abstract"><p>' + abstract_html(raw) + "</p></div>"
    rendered = markdown.markdown(
        page, extensions=MARKDOWN_EXTENSIONS, extension_configs={"pymdownx.arithmatex": {"generic": True}}
    )
    assert rendered == page


class _TagCollector(HTMLParser):
    """Every start tag with its attributes, and the text the browser would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_fragment(fragment: str) -> None:
    assert "\n" not in fragment
    collector = _TagCollector()
    collector.feed(fragment)
    collector.close()
    for tag, attrs in collector.tags:
        if tag == "span":
            assert attrs == {"class": "arithmatex"}, fragment
        elif tag == "a":
            assert set(attrs) == {"href", "rel"}, fragment
            assert re.match(r"https?://", attrs["href"] or ""), fragment
        else:
            raise AssertionError(f"unexpected <{tag}> in {fragment!r}")


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_input_makes_no_element(raw: str) -> None:
    _check_fragment(abstract_html(raw))
    _check_fragment(title_html(raw))


# --- plain and title text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case(
            "math_source_without_dollars",
            r"Using $\alpha$-nets, 5\% \textbf{more}",
            r"Using \alpha-nets, 5% more",
        ),
        case("display_math_source", "$$E=mc^2$$ holds", "E=mc^2 holds"),
        case("no_html_escaping", "a < b & c", "a < b & c"),
        case("whitespace_collapsed", "  a \n\n b  ", "a b"),
        case("controls_dropped_and_spaces_collapsed", "a\x00 b \x07 c\x7fd", "a b cd"),
        case("no_break_space_and_tab_are_spaces", "a\u00a0\tb", "a b"),
        case("one_leading_space", " a b", "a b"),
        case("printable_text_kept", "Light Schrödinger Bridge", "Light Schrödinger Bridge"),
        case("href_spelled_out", r"\href{https://x.io}{site}", "site (https://x.io)"),
    ],
)
def test_plain_text(raw: str, expected: str) -> None:
    assert plain_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case("remnants_cleaned", r"  Light   Schr\"odinger  Bridge ", "Light Schrödinger Bridge"),
        case("math_kept_as_source", r"$\infty$-THOR: D{=}1", r"$\infty$-THOR: D=1"),
        case("html_not_escaped", "A <b> & C", "A <b> & C"),
        case(
            "doubled_backslash_command",
            r"\\textsc{GUI-Spotlight}: Adaptive Iterative Focus",
            "GUI-Spotlight: Adaptive Iterative Focus",
        ),
    ],
)
def test_title_text(raw: str, expected: str) -> None:
    assert title_text(raw) == expected


# --- readable_text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case(
            "superscript", "PT$^2$-LLM: Post-Training Ternarization", "PT²-LLM: Post-Training Ternarization"
        ),
        case("braced_superscript_and_subscript", "Co$^{3}$Gesture and CaO$_2$", "Co³Gesture and CaO₂"),
        case("greek_and_relations", "Scaling $O(n^2)$ to $\\alpha < \\beta$", "Scaling O(n²) to α < β"),
        case("text_commands_keep_their_words", "$\\texttt{BluePrint}$: A Dataset", "BluePrint: A Dataset"),
        case("what_unicode_cannot_write_stays_source", "H$_\\infty$ Control", "H$_\\infty$ Control"),
        case("prices_stay_text", "Serving on $60 GPUs", "Serving on $60 GPUs"),
        case("no_math", "Attention Is All You Need", "Attention Is All You Need"),
        case("tex_outside_math_is_cleaned_as_in_title_text", "\\textbf{Bold} $k$-means", "Bold k-means"),
    ],
)
def test_readable_text(raw: str, expected: str) -> None:
    assert readable_text(raw) == expected


# --- extract_links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        case(
            "github_repo_trailing_period",
            "Code: https://github.com/harryjo97/GDSS.",
            (Link("https://github.com/harryjo97/GDSS", "code", "Code: harryjo97/GDSS"),),
        ),
        case(
            "parenthesised_project_page",
            "(https://x.io/a).",
            (Link("https://x.io/a", "project", "Project page: x.io/a"),),
        ),
        case(
            "href_and_url_commands",
            r"\href{https://gitlab.com/o/r.git}{code} and \url{https://y.io/p\_q/}",
            (
                Link("https://gitlab.com/o/r.git", "code", "Code: o/r"),
                Link("https://y.io/p_q/", "project", "Project page: y.io/p_q"),
            ),
        ),
        case(
            "duplicates_ignore_case_and_trailing_slash",
            "https://github.com/A/B then https://GitHub.com/a/b/ again",
            (Link("https://github.com/A/B", "code", "Code: A/B"),),
        ),
        case(
            "github_user_is_not_a_repo",
            "https://github.com/someone",
            (Link("https://github.com/someone", "project", "Project page: github.com/someone"),),
        ),
        case(
            "long_path_shortened",
            "https://a.github.io/very/long/path/to/some/project/page/index.html",
            (
                Link(
                    "https://a.github.io/very/long/path/to/some/project/page/index.html",
                    "project",
                    "Project page: a.github.io/very/long/path/to/some/project/page…",
                ),
            ),
        ),
        case("order_of_appearance", "https://b.io and https://a.io", (
            Link("https://b.io", "project", "Project page: b.io"),
            Link("https://a.io", "project", "Project page: a.io"),
        )),
        case("only_http_and_https", "ftp://x.io javascript:alert(1) www.x.io", ()),
        case(
            "repository_written_without_its_scheme",
            "Code: github.com/KingdalfGoodman/BPDQ. Also www.gitlab.com/o/r and https://x.io/github.com/a/b",
            (
                Link("https://github.com/KingdalfGoodman/BPDQ", "code", "Code: KingdalfGoodman/BPDQ"),
                Link("https://www.gitlab.com/o/r", "code", "Code: o/r"),
                Link("https://x.io/github.com/a/b", "project", "Project page: x.io/github.com/a/b"),
            ),
        ),
        case("a_code_host_without_a_repository_is_no_url", "see github.com/someone or github.com.", ()),
        case("an_address_on_a_code_host_is_no_url", "mail me@github.com/x/y", ()),
    ],
)  # fmt: skip
def test_extract_links(raw: str, expected: tuple[Link, ...]) -> None:
    assert extract_links(raw) == expected


# --- the whole corpus ---------------------------------------------------------------------------


def _corpus_paragraphs() -> list[str]:
    """Every paragraph after the date line of every dump: titles and abstracts alike."""
    paragraphs = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        start = next((i for i, line in enumerate(lines) if DATE_LINE.match(line.strip())), len(lines))
        paragraphs += [line for line in lines[start + 1 :] if line.strip()]
    return paragraphs


def _corpus_sample() -> list[str]:
    """Every paragraph with a character that matters here, and every 4th of the others.

    The whole corpus (56k paragraphs) takes ~15 s on a busy machine; this sample keeps every
    paragraph with TeX, dollars, markup or a URL and runs in a few seconds.
    """
    paragraphs = _corpus_paragraphs()
    special = re.compile(r"[\\$<>&{}`*_\[\]]|https?://")
    return [p for i, p in enumerate(paragraphs) if special.search(p) or i % 4 == 0]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus of real dumps not available")
def test_corpus_abstracts_make_only_span_and_link_elements() -> None:
    sample = _corpus_sample()
    assert len(sample) > 1000
    for paragraph in sample:
        _check_fragment(abstract_html(paragraph))
        for link in extract_links(paragraph):
            assert re.match(r"https?://[^\s]+$", link.url), link
