"""Related papers: TF-IDF over title and abstract, cosine similarity, top-k per paper.

Each paper is a row of ``terms.tfidf_matrix``; this module finds its neighbours among the
rows and the terms each pair shares. The exact product ``X @ X.T`` over the full vocabulary
is slow at corpus size because of the frequent, weakly weighted terms and their long
posting lists. So neighbours are found in two steps (``nearest_papers``):
1. candidates: each paper keeps only its ``TERMS_PER_PAPER`` strongest weights
   (``prune_rows``, renormalised); the product of those pruned vectors, one block of
   rows at a time, gives each paper its ``CANDIDATES`` best other papers;
2. rescoring: the exact cosine of every candidate pair from the full vectors, and the
   best ``k`` by (-score, slug).
Memory is bounded by one block of the product, never an n-by-n matrix;
``bench/bench_links.py`` measures the agreement with exact cosine over all papers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from generator.enrich.terms import tfidf_matrix
from generator.model import Related, RelatedLists

RELATED_MOST = 6
"""A related list's length at most (8 before: bench/MEASUREMENTS.md, "Room to grow", says what the two more cost)."""
RELATED_LEAST = 5
"""...and at least, when that many papers share terms with it."""
NEAREST = 10
"""Closest papers kept per paper: the related list, then the rest (``further``), which only
the Library page's recommendations read. Ten rather than six brought more of a saved
paper's group into its ten recommendations (README, "Performance", "Recommendations")."""
TERMS_PER_PAPER = 60
CANDIDATES = 24
SHARED_TERMS = 3
# Beyond ``min_k`` entries, a neighbour is listed only if it is at least this close
# relative to the paper's best neighbour, so weak tails are not padded out to ``k``.
TAIL_RATIO = 0.5
BLOCK_ROWS = 512  # rows per product block: 512 x 28k float32 is 58 MB
SCORE_DIGITS = 4


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

    Scores are dot products of the rows as given (exact cosine for unit rows) rounded to
    ``SCORE_DIGITS``; each list is ordered by (-score, row index).
    """
    wanted = _rows(matrix, rows)
    return _as_lists(len(wanted), *_top_pairs(matrix, k, wanted, block))


def nearest_papers(
    matrix: sp.csr_matrix,
    k: int,
    rows: np.ndarray | None = None,
    *,
    pruned: sp.csr_matrix | None = None,
    candidates: int = CANDIDATES,
) -> list[list[tuple[int, float]]]:
    """Like ``top_neighbours(matrix, k, rows)``, but fast: candidates from pruned rows.

    The ``candidates`` best neighbours under the pruned vectors (``prune_rows``, unless
    given) are rescored with the full vectors, so every score is the exact cosine; a
    true neighbour is missed only when it is not among the candidates.
    """
    wanted = _rows(matrix, rows)
    if pruned is None:
        pruned = prune_rows(matrix)
    owners, columns, _ = _top_pairs(pruned, candidates, wanted, BLOCK_ROWS, ordered=False)
    exact = pair_dots(matrix, np.column_stack((wanted[owners], columns)))
    return _as_lists(len(wanted), *_ordered(owners, columns, exact, k))


def pair_dots(matrix: sp.csr_matrix, pairs: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """The dot product of the rows ``pairs[p]`` for each p; (i, j) and (j, i) computed once."""
    n = matrix.shape[0]
    unique, inverse = np.unique(pairs.min(axis=1) * n + pairs.max(axis=1), return_inverse=True)
    once = np.column_stack(np.divmod(unique, n))
    dots = [pair_products(matrix, once[lo : lo + chunk]).sum(axis=1).A1 for lo in range(0, len(once), chunk)]
    return np.concatenate(dots)[inverse] if dots else np.zeros(0, matrix.dtype)


def pair_products(matrix: sp.csr_matrix, pairs: np.ndarray, chunk: int = 1 << 16) -> sp.csr_matrix:
    """Row p is the element-wise product of the rows ``pairs[p]``: its sum is their dot product."""
    parts = [
        matrix[pairs[lo : lo + chunk, 0]].multiply(matrix[pairs[lo : lo + chunk, 1]]).tocsr()
        for lo in range(0, len(pairs), chunk)
    ]
    if not parts:
        return sp.csr_matrix((0, matrix.shape[1]), dtype=matrix.dtype)
    return sp.vstack(parts, format="csr")


def _rows(matrix: sp.csr_matrix, rows: np.ndarray | None) -> np.ndarray:
    return np.arange(matrix.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)


def _top_pairs(
    matrix: sp.csr_matrix, k: int, wanted: np.ndarray, block: int, *, ordered: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, column, score) of each wanted row's ``k`` best other rows, as ``_ordered``.

    One block of rows at a time: its sparse product with every row, and ``argpartition``
    over each row's non-zeros for the top k. Ties at the k-th place are cut in a fixed but
    arbitrary way. With ``ordered=False`` the entries come unsorted and unrounded.
    """
    matrix = matrix.tocsr()
    transposed = matrix.T.tocsr()
    owners, columns, scores = [], [], []
    for begin in range(0, len(wanted), block):
        ids = wanted[begin : begin + block]
        product = (matrix[ids] @ transposed).tocsr()
        indptr, data = product.indptr, product.data
        local = np.repeat(np.arange(len(ids)), np.diff(indptr))
        data[product.indices == ids[local]] = 0.0  # never the paper itself
        chosen = []
        for lo, hi in zip(indptr[:-1].tolist(), indptr[1:].tolist(), strict=True):
            if hi - lo > k:
                chosen.append(lo + np.argpartition(data[lo:hi], hi - lo - k)[hi - lo - k :])
            else:
                chosen.append(np.arange(lo, hi))
        positions = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
        owners.append(begin + local[positions])
        columns.append(product.indices[positions].astype(np.int64))
        scores.append(data[positions])
    if not owners:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    found = np.concatenate(owners), np.concatenate(columns), np.concatenate(scores)
    if not ordered:
        keep = found[2] > 0
        return found[0][keep], found[1][keep], found[2][keep]
    return _ordered(*found, k)


