"""Reader extras beyond the core pages: feeds, the stats page, the map, the code listing, exports.

``extra_files`` returns ``{relative path: text}``, which the pipeline encodes and writes with
everything else. Pages go through the renderer's Jinja environment and
templates (``stats.md.j2``, ``map.md.j2``, ``code.md.j2``) and reuse its listing and pager.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.site import charts
from generator.enrich import clean
from generator.ingest.catalogue import Catalogue
from generator.site.feeds import feed_files
from generator.model import Dump, Paper
from generator.enrich.layout import GRID, map_points
from generator.site.render import HTML_LISTING, PER_PAGE, SiteRenderer, pages_of, root_of
from generator.enrich.taxonomy import Tag

TOP_TAGS = 15
"""Tags in the "largest tags" chart."""
TREND_TAGS = 6
"""Tags whose share the trend chart follows."""
TREND_POINTS = 24
"""Dumps are grouped into at most this many consecutive groups for the trend charts."""
UNTAGGED_COLOUR = "#8a8f98"
CSV_FIELDS = (
    "slug",
    "title",
    "url",
    "tags",
    "first_dump",
    "first_date",
    "last_dump",
    "last_date",
    "code_url",
)


def map_texts(catalogue: Catalogue, texts: dict[str, tuple[str, str]]) -> list[str]:
    """What the map places papers by: each paper's title and abstract as plain text
    (``texts``: slug -> (title, abstract), as ``build.plain_texts`` makes them)."""
    return [f"{texts[p.slug][0]}\n{texts[p.slug][1]}" for p in catalogue.papers]


def extra_files(
    catalogue: Catalogue,
    tags: Sequence[Tag],
    site_url: str = "",
    *,
    renderer: SiteRenderer | None = None,
) -> dict[str, str]:
    """Feeds, stats, code listing and CSV. ``renderer`` shares the main renderer's per-paper
    work. The map is not among them: its coordinates come from a second process, so
    ``build.py`` makes its files itself (``map_page_files``, ``points_json``)."""
    renderer = renderer or SiteRenderer(catalogue, tags)
    files = feed_files(catalogue, tags, site_url)
    files["stats/index.md"] = stats_page(renderer)
    files.update(code_pages(renderer))
    files["papers.csv"] = papers_csv(catalogue, site_url, renderer.texts)
    return files


def code_url(paper: Paper) -> str:
    return next((link.url for link in paper.links if link.kind == "code"), "")


def dump_label(dump: Dump) -> str:
    if dump.date is None:
        return dump.stem
    return dump.date.iso or dump.date.label


# -- stats ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Consecutive dumps counted together on the trend charts."""

    first: str  # label of the first dump: the chart's x label
    last: str
    dumps: int
    papers: tuple[str, ...]  # slugs, each once

    @property
    def span(self) -> str:
        """What the tables show: ``2024-01-02`` or ``2024-01-02 to 2024-02-11 (17 dumps)``."""
        return self.first if self.dumps == 1 else f"{self.first} to {self.last} ({self.dumps} dumps)"


