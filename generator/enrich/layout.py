"""Every paper as a point on a 2-D map: TF-IDF -> TruncatedSVD -> t-SNE, all with fixed seeds.

Why t-SNE and not SVD alone: the first two singular directions of a TF-IDF matrix spread the
corpus along the two or three biggest topics and pile everything else into one blob; t-SNE
keeps neighbourhoods, so papers of one topic form visible islands.

Why landmarks: sklearn's Barnes-Hut t-SNE on all 28,228 papers of the corpus took 458 s on two
(shared) cores, far over the minute a build can spend here. So t-SNE lays out ``LANDMARKS``
papers picked with a fixed seed, and every other paper goes to the similarity-weighted mean of
its ``NEIGHBOURS`` most similar landmarks (cosine in the SVD space), pulled slightly towards its
single nearest one so clusters keep their texture. ``bench/bench_map.py`` measures it.

The output is quantised to integers in ``0 .. GRID - 1`` so the map's data file stays small
and identical across runs for the same input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.manifold import TSNE
from sklearn.preprocessing import normalize

GRID = 4096
"""Quantised coordinates run from 0 to GRID - 1 on both axes."""
SVD_DIMS = 50
SEED = 42
PERPLEXITY = 30.0
TSNE_MAX_ITER = 500
"""Iterations of t-SNE; sklearn's default is 1000, but the layout has settled long before."""
SMALL = 4
"""Below this many papers there is nothing to embed: points go on a circle."""
LANDMARKS = 2000
"""Papers t-SNE lays out itself; the rest are placed by their nearest landmarks.

On the corpus (``bench/bench_map.py``), 2,000 landmarks lay out in about half the time of
3,000 with the same trustworthiness (0.847 against 0.846; 1,500 gave 0.836)."""
NEIGHBOURS = 8
CHUNK = 512
"""Rows placed at a time: each holds a few ``CHUNK`` x ``LANDMARKS`` arrays (similarities, their
ranking), 0.1 GB at 2,048 rows, beside Pagefind's peak. On the corpus 512 rows placed the
same points as 2,048, in 0.58 s rather than 0.91."""


def tfidf_svd(texts: Sequence[str], dims: int = SVD_DIMS) -> np.ndarray:
    """Rows of unit length in at most ``dims`` latent-semantic dimensions."""
    big = len(texts) >= 50  # document-frequency cut-offs would empty a tiny vocabulary
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        min_df=2 if big else 1,
        max_df=0.5 if big else 1.0,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term at all (empty or stop-word-only texts)
        return np.zeros((len(texts), 1), dtype=np.float64)
    dims = min(dims, matrix.shape[1] - 1, len(texts) - 1)
    if dims < 1:
        return matrix.toarray().astype(np.float64)
    reduced = TruncatedSVD(n_components=dims, random_state=SEED, algorithm="randomized").fit_transform(matrix)
    return normalize(reduced.astype(np.float64))


def embed(features: np.ndarray, landmarks: int = LANDMARKS) -> np.ndarray:
    """Two coordinates per row: t-SNE of at most ``landmarks`` rows, the others placed beside them."""
    n = features.shape[0]
    if n <= landmarks:
        return tsne(features)
    chosen = np.sort(np.random.default_rng(SEED).choice(n, size=landmarks, replace=False))
    coords = np.empty((n, 2), dtype=np.float64)
    coords[chosen] = tsne(features[chosen])
    rest = np.setdiff1d(np.arange(n), chosen)
    coords[rest] = place(features[rest], features[chosen], coords[chosen])
    return coords


def place(rows: np.ndarray, anchors: np.ndarray, anchor_coords: np.ndarray) -> np.ndarray:
    """Each row at the weighted mean of its most similar anchors (unit rows: dot = cosine)."""
    k = min(NEIGHBOURS, len(anchors))
    out = np.empty((len(rows), 2), dtype=np.float64)
    for start in range(0, len(rows), CHUNK):
        sims = rows[start : start + CHUNK] @ anchors.T
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        near_sims = np.take_along_axis(sims, nearest, axis=1)
        order = np.argsort(-near_sims, axis=1, kind="stable")
        nearest = np.take_along_axis(nearest, order, axis=1)
        weights = np.clip(np.take_along_axis(near_sims, order, axis=1), 1e-6, None) ** 4
        weights[:, 0] *= 2  # the single most similar landmark counts double
        weights /= weights.sum(axis=1, keepdims=True)
        out[start : start + CHUNK] = np.einsum("ik,ikd->id", weights, anchor_coords[nearest])
    return out


def tsne(features: np.ndarray) -> np.ndarray:
    """t-SNE (Barnes-Hut, PCA start, fixed seed) with a perplexity that fits the row count."""
    n = features.shape[0]
    if n < SMALL or not np.any(features):
        angles = np.arange(n) * (2 * np.pi / max(n, 1))
        return np.column_stack([np.cos(angles), np.sin(angles)])
    tsne = TSNE(
        n_components=2,
        perplexity=min(PERPLEXITY, (n - 1) / 3),
        init="pca",
        learning_rate="auto",
        max_iter=TSNE_MAX_ITER,
        random_state=SEED,
        method="barnes_hut",
    )
    return tsne.fit_transform(features)


def quantise(coords: np.ndarray, grid: int = GRID) -> np.ndarray:
    """Integers in ``0 .. grid - 1``, same scale on both axes, centred; aspect ratio kept."""
    if len(coords) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = float((high - low).max()) or 1.0
    centre = (low + high) / 2
    scaled = (coords - centre) / span * (grid - 1) + (grid - 1) / 2
    return np.clip(np.rint(scaled), 0, grid - 1).astype(np.int64)


def map_points(texts: Sequence[str]) -> np.ndarray:
    """``(n, 2)`` integer map coordinates for ``texts`` (title and abstract of each paper)."""
    return layout(tfidf_svd(texts))


def layout(features: np.ndarray) -> np.ndarray:
    """``map_points`` once the texts are ``tfidf_svd`` features (the build's worker drops the
    texts in between)."""
    return quantise(embed(features))
