"""The stats page: papers per dump, the largest tags, their share over time, the share with code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from generator.enrich.taxonomy import Tag
from generator.model import Dump
from generator.site import charts
from generator.site.index import SiteIndex
from generator.site.pages import counted, root_of

TOP_TAGS = 15
"""Tags in the "largest tags" chart."""
TREND_TAGS = 6
"""Tags whose share the trend chart follows."""
TREND_POINTS = 24
"""Dumps are grouped into at most this many consecutive groups for the trend charts."""
TREND_MIN_POINTS = 3
"""Dumps a trend chart needs: one or two points drawn as a line would read as a trend."""
COMPARE_MIN_DUMPS = 2
"""Dumps the papers-per-dump chart needs: one bar compares nothing."""


def dump_label(dump: Dump) -> str:
    if dump.date is None:
        return dump.stem
    return dump.date.iso or dump.date.label


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


def dump_groups(index: SiteIndex, most: int = TREND_POINTS) -> list[Group]:
    """The dumps in at most ``most`` consecutive groups of near-equal size."""
    dumps = index.catalogue.dumps
    count = min(len(dumps), most)
    groups = []
    for number in range(count):
        chunk = dumps[number * len(dumps) // count : (number + 1) * len(dumps) // count]
        slugs = dict.fromkeys(slug for dump in chunk for slug in index.dump_papers[dump.name])
        groups.append(Group(dump_label(chunk[0]), dump_label(chunk[-1]), len(chunk), tuple(slugs)))
    return groups


def share(slugs: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(1 for slug in slugs if test(slug)) / len(slugs) if slugs else 0.0


def papers_per_dump(index: SiteIndex) -> list[tuple[Dump, str, int, int]]:
    """Each dump with its label, its new papers and its papers seen in an earlier dump."""
    rows = []
    for dump in index.catalogue.dumps:
        slugs = index.dump_papers[dump.name]
        new = sum(1 for slug in slugs if index.papers[slug].sources[0].dump == dump.name)
        rows.append((dump, dump_label(dump), new, len(slugs) - new))
    return rows


def ranked_tags(index: SiteIndex) -> list[tuple[Tag, int]]:
    """Every tag with papers, most papers first."""
    coverage = index.coverage
    counts = {tag.name: coverage.count(tag.name) for tag in coverage.shown}
    return [(index.tags[name], n) for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def figures(per_dump: list, top: list, groups: list[Group], trend: list, with_code: list) -> dict[str, str]:
    """The page's SVG charts, each only where the site's size makes it meaningful: the page
    says in a sentence why the others are not drawn."""
    labels = [group.first for group in groups]
    drawn = {}
    if len(per_dump) >= COMPARE_MIN_DUMPS:
        drawn["per_dump"] = charts.stacked_bars(
            "chart-dumps",
            "Papers per dump, in dump order",
            [label for _, label, _, _ in per_dump],
            [(new, seen) for _, _, new, seen in per_dump],
            ("new", "seen before"),
        )
    if len(top) > 1:
        drawn["top_tags"] = charts.horizontal_bars(
            "chart-tags",
            f"The {len(top)} largest tags, by papers",
            [(tag.name, count) for tag, count, _ in top],
        )
    trends = len(groups) >= TREND_MIN_POINTS
    if trends and trend:
        largest = "largest tag" if len(trend) == 1 else f"{len(trend)} largest tags"
        drawn["trend"] = charts.line_chart(
            "chart-trend",
            f"Share of each dump group's papers in the {largest}",
            labels,
            [(tag.name, values) for tag, values in trend],
        )
    if trends and any(with_code):
        drawn["code"] = charts.line_chart(
            "chart-code",
            "Share of each dump group's papers with a code link",
            labels,
            [("with code", with_code)],
        )
    return drawn


def stats_page(index: SiteIndex, env: Environment) -> str:
    """``stats/index.md``: the charts, each with its table."""
    papers, dumps = index.papers, index.catalogue.dumps
    per_dump = papers_per_dump(index)
    ranked = ranked_tags(index)
    groups = dump_groups(index)
    trend = [
        (tag, [share(group.papers, lambda slug, t=tag.name: t in papers[slug].tags) for group in groups])
        for tag, _ in ranked[:TREND_TAGS]
    ]
    with_code = [share(group.papers, lambda slug: index.listed[slug].has_code) for group in groups]
    code_count = sum(1 for item in index.listed.values() if item.has_code)
    total = len(index.catalogue.papers)
    root = root_of("stats/index.md")
    top = [(tag, count, index.coverage.href(tag, root)) for tag, count in ranked[:TOP_TAGS]]
    drawn = figures(per_dump, top, groups, trend, with_code)
    return env.get_template("stats.md.j2").render(
        meta={
            "title": "Stats",
            "description": "Papers per dump, the largest tags and their trends, code links.",
        },
        root=root,
        total=total,
        dumps=len(dumps),
        code_count=code_count,
        code_share=code_count / total if total else 0.0,
        per_dump=per_dump,
        top=top,
        groups=groups,
        trend=trend,
        with_code=with_code,
        group_size=max((len(dumps) + TREND_POINTS - 1) // TREND_POINTS, 1),
        charts={name: Markup(drawn.get(name, "")) for name in ("per_dump", "top_tags", "trend", "code")},
        compare_min=COMPARE_MIN_DUMPS,
        too_few=(
            f"A trend needs at least {TREND_MIN_POINTS} dumps; the site has {counted(len(groups), 'dump')} "
            "so far, so no chart is drawn. The numbers are in the table below."
        ),
    )
