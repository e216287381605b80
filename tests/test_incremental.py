"""What ``mkdocs serve`` keeps between rebuilds: the memo, related lists grown for new papers,
method names' matches kept per text. On the seed dumps, split into a first run and a later one."""

from __future__ import annotations

import gc
import pickle
import time
from dataclasses import fields, replace

import pytest

from generator.enrich.documents import paper_text
from generator.enrich.mentions import find_mentions, scan_texts
from generator.enrich.mentions_update import KeptScan
from generator.enrich.related import NEAREST, Terms, related_model, term_columns
from generator.enrich.related_update import update
from generator.memo import Memo, PausedCollector
from generator.model import Paper, Related
from generator.site.index import Listed
from tests.test_related import SEED_DUMPS, read_dumps


@pytest.fixture(scope="module")
def seed() -> list[tuple[str, str, str]]:
    return read_dumps(sorted(SEED_DUMPS.glob("*.txt")))


def docs_of(papers: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(slug, paper_text(title, abstract)) for slug, title, abstract in papers]


def test_a_memo_answers_a_second_run_from_the_first_and_forgets_what_it_did_not_use() -> None:
    memo, made = Memo(), []

    def run(keys: list[str], context: str = "taxonomy") -> list[str]:
        memo.begin(context)
        values = [memo.get("stage", key, lambda k=key: made.append(k) or k.upper()) for key in keys]
        memo.end()
        return values

    assert run(["a", "b"]) == ["A", "B"] and made == ["a", "b"]
    assert run(["b", "c"]) == ["B", "C"] and made == ["a", "b", "c"]
    assert run(["a"]) == ["A"] and made == ["a", "b", "c", "a"]  # "a" was not used by the last run
    assert run(["a"], context="another taxonomy") == ["A"] and made[-1] == "a" and len(made) == 5


def test_a_memo_writes_only_what_differs_from_its_last_run() -> None:
    memo = Memo()
    assert memo.changed({"a": b"1", "b": b"2"}) == {"a": b"1", "b": b"2"}
    memo.wrote({"a": b"1", "b": b"2"})
    assert memo.changed({"a": b"1", "b": b"3", "c": b"4"}) == {"b": b"3", "c": b"4"}


def test_new_papers_are_related_against_the_whole_catalogue_and_join_old_lists(seed: list) -> None:
    first, later = seed[:-4], seed[-4:]  # fewer than MOST_CHANGED: grown, not recomputed
    model = related_model(docs_of(first))
    copy = (later[0][0] + "-copy", later[0][1], later[0][2])  # a new paper the same as another new one
    grown = update(model, docs_of([*first, *later, copy]))
    assert set(grown.related) == {slug for slug, _, _ in [*first, *later, copy]}
    assert grown.related[copy[0]][0].slug == later[0][0]
    assert grown.related[later[0][0]][0].slug == copy[0]
    joined = [slug for slug, _, _ in first if grown.related[slug] != model.related[slug]]
    assert joined, "no old list took a new paper in"
    for slug in joined:  # an old list changes only by taking new papers in
        new = {rel.slug for rel in grown.related[slug]} - {rel.slug for rel in model.related[slug]}
        assert new <= {s for s, _, _ in [*later, copy]}
    for slug, _, _ in first:
        if slug not in joined:
            assert grown.related[slug] == model.related[slug]


def closest(model, slug: str) -> list[tuple[str, float]]:
    """A paper's closest papers as the Library reads them: related list, then further."""
    return [(rel.slug, rel.score) for rel in (*model.related[slug], *model.further[slug])]


def test_new_papers_join_the_closest_papers_beyond_the_related_lists_in_order(seed: list) -> None:
    first, later = seed[:-4], seed[-4:]
    model = related_model(docs_of(first))
    grown = update(model, docs_of(seed))
    news = {slug for slug, _, _ in later}
    joined = [slug for slug, _, _ in first if closest(grown, slug) != closest(model, slug)]
    assert joined, "no old paper took a new one among its closest"
    for slug in grown.slugs:
        near = closest(grown, slug)
        assert len(near) <= NEAREST and len({s for s, _ in near}) == len(near) and slug not in dict(near)
        assert [score for _, score in near] == sorted((score for _, score in near), reverse=True)
        assert all(not rel.shared for rel in grown.further[slug])
    for slug in joined:  # an old paper's closest change only by taking new papers in
        assert {s for s, _ in closest(grown, slug)} - {s for s, _ in closest(model, slug)} <= news


