"""The map page: every paper on one canvas, placed by ``enrich/layout.py``, coloured by main tag.

``map/points.json`` holds the coordinates and each paper's main tag; ``map/titles.json`` the
slugs and titles, fetched after the points are drawn.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

from jinja2 import Environment

from generator.enrich.layout import GRID, map_points
from generator.enrich.taxonomy import Tag
from generator.site.index import SiteIndex
from generator.site.pages import root_of
from generator.site.views import PaperView

UNTAGGED_COLOUR = "#8a8f98"


def map_texts(views: Iterable[PaperView]) -> list[str]:
    """What the map places papers by: the same text the related lists compare."""
    from generator.enrich.related import paper_text

    return [paper_text(view.title, view.abstract) for view in views]


def tag_colour(rank: int) -> str:
    """Hues a golden angle apart, so the most common tags (lowest ranks) differ most; mid lightness
    reads on both palettes."""
    hue = (rank * 137.508 + 210) % 360
    saturation = 70 if rank % 2 == 0 else 50  # neighbours in rank also differ in strength
    return f"hsl({hue:.0f} {saturation}% 55%)"


def map_legend(index: SiteIndex) -> list[tuple[Tag, int]]:
    """The main tags (each paper's first) with their counts, most papers first."""
    main = Counter(paper.tags[0] for paper in index.catalogue.papers if paper.tags)
    return [(index.tags[name], count) for name, count in sorted(main.items(), key=lambda kv: (-kv[1], kv[0]))]


def map_page(index: SiteIndex, env: Environment, legend: Sequence[tuple[Tag, int]]) -> str:
    """``map/index.md``: the canvas, its search box and the legend."""
    total = len(index.catalogue.papers)
    return env.get_template("map.md.j2").render(
        meta={"title": "Map", "description": "Every paper on one map: similar papers lie close together."},
        root=root_of("map/index.md"),
        total=total,
        legend=[(tag, tag_colour(i), count) for i, (tag, count) in enumerate(legend)],
        untagged=(UNTAGGED_COLOUR, total - sum(count for _, count in legend)),
    )


def titles_json(index: SiteIndex) -> str:
    """``map/titles.json``: slugs and titles, fetched after the points are drawn (at 28,228 papers
    they are about four times the size of the points)."""
    papers = index.catalogue.papers
    return compact_json({"slugs": [p.slug for p in papers], "titles": [index.views[p.slug].title for p in papers]})


def points_payload(index: SiteIndex, legend: Sequence[tuple[Tag, int]]) -> dict:
    """What ``map/points.json`` holds besides the coordinates: the legend and each paper's main tag."""
    rank = {tag.name: i for i, (tag, _) in enumerate(legend)}
    return {
        "grid": GRID,
        "tags": [{"name": tag.name, "slug": tag.slug, "colour": tag_colour(i)} for i, (tag, _) in enumerate(legend)],
        "untagged": UNTAGGED_COLOUR,
        "tag": [rank[paper.tags[0]] if paper.tags else -1 for paper in index.catalogue.papers],
    }


def points_json(payload: dict, coords: Sequence[Sequence[int]]) -> str:
    """``map/points.json``: ``points_payload`` and the quantised coordinates, in catalogue order."""
    return compact_json({**payload, "xy": [int(v) for xy in coords for v in xy]})


def map_files(index: SiteIndex, env: Environment, coords: Sequence[Sequence[int]] | None = None) -> dict[str, str]:
    """The map's three files at once; lays the papers out here when ``coords`` is None."""
    if coords is None:
        coords = map_points(map_texts(index.views)) if index.catalogue.papers else []
    legend = map_legend(index)
    return {
        "map/index.md": map_page(index, env, legend),
        "map/titles.json": titles_json(index),
        "map/points.json": points_json(points_payload(index, legend), coords),
    }


def compact_json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"
