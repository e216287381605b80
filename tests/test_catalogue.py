"""Merging dumps into papers, and the slugs that become their URLs."""

from __future__ import annotations

from generator.ingest.catalogue import build_catalogue, title_key
from generator.model import Dump, DumpDate, Entry

ABSTRACT = "An abstract long enough to be one. It has two sentences and ends with a full stop."


def dump(name: str, *titles: str, abstract: str = ABSTRACT) -> Dump:
    entries = tuple(
        Entry(title, f"{abstract} ({title})", 1 + 4 * i, 3 + 4 * i) for i, title in enumerate(titles)
    )
    return Dump(name, f"dumps/{name}", DumpDate(None, 5, 28), entries)


def test_titles_match_across_case_space_punctuation_and_unicode_forms() -> None:
    assert title_key("Light Schrödinger Bridge") == title_key("light  schro\u0308dinger bridge.")
    assert title_key("DPM-Solver++: Fast") == title_key("DPM Solver: fast")
    assert title_key("Ｆｕｌｌ　Width") == title_key("Full Width")
    assert title_key("A Title") != title_key("Another Title")


def test_a_paper_in_two_dumps_is_one_paper_with_both_sources_and_the_last_spelling() -> None:
    catalogue = build_catalogue(
        [dump("0001_a.txt", "Light Schrödinger Bridge"), dump("0002_b.txt", "light schrödinger bridge")]
    )
    assert len(catalogue.papers) == 1
    paper = catalogue.papers[0]
    assert [s.dump for s in paper.sources] == ["0001_a.txt", "0002_b.txt"]
    assert paper.title == "light schrödinger bridge"
    assert paper.abstract.endswith("(light schrödinger bridge)")
    assert paper.slug == "light-schrodinger-bridge"


def test_clashing_slugs_get_two_pages() -> None:
    long_a = "Scaling Laws for Neural Language Models Trained on Very Large Corpora of Text: Part One of Two"
    long_b = "Scaling Laws for Neural Language Models Trained on Very Large Corpora of Text: Part Two of Two"
    catalogue = build_catalogue([dump("0001_a.txt", long_a, long_b)])
    slugs = [p.slug for p in catalogue.papers]
    assert len(set(slugs)) == 2
    assert slugs[1] == slugs[0] + "-2"


def test_a_title_without_latin_letters_gets_a_readable_slug() -> None:
    catalogue = build_catalogue([dump("0001_a.txt", "大型语言模型的推理能力研究", "∑∏∫")])
    chinese, symbols = (p.slug for p in catalogue.papers)
    assert chinese.startswith("da-xing-yu-yan-mo-xing")
    assert symbols.startswith("paper-") and len(symbols) > len("paper-")


def test_adding_a_dump_never_changes_an_existing_url() -> None:
    first = dump("0001_a.txt", "Clash Title Here", "Other Paper", "Light Schrödinger Bridge")
    before = {p.key: p.slug for p in build_catalogue([first]).papers}
    later = dump(
        "0002_b.txt", "Clash: Title Here?", "Clash Title, Here", "New Paper", "light schrödinger bridge"
    )
    after = {p.key: p.slug for p in build_catalogue([first, later]).papers}
    assert all(after[key] == slug for key, slug in before.items())
    assert len(set(after.values())) == len(after)


def test_index_is_never_a_paper_slug() -> None:
    catalogue = build_catalogue([dump("0001_a.txt", "Index")])
    assert catalogue.papers[0].slug != "index"
