"""The map: deterministic projection, compact data files, and a canvas a reader can click."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from generator.enrich import layout

POINTS_BUDGET = 2_000_000  # bytes of points.json at the corpus's 28,228 papers
CORPUS_PAPERS = 28_228

TEXTS = [
    f"{topic} paper {i}\nWe study {topic} with {extra} and report results on {topic} benchmarks."
    for i, (topic, extra) in enumerate(
        (topic, extra)
        for topic in ("diffusion image generation", "speech recognition audio", "robot manipulation policy")
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
    return json.loads((site / "map" / name).read_text(encoding="utf-8"))


def test_projection_is_deterministic_and_quantised() -> None:
    first, second = layout.map_points(TEXTS), layout.map_points(TEXTS)
    assert np.array_equal(first, second)
    assert first.shape == (len(TEXTS), 2)
    assert first.min() >= 0 and first.max() <= layout.GRID - 1
    assert first.max() == layout.GRID - 1 or first.min() == 0  # the map fills the grid


def test_landmarks_place_every_paper_near_its_topic() -> None:
    features = layout.tfidf_svd(TEXTS)
    coords = layout.embed(features, landmarks=9)
    assert np.isfinite(coords).all()
    assert np.array_equal(coords, layout.embed(features, landmarks=9))
    # A placed paper's nearest landmark shares its topic (6 papers per topic, in order).
    chosen = set(np.sort(np.random.default_rng(layout.SEED).choice(len(TEXTS), 9, replace=False)).tolist())
    for i in set(range(len(TEXTS))) - chosen:
        nearest = min(chosen, key=lambda j: float(np.sum((coords[i] - coords[j]) ** 2)))
        assert nearest // 6 == i // 6


def test_papers_are_placed_the_same_whatever_the_chunk_they_are_placed_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``place`` works ``CHUNK`` rows at a time to bound its memory; the rows must not notice."""
    features = layout.tfidf_svd(TEXTS)
    whole = layout.embed(features, landmarks=4)  # 14 papers placed in one chunk
    monkeypatch.setattr(layout, "CHUNK", 3)
    assert np.array_equal(layout.embed(features, landmarks=4), whole)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5])
def test_tiny_catalogues_still_get_a_map(count: int) -> None:
    coords = layout.map_points(TEXTS[:count])
    assert coords.shape == (count, 2)


def test_points_json_matches_the_papers(seed_site: Path) -> None:
    papers = json.loads((seed_site / "papers.json").read_text(encoding="utf-8"))["papers"]
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
    data = (seed_site / "map" / "points.json").read_bytes()
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
    page.wait_for_function("() => window.paperMap && window.paperMap.slugs")
    page.evaluate("() => document.querySelector('.paper-map__canvas').scrollIntoView({block: 'center'})")
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
def test_the_map_opens_from_the_tabs(browser, seed_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(seed_server + "stats/")
    page.locator(".md-tabs a[href$='map/']").click()
    page.wait_for_function("() => window.paperMap && window.paperMap.slugs")
    assert page.evaluate("() => document.querySelector('.paper-map__canvas').width") > 0
    assert errors == []
    context.close()


def test_the_second_core_gives_the_answers_computed_in_process() -> None:
    """The build's worker process and the tests' in-process enrichments agree: the same
    related lists, then the same map."""
    from generator.workers import InProcess, SecondCore

    docs = [(f"paper-{n}", text) for n, text in enumerate(TEXTS)]
    here, there = InProcess(docs), SecondCore(docs)
    assert there.related() == here.related()
    assert np.array_equal(there.layout(), here.layout())


def test_a_worker_that_dies_is_reported_where_the_build_waits() -> None:
    from generator.workers import SecondCore

    worker = SecondCore([(f"paper-{n}", text) for n, text in enumerate(TEXTS)])
    worker._process.kill()
    with pytest.raises(RuntimeError, match="the worker computing related lists ended without an answer"):
        worker.related()
    worker.close()
