"""Related papers: TF-IDF over title and abstract, cosine similarity, top-k per paper.

The whole vectoriser setup is in ``tfidf_matrix``; ``count_terms`` does the counting
scikit-learn's vectoriser would, to the same matrix bit for bit, several times faster.
The exact product ``X @ X.T`` over the full vocabulary is slow at corpus size because of
the frequent, weakly weighted terms and their long posting lists. So neighbours are
found in two steps (``nearest_papers``):
1. candidates: each paper keeps only its ``TERMS_PER_PAPER`` strongest weights
   (``prune_rows``, renormalised); the product of those pruned vectors, one block of
   rows at a time, gives each paper its ``CANDIDATES`` best other papers;
2. rescoring: the exact cosine of every candidate pair from the full vectors, and the
   best ``k`` by (-score, slug).
Memory is bounded by one block of the product, never an n-by-n matrix;
``bench/bench_links.py`` measures the agreement with exact cosine over all papers.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
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
_STOP_SET = frozenset(STOP_WORDS)

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
BLOCK_ROWS = 512  # rows per product block: 512 x 28k float32 is 58 MB
SCORE_DIGITS = 4

_NUMBER = re.compile(r"[\d_-]+")  # a token that is a number
_URL = re.compile(r"https?://\S+|www\.\S+")
_LATEX_UMLAUT = re.compile(r'\\"\{?([aeiouAEIOU])\}?')
_UMLAUT = str.maketrans("aeiouAEIOU", "äëïöüÄËÏÖÜ")


def _preprocess(text: str) -> str:
    """Lower-case, drop URLs, and read LaTeX umlauts (``Schr\\"odinger``) as letters."""
    if '\\"' in text:
        text = _LATEX_UMLAUT.sub(lambda m: m.group(1).translate(_UMLAUT), text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    return text.lower()


def paper_text(title: str, abstract: str) -> str:
    """What related lists and the map compare: a paper's clean title and abstract, one text.
    The build, the tests and ``bench/bench_links.py`` all make their input with it."""
    return f"{title}\n{abstract}"


def tfidf_matrix(texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows (float32) and the term of each column.

    The same matrix, to the bit, as ``TfidfVectorizer(preprocessor=_preprocess,
    token_pattern=TOKEN_PATTERN, stop_words=STOP_WORDS, ngram_range=(1, 2),
    sublinear_tf=True, min_df=2, max_df=MAX_DF, dtype=np.float32)`` (``max_df`` 2 for tiny
    catalogues), with the terms holding a number dropped and the rows renormalised; only
    the counting is ``count_terms``'s own, as the vectoriser's is a Python loop over
    every unigram and bigram (most of them seen once). ``tests/test_related.py`` checks
    the two agree.

    Raises ValueError when no term is shared by two papers (tiny catalogues).
    """
    n = len(texts)
    max_df = MAX_DF * n if MAX_DF * n >= 2 else 2
    counts, terms, numeric = count_terms(texts, min_df=2, max_df=max_df)
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    # The token pattern keeps numbers ("2023", "100") for speed; drop any term with one.
    if numeric.any():
        matrix, terms = normalize(matrix[:, ~numeric], copy=False), terms[~numeric]
    return matrix.tocsr(), terms


def count_terms(
    texts: Sequence[str], *, min_df: int, max_df: float
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Counts of the unigrams and bigrams in at least ``min_df`` and at most ``max_df`` texts.

    Returns the float32 count matrix, its terms (sorted, as columns), and which terms hold
    a number. Bigrams join neighbours once stop words are gone, and each row stores its
    entries in the order the terms first appear in the corpus: both as the vectoriser
    does, so that the TF-IDF sums add up in the same order.
    """
    find_tokens = re.compile(TOKEN_PATTERN).findall
    index: defaultdict[str, int] = defaultdict()  # word -> id, new words numbered as met
    index.default_factory = index.__len__
    token_ids = array("q")  # ids, not the token strings: those would take 100s of MB
    lengths = []
    for text in texts:
        found = find_tokens(_preprocess(text))
        lengths.append(len(found))
        token_ids.extend(map(index.__getitem__, found))
    ids = np.frombuffer(token_ids, dtype=np.int64)
    words = list(index)
    stop = np.array([word in _STOP_SET for word in words], dtype=bool)
    number = np.array([_NUMBER.fullmatch(word) is not None for word in words], dtype=bool)
    docs = np.repeat(np.arange(len(texts)), lengths)
    wanted = ~stop[ids]
    ids, docs = ids[wanted], docs[wanted]
    del token_ids, wanted

    # Term keys: a word's id, or for a bigram V + first * V + second (V words), laid out
    # text by text, its unigrams then its bigrams: the order the vectoriser sees them in.
    size = len(words)
    starts = np.flatnonzero(docs[1:] == docs[:-1])  # of bigrams
    unigrams = np.bincount(docs, minlength=len(texts))
    bigrams = np.bincount(docs[starts], minlength=len(texts))
    keys = np.empty(len(ids) + len(starts), np.int64)
    keys[np.arange(len(ids)) + (np.cumsum(bigrams) - bigrams)[docs]] = ids
    keys[np.arange(len(starts)) + np.cumsum(unigrams)[docs[starts]]] = (
        size + ids[starts] * size + ids[starts + 1]
    )
    del ids, docs, starts
    by_rank, ranks = _first_seen(keys)
    del keys
    # One cell per (text, term), as text * T + rank (T terms); sorted, they are the
    # matrix's entries, row by row, each row in order of first appearance.
    ranks += np.repeat(np.arange(len(texts)) * len(by_rank), unigrams + bigrams)
    cells, tf = np.unique(ranks, return_counts=True)
    del ranks
    rows, ranks = np.divmod(cells, len(by_rank))
    del cells
    df = np.bincount(ranks, minlength=len(by_rank))
    if max_df < min_df:
        raise ValueError("max_df corresponds to fewer texts than min_df")
    kept = (df >= min_df) & (df <= max_df)
    if not kept.any():
        raise ValueError("no term is in enough texts")

    kept_keys = by_rank[kept]
    firsts, seconds = np.divmod(kept_keys - size, size)
    unigram = kept_keys < size
    names = [
        words[key] if is_word else f"{words[a]} {words[b]}"
        for key, is_word, a, b in zip(
            kept_keys.tolist(), unigram.tolist(), firsts.tolist(), seconds.tolist(), strict=True
        )
    ]
    alphabetical = sorted(range(len(names)), key=names.__getitem__)
    column = np.full(len(by_rank), -1, np.int64)
    column[np.flatnonzero(kept)[alphabetical]] = np.arange(len(names))
    columns = column[ranks]
    stored = columns >= 0
    counts = sp.csr_matrix(
        (
            tf[stored].astype(np.float32),
            columns[stored].astype(np.int32),
            np.concatenate(([0], np.cumsum(np.bincount(rows[stored], minlength=len(texts))))),
        ),
        shape=(len(texts), len(names)),
    )
    numeric = np.where(unigram, number[np.where(unigram, kept_keys, 0)], False)
    numeric |= ~unigram & (number[np.maximum(firsts, 0)] | number[np.maximum(seconds, 0)])
    terms = np.array(names, dtype=object)[alphabetical]
    return counts, terms, numeric[alphabetical]


def _first_seen(keys: np.ndarray, bits: int = 63) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key ranked by its first place in ``keys``: the keys by rank, and the
    rank of every element of ``keys``.

    Sorting keys packed with their positions is much faster than the stable ``argsort``
    ``np.unique(..., return_index=True)`` needs; when the two do not fit in ``bits`` bits,
    ``np.unique`` it is. Memory matters as much as time here (millions of keys), hence
    the in-place steps.
    """
    count = len(keys)
    shift = max(count - 1, 0).bit_length()
    if count == 0 or int(keys.max()).bit_length() + shift > bits:
        unique, group = np.unique(keys, return_inverse=True)
        first = np.full(len(unique), count)
        np.minimum.at(first, group, np.arange(count))
    else:
        packed = keys << shift
        packed |= np.arange(count)
        packed.sort()
        positions = packed & ((1 << shift) - 1)
        packed >>= shift  # the keys, sorted
        starts = np.ones(count, dtype=bool)
        np.not_equal(packed[1:], packed[:-1], out=starts[1:])
        unique, first = packed[starts], positions[starts]
        del packed
        group = np.empty(count, np.int64)
        group[positions] = np.cumsum(starts) - 1
        del positions, starts
    is_first = np.zeros(count, dtype=bool)
    is_first[first] = True
    rank_of_group = (np.cumsum(is_first) - 1)[first]
    by_rank = np.empty_like(unique)
    by_rank[rank_of_group] = unique
    return by_rank, rank_of_group[group]


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
    needed = {word for _, pair in bigrams for word in pair}
    column_of = {term: c for c, term in enumerate(terms) if term in needed}
    word_columns = np.full((len(terms), 2), -1, np.int64)
    for c, pair in bigrams:
        word_columns[c] = [column_of.get(word, -1) for word in pair]
    keys = []
    for part in (0, 1):
        word_column = word_columns[columns, part]
        found = word_column >= 0
        keys.append(rows[found] * len(terms) + word_column[found])
    return np.concatenate(keys)


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
    pruned = prune_rows(matrix)
    lists = [_cut(found, min_k) for found in nearest_papers(matrix, k, pruned=pruned)]
    pairs = np.array([(i, j) for i, found in enumerate(lists) for j, _ in found], dtype=np.int64)
    # Shared terms come from the pruned rows: each paper's strongest terms, and cheaper.
    explained = iter(shared_terms(pruned, terms.tolist(), pairs.reshape(-1, 2)))
    for i, found in enumerate(lists):
        result[slugs[i]] = tuple(Related(slugs[j], score, next(explained)) for j, score in found)
    return result