def dump_groups(renderer: SiteRenderer, most: int = TREND_POINTS) -> list[Group]:
    """The dumps in at most ``most`` consecutive groups of near-equal size."""
    dumps = renderer.catalogue.dumps
    count = min(len(dumps), most)
    groups = []
    for index in range(count):
        chunk = dumps[index * len(dumps) // count : (index + 1) * len(dumps) // count]
        slugs = dict.fromkeys(slug for dump in chunk for slug in renderer.dump_papers[dump.name])
        groups.append(Group(dump_label(chunk[0]), dump_label(chunk[-1]), len(chunk), tuple(slugs)))
    return groups


def share(slugs: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(1 for slug in slugs if test(slug)) / len(slugs) if slugs else 0.0


def stats_page(renderer: SiteRenderer) -> str:
    src = "stats/index.md"
    root = root_of(src)
    catalogue, papers = renderer.catalogue, renderer.papers
    per_dump = []
    for dump in catalogue.dumps:
        slugs = renderer.dump_papers[dump.name]
        new = sum(1 for slug in slugs if papers[slug].sources[0].dump == dump.name)
        per_dump.append((dump, dump_label(dump), new, len(slugs) - new))
    counts = Counter(name for paper in catalogue.papers for name in paper.tags)
    ranked = [renderer.tags[name] for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    top = [(tag, counts[tag.name]) for tag in ranked[:TOP_TAGS]]
    groups = dump_groups(renderer)
    trend = [
        (tag, [share(group.papers, lambda slug, t=tag.name: t in papers[slug].tags) for group in groups])
        for tag in ranked[:TREND_TAGS]
    ]
    with_code = [share(group.papers, lambda slug: renderer.listed[slug].has_code) for group in groups]
    code_count = sum(1 for item in renderer.listed.values() if item.has_code)
    total = len(catalogue.papers)
    labels = [label for _, label, _, _ in per_dump]
    figures = {
        "per_dump": charts.stacked_bars(
            "chart-dumps",
            "Papers per dump, in dump order",
            labels,
            [(new, seen) for _, _, new, seen in per_dump],
            ("new", "seen before"),
        ),
        "top_tags": charts.horizontal_bars(
            "chart-tags",
            f"The {len(top)} largest tags, by papers",
            [(tag.name, count) for tag, count in top],
        ),
        "trend": charts.line_chart(
            "chart-trend",
            f"Share of each dump group's papers in the {len(trend)} largest tags",
            [group.first for group in groups],
            [(tag.name, values) for tag, values in trend],
        ),
        "code": charts.line_chart(
            "chart-code",
            "Share of each dump group's papers with a code link",
            [group.first for group in groups],
            [("with code", with_code)],
        ),
    }
    return renderer.env.get_template("stats.md.j2").render(
        meta={
            "title": "Stats",
            "description": "Papers per dump, the largest tags and their trends, code links.",
        },
        root=root,
        total=total,
        dumps=len(catalogue.dumps),
        code_count=code_count,
        code_share=code_count / total if total else 0.0,
        per_dump=per_dump,
        top=top,
        groups=groups,
        trend=trend,
        with_code=with_code,
        group_size=max((len(catalogue.dumps) + TREND_POINTS - 1) // TREND_POINTS, 1),
        charts={name: Markup(svg) for name, svg in figures.items()},
    )


# -- map ------------------------------------------------------------------------------------------


def tag_colour(rank: int) -> str:
    """Hues a golden angle apart, so the most common tags (lowest ranks) differ most; mid lightness
    reads on both palettes."""
    hue = (rank * 137.508 + 210) % 360
    saturation = 70 if rank % 2 == 0 else 50  # neighbours in rank also differ in strength
    return f"hsl({hue:.0f} {saturation}% 55%)"


def map_files(renderer: SiteRenderer, coords: Sequence[Sequence[int]] | None = None) -> dict[str, str]:
    """``map/index.md``, ``map/points.json`` (coordinates and main tags) and ``map/titles.json``.

    Titles and slugs live in their own file, fetched after the points are drawn: at 28,228
    papers they are about four times the size of the points.
    """
    papers = renderer.catalogue.papers
    if coords is None:
        texts = {slug: (view.title_text, view.plain) for slug, view in renderer.views.items()}
        coords = map_points(map_texts(renderer.catalogue, texts)) if papers else []
    files = map_page_files(renderer)
    files["map/points.json"] = points_json(map_points_payload(renderer), coords)
    return files


def map_points_payload(renderer: SiteRenderer) -> dict:
    """What ``map/points.json`` holds besides the coordinates: the legend and each paper's main tag."""
    papers = renderer.catalogue.papers
    legend = map_legend(renderer)
    index = {tag.name: i for i, (tag, _) in enumerate(legend)}
    return {
        "grid": GRID,
        "tags": [
            {"name": tag.name, "slug": tag.slug, "colour": tag_colour(i)} for i, (tag, _) in enumerate(legend)
        ],
        "untagged": UNTAGGED_COLOUR,
        "tag": [index[paper.tags[0]] if paper.tags else -1 for paper in papers],
    }


def points_json(payload: dict, coords: Sequence[Sequence[int]]) -> str:
    """``map/points.json``: ``map_points_payload`` and the quantised coordinates, in catalogue order."""
    return compact_json({**payload, "xy": [int(v) for xy in coords for v in xy]})


def map_legend(renderer: SiteRenderer) -> list[tuple[Tag, int]]:
    """The main tags (each paper's first) with their counts, most papers first."""
    main = Counter(paper.tags[0] for paper in renderer.catalogue.papers if paper.tags)
    return [
        (renderer.tags[name], count) for name, count in sorted(main.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def map_page_files(renderer: SiteRenderer) -> dict[str, str]:
    """The map's page and ``map/titles.json``: all of the map but the coordinates."""
    papers = renderer.catalogue.papers
    legend = map_legend(renderer)
    titles = {
        "slugs": [p.slug for p in papers],
        "titles": [renderer.views[p.slug].title_text for p in papers],
    }
    src = "map/index.md"
    page = renderer.env.get_template("map.md.j2").render(
        meta={"title": "Map", "description": "Every paper on one map: similar papers lie close together."},
        root=root_of(src),
        total=len(papers),
        legend=[(tag, tag_colour(i), count) for i, (tag, count) in enumerate(legend)],
        untagged=(UNTAGGED_COLOUR, len(papers) - sum(count for _, count in legend)),
    )
    return {src: page, "map/titles.json": compact_json(titles)}


def compact_json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


# -- has code -------------------------------------------------------------------------------------


def code_pages(renderer: SiteRenderer) -> dict[str, str]:
    """``code/``: papers with a code link, newest dump first, paginated like a tag."""
    slugs = [
        paper.slug for paper in reversed(renderer.catalogue.papers) if renderer.listed[paper.slug].has_code
    ]
    pages = {}
    for pagination, chunk in pages_of(slugs, "code"):
        src = pagination.src(pagination.number)
        pages[src] = renderer.env.get_template("code.md.j2").render(
            meta={
                "title": "Papers with code",
                "description": "Papers whose abstract links a code repository.",
                **HTML_LISTING,
            },
            count=len(slugs),
            total=len(renderer.catalogue.papers),
            pagination=pagination,
            listing=renderer.listing(src, chunk, start=(pagination.number - 1) * PER_PAGE + 1),
        )
    return pages


# -- exports --------------------------------------------------------------------------------------


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV Injection")."""


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet shows text: a leading apostrophe where it would be a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def papers_csv(
    catalogue: Catalogue, site_url: str = "", texts: dict[str, tuple[str, str]] | None = None
) -> str:
    """``papers.csv``: one row per paper in catalogue order; RFC 4180 quoting and line ends.
    ``texts`` are the titles already cleaned (slug -> (title, abstract), ``build.plain_texts``).
    A title is the only free text from a dump: ``spreadsheet_text`` keeps it from running as a
    formula when the file is opened in a spreadsheet (``papers.json`` has it as it is)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    texts = texts or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for paper in catalogue.papers:
        first, last = paper.sources[0], paper.sources[-1]
        writer.writerow(
            [
                paper.slug,
                spreadsheet_text(
                    texts[paper.slug][0] if paper.slug in texts else clean.title_text(paper.title)
                ),
                base + paper.url,
                ";".join(paper.tags),
                first.dump,
                first.date.iso or first.date.label if first.date else "",
                last.dump,
                last.date.iso or last.date.label if last.date else "",
                code_url(paper),
            ]
        )
    return out.getvalue()
