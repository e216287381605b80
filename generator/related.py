"""Related papers: TF-IDF over title and abstract, cosine similarity, top-k per paper.

The whole vectoriser setup is in ``tfidf_matrix``. Similarity is computed on *pruned*
vectors: each paper keeps only its strongest ``TERMS_PER_PAPER`` weights (renormalised),
which makes the sparse product ``X @ X.T`` cheap (the weak, frequent terms are the ones
whose long posting lists make the exact product slow) while keeping the neighbour lists
close to exact cosine (``bench/bench_links.py`` measures the agreement). The product is
computed in row blocks and only the top candidates of each row are kept, so memory is
bounded by one block, never an n-by-n matrix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.model import Related

# Words every abstract uses whatever its subject; they would otherwise show up as the
# "shared terms" of unrelated papers. ``max_df`` catches the domain-wide ones instead
# ("diffusion" in a diffusion-only catalogue, which no fixed list could know).
_PAPER_WORDS = """
    propose proposed proposes method methods result results paper papers approach approaches
    show shows shown demonstrate demonstrates demonstrated present presents presented introduce
    introduces introduced novel new work works using use used uses based achieve achieves achieved
    experiments experimental extensive outperform outperforms outperforming state-of-the-art sota
    existing previous prior recent recently significant significantly effective effectively
    efficient efficiently performance improve improves improved improving improvement improvements
    address addresses task tasks study studies problem problems challenge challenges challenging
    framework frameworks furthermore moreover additionally specifically particular particularly
    various different including key code available https http github com www project page
    abstract finally first second simple well also however thus lead leads leading enable enables
    enabling allow allows provide provides providing superior compared comparison baseline baselines
    demonstrating showing remains remain large-scale high-quality wide range make makes like
    useful establish formulate designed leverage leverages leveraging traditional consider considers
    single strategy according values come systematically flexible application applications settings
    able aims aim just way ways important crucial role fundamental despite given often widely
"""
PAPER_WORDS = frozenset(_PAPER_WORDS.split())
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | PAPER_WORDS)

# A token is two or more word characters, hyphenated compounds kept whole ("text-to-3d",
# "dpm-solver-v3").
TOKEN_PATTERN = r"(?u)\b\w[\w-]*\w\b"
# A term in more than this share of the papers says nothing about any of them.
MAX_DF = 0.3
TERMS_PER_PAPER = 60
CANDIDATES = 24
SHARED_TERMS = 3
# Beyond ``min_k`` entries, a neighbour is listed only if it is at least this close
# relative to the paper's best neighbour, so weak tails are not padded out to ``k``.
TAIL_RATIO = 0.5
BLOCK_ROWS = 1024
SCORE_DIGITS = 4

_NUMBER_WORD = re.compile(r"(?:^| )[\d_-]+(?: |$)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_LATEX_UMLAUT = re.compile(r'\\"\{?([aeiouAEIOU])\}?')
_UMLAUT = str.maketrans("aeiouAEIOU", "äëïöüÄËÏÖÜ")


def _preprocess(text: str) -> str:
    """Lower-case, drop URLs, and read LaTeX umlauts (``Schr\\"odinger``) as letters."""
    text = _LATEX_UMLAUT.sub(lambda m: m.group(1).translate(_UMLAUT), text)
    return _URL.sub(" ", text).lower()


def paper_text(title: str, abstract: str) -> str:
    """The text ``related_papers`` expects: the title counts twice, as it says most in fewest words."""
    return f"{title}\n{title}\n{abstract}"


def tfidf_matrix(texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows (float32) and the term of each column.

    Raises ValueError when no term is shared by two papers (tiny catalogues).
    """
    n = len(texts)
    max_df: float | int = MAX_DF if MAX_DF * n >= 2 else 2
    vectorizer = TfidfVectorizer(
        preprocessor=_preprocess,
        token_pattern=TOKEN_PATTERN,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
        max_df=max_df,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(texts).tocsr()
    terms = vectorizer.get_feature_names_out()
    # The token pattern keeps numbers ("2023", "100") for speed; drop any term with one.
    wordy = np.array([_NUMBER_WORD.search(term) is None for term in terms])
    if not wordy.all():
        matrix, terms = normalize(matrix[:, wordy], copy=False), terms[wordy]
    return matrix.tocsr(), terms


def prune_rows(matrix: sp.csr_matrix, keep: int = TERMS_PER_PAPER) -> sp.csr_matrix:
    """Keep each row's ``keep`` largest weights (ties by column), renormalised to unit length."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.float64), lengths)
    # Weights are in (0, 1], so one stable sort on ``row - weight`` orders by row, then by
    # descending weight, then by column: much faster than a three-key lexsort.
    order = np.argsort(rows - matrix.data, kind="stable")
    rank = np.empty(matrix.nnz, dtype=np.int64)
    rank[order] = np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], lengths)
    kept = rank < keep
    indptr = np.concatenate(([0], np.cumsum(np.minimum(lengths, keep))))
    pruned = sp.csr_matrix((matrix.data[kept], matrix.indices[kept], indptr), shape=matrix.shape)
    return normalize(pruned, copy=False)


def top_neighbours(
    matrix: sp.csr_matrix, k: int, rows: np.ndarray | None = None, block: int = BLOCK_ROWS
) -> list[list[tuple[int, float]]]:
    """For each row (all, or ``rows``), its ``k`` most similar other rows with score > 0.

    Scores are dot products of the rows as given (exact cosine for unit rows), computed
    ``block`` rows at a time; each list is ordered by (-score, row index).
    """
    matrix = matrix.tocsr()
    wanted = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows)
    transposed = matrix.T.tocsr()
    result: list[list[tuple[int, float]]] = []
    for begin in range(0, len(wanted), block):
        ids = wanted[begin : begin + block]
        product = (matrix[ids] @ transposed).tocsr()
        for offset, row in enumerate(ids):
            lo, hi = product.indptr[offset], product.indptr[offset + 1]
            result.append(_best(product.indices[lo:hi], product.data[lo:hi], int(row), k))
    return result


