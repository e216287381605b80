"""library/data.json: what the Library page reads to place, find and recommend papers."""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import replace

import pytest

from bench.bench_library import enriched
from generator.memo import Memo
from generator.site.library import (
    SYMBOLS,
    TOPIC_SYMBOLS,
    graph,
    kept_symbols,
    library_data,
    near_files,
    packed_graph,
    rice_code,
    slug_hash,
    strength,
    tag_symbols,
    title_files,
)
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    catalogue, index, _ = enriched(SEED)
    return catalogue, index, library_data(catalogue, index)


def rice_decode(k: int, data: bytes, count: int) -> list[int]:
    bits = "".join(f"{byte:08b}" for byte in data)
    values, at = [], 0
    for _ in range(count):
        quotient = 0
        while bits[at] == "1":
            quotient, at = quotient + 1, at + 1
        at += 1
        rest = int(bits[at : at + k] or "0", 2)
        at += k
        values.append(quotient << k | rest)
    return values


def test_rice_codes_decode_to_the_gaps() -> None:
    gaps = [0, 1, 2, 700, 3, 12_000, 5, 0, 0, 31]
    k, data = rice_code(gaps)
    assert rice_decode(k, data, len(gaps)) == gaps


def test_each_papers_number_gives_its_first_dump_and_its_title(seed) -> None:  # type: ignore[no-untyped-def]
    """A paper's number gives its first dump (as library.js's dumpOf reads it, for its year)
    and its place in a titles' file, where the page finds its slug and title to show it."""
    catalogue, index, data = seed
    files = title_files(catalogue, index)
    chunk = data["titleChunk"]
    assert len(files) == -(-len(catalogue.papers) // chunk)
    for number, paper in enumerate(catalogue.papers):
        stem, _, first, count = next(d for d in reversed(data["dumps"]) if d[2] <= number)
        assert first <= number < first + count
        assert next(d for d in catalogue.dumps if d.stem == stem).name == paper.sources[0].dump
        rows = json.loads(gzip.decompress(files[f"library/titles/{number // chunk}.json.gz"]))
        assert rows[number % chunk] == [paper.slug, index.views[paper.slug].title]


def test_each_papers_closest_file_row_is_its_related_list_then_further(seed) -> None:  # type: ignore[no-untyped-def]
    """library/near/<k>.json.gz, fetched for saved papers: per paper, its closest papers in
    order, each as number * 4 + strength, in the same chunks as the titles' files."""
    catalogue, _, data = seed
    files = near_files(catalogue)
    chunk = data["titleChunk"]
    assert len(files) == -(-len(catalogue.papers) // chunk)
    number = {paper.slug: n for n, paper in enumerate(catalogue.papers)}
    assert sum(map(len, catalogue.further.values())) > len(catalogue.papers)
    for n, paper in enumerate(catalogue.papers):
        row = json.loads(gzip.decompress(files[f"library/near/{n // chunk}.json.gz"]))[n % chunk]
        closest = (*paper.related, *catalogue.further[paper.slug])
        assert row == [number[rel.slug] * 4 + strength(rel.score) for rel in closest]


def test_hashes_areas_and_topics_are_each_papers(seed) -> None:  # type: ignore[no-untyped-def]
    catalogue, renderer, data = seed
    hashes = base64.b64decode(data["hashes"])
    tags = data["paperTags"].split(" ")
    names = [name for name, _ in data["areas"]]
    area_topics = [
        [t for t, a in zip(data["topics"], data["topicAreas"], strict=True) if a == k]
        for k in range(len(names))
    ]
    assert any(paper.topics for paper in catalogue.papers)
    for number, paper in enumerate(catalogue.papers):
        assert int.from_bytes(hashes[2 * number : 2 * number + 2], "big") == slug_hash(paper.slug)
        areas, topics = [], []
        for c in tags[number]:
            if c in SYMBOLS:
                areas.append(SYMBOLS.index(c))
            else:
                topics.append(area_topics[areas[-1]][TOPIC_SYMBOLS.index(c)])
        assert [names[a] for a in areas] == list(paper.tags)
        assert sorted(topics) == sorted(paper.topics)


def test_links_go_both_ways_and_include_mentions(seed) -> None:  # type: ignore[no-untyped-def]
    catalogue, _, data = seed
    links = graph(catalogue.papers)
    number = {paper.slug: n for n, paper in enumerate(catalogue.papers)}
    for n, neighbours in enumerate(links):
        for other, level in neighbours.items():
            assert links[other][n] == level and 0 <= level <= 3
    for paper in catalogue.papers:
        for mention in paper.mentions:
            assert number[mention.target] in links[number[paper.slug]]
    assert sum(data["linkCounts"]) == len(data["strengths"]) == sum(map(len, links)) // 2


def test_an_area_is_one_symbol_followed_by_its_topics() -> None:
    assert tag_symbols([(0, [0, 2]), (61, []), (10, [1])]) == "0!$zA#"


def test_a_serve_remembering_the_files_makes_them_as_a_build_would_when_papers_change_places(
    seed,  # type: ignore[no-untyped-def]
) -> None:
    """``make serve`` remakes the closest papers' files and the graph only where a paper's
    lists changed, while papers are only added after the others; papers dropped or put in
    another order (a dump saved again in another order) renumber them all."""
    catalogue, index, _ = seed
    papers = catalogue.papers
    runs = [
        papers[:-3],  # the last dump's last papers not there yet
        papers,  # added after the others
        papers[:-3],  # dropped again
        (*papers[:-3], papers[-1], papers[-2], papers[-3]),  # back, in another order
        (papers[1], papers[0], *papers[2:]),  # two papers change places at the start
    ]
    memo = Memo()
    for run in runs:
        memo.begin("settings")
        shown = alone(catalogue, run)
        run = shown.papers
        assert near_files(shown, memo) == near_files(shown)
        assert title_files(shown, index, memo) == title_files(shown, index)
        remembered, made = packed_graph(run, memo), packed_graph(run)
        assert (remembered[0], remembered[1].tolist(), remembered[2]) == (made[0], made[1].tolist(), made[2])
        memo.end()


def test_a_serve_remembering_the_tag_symbols_writes_the_data_a_build_would(seed) -> None:  # type: ignore[no-untyped-def]
    catalogue, index, built = seed
    memo = Memo()
    for _ in range(2):
        memo.begin("settings")
        assert library_data(catalogue, index, memo) == built
        memo.end()


def test_the_tag_symbols_kept_are_forgotten_when_the_areas_or_topics_change_order() -> None:
    memo = Memo()
    kept_symbols(memo, (("A", "B"), ("t",)))[("A",), ()] = "0"
    assert kept_symbols(memo, (("A", "B"), ("t",))) == {(("A",), ()): "0"}
    assert kept_symbols(memo, (("B", "A"), ("t",))) == {}


def alone(catalogue, papers):  # type: ignore[no-untyped-def]
    """The catalogue of ``papers`` only, their lists without the others, as a run makes it."""
    kept = {paper.slug for paper in papers}

    def within(links):  # type: ignore[no-untyped-def]
        return tuple(link for link in links if getattr(link, "slug", getattr(link, "target", None)) in kept)

    return replace(
        catalogue,
        papers=tuple(replace(p, related=within(p.related), mentions=within(p.mentions)) for p in papers),
        further={slug: within(rels) for slug, rels in catalogue.further.items() if slug in kept},
    )
