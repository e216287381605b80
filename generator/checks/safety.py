"""Nothing lost, nothing injected: check a built site against its ``papers.json``.

``check_site`` reads a built site folder and returns every violation it finds, so tests
and ``bench/check_corpus.py`` share one definition of "safe":

* every paper of ``papers.json`` has a page whose visible text holds its title and its
  abstract (pages are static HTML: math is still the ``\\(...\\)`` TeX KaTeX reads later);
* no element, attribute or link on a paper page came from dump text: scripts are only the
  theme's own, no ``on*`` attribute, no ``javascript:`` URL, no ``<img>``/``<iframe>``/...
  in the content, the title holds no element and the abstract no element but math spans and
  the generator's own http(s) URL links;
* ``<title>``, ``<meta name="description">`` and the feeds hold the texts as text, never
  as markup (search results are checked in Chromium: Pagefind's index is compressed and
  ``search.js`` keeps only text and ``<mark>`` of what it shows);
* given the dumps (``dumps_dir``), ``papers.json`` holds exactly the catalogue's papers
  with ``text.title_text`` / ``text.plain_text`` of their raw text.

Pages are parsed with lxml (the same libxml2 parser BeautifulSoup's "lxml" builder uses),
which keeps a 28,000-page corpus at a few minutes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from generator.checks.linkcheck import URL_SCHEME
from generator.enrich import clean
from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import dump_files, read_dumps
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


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One thing wrong in a built site, named by the file it is in (relative to the site)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Expected:
    """What ``papers.json`` says one paper's page shows."""

    slug: str
    title: str  # text.title_text of the raw title
    abstract: str  # text.plain_text of the raw abstract


def normalise(value: str) -> str:
    return " ".join(value.split())


# --- the whole site -----------------------------------------------------------------------------


def check_site(
    site: Path,
    *,
    dumps_dir: Path | None = None,
    slugs: Iterable[str] | None = None,
    processes: int = 1,
) -> list[Violation]:
    """Every violation in the built site ``site``, sorted; empty when the site is safe.

    ``dumps_dir`` adds the "nothing lost" check against the dumps themselves; ``slugs``
    limits the page checks to some papers; ``processes`` > 1 checks pages in parallel.
    """
    site = Path(site)
    violations: list[Violation] = []
    expected, problems = read_papers_json(site / "papers.json")
    violations += problems
    if dumps_dir is not None:
        violations += compare_with_dumps(expected, Path(dumps_dir))
    if slugs is not None:
        wanted = set(slugs)
        expected = [paper for paper in expected if paper.slug in wanted]
    scripts = theme_scripts(site)
    known = frozenset(paper.slug for paper in expected)
    jobs = [(site, paper, scripts, known) for paper in expected]
    if processes > 1 and len(jobs) > 200:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for found in pool.imap_unordered(_check_job, jobs, chunksize=64):
                violations += found
    else:
        for job in jobs:
            violations += _check_job(job)
    violations += check_feed(site)
    return sorted(set(violations))


def _check_job(job: tuple[Path, Expected, frozenset[str], frozenset[str]]) -> list[Violation]:
    return check_paper_page(*job)


def read_papers_json(path: Path) -> tuple[list[Expected], list[Violation]]:
    """The papers ``papers.json`` lists, and what is wrong with the file itself."""
    where = path.name
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [], [Violation(where, f"not readable as JSON: {err}")]
    records = payload.get("papers") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        return [], [Violation(where, "no 'papers' list")]
    papers, problems = [], []
    for index, record in enumerate(records):
        fields = [
            record.get(key) if isinstance(record, dict) else None for key in ("slug", "title", "abstract")
        ]
        if not all(isinstance(value, str) for value in fields):
            problems.append(Violation(where, f"paper {index}: slug, title and abstract must be strings"))
            continue
        slug, title, abstract = fields
        papers.append(Expected(slug, title, abstract))
    return papers, problems


def compare_with_dumps(papers: Sequence[Expected], dumps_dir: Path) -> list[Violation]:
    """``papers.json`` against the catalogue parsed from the dumps: same papers, same texts."""
    results = read_dumps(dump_files(dumps_dir))
    catalogue = build_catalogue([result.dump for result in results])
    listed = {paper.slug: paper for paper in papers}
    violations = []
    for paper in catalogue.papers:
        shown = listed.pop(paper.slug, None)
        if shown is None:
            violations.append(Violation("papers.json", f"{paper.slug}: paper of the dumps is missing"))
            continue
        if shown.title != clean.title_text(paper.title):
            violations.append(Violation("papers.json", f"{paper.slug}: title is not title_text of the dump"))
        if shown.abstract != clean.plain_text(paper.abstract):
            violations.append(
                Violation("papers.json", f"{paper.slug}: abstract is not plain_text of the dump")
            )
    for slug in listed:
        violations.append(Violation("papers.json", f"{slug}: paper is in no dump"))
    return violations


