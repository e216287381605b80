"""The map: deterministic projection, compact data files, and a canvas a reader can click."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from generator.enrich import layout
from generator.output.downloads import read_download
from generator.site import map as site_map
from tests.conftest import ROOT

POINTS_BUDGET = 2_000_000  # bytes of points.json at the corpus's 28,228 papers
CORPUS_PAPERS = 28_228

TEXTS = [
    f"{topic} paper {i}\nWe study {topic} with {extra} and report results on {topic} benchmarks."
    for i, (topic, extra) in enumerate(
        (topic, extra)
        for topic in (
            "protein structure folding",
            "diffusion image generation",
            "speech recognition audio",
            "robot manipulation policy",
        )
        for extra in (
            "transformers",
            "small data",
            "large models",
            "new losses",
            "careful tuning",
            "ablations",
        )
    )
]


def load(site: Path, name: str) -> dict:
    """A map file of a built site (``titles.json`` gzipped there) or of a generated folder."""
    return json.loads(read_download(site / "map", name))


def test_projection_is_deterministic_and_quantised() -> None:
    first, second = layout.map_points(TEXTS), layout.map_points(TEXTS)
    assert np.array_equal(first, second)
    assert first.shape == (len(TEXTS), 2)
    assert first.min() >= 0 and first.max() <= layout.GRID - 1
    # The map fills the grid but for the margin left for papers placed later.
    margin = round(layout.MARGIN * (layout.GRID - 1))
    assert first.max() == layout.GRID - 1 - margin or first.min() == margin


SLUGS = [f"paper-{n}" for n in range(len(TEXTS))]


def test_no_paper_moves_when_papers_are_added_to_a_cached_map(tmp_path: Path) -> None:
    features = layout.tfidf_svd(TEXTS)
    before = layout.stable_layout(SLUGS[:21], features[:21], tmp_path)
    after = layout.stable_layout(SLUGS, features, tmp_path)  # 3 more papers: 14 % more, placed
    assert np.array_equal(after[:21], before)
    assert np.array_equal(layout.stable_layout(SLUGS, features, tmp_path), after)  # same cache, same map
    # The placed papers (the last three, on robots) land nearer robot papers than any other.
    for i in range(21, 24):
        nearest = min(range(21), key=lambda j: float(np.sum((after[i] - after[j]) ** 2)))
        assert nearest // 6 == 3


def test_the_map_is_laid_out_anew_once_the_catalogue_grew_by_a_quarter(tmp_path: Path) -> None:
    features = layout.tfidf_svd(TEXTS)
    layout.stable_layout(SLUGS[:12], features[:12], tmp_path)
    grown = layout.stable_layout(SLUGS, features, tmp_path)  # twice the papers
    assert np.array_equal(grown, layout.stable_layout(SLUGS, features, None))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: data.replace(b'"xy":[', b'"xy":[1.5,'),  # content that fails its checksum
        lambda data: b"",
    ],
    ids=["truncated", "checksum", "empty"],
)
def test_a_damaged_cache_is_laid_out_anew_as_a_clean_build(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    features = layout.tfidf_svd(TEXTS)
    layout.stable_layout(SLUGS[:21], features[:21], tmp_path)
    cache = tmp_path / layout.CACHE_FILE
    cache.write_bytes(damage(cache.read_bytes()))
    assert np.array_equal(
        layout.stable_layout(SLUGS, features, tmp_path), layout.stable_layout(SLUGS, features, None)
    )
    assert layout.load_layout(tmp_path) is not None  # and the cache is whole again


def test_a_cache_made_with_other_settings_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = layout.tfidf_svd(TEXTS)
    layout.stable_layout(SLUGS, features, tmp_path)
    monkeypatch.setitem(layout.SETTINGS, "perplexity", 12.0)
    assert layout.load_layout(tmp_path) is None


def test_labels_name_regions_at_one_of_their_papers() -> None:
    """Areas and, where papers have them, topics: each label sits on a paper of its group, at
    the group's densest island, most papers first within a level."""
    island = [(100 + i, 100 + i) for i in range(8)]
    stray = [(4000, 4000)]
    other = [(3000 + 2 * i, 200) for i in range(6)]
    xy = np.array(island + stray + other)
    areas = [0] * 9 + [1] * 6
    topics = ["guidance"] * 5 + [None] * 4 + ["speech codecs"] * 6
    labels = site_map.map_labels(xy, areas, ["Diffusion", "Speech"], topics)
    assert [(label["name"], label["level"], label["n"]) for label in labels] == [
        ("Diffusion", 0, 9),
        ("Speech", 0, 6),
        ("speech codecs", 1, 6),
        ("guidance", 1, 5),
    ]
    assert labels[0]["area"] == 0 and labels[3]["area"] == 0 and labels[2]["area"] == 1
    for label in labels:
        assert (label["x"], label["y"]) in {tuple(p) for p in xy.tolist()}
    assert (labels[0]["x"], labels[0]["y"]) != (4000, 4000)  # not on the lone stray


