"""The terms of related lists: each paper's title and abstract as an L2-normalised TF-IDF row.

``tfidf_matrix`` is the whole vectoriser setup in one place: scikit-learn's
``TfidfVectorizer`` with this module's stop words, token pattern and ``MAX_DF``. Only the
counting is this module's own (``count_terms``, in steps: tokens, term keys, first
appearances, cells, the matrix), because the vectoriser's is a Python loop over every
unigram and bigram; it gives the same matrix bit for bit, and ``tests/test_related.py``
checks that. ``related`` finds each paper's neighbours in this matrix.
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
    does, so that the TF-IDF sums add up in the same order. Each step drops the arrays it
    is done with: the corpus has millions of tokens.
    """
    words, numbers, ids, docs = _tokens(texts)
    keys, per_text = _term_keys(ids, docs, len(texts), len(words))
    del ids, docs
    by_rank, ranks = _first_seen(keys)
    del keys
    # One cell per (text, term), as text * T + rank (T terms); sorted, they are the
    # matrix's entries, row by row, each row in order of first appearance.
    ranks += np.repeat(np.arange(len(texts)) * len(by_rank), per_text)
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

    names, numeric = _term_names(by_rank[kept], words, numbers)
    alphabetical = sorted(range(len(names)), key=names.__getitem__)
    column = np.full(len(by_rank), -1, np.int64)
    column[np.flatnonzero(kept)[alphabetical]] = np.arange(len(names))
    counts = _count_matrix(rows, column[ranks], tf, (len(texts), len(names)))
    terms = np.array(names, dtype=object)[alphabetical]
    return counts, terms, numeric[alphabetical]


def _tokens(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The words of ``texts`` numbered as met, which of them are numbers, and the word id and
    text of every token that is not a stop word, text by text."""
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
    numbers = np.array([_NUMBER.fullmatch(word) is not None for word in words], dtype=bool)
    docs = np.repeat(np.arange(len(texts)), lengths)
    wanted = ~stop[ids]
    return words, numbers, ids[wanted], docs[wanted]


def _term_keys(ids: np.ndarray, docs: np.ndarray, count: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Term keys and how many each of the ``count`` texts has.

    A key is a word's id, or for a bigram ``size + first * size + second`` (``size`` words),
    laid out text by text, its unigrams then its bigrams: the order the vectoriser sees them in.
    """
    starts = np.flatnonzero(docs[1:] == docs[:-1])  # of bigrams
    unigrams = np.bincount(docs, minlength=count)
    bigrams = np.bincount(docs[starts], minlength=count)
    keys = np.empty(len(ids) + len(starts), np.int64)
    keys[np.arange(len(ids)) + (np.cumsum(bigrams) - bigrams)[docs]] = ids
    keys[np.arange(len(starts)) + np.cumsum(unigrams)[docs[starts]]] = (
        size + ids[starts] * size + ids[starts + 1]
    )
    return keys, unigrams + bigrams


def _term_names(keys: np.ndarray, words: list[str], numbers: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The term each key stands for (``"score distillation"`` for a bigram), and whether it
    holds a number."""
    size = len(words)
    firsts, seconds = np.divmod(keys - size, size)
    unigram = keys < size
    names = [
        words[key] if is_word else f"{words[a]} {words[b]}"
        for key, is_word, a, b in zip(
            keys.tolist(), unigram.tolist(), firsts.tolist(), seconds.tolist(), strict=True
        )
    ]
    numeric = np.where(unigram, numbers[np.where(unigram, keys, 0)], False)
    numeric |= ~unigram & (numbers[np.maximum(firsts, 0)] | numbers[np.maximum(seconds, 0)])
    return names, numeric


def _count_matrix(
    rows: np.ndarray, columns: np.ndarray, tf: np.ndarray, shape: tuple[int, int]
) -> sp.csr_matrix:
    """The float32 count matrix of the cells whose term has a column (``columns`` >= 0),
    entries kept in the order given."""
    stored = columns >= 0
    return sp.csr_matrix(
        (
            tf[stored].astype(np.float32),
            columns[stored].astype(np.int32),
            np.concatenate(([0], np.cumsum(np.bincount(rows[stored], minlength=shape[0])))),
        ),
        shape=shape,
    )


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
