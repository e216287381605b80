"""Related papers on the seed dumps: pinned pairs, pinned non-pairs, determinism, shape."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.enrich.documents import as_written, paper_text
from generator.enrich.related import NEAREST, nearest_papers, related_model, related_papers, top_neighbours
from generator.enrich.terms import MAX_DF, STOP_WORDS, TOKEN_PATTERN, _first_seen, _preprocess, tfidf_matrix
from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import read_dumps as read_parsed
from generator.site.views import clean_texts

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_DUMPS = Path(__file__).resolve().parents[1] / "dumps"  # the seed dumps, as committed
CORPUS_DUMPS = SHARED / "corpus" / "dumps"


def read_dumps(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(slug, title, abstract) per distinct paper, parsed, merged and cleaned as the build does."""
    catalogue = build_catalogue([result.dump for result in read_parsed(paths)])
    texts = clean_texts(catalogue.papers)
    return [(paper.slug, *texts[paper.slug]) for paper in catalogue.papers]


def slug_of(papers: list[tuple[str, str, str]], title_start: str) -> str:
    (slug,) = [slug for slug, title, _ in papers if title.startswith(title_start)]
    return slug


@pytest.fixture(scope="module")
def seed() -> list[tuple[str, str, str]]:
    if not SEED_DUMPS.is_dir():
        pytest.skip("seed dumps not found")
    return read_dumps(sorted(SEED_DUMPS.glob("*.txt")))


@pytest.fixture(scope="module")
def docs(seed: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(slug, paper_text(title, abstract)) for slug, title, abstract in seed]


@pytest.fixture(scope="module")
def related(docs: list[tuple[str, str]]) -> dict:
    return related_papers(docs)


def mean_overlap(exact: list, fast: list) -> float:
    """Mean share of each exact top-k list that the fast list also holds."""
    pairs = [(e, f) for e, f in zip(exact, fast, strict=True) if e]
    return float(np.mean([len({j for j, _ in e} & {j for j, _ in f}) / len(e) for e, f in pairs]))


def listed(related: dict, slug: str) -> set[str]:
    return {r.slug for r in related[slug]}


def test_seed_has_the_expected_papers(seed: list[tuple[str, str, str]]) -> None:
    assert len(seed) == 84


@pytest.mark.parametrize(
    "group",
    [
        ["DPM-Solver++:", "DPM-Solver-v3:"],
        ["Light Schrödinger Bridge", "Multi-marginal Schrödinger Bridges"],
        [
            "Solving Diffusion ODEs with Optimal Boundary Conditions for Better Image Super-Resolution",
            "Image Super-resolution Via Latent Diffusion",
            "One Step Diffusion-based Super-Resolution",
            "SAM-DiffSR:",
        ],
    ],
    ids=["dpm-solver", "schrodinger-bridge", "super-resolution"],
)
def test_pinned_papers_list_each_other(seed: list, related: dict, group: list[str]) -> None:
    slugs = [slug_of(seed, start) for start in group]
    for slug in slugs:
        assert set(slugs) - {slug} <= listed(related, slug), slug


def test_physics_papers_and_text_to_3d_papers_are_not_related(seed: list, related: dict) -> None:
    physics = {
        slug_of(seed, "Stochastic acceleration in arbitrary astrophysical environments"),
        slug_of(seed, "Mathematical modelling of flow and adsorption in a gas chromatograph"),
    }
    text_to_3d = {slug for slug, title, abstract in seed if "text-to-3d" in (title + abstract).lower()}
    assert len(text_to_3d) >= 3
    for slug in text_to_3d:
        assert not physics & listed(related, slug), slug
    for slug in physics:
        assert not text_to_3d & listed(related, slug), slug


def test_lists_are_well_formed(related: dict, docs: list) -> None:
    assert set(related) == {slug for slug, _ in docs}
    for slug, entries in related.items():
        assert 5 <= len(entries) <= 8, slug
        assert slug not in {r.slug for r in entries}
        assert [(-r.score, r.slug) for r in entries] == sorted((-r.score, r.slug) for r in entries)
        for entry in entries:
            assert 0 < entry.score <= 1 and entry.score == round(entry.score, 4)
            assert 1 <= len(entry.shared) <= 3
            words = {w for term in entry.shared if " " in term for w in term.split()}
            assert not words & set(entry.shared), entry  # a bigram hides its own words