# --- one paper page -----------------------------------------------------------------------------


def page_path(site: Path, slug: str) -> Path:
    return site / "papers" / slug / "index.html"


def theme_scripts(site: Path) -> frozenset[str]:
    """The scripts every page carries, from a page no dump text reaches (the tag index)."""
    for candidate in ("tags/index.html", "dumps/index.html", "index.html"):
        path = site / candidate
        if path.is_file():
            tree = lxml.html.fromstring(path.read_bytes())
            return frozenset(script_key(node, candidate) for node in tree.iter("script"))
    return frozenset()


def script_key(node: etree._Element, where: str) -> str:
    """A script as a comparable string: its site-absolute source, or its text with ``../`` removed."""
    src = node.get("src")
    if src is not None:
        return "src:" + urljoin("/" + where, src)
    return "inline:" + _RELATIVE_ROOT.sub("ROOT", (node.text or "").strip())


def check_paper_page(
    site: Path, paper: Expected, scripts: frozenset[str], known: frozenset[str] = frozenset()
) -> list[Violation]:
    """Violations of one paper's page; ``known`` are the slugs a mention link may point to."""
    path = page_path(site, paper.slug)
    where = path.relative_to(site).as_posix()
    try:
        tree = lxml.html.fromstring(path.read_bytes())
    except OSError:
        return [Violation(where, "page is missing")]
    except etree.ParserError as err:
        return [Violation(where, f"page is not HTML: {err}")]
    found = [Violation(where, message) for message in page_problems(tree, paper, scripts, where, known)]
    return found


def page_problems(
    tree: etree._Element, paper: Expected, scripts: frozenset[str], where: str, known: frozenset[str]
) -> Iterator[str]:
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
        if not (node.text or "").startswith(paper.title + " - "):
            yield f"<title> is {normalise(node.text or '')[:80]!r}, not the paper's title"
    metas = tree.xpath("//meta[@name='description']")
    want = abbreviate(paper.abstract, DESCRIPTION_MAX)
    if len(metas) != 1:
        yield f"expected one meta description, found {len(metas)}"
    elif metas[0].get("content") != want:
        yield f"meta description is {metas[0].get('content', '')[:80]!r}, not the abstract's start"
    topics = tree.xpath("//*[@data-md-component='header-topic']/span")
    if topics and (len(topics[0]) or normalise(topics[0].text or "") != paper.title):
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
    return normalise("".join(part for is_math, part in clean.split_math(value) if not is_math))


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
            if scheme in SAFE_SCHEMES and "nofollow" in rel and len(child) == 0 and child.text == href:
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


# --- feeds --------------------------------------------------------------------------------------


def fragment_elements(html: str) -> list[etree._Element]:
    """The elements of an HTML fragment (``html`` as it would be set as innerHTML)."""
    if "<" not in html:
        return []
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    return [node for node in wrapper.iterdescendants()]


def check_feed(site: Path) -> list[Violation]:
    """Feeds (``*.xml`` but sitemaps) parse as XML; text constructs hold text, HTML ones safe HTML.

    Atom's ``title``/``summary``/``content`` are plain text unless ``type="html"`` or ``"xhtml"``;
    RSS ``description`` is HTML. Plain text can say ``<script>`` harmlessly; HTML may not hold it.
    """
    violations: list[Violation] = []
    for path in sorted(site.rglob("*.xml")):
        where = path.relative_to(site).as_posix()
        if where.startswith("sitemap"):  # sitemap.xml and its parts in sitemaps/
            continue
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as err:
            violations.append(Violation(where, f"not well-formed XML: {err}"))
            continue
        atom = root.tag.startswith("{http://www.w3.org/2005/Atom}")
        for node in root.iter():
            name = node.tag.rsplit("}", 1)[-1]
            if name not in ("title", "summary", "content", "description"):
                continue
            kind = node.get("type", "text") if atom else ("html" if name == "description" else "text")
            if kind in ("text", "html") and len(node):
                violations.append(Violation(where, f"a <{name}> holds XML elements"))
            if kind == "html":
                elements = fragment_elements(node.text or "")
            elif kind == "xhtml":
                elements = list(node.iter())[1:]
            else:
                continue
            for element in elements:
                tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else "comment"
                if tag in FORBIDDEN_IN_CONTENT or any(
                    key.lower().startswith("on") or (key in URL_ATTRIBUTES and bad_scheme(value))
                    for key, value in element.attrib.items()
                ):
                    violations.append(Violation(where, f"a <{name}> holds a <{tag}> element"))
    return violations
