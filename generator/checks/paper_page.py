"""The rules one paper's page keeps: nothing in it came from dump text but text.

``page_problems`` reads a parsed paper page and says, one message each, what breaks a rule:
a script that is not the theme's, an event handler or script URL anywhere; a ``<title>``,
meta description or header topic that is not the paper's text; an ``<h1>`` or abstract
holding anything but text, math spans and the generator's own links; an element or heading
the template does not make. ``safety.check_site`` runs it on every paper of a built site;
``safety.check_feed`` holds feeds to the same ``FORBIDDEN_IN_CONTENT`` and ``bad_scheme``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from generator.checks.linkcheck import URL_SCHEME
from generator.enrich import clean, links
from generator.enrich.math_spans import split_math
from generator.site.papers import PAPER_SECTIONS
from generator.site.views import DESCRIPTION_MAX, abbreviate

# Elements dump text must never produce anywhere in a page's content.
FORBIDDEN_IN_CONTENT = frozenset(
    [
        "img",
        "iframe",
        "object",
        "embed",
        "style",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "base",
        "frame",
        "frameset",
        "applet",
        "video",
        "audio",
        "source",
        "template",
        "noscript",
        "link",
        "meta",
        "script",
        "math",
    ]
)
SAFE_SCHEMES = ("http", "https")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background")
_RELATIVE_ROOT = re.compile(r"(?:\.\./)*\.\.(?=[/\"'])")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_MENTION = re.compile(r"\.\./([^/?#]+)/")


@dataclass(frozen=True, slots=True)
class Expected:
    """What ``papers.json`` says one paper's page shows."""

    slug: str
    title: str  # text.title_text of the raw title
    abstract: str  # text.plain_text of the raw abstract


def normalise(value: str) -> str:
    return " ".join(value.split())


def script_key(node: etree._Element, where: str) -> str:
    """A script as a comparable string: its site-absolute source, or its text with ``../`` removed."""
    src = node.get("src")
    if src is not None:
        return "src:" + urljoin("/" + where, src)
    return "inline:" + _RELATIVE_ROOT.sub("ROOT", (node.text or "").strip())


def page_problems(
    tree: etree._Element, paper: Expected, scripts: frozenset[str], where: str, known: frozenset[str]
) -> Iterator[str]:
    """What is wrong with the page ``tree`` of ``paper`` (at ``where`` in the site), one message
    a problem; ``scripts`` are the theme's, ``known`` the slugs a mention link may point to."""
    yield from injected_markup(tree, scripts, where)
    yield from head_problems(tree, paper)
    articles = tree.xpath("//article")
    if len(articles) != 1:
        yield f"expected one <article>, found {len(articles)}"
        return
    article = articles[0]
    yield from title_problems(article, paper)
    yield from abstract_problems(article, paper, known)
    yield from structure_problems(article)


def injected_markup(tree: etree._Element, scripts: frozenset[str], where: str) -> Iterator[str]:
    """Scripts not in the theme, event handlers and script URLs anywhere in the page."""
    for node in tree.iter("script"):
        key = script_key(node, where)
        if key not in scripts:
            yield f"script that is not the theme's: {key[:100]!r}"
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            if name.lower().startswith("on"):
                yield f"<{node.tag}> has an event handler {name}={value[:60]!r}"
            if name.lower() in URL_ATTRIBUTES and bad_scheme(value):
                yield f"<{node.tag}> {name} has a script URL {value[:60]!r}"


def bad_scheme(url: str) -> bool:
    match = URL_SCHEME.match(_INVISIBLE.sub("", url))
    return bool(match) and match.group(1).lower() not in (*SAFE_SCHEMES, "mailto")


def head_problems(tree: etree._Element, paper: Expected) -> Iterator[str]:
    titles = tree.xpath("//head/title")
    if len(titles) != 1:
        yield f"expected one <title>, found {len(titles)}"
    else:
        node = titles[0]
        if len(node):
            yield "<title> holds elements"
        if not (node.text or "").startswith(clean.readable_text(paper.title) + " - "):
            yield f"<title> is {normalise(node.text or '')[:80]!r}, not the paper's title"
    metas = tree.xpath("//meta[@name='description']")
    want = abbreviate(paper.abstract, DESCRIPTION_MAX)
    if len(metas) != 1:
        yield f"expected one meta description, found {len(metas)}"
    elif metas[0].get("content") != want:
        yield f"meta description is {metas[0].get('content', '')[:80]!r}, not the abstract's start"
    topics = tree.xpath("//*[@data-md-component='header-topic']/span")
    if topics and (len(topics[0]) or normalise(topics[0].text or "") != clean.readable_text(paper.title)):
        yield "header topic is not the paper's title as text"