def unit_rows_in_groups(groups: int, per_group: int, dims: int = 20) -> np.ndarray:
    """Unit rows scattered around ``groups`` random centres: papers of a few topics."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(groups, dims))
    rows = np.repeat(centres, per_group, axis=0) + 0.6 * rng.normal(size=(groups * per_group, dims))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("trained_per_cluster", [64, 20], ids=["clusters fitted on every row", "on a third"])
def test_large_catalogues_find_nearly_all_exact_neighbours_by_clusters(
    monkeypatch, trained_per_cluster
) -> None:  # type: ignore[no-untyped-def]
    from generator.enrich import embedding

    rows = unit_rows_in_groups(groups=30, per_group=120)  # 60 clusters
    exact, _ = embedding.CosineNeighbours(rows, k=15, metric="cosine").build()
    monkeypatch.setattr(embedding, "EXACT_NEIGHBOURS_MOST", 1000)
    monkeypatch.setattr(embedding, "PROBED", 8)
    monkeypatch.setattr(embedding, "TRAINED_PER_CLUSTER", trained_per_cluster)
    clustered, distances = embedding.CosineNeighbours(rows, k=15, metric="cosine").build()
    again, _ = embedding.CosineNeighbours(rows, k=15, metric="cosine").build()
    assert np.array_equal(clustered, again)  # deterministic
    assert not (clustered == np.arange(len(rows))[:, None]).any()  # no paper is its own neighbour
    assert (np.diff(distances, axis=1) >= 0).all()  # nearest first
    found = np.mean([len(set(a) & set(b)) / 15 for a, b in zip(clustered, exact, strict=True)])
    assert found > 0.95


def test_k_means_is_fitted_on_the_same_sample_of_rows_each_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from generator.enrich import embedding

    monkeypatch.setattr(embedding, "TRAINED_PER_CLUSTER", 20)
    sample = embedding.trained_rows(3600, 60)
    assert len(sample) == 1200 and len(set(sample.tolist())) == 1200
    assert (np.diff(sample) > 0).all() and sample[0] >= 0 and sample[-1] < 3600
    assert np.array_equal(sample, embedding.trained_rows(3600, 60))
    assert np.array_equal(embedding.trained_rows(1000, 60), np.arange(1000))  # fewer rows: all


def test_terms_of_too_few_papers_take_no_part_in_the_svd(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scipy import sparse
    from sklearn.preprocessing import normalize

    # Six papers; the last column's term is in two of them, the others' in three or four.
    rows = [[1, 0, 0, 1], [1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 1, 0], [0, 0, 1, 0]]
    matrix = sparse.csr_matrix(np.array(rows, dtype=np.float32))
    without_rare_term = normalize(matrix[:, :3])
    monkeypatch.setattr(layout, "SVD_TERM_SHARE", 2)  # a term must be in 6 // 2 = 3 papers
    cut = layout.svd_rows(matrix.copy(), dims=2)
    monkeypatch.setattr(layout, "SVD_TERM_SHARE", 5000)  # every term of two papers or more
    assert np.allclose(cut, layout.svd_rows(without_rare_term, dims=2))
    assert not np.allclose(cut, layout.svd_rows(matrix.copy(), dims=2))


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5])
def test_tiny_catalogues_still_get_a_map(count: int) -> None:
    coords = layout.map_points(TEXTS[:count])
    assert coords.shape == (count, 2)


def test_points_json_matches_the_papers(seed_site: Path) -> None:
    papers = json.loads(read_download(seed_site, "papers.json"))["papers"]
    points, titles = load(seed_site, "points.json"), load(seed_site, "titles.json")
    assert len(points["xy"]) == 2 * len(papers)
    assert len(points["tag"]) == len(papers)
    assert titles["slugs"] == [p["slug"] for p in papers]
    assert titles["titles"] == [p["title"] for p in papers]
    assert all(0 <= v < points["grid"] for v in points["xy"])
    names = [tag["name"] for tag in points["tags"]]
    for paper, index in zip(papers, points["tag"], strict=True):
        assert (names[index] if index >= 0 else None) == (paper["tags"][0] if paper["tags"] else None)


def test_points_json_stays_under_two_megabytes_at_corpus_size(seed_site: Path) -> None:
    """Bytes per paper, scaled to the corpus: coordinates up to 4 digits, tag up to 2, separators."""
    data = read_download(seed_site / "map", "points.json")
    points = load(seed_site, "points.json")
    fixed = len(json.dumps({k: v for k, v in points.items() if k not in ("xy", "tag")}))
    per_paper_worst = len("4095,4095,") + len("-1,")
    assert len(data) < POINTS_BUDGET
    assert fixed + CORPUS_PAPERS * per_paper_worst < POINTS_BUDGET


# -- in the browser -------------------------------------------------------------------------------


def lonely_slug(site: Path) -> str:
    """The paper farthest from any other, so a click at its position can only mean it."""
    xy = np.array(load(site, "points.json")["xy"]).reshape(-1, 2)
    gaps = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2).astype(float)
    np.fill_diagonal(gaps, np.inf)
    return load(site, "titles.json")["slugs"][int(gaps.min(axis=1).argmax())]


def open_map(browser, url: str, scheme: str = "light"):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + "map/")
    page.wait_for_function("() => window.paperMap && window.paperMap.xy")
    page.evaluate("() => document.querySelector('.paper-map__canvas').scrollIntoView({block: 'center'})")
    page.evaluate("() => window.paperMap.loadTitles()")  # where a paper is drawn is asked by slug
    return context, page, errors


@pytest.mark.browser
def test_clicking_a_point_opens_its_paper(browser, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    slug = lonely_slug(seed_site)
    context, page, errors = open_map(browser, seed_server)
    spot = page.evaluate("slug => window.paperMap.screenPosition(slug)", slug)
    assert spot["inside"]
    page.mouse.move(spot["x"], spot["y"])
    tip = page.locator(".paper-map__tip")
    tip.wait_for(state="visible")
    titles = load(seed_site, "titles.json")
    assert tip.inner_text() == titles["titles"][titles["slugs"].index(slug)]
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_url(f"{seed_server}papers/{slug}/")
    assert errors == []
    context.close()


@pytest.mark.browser
def test_a_map_painted_in_slices_shows_every_point_and_answers_hover(  # type: ignore[no-untyped-def]
    browser, seed_server: str, seed_site: Path
) -> None:
    """The first paint goes a slice of points a frame; painted in slices of two points, the map
    still shows every paper, the loneliest paper's pixel is coloured, and hovering it names it."""
    slug = lonely_slug(seed_site)
    context, page, errors = open_map(browser, seed_server)
    papers = len(load(seed_site, "titles.json")["slugs"])
    page.evaluate("() => { window.paperMap.slicePoints = 2; window.paperMap.drawInSlices(); }")
    page.wait_for_function("() => !window.paperMap.sliceFrame")
    assert page.evaluate("() => window.paperMap.slices") == -(-papers // 2)
    assert page.evaluate("() => window.paperMap.drawnPoints") == papers
    spot = page.evaluate("slug => window.paperMap.screenPosition(slug)", slug)
    alpha = page.evaluate(
        """spot => {
            const canvas = document.querySelector('.paper-map__canvas');
            const rect = canvas.getBoundingClientRect();
            const ratio = canvas.width / rect.width;
            const x = Math.round((spot.x - rect.left) * ratio), y = Math.round((spot.y - rect.top) * ratio);
            return canvas.getContext('2d').getImageData(x, y, 1, 1).data[3];
        }""",
        spot,
    )
    assert alpha > 0
    page.mouse.move(spot["x"], spot["y"])
    tip = page.locator(".paper-map__tip")
    tip.wait_for(state="visible")
    titles = load(seed_site, "titles.json")
    assert tip.inner_text() == titles["titles"][titles["slugs"].index(slug)]
    assert errors == []
    context.close()


@pytest.mark.browser
def test_zoom_search_and_legend(browser, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    slug = lonely_slug(seed_site)
    context, page, errors = open_map(browser, seed_server, "dark")
    before = page.evaluate("slug => window.paperMap.screenPosition(slug)", slug)
    box = page.locator(".paper-map__canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)  # zoom in around the centre
    after = page.evaluate("slug => window.paperMap.screenPosition(slug)", slug)
    centre_x = box["x"] + box["width"] / 2
    assert abs(after["x"] - centre_x) > abs(before["x"] - centre_x)
    page.fill(".paper-map__search", "diffusion")
    count = page.locator(".paper-map__count").inner_text()
    expected = sum("diffusion" in t.lower() for t in load(seed_site, "titles.json")["titles"])
    assert count == f"{expected} papers"
    page.locator(".paper-map__legend button").first.click()
    assert page.locator(".paper-map__legend button").first.get_attribute("aria-pressed") == "true"
    page.click(".paper-map__reset")
    assert page.locator(".paper-map__count").inner_text() == ""
    assert errors == []
    context.close()


@pytest.mark.browser
def test_a_phone_zooms_the_map_with_its_buttons_and_two_fingers(
    browser, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    """A touch screen has no wheel: the + and − buttons zoom around the centre, and two fingers
    spreading apart zoom in (real touch events, through Chromium's DevTools protocol) without
    opening the paper under a finger."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(seed_server + "map/")
    page.wait_for_function("() => window.paperMap && window.paperMap.xy")
    scale = "() => window.paperMap.view.scale"
    page.get_by_role("button", name="Zoom in").tap()
    assert page.evaluate(scale) == pytest.approx(1.6)
    page.get_by_role("button", name="Zoom out").tap()
    assert page.evaluate(scale) == pytest.approx(1.0)
    page.locator(".paper-map__canvas").scroll_into_view_if_needed()
    box = page.locator(".paper-map__canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = context.new_cdp_session(page)

    def touch(kind: str, gap: float) -> None:
        points = [{"x": cx - gap / 2, "y": cy, "id": 1}, {"x": cx + gap / 2, "y": cy, "id": 2}]
        cdp.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [] if kind == "touchEnd" else points}
        )

    touch("touchStart", 40)
    for gap in (60, 80, 100, 120):
        touch("touchMove", gap)
    touch("touchEnd", 0)
    assert page.evaluate(scale) == pytest.approx(3.0, rel=0.05)
    assert page.url == seed_server + "map/"
    # A touch the browser takes over (cancelled) leaves no drag behind for the next move.
    where = "() => [window.paperMap.view.x, window.paperMap.view.y]"
    before = page.evaluate(where)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": cx, "y": cy, "id": 3}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchCancel", "touchPoints": []})
    page.mouse.move(cx + 60, cy + 40)
    assert page.evaluate(where) == before
    assert errors == []
    context.close()


@pytest.mark.browser
def test_without_javascript_the_map_page_has_no_dead_control(
    browser, seed_server: str, seed_site: Path
) -> None:  # type: ignore[no-untyped-def]
    """No script, no map: the page says so, shows the legend's tags and counts as text, and
    no search field, button or empty frame."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(seed_server + "map/")
    assert page.locator(".paper-map button:visible, .paper-map input:visible").count() == 0
    assert not page.locator(".paper-map__frame").is_visible()
    assert not page.locator(".paper-map__bar").is_visible()
    assert "The map needs JavaScript" in page.locator("article").inner_text()
    legend = page.locator(".paper-map__legend li").all_inner_texts()
    assert legend and all(re.search(r"\d+$", item) for item in legend)
    context.close()


@pytest.mark.browser
def test_the_map_opens_from_the_tabs(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(seed_server + "stats/")
    page.locator(".md-tabs a[href$='map/']").click()
    page.wait_for_function("() => window.paperMap && window.paperMap.xy")
    assert page.evaluate("() => document.querySelector('.paper-map__canvas').width") > 0
    assert errors == []
    context.close()


@pytest.mark.browser
def test_titles_are_fetched_only_when_a_reader_hovers(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    """The first load is the points and the labels; the titles (4.4 MB on the corpus) wait for
    the reader's first hover, click or search."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    page.goto(seed_server + "map/")
    page.wait_for_function(
        "() => window.paperMap && window.paperMap.xy && window.paperMap.shownLabels.length"
    )
    page.wait_for_load_state("networkidle")
    assert "points.json.gz" in fetched and "titles.json.gz" not in fetched
    box = page.locator(".paper-map__canvas").bounding_box()
    with page.expect_request("**/map/titles.json.gz"):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.paperMap.titles !== null")
    context.close()


@pytest.mark.browser
def test_searching_fetches_the_titles_and_highlights(browser, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(seed_server + "map/")
    page.wait_for_function("() => window.paperMap && window.paperMap.xy")
    page.fill(".paper-map__search", "diffusion")
    expected = sum("diffusion" in t.lower() for t in load(seed_site, "titles.json")["titles"])
    page.wait_for_function("() => document.querySelector('.paper-map__count').textContent !== ''")
    assert page.locator(".paper-map__count").inner_text() == f"{expected} papers"
    context.close()


@pytest.mark.browser
def test_area_labels_are_drawn_without_overlapping(browser, seed_server: str, seed_site: Path) -> None:  # type: ignore[no-untyped-def]
    context, page, errors = open_map(browser, seed_server)
    for zoom in (0, -600):
        box = page.locator(".paper-map__canvas").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, zoom)
        shown = page.evaluate("() => window.paperMap.shownLabels")
        assert shown, "no label drawn"
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                apart = a["right"] <= b["left"] or b["right"] <= a["left"]
                assert apart or a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (a, b)
    areas = {label["name"] for label in load(seed_site, "points.json")["labels"] if label["level"] == 0}
    assert {box["name"] for box in shown} <= areas
    assert errors == []
    context.close()


def test_the_second_core_gives_the_answers_computed_in_process(tmp_path: Path) -> None:
    """The build's worker process and the tests' in-process enrichments agree: the same
    related lists, then the same map, kept in the same cache."""
    from generator.workers import InProcess, SecondCore

    docs = [(f"paper-{n}", text) for n, text in enumerate(TEXTS)]
    here, there = InProcess(docs), SecondCore(docs, map_cache=tmp_path)
    assert there.related() == here.related()
    assert np.array_equal(there.layout(), here.layout())
    assert layout.load_layout(tmp_path) is not None


def test_a_worker_that_dies_is_reported_where_the_build_waits() -> None:
    from generator.workers import SecondCore

    worker = SecondCore([(f"paper-{n}", text) for n, text in enumerate(TEXTS)])
    worker._process.kill()
    with pytest.raises(RuntimeError, match="the worker computing related lists ended without an answer"):
        worker.related()
    worker.close()


def positions(out: Path) -> dict[str, tuple[int, int]]:
    """Each paper's point in a generated folder's map, by slug."""
    xy = load(out, "points.json")["xy"]
    return {slug: (xy[2 * i], xy[2 * i + 1]) for i, slug in enumerate(load(out, "titles.json")["slugs"])}


def test_adding_a_dump_moves_no_paper_and_relayout_lays_out_anew(tmp_path: Path) -> None:
    """As a maintainer runs it: build the seed's dumps but the last papers of the second, add
    them, build again (they are placed into the map kept beside the generated folder: fewer
    than ``REGROW`` more papers); ``relayout`` then lays out every paper anew, as a build
    without the cache does."""
    from tests.test_cli import run

    dumps, out = tmp_path / "dumps", tmp_path / "generated"
    first, second = sorted((ROOT / "dumps").glob("*.txt"))
    dumps.mkdir()
    (dumps / first.name).write_bytes(first.read_bytes())
    blocks = second.read_text(encoding="utf-8").split("\n\n")  # 5 header lines, then title, abstract
    (dumps / second.name).write_text("\n\n".join(blocks[: 5 + 2 * 36]) + "\n", encoding="utf-8")
    assert run("build", "--dumps", str(dumps), "--out", str(out)).returncode == 0
    before = positions(out)
    (dumps / second.name).write_bytes(second.read_bytes())
    assert run("build", "--dumps", str(dumps), "--out", str(out)).returncode == 0
    after = positions(out)
    assert len(after) > len(before) and {slug: after[slug] for slug in before} == before
    result = run("relayout", "--dumps", str(dumps), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert run("build", "--dumps", str(dumps), "--out", str(tmp_path / "clean")).returncode == 0
    assert positions(out) == positions(tmp_path / "clean") != after