def test_further_papers_carry_on_each_related_list_to_the_ten_closest(docs: list) -> None:
    """The Library's recommendations read a paper's ten closest: its related list (cut where
    the scores fall off), then ``further``, without terms, in the same order."""
    model = related_model(docs)
    nearest = nearest_papers(model.matrix, NEAREST, pruned=model.pruned)
    for i, slug in enumerate(model.slugs):
        both = [*model.related[slug], *model.further[slug]]
        assert [(r.slug, r.score) for r in both] == [(model.slugs[j], score) for j, score in nearest[i]]
        assert all(r.shared == () for r in model.further[slug])
    assert sum(map(len, model.further.values())) >= 3 * len(docs), "too few papers beyond the lists"


def test_shared_terms_name_the_common_subject(seed: list, related: dict) -> None:
    sweet = slug_of(seed, "SweetDreamer:")
    (geo,) = [r for r in related[sweet] if r.slug == slug_of(seed, "GeoDream:")]
    assert "geometric priors" in geo.shared
    stable = related[slug_of(seed, "StableDreamer:")]
    assert any("text-to-3d" in r.shared for r in stable)


def vectorizer_matrix(texts: list[str]) -> tuple:
    """What ``tfidf_matrix`` stands in for: scikit-learn's vectoriser, then numbers dropped."""
    vectorizer = TfidfVectorizer(
        preprocessor=_preprocess,
        token_pattern=TOKEN_PATTERN,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
        max_df=MAX_DF if MAX_DF * len(texts) >= 2 else 2,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(texts).tocsr()
    terms = vectorizer.get_feature_names_out()
    wordy = np.array([re.search(r"(?:^| )[\d_-]+(?: |$)", term) is None for term in terms])
    return normalize(matrix[:, wordy], copy=False).tocsr(), terms[wordy]


def assert_same_as_vectorizer(texts: list[str]) -> None:
    """Same terms, same entries in the same storage order, same float32 bits."""
    matrix, terms = tfidf_matrix(texts)
    want, want_terms = vectorizer_matrix(texts)
    assert terms.tolist() == want_terms.tolist()
    assert matrix.dtype == want.dtype == np.float32
    for got, expected in (
        (matrix.indptr, want.indptr),
        (matrix.indices, want.indices),
        (matrix.data, want.data),
    ):
        assert np.array_equal(got, expected)


def test_tfidf_matrix_is_the_vectorizers(docs: list) -> None:
    assert_same_as_vectorizer([text for _, text in sorted(docs)])
    assert_same_as_vectorizer(["Numbers 2023 and 3-d\n100 cats, 3-d cats", "3-d cats in 2023", "Dogs only"])


@pytest.mark.parametrize("bits", [63, 8], ids=["packed", "np-unique"])
def test_first_seen_ranks_keys_by_first_place(bits: int) -> None:
    keys = np.array([50, 7, 50, 300, 7, 9, 300, 50])
    by_rank, ranks = _first_seen(keys, bits=bits)
    assert by_rank.tolist() == [50, 7, 300, 9]
    assert np.array_equal(by_rank[ranks], keys)
    assert [len(part) for part in _first_seen(np.zeros(0, np.int64), bits=bits)] == [0, 0]


def test_corpus_wide_words_are_not_terms(docs: list) -> None:
    _, terms = tfidf_matrix([text for _, text in docs])
    assert not {"diffusion", "model", "models", "propose", "method", "results", "paper"} & set(terms)


def test_same_input_same_output(docs: list, related: dict) -> None:
    assert related_papers(docs) == related


def test_input_order_does_not_matter(docs: list, related: dict) -> None:
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    assert related_papers(shuffled) == related


def test_pruned_lists_agree_with_exact_cosine(docs: list) -> None:
    matrix, _ = tfidf_matrix([text for _, text in sorted(docs)])
    exact, fast = top_neighbours(matrix, 8), nearest_papers(matrix, 8)
    assert mean_overlap(exact, fast) >= 0.95


def test_tiny_and_unrelated_catalogues() -> None:
    assert related_papers([]) == {}
    assert related_papers([("only", "Only paper\nabout nothing")]) == {"only": ()}
    docs = [
        ("a", "Quantum lattice gauge\nquantum lattice gauge chromodynamics"),
        ("b", "Lattice gauge theory\nquantum lattice gauge simulation"),
        ("c", "Bread baking\nsourdough starter fermentation"),
    ]
    result = related_papers(docs, k=8, min_k=5)
    assert [r.slug for r in result["a"]] == ["b"]
    assert [r.slug for r in result["b"]] == ["a"]
    assert result["c"] == ()


def test_rejects_duplicate_slugs_and_bad_k() -> None:
    with pytest.raises(ValueError):
        related_papers([("a", "x y"), ("a", "x z")])
    with pytest.raises(ValueError):
        related_papers([("a", "x y")], k=3, min_k=5)


@pytest.mark.skipif(not CORPUS_DUMPS.is_dir(), reason="corpus not found")
def test_corpus_sample_smoke() -> None:
    """About 3,000 corpus papers: lists are filled and agree with exact cosine."""
    papers = read_dumps(sorted(CORPUS_DUMPS.glob("*.txt"))[:45])
    docs = [(slug, paper_text(title, abstract)) for slug, title, abstract in papers]
    assert_same_as_vectorizer([text for _, text in sorted(docs)])
    result = related_papers(docs)
    assert sum(len(v) >= 5 for v in result.values()) >= 0.99 * len(docs)
    matrix, _ = tfidf_matrix([text for _, text in sorted(docs)])
    rows = np.arange(0, len(docs), 3)
    exact, fast = top_neighbours(matrix, 8, rows), nearest_papers(matrix, 8, rows)
    assert mean_overlap(exact, fast) >= 0.8


def test_a_title_counts_more_than_the_abstract() -> None:
    """Two papers named alike in their titles are closer than a paper whose title is the first
    one's abstract and whose abstract uses its name (``documents.TITLE_WEIGHT``); with each
    title read once, the order flips."""
    fillers = [
        "Orchard irrigation yields", "Violin bow tension", "Glacier melt rates", "Bakery sourdough timing",
        "Harbor crane logistics", "Chess opening books", "Lighthouse lens grinding", "Beekeeping hive health",
        "Marathon pacing plans", "Origami crease patterns", "Volcano ash plumes", "Tram network delays",
    ]  # fmt: skip
    papers = [
        ("named", "Quokka Sampling", "We study lattice heron gradients."),
        ("named-again", "Quokka Sampling Revisited", "We study marmot tundra kernels."),
        ("using-it", "Lattice Heron Gradients", "We also use quokka sampling."),
        *((f"filler-{i}", title, f"We study {title.lower()} in depth.") for i, title in enumerate(fillers)),
    ]

    def closest(text) -> list[str]:  # type: ignore[no-untyped-def]
        related = related_papers([(slug, text(title, abstract)) for slug, title, abstract in papers])
        return [entry.slug for entry in related["named"]]

    assert closest(paper_text) == ["named-again", "using-it"]
    assert closest(lambda title, abstract: f"{title}\n{abstract}") == ["using-it", "named-again"]


@pytest.mark.parametrize(
    ("terms", "title", "abstract", "shown"),
    [
        pytest.param(
            ("3dgs", "gaussian"),
            "A title",
            "Gaussian splatting (3DGS) renders.",
            ("3DGS", "Gaussian"),
            id="as-the-abstract-writes-them",
        ),
        pytest.param(
            ("synthesis nvs", "view synthesis"),
            "A title",
            "Novel view synthesis (NVS) is hard.",
            ("view synthesis",),
            id="a-bigram-across-punctuation-is-left-out",
        ),
        pytest.param(
            ("learning robots",),
            "A title",
            "Learning for robots.",
            (),
            id="a-bigram-across-a-stop-word-is-left-out",
        ),
        pytest.param(
            ("splat",),
            "Splat Fast",
            "We splatter points.",
            ("Splat",),
            id="from-the-title-when-the-abstract-has-no-whole-word",
        ),
        pytest.param(
            ("bridge",), "LIGHT BRIDGE", "A bridges solver.", ("bridge",), id="not-from-a-title-in-capitals"
        ),
        pytest.param(
            ("kv cache",),
            "A title",
            "The KV  cache grows.",
            (),
            id="words-apart-by-two-spaces-are-not-the-bigram",
        ),
        pytest.param(
            ("sparse-view", "sparse view", "views"),
            "A title",
            "Sparse-view input, sparse view.",
            ("Sparse-view", "views"),
            id="a-term-read-the-same-but-for-a-hyphen-is-shown-once",
        ),
    ],
)
def test_shared_terms_are_shown_as_the_paper_writes_them(terms, title, abstract, shown) -> None:  # type: ignore[no-untyped-def]
    assert as_written(terms, title, abstract) == shown