def math_free_text(node: etree._Element, *, delimiters: bool) -> str:
    """Visible text with each math span's TeX kept (``delimiters=False`` drops ``\\(``/``\\)``)."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and "arithmatex" in (child.get("class") or "").split():
                tex = child.text_content()
                if not delimiters and tex[:2] in ("\\(", "\\[") and tex[-2:] in ("\\)", "\\]"):
                    tex = tex[2:-2]
                parts.append(tex)
            elif isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(node)
    return normalise("".join(parts))


def without_math(value: str) -> str:
    return normalise("".join(part for is_math, part in split_math(value) if not is_math))


def text_without_math_spans(node: etree._Element) -> str:
    copy = lxml.html.fromstring(lxml.html.tostring(node))
    for span in copy.xpath(".//span[contains(concat(' ', @class, ' '), ' arithmatex ')]"):
        span.drop_tree()
    return normalise(copy.text_content())


def title_problems(article: etree._Element, paper: Expected) -> Iterator[str]:
    headings = article.xpath(".//h1")
    if len(headings) != 1:
        yield f"expected one <h1>, found {len(headings)}"
        return
    heading = headings[0]
    yield from only_children(heading, "<h1>", allow_links=False)
    if heading.xpath(".//span[contains(@class, 'arithmatex')]"):
        if without_math(paper.title) not in text_without_math_spans(heading):
            yield "the <h1> does not show the title (outside math)"
    elif normalise(heading.text_content()) != paper.title:
        yield f"the <h1> shows {normalise(heading.text_content())[:80]!r}, not the title"
    if paper.title not in normalise(article.text_content()) and not heading.xpath(".//span"):
        yield "the title is not in the visible text"


def abstract_problems(article: etree._Element, paper: Expected, known: frozenset[str]) -> Iterator[str]:
    blocks = article.xpath(".//*[contains(concat(' ', @class, ' '), ' paper-abstract ')]")
    if len(blocks) != 1:
        yield f"expected one abstract block, found {len(blocks)}"
        return
    block = blocks[0]
    paragraphs = [child for child in block if isinstance(child.tag, str)]
    if len(paragraphs) != 1 or paragraphs[0].tag != "p" or paragraphs[0].attrib:
        yield "the abstract block is not exactly one plain <p>"
    for paragraph in paragraphs:
        yield from only_children(paragraph, "the abstract", allow_links=True, known=known)
    if paper.abstract not in math_free_text(article, delimiters=False):
        yield "the abstract is not in the visible text"


def only_children(
    node: etree._Element, what: str, *, allow_links: bool, known: frozenset[str] = frozenset()
) -> Iterator[str]:
    """The generator makes math spans and (in abstracts) URL links and mention links to other
    papers of the site (``<a class="paper-mention" href="../SLUG/">``); nothing else, nothing nested."""
    for child in node.iterdescendants():
        if not isinstance(child.tag, str):
            yield f"{what} holds a comment or processing instruction"
            continue
        classes = (child.get("class") or "").split()
        if (
            child.tag == "span"
            and classes == ["arithmatex"]
            and len(child) == 0
            and child.getparent() is node
        ):
            continue
        if child.tag == "a" and allow_links and child.getparent() is node:
            href = child.get("href") or ""
            rel = (child.get("rel") or "").split()
            scheme = urlsplit(href).scheme
            shows_its_url = child.text is not None and links.url_of(child.text) == href
            if scheme in SAFE_SCHEMES and "nofollow" in rel and len(child) == 0 and shows_its_url:
                continue
            mention = _MENTION.fullmatch(href)
            if (
                mention
                and mention.group(1) in known
                and classes == ["paper-mention"]
                and set(child.attrib) == {"class", "href"}
                and len(child) == 0
                and (child.text or "").strip()
            ):
                continue
            yield f"{what} has a link that is not a URL of its text: <a href={href[:60]!r}>"
            continue
        yield f"{what} holds a <{child.tag}> element"


def structure_problems(article: etree._Element) -> Iterator[str]:
    for node in article.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in FORBIDDEN_IN_CONTENT:
            yield f"the content holds a <{node.tag}> element"
        if node.tag == "svg" and "md-content__button" not in (node.getparent().get("class") or ""):
            yield "the content holds an <svg> that is not the theme's edit icon"
        if node.tag in ("h2", "h3", "h4", "h5", "h6") and node.get("id") not in PAPER_SECTIONS:
            yield f"the content holds a heading <{node.tag} id={node.get('id')!r}> the template does not make"
        if node.tag == "a":
            href = node.get("href") or ""
            scheme = urlsplit(href).scheme
            if scheme and scheme not in SAFE_SCHEMES:
                yield f"the content links to {href[:60]!r}"
