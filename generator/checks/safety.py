"""Nothing lost, nothing injected: check a built site against its ``papers.json``.

``check_site`` reads a built site folder and returns every violation it finds, so tests
and ``bench/check_corpus.py`` share one definition of "safe" (the rules of one paper's page
are ``paper_page.page_problems``):

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
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

import lxml.html
from lxml import etree

from generator.checks.paper_page import (
    FORBIDDEN_IN_CONTENT,
    URL_ATTRIBUTES,
    Expected,
    bad_scheme,
    page_problems,
    script_key,
)
from generator.checks.report import Violation
from generator.enrich import clean
from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import dump_files, read_dumps
from generator.output.downloads import read_download

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
    expected, problems = read_papers_json(site)
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


def read_papers_json(site: Path) -> tuple[list[Expected], list[Violation]]:
    """The papers the site's ``papers.json`` (gzipped: ``papers.json.gz``) lists, and what is
    wrong with the file itself."""
    where = "papers.json"
    try:
        payload = json.loads(read_download(site, where).decode("utf-8"))
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


PAPER_CHROME = Path(__file__).resolve().parents[2] / "overrides" / "paper-chrome.html"
"""The template of paper pages' chrome, whose own inline scripts (the tabs' call) are the theme's."""


def theme_scripts(site: Path) -> frozenset[str]:
    """The scripts every page carries, from a page no dump text reaches (the tag index), and
    the inline scripts the paper pages' chrome template writes."""
    chrome = lxml.html.fragment_fromstring(PAPER_CHROME.read_text(encoding="utf-8"), create_parent=True)
    own = {script_key(node, "papers/") for node in chrome.iter("script")}
    for candidate in ("tags/index.html", "dumps/index.html", "index.html"):
        path = site / candidate
        if path.is_file():
            tree = lxml.html.fromstring(path.read_bytes())
            return frozenset(own | {script_key(node, candidate) for node in tree.iter("script")})
    return frozenset(own)


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
