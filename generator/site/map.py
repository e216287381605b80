"""The map page: every paper on one canvas, placed by ``enrich/layout.py``, coloured and named
by area (its main tag).

``map/points.json.gz`` holds the coordinates, each paper's main tag and the labels of regions
(``map_labels``), kept gzipped (``map.js`` unzips it: 385 KB to 144 at the corpus's size, the
same bytes on the wire, 0.7 MB less of the site at three times it); ``map/titles.json`` the
slugs and titles, fetched only when a reader first hovers, clicks or searches.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from jinja2 import Environment

from generator.enrich.layout import GRID, map_points
from generator.enrich.taxonomy import Tag
from generator.model import Paper
from generator.site.index import SiteIndex
from generator.site.pages import root_of
from generator.site.views import PaperView

UNTAGGED_COLOUR = "#8a8f98"
AREA_CELLS = 24
"""Grid over the map in which an area's label finds its densest block (``label_spot``)."""
TOPIC_CELLS = 96
LEAST = 5
"""Areas and topics of fewer papers get no label on the map."""


def map_texts(views: Iterable[PaperView]) -> list[str]:
    """What the map places papers by: the same text the related lists compare."""
    from generator.enrich.documents import paper_text

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
    """``map/titles.json``: slugs and titles, fetched only when a reader first hovers, clicks or
    searches (at 28,228 papers they are about four times the size of the points)."""
    papers = index.catalogue.papers
    return compact_json(
        {"slugs": [p.slug for p in papers], "titles": [index.views[p.slug].readable_title for p in papers]}
    )


def paper_topic(paper: Paper) -> str | None:
    """A paper's main topic, the level under its areas, where the taxonomy gives papers one."""
    topics = getattr(paper, "topics", ())
    return topics[0] if topics else None


def points_payload(index: SiteIndex, legend: Sequence[tuple[Tag, int]]) -> dict:
    """What ``map/points.json`` holds besides the coordinates and labels: the legend and each
    paper's main tag (its area). ``_topic`` (each paper's main topic) is for the labels only."""
    rank = {tag.name: i for i, (tag, _) in enumerate(legend)}
    papers = index.catalogue.papers
    return {
        "grid": GRID,
        "tags": [
            {"name": tag.name, "slug": tag.slug, "colour": tag_colour(i)} for i, (tag, _) in enumerate(legend)
        ],
        "untagged": UNTAGGED_COLOUR,
        "tag": [rank[paper.tags[0]] if paper.tags else -1 for paper in papers],
        "_topic": [paper_topic(paper) for paper in papers],
    }


def points_json(payload: dict, coords: Sequence[Sequence[int]]) -> str:
    """``map/points.json``: ``points_payload``, the labels (``map_labels``) and the quantised
    coordinates, in catalogue order."""
    shown = {key: value for key, value in payload.items() if not key.startswith("_")}
    xy = np.asarray(coords, dtype=np.int64).reshape(-1, 2)
    names = [tag["name"] for tag in payload["tags"]]
    labels = map_labels(xy, payload["tag"], names, payload.get("_topic", [None] * len(xy)))
    return compact_json({**shown, "labels": labels, "xy": xy.ravel().tolist()})


def map_labels(
    xy: np.ndarray, areas: Sequence[int], names: Sequence[str], topics: Sequence[str | None]
) -> list[dict]:
    """Where the map names its regions: each area (level 0, read zoomed out) and each topic
    (level 1, read zoomed in) at its densest spot (``label_spot``), most papers first. The
    browser draws as many as fit without overlapping, in this order."""
    labels = []
    for level, keys, cells in ((0, areas, AREA_CELLS), (1, topics, TOPIC_CELLS)):
        groups: dict[object, list[int]] = {}
        for i, key in enumerate(keys):
            if key is not None and key != -1:
                groups.setdefault(key, []).append(i)
        for key, members in groups.items():
            if len(members) < LEAST:
                continue
            x, y = label_spot(xy[members], cells)
            area = Counter(areas[i] for i in members).most_common(1)[0][0] if level else key
            name = names[key] if level == 0 else str(key)  # type: ignore[index]
            labels.append({"name": name, "level": level, "area": area, "n": len(members), "x": x, "y": y})
    labels.sort(key=lambda label: (label["level"], -label["n"], label["name"]))
    return labels


def label_spot(points: np.ndarray, cells: int) -> tuple[int, int]:
    """A label's place for a group of points: the point nearest the mean of the points in the
    densest 3 x 3 block of a ``cells`` x ``cells`` grid (a density-weighted medoid), so an area
    split in islands is named on its largest and the label sits on a paper of it."""
    size = GRID / cells
    cell = np.minimum((points // size).astype(np.int64), cells - 1)
    counts = np.zeros((cells + 2, cells + 2), dtype=np.int64)
    np.add.at(counts, (cell[:, 0] + 1, cell[:, 1] + 1), 1)
    block = sum(np.roll(np.roll(counts, dx, 0), dy, 1) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    best = np.unravel_index(int(np.argmax(block)), block.shape)
    near = np.all(np.abs(cell + 1 - np.array(best)) <= 1, axis=1)
    chosen = points[near]
    spot = chosen[int(np.argmin(((chosen - chosen.mean(axis=0)) ** 2).sum(axis=1)))]
    return int(spot[0]), int(spot[1])


def map_files(
    index: SiteIndex, env: Environment, coords: Sequence[Sequence[int]] | None = None
) -> dict[str, str]:
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