def test_removed_papers_leave_every_list(seed: list) -> None:
    model = related_model(docs_of(seed))
    gone = seed[0][0]
    assert any(rel.slug == gone for rels in model.further.values() for rel in rels)
    grown = update(model, docs_of(seed[1:]))
    assert gone not in grown.related and gone not in grown.further
    for lists in (grown.related, grown.further):
        assert all(rel.slug != gone for rels in lists.values() for rel in rels)


def test_kept_matches_are_what_a_fresh_scan_finds_as_names_and_texts_change() -> None:
    scan = KeptScan()
    texts = ["We build on PFGM++ and DPM-Solver.", "Mamba beats DPM-Solver-v3 here.", "Nothing named."]
    assert scan(["DPM-Solver", "PFGM++"], texts) == scan_texts(["DPM-Solver", "PFGM++"], texts)
    names = ["DPM-Solver-v3", "Mamba", "PFGM++"]  # one name gone, two new
    more = [*texts[1:], "Mamba and PFGM++ again."]
    assert scan(names, more) == scan_texts(names, more)


def test_a_first_step_scans_only_the_new_texts_and_the_next_scan_is_a_fresh_one() -> None:
    """A serve's first step finds the names in the new texts only; what it leaves out of the
    known texts the next, complete, run finds, as a fresh scan would."""
    scan = KeptScan()
    texts = ["We build on PFGM++ here.", "Mamba is fast."]
    scan(["PFGM++"], texts)
    names, more = ["Mamba", "PFGM++"], [*texts, "Mamba and PFGM++ again."]
    assert scan(names, more, new_only=True) == [[(12, 18, "PFGM++")], [], scan_texts(names, more[2:])[0]]
    assert scan(names, more) == scan_texts(names, more)


def test_mentions_with_a_kept_scan_are_a_full_runs(seed: list) -> None:
    scan = KeptScan()
    papers = [(slug, title, abstract) for slug, title, abstract in seed]
    find_mentions(papers[:50], scan=scan)
    assert find_mentions(papers, scan=scan) == find_mentions(papers)


@pytest.mark.parametrize("kind", [Paper, Related, Listed])
def test_a_hash_kept_on_the_object_covers_every_field_it_is_compared_by(kind: type) -> None:
    """``Paper``, ``Related`` and ``Listed`` compute their hash once (the serve loop's keys
    hold them): a field left out of it would make two different values one key, and a hash
    pickled from the worker's process (its own string hashes) a wrong one."""
    first, second = {"str": "x", "bool": True}, {"str": "y", "bool": False}
    made = [f for f in fields(kind) if f.init]
    value = kind(*(first.get(f.type, "x" if f.type == "Markup" else ()) for f in made))
    for f in made:
        other = replace(value, **{f.name: second.get(f.type, "y" if f.type == "Markup" else ("z",))})
        assert other != value and hash(other) != hash(value), f.name
    if kind is not Listed:  # made in the worker's process: pickled without the hash it kept
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and copy._hash == 0


def test_the_collector_paused_for_a_rebuild_resumes_after_it_unless_another_begins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A serve's rebuild runs without the cyclic collector, which resumes a moment after it
    (its first pass walks everything the memo keeps); a rebuild begun sooner keeps it paused,
    and an error resumes it at once."""
    monkeypatch.setattr(PausedCollector, "RESUME_AFTER", 0.05)
    collector = PausedCollector()
    try:
        collector.pause()
        assert not gc.isenabled()
        collector.resume(later=True)
        assert not gc.isenabled()
        collector.pause()  # the next rebuild, before the collector resumed
        time.sleep(0.2)
        assert not gc.isenabled()
        collector.resume(later=True)
        time.sleep(0.2)
        assert gc.isenabled()
        collector.pause()
        collector.resume()  # a build's error: at once
        assert gc.isenabled()
    finally:
        gc.enable()


def test_the_terms_columns_are_made_once_and_not_sent_with_the_model() -> None:
    """The related lists' worker sends its model to the server's process: its terms go as
    terms, and their columns are made again there, once, on first use."""
    terms = Terms(["diffusion", "model", "diffusion model"])
    assert terms.columns == {"diffusion": 0, "model": 1, "diffusion model": 2}
    assert terms.columns is terms.columns
    copy = pickle.loads(pickle.dumps(terms))
    assert copy == terms and "columns" not in vars(copy)
    assert term_columns(["a", "b"]) == {"a": 0, "b": 1}