def _ordered(
    owners: np.ndarray, columns: np.ndarray, scores: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores rounded, zeros dropped, each owner's ``k`` best by (-score, column), by owner."""
    scores = np.round(scores.astype(np.float64), SCORE_DIGITS)
    positive = scores > 0
    owners, columns, scores = owners[positive], columns[positive], scores[positive]
    order = np.lexsort((columns, -scores, owners))
    owners, columns, scores = owners[order], columns[order], scores[order]
    best = _rank_in_group(owners) < k
    return owners[best], columns[best], scores[best]


def _as_lists(
    count: int, owners: np.ndarray, columns: np.ndarray, scores: np.ndarray
) -> list[list[tuple[int, float]]]:
    bounds = np.searchsorted(owners, np.arange(count + 1)).tolist()
    pairs = list(zip(columns.tolist(), scores.tolist(), strict=True))
    return [pairs[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def _cut(neighbours: list[tuple[int, float]], min_k: int) -> list[tuple[int, float]]:
    if not neighbours:
        return neighbours
    floor = neighbours[0][1] * TAIL_RATIO
    return [(j, s) for rank, (j, s) in enumerate(neighbours) if rank < min_k or s >= floor]


def shared_terms(
    matrix: sp.csr_matrix, terms: Sequence[str], pairs: np.ndarray, limit: int = SHARED_TERMS
) -> list[tuple[str, ...]]:
    """For each (i, j) pair, the terms with the largest product of the two weights.

    A bigram is preferred over its own words: with "score distillation" shared,
    "score" and "distillation" are not listed.
    """
    products = pair_products(matrix, pairs)
    lengths = np.diff(products.indptr)
    rows = np.repeat(np.arange(len(pairs)), lengths)
    order = np.argsort(rows - products.data.astype(np.float64), kind="stable")  # see prune_rows
    # A bigram can hide both its words, so look a little further than ``limit``.
    rows, columns = rows[order], products.indices[order].astype(np.int64)
    nearest = _rank_in_group(rows) < 3 * limit
    rows, columns = rows[nearest], columns[nearest]
    hidden = _contains(np.sort(_hidden_words(rows, columns, terms)), rows * len(terms) + columns)
    rows, columns = rows[~hidden], columns[~hidden]
    listed = _rank_in_group(rows) < limit
    rows, columns = rows[listed], columns[listed]
    bounds = np.searchsorted(rows, np.arange(len(pairs) + 1)).tolist()
    names = [terms[c] for c in columns.tolist()]
    return [tuple(names[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    return np.arange(len(groups)) - np.searchsorted(groups, groups)


def _contains(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each value is in the sorted array ``ordered``."""
    where = np.minimum(np.searchsorted(ordered, values), max(len(ordered) - 1, 0))
    return ordered[where] == values if len(ordered) else np.zeros(len(values), dtype=bool)


def _hidden_words(rows: np.ndarray, columns: np.ndarray, terms: Sequence[str]) -> np.ndarray:
    """Keys ``row * len(terms) + column`` of the words of the bigrams listed for a row."""
    present = np.zeros(len(terms), dtype=bool)
    present[columns] = True
    listed = np.flatnonzero(present).tolist()
    bigrams = [(c, terms[c].split(" ")) for c in listed if " " in terms[c]]
    column_of = word_columns(terms)
    words_of = np.full((len(terms), 2), -1, np.int64)
    for c, pair in bigrams:
        words_of[c] = [column_of.get(word, -1) for word in pair]
    keys = []
    for part in (0, 1):
        word_column = words_of[columns, part]
        found = word_column >= 0
        keys.append(rows[found] * len(terms) + word_column[found])
    return np.concatenate(keys)


def related_papers(
    docs: Sequence[tuple[str, str]], *, k: int = RELATED_MOST, min_k: int = RELATED_LEAST
) -> dict[str, tuple[Related, ...]]:
    """Each paper's most similar papers, from ``(slug, text)`` pairs.

    ``text`` is title and abstract (see ``paper_text``). Every slug gets an entry; a list
    holds ``min_k`` to ``k`` papers when that many share terms with it (fewer otherwise),
    ordered by (-score, slug), never the paper itself. Scores are cosine similarities
    rounded to ``SCORE_DIGITS``. The result does not depend on the order of ``docs``.
    """
    return related_model(docs, k=k, min_k=min_k).related


class Terms(tuple):
    """The terms of the TF-IDF columns, in column order, and each term's column, made once:
    ``mkdocs serve`` looks new papers' words up in them on every rebuild (0.25 s a rebuild on
    the corpus when the dict was made each time)."""

    @functools.cached_property
    def columns(self) -> dict[str, int]:
        return {term: column for column, term in enumerate(self)}

    @functools.cached_property
    def words(self) -> dict[str, int]:
        """Each single word's column, what a bigram's words are looked up in: at three times
        the corpus 0.45 s to make where ``columns`` takes 1.35 s (1.6 million terms, most of
        them bigrams), which only ``mkdocs serve`` needs."""
        return _single_words(self)

    def __reduce__(self) -> tuple:
        """Pickled without the columns (the related lists' worker sends its model)."""
        return Terms, (tuple(self),)


def term_columns(terms: Sequence[str]) -> Mapping[str, int]:
    """Each term's column: kept by ``Terms``, made here for any other list."""
    return terms.columns if isinstance(terms, Terms) else {term: c for c, term in enumerate(terms)}


def word_columns(terms: Sequence[str]) -> Mapping[str, int]:
    """Each single word's column (``Terms.words``): kept by ``Terms``, made here for any other list."""
    return terms.words if isinstance(terms, Terms) else _single_words(terms)


def _single_words(terms: Sequence[str]) -> dict[str, int]:
    return {term: column for column, term in enumerate(terms) if " " not in term}


@dataclass
class RelatedModel:
    """Related lists and what made them: the TF-IDF rows (unit length, by sorted slug), the
    pruned rows and the terms; ``further``, each paper's next closest papers. ``mkdocs serve`` keeps it to relate new papers alone
    (``enrich/related_update.py``); None matrices when no term is shared."""

    related: dict[str, tuple[Related, ...]]
    slugs: list[str]
    texts: list[str]
    matrix: sp.csr_matrix | None = None
    pruned: sp.csr_matrix | None = None
    terms: Sequence[str] = field(default_factory=Terms)
    further: dict[str, tuple[Related, ...]] = field(default_factory=dict)

    def lists(self) -> RelatedLists:
        return RelatedLists(self.related, self.further)


def related_model(
    docs: Sequence[tuple[str, str]], *, k: int = RELATED_MOST, min_k: int = RELATED_LEAST
) -> RelatedModel:
    """``related_papers``, with the rows and terms it compared."""
    if min_k > k:
        raise ValueError(f"min_k ({min_k}) must not exceed k ({k})")
    ordered = sorted(docs)
    slugs = [slug for slug, _ in ordered]
    if len(set(slugs)) != len(slugs):
        raise ValueError("related_papers: slugs must be unique")
    empty = {slug: () for slug in slugs}
    model = RelatedModel(empty, slugs, [text for _, text in ordered], further=dict(empty))
    try:
        matrix, terms = tfidf_matrix(model.texts)
    except ValueError:  # fewer than two papers, or no term shared by two of them
        return model
    model.matrix, model.pruned, model.terms = matrix, prune_rows(matrix), Terms(terms.tolist())
    found = nearest_papers(matrix, max(k, NEAREST), pruned=model.pruned)
    shown = [_cut(near[:k], min_k) for near in found]
    model.related.update(explain(model, range(len(slugs)), shown))
    model.further.update(beyond(model.slugs, range(len(slugs)), found, shown))
    return model


def beyond(
    slugs: Sequence[str],
    rows: Iterable[int],
    found: Sequence[list[tuple[int, float]]],
    shown: Sequence[list[tuple[int, float]]],
) -> dict[str, tuple[Related, ...]]:
    """Each row's closest papers after its related list (which ``_cut`` takes as a head of
    them), in order, without terms."""
    return {
        slugs[i]: tuple(Related(slugs[j], score, ()) for j, score in near[len(listed) :])
        for i, near, listed in zip(rows, found, shown, strict=True)
    }


def explain(
    model: RelatedModel, rows: Iterable[int], lists: Sequence[list[tuple[int, float]]]
) -> dict[str, tuple[Related, ...]]:
    """Each row's list of ``(row, score)`` as ``Related`` entries with their shared terms."""
    rows = list(rows)
    pairs = np.array([(i, j) for i, found in zip(rows, lists, strict=True) for j, _ in found], dtype=np.int64)
    # Shared terms come from the pruned rows: each paper's strongest terms, and cheaper.
    explained = iter(shared_terms(model.pruned, model.terms, pairs.reshape(-1, 2)))
    slugs = model.slugs
    return {
        slugs[i]: tuple(Related(slugs[j], score, next(explained)) for j, score in found)
        for i, found in zip(rows, lists, strict=True)
    }