def nearest_papers(
    matrix: sp.csr_matrix,
    k: int,
    rows: np.ndarray | None = None,
    *,
    keep: int = TERMS_PER_PAPER,
    candidates: int = CANDIDATES,
) -> list[list[tuple[int, float]]]:
    """Like ``top_neighbours(matrix, k, rows)``, but fast: candidates from pruned rows.

    The ``candidates`` best neighbours under the pruned vectors (``prune_rows``) are
    rescored with the full vectors, so every score is the exact cosine; a true neighbour
    is missed only when it is not among the candidates.
    """
    matrix = matrix.tocsr()
    found = top_neighbours(prune_rows(matrix, keep), candidates, rows)
    firsts = np.repeat(
        np.arange(matrix.shape[0]) if rows is None else np.asarray(rows), [len(f) for f in found]
    )
    seconds = np.fromiter((j for f in found for j, _ in f), dtype=np.int64, count=len(firsts))
    scores = pair_products(matrix, np.column_stack((firsts, seconds))).sum(axis=1).A1
    bounds = np.concatenate(([0], np.cumsum([len(f) for f in found])))
    return [
        _best(seconds[lo:hi], scores[lo:hi], -1, k) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def pair_products(matrix: sp.csr_matrix, pairs: np.ndarray, chunk: int = 1 << 16) -> sp.csr_matrix:
    """Row p is the element-wise product of the rows ``pairs[p]``: its sum is their dot product."""
    parts = [
        matrix[pairs[lo : lo + chunk, 0]].multiply(matrix[pairs[lo : lo + chunk, 1]]).tocsr()
        for lo in range(0, len(pairs), chunk)
    ]
    if not parts:
        return sp.csr_matrix((0, matrix.shape[1]), dtype=matrix.dtype)
    return sp.vstack(parts, format="csr")


def _best(columns: np.ndarray, scores: np.ndarray, row: int, k: int) -> list[tuple[int, float]]:
    """The ``k`` best (column, score) of one row: score > 0, not ``row``, by (-score, column)."""
    keep = (columns != row) & (scores > 0)
    columns, scores = columns[keep], np.round(scores[keep].astype(np.float64), SCORE_DIGITS)
    if len(scores) > k:
        # Everything tied with the k-th score stays a candidate, so ties go by index.
        threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= threshold
        columns, scores = columns[keep], scores[keep]
    order = np.lexsort((columns, -scores))[:k]
    return [(int(columns[i]), float(scores[i])) for i in order]


def _cut(neighbours: list[tuple[int, float]], min_k: int) -> list[tuple[int, float]]:
    if not neighbours:
        return neighbours
    floor = neighbours[0][1] * TAIL_RATIO
    return [(j, s) for rank, (j, s) in enumerate(neighbours) if rank < min_k or s >= floor]


def shared_terms(
    matrix: sp.csr_matrix, terms: np.ndarray, pairs: np.ndarray, limit: int = SHARED_TERMS
) -> list[tuple[str, ...]]:
    """For each (i, j) pair, the terms with the largest product of the two weights.

    A bigram is preferred over its own words: with "score distillation" shared,
    "score" and "distillation" are not listed.
    """
    products = pair_products(matrix, pairs)
    lengths = np.diff(products.indptr)
    order = np.argsort(
        np.repeat(np.arange(len(pairs), dtype=np.float64), lengths) - products.data, kind="stable"
    )
    # A bigram can hide both its words, so look a little further than ``limit``.
    look = 3 * limit
    out: list[tuple[str, ...]] = []
    for lo, hi in zip(products.indptr[:-1], products.indptr[1:], strict=True):
        ranked = [str(terms[c]) for c in products.indices[order[lo : min(hi, lo + look)]]]
        covered = {word for term in ranked if " " in term for word in term.split(" ")}
        out.append(tuple([term for term in ranked if term not in covered][:limit]))
    return out


def related_papers(
    docs: Sequence[tuple[str, str]], *, k: int = 8, min_k: int = 5
) -> dict[str, tuple[Related, ...]]:
    """Each paper's most similar papers, from ``(slug, text)`` pairs.

    ``text`` is title and abstract (see ``paper_text``). Every slug gets an entry; a list
    holds ``min_k`` to ``k`` papers when that many share terms with it (fewer otherwise),
    ordered by (-score, slug), never the paper itself. Scores are cosine similarities
    rounded to ``SCORE_DIGITS``. The result does not depend on the order of ``docs``.
    """
    if min_k > k:
        raise ValueError(f"min_k ({min_k}) must not exceed k ({k})")
    ordered = sorted(docs)
    slugs = [slug for slug, _ in ordered]
    if len(set(slugs)) != len(slugs):
        raise ValueError("related_papers: slugs must be unique")
    result: dict[str, tuple[Related, ...]] = {slug: () for slug in slugs}
    try:
        matrix, terms = tfidf_matrix([text for _, text in ordered])
    except ValueError:  # fewer than two papers, or no term shared by two of them
        return result
    lists = [_cut(found, min_k) for found in nearest_papers(matrix, k)]
    pairs = np.array([(i, j) for i, found in enumerate(lists) for j, _ in found], dtype=np.int64)
    explained = iter(shared_terms(matrix, terms, pairs.reshape(-1, 2)))
    for i, found in enumerate(lists):
        result[slugs[i]] = tuple(Related(slugs[j], score, next(explained)) for j, score in found)
    return result
