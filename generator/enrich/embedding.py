"""openTSNE for the map (``layout.py``): cosine neighbours, the full layout and the
placing of new papers into a finished one. A module of its own so that only a process that
lays the map out loads openTSNE, scikit-learn and SciPy (seconds of imports)."""

from __future__ import annotations

import numpy as np
from openTSNE import TSNEEmbedding, affinity, initialization
from openTSNE.nearest_neighbors import KNNIndex
from scipy import sparse

from generator.enrich.layout import (
    CHUNK,
    DOF,
    EARLY_ITER,
    EXACT_NEIGHBOURS_MOST,
    INTERVAL,
    PERPLEXITY,
    SEED,
    SMALL,
    TSNE_ITER,
)

PROBED = 32
"""Clusters searched for a paper's neighbours above ``EXACT_NEIGHBOURS_MOST`` papers: its own
cluster's nearest 32 of about sqrt(papers). On the synthetic corpus three times the shared
one, the map's neighbour agreement is 0.420 rather than exact search's 0.422, in a sixth of
the time (bench/MEASUREMENTS.md, session 26)."""

TRAINED_PER_CLUSTER = 64
"""k-means is fitted on this many rows per cluster, then every row goes to its nearest centre,
as Faiss trains its inverted files on a sample. Fitted on every row, it grew as rows times
clusters, faster than the catalogue: 7.0 s of the worker at three times the corpus, 1.2 s at
its size. The 90 neighbours found are exact search's a little less often: 0.944 rather than
0.948 at 1x, 0.870 rather than 0.874 at 3x (bench/MEASUREMENTS.md)."""

# -- nearest neighbours ---------------------------------------------------------------------------


def top_k(
    rows: np.ndarray, data: np.ndarray, k: int, own: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and dot products of each row's ``k`` largest dot products with ``data``, largest
    first, ties by index; ``own``: row ``i`` is ``data[own[i]]`` and is not its own neighbour.

    A full sort (or ``argpartition``) of every row is most of the cost, so a threshold from
    every 16th column first keeps the few hundred columns that can be in the top ``k``."""
    sims = rows @ data.T
    if own is not None:
        sims[np.arange(len(rows)), own] = -np.inf
    sample = sims[:, ::16]
    j = min(sample.shape[1], 2 * k // 16 + 1)
    floor = -np.partition(-sample, j - 1, axis=1)[:, j - 1]
    keep = sims >= floor[:, None]
    keep[keep.sum(axis=1) < k] = True  # too few above the threshold: the whole row
    r, c = np.nonzero(keep)
    v = sims[r, c]
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(len(rows)))[r]
    first = rank < k
    return c[first].reshape(len(rows), k), v[first].reshape(len(rows), k)


class CosineNeighbours(KNNIndex):
    """Cosine nearest neighbours of unit rows, for openTSNE: exact up to
    ``EXACT_NEIGHBOURS_MOST`` rows, then by clusters (``clustered_neighbours``). Deterministic,
    unlike Annoy, which on one thread needs as long as exact search for 94% of the neighbours."""

    VALID_METRICS = ["cosine"]

    def build(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self.data) > EXACT_NEIGHBOURS_MOST:
            return clustered_neighbours(self.data.astype(np.float32), self.k)
        return self._search(self.data, self.k, skip_self=True)

    def query(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self._search(query, k, skip_self=False)

    def _search(self, query: np.ndarray, k: int, skip_self: bool) -> tuple[np.ndarray, np.ndarray]:
        data = self.data.astype(np.float32)
        query = query.astype(np.float32)
        indices = np.empty((len(query), k), dtype=np.int64)
        distances = np.empty((len(query), k), dtype=np.float64)
        for start in range(0, len(query), CHUNK):
            chunk = query[start : start + CHUNK]
            own = start + np.arange(len(chunk)) if skip_self else None
            found, sims = top_k(chunk, data, k, own)
            indices[start : start + CHUNK] = found
            distances[start : start + CHUNK] = np.clip(1.0 - sims, 0.0, None)
        return indices, distances


def clustered_neighbours(data: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit row's ``k`` nearest other rows (indices, cosine distances), searched among the
    rows of the ``PROBED`` clusters (k-means, about sqrt(rows) of them) nearest its own: an
    inverted-file search, as Faiss's ``IndexIVFFlat``, on scikit-learn's k-means. Rows of one
    cluster are searched together, so the search grows as rows times sqrt(rows); the
    clustering, fitted on a sample (``trained_rows``), as rows."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    clusters = max(1, round(len(data) ** 0.5))
    kmeans = KMeans(n_clusters=clusters, n_init=1, max_iter=20, random_state=SEED)
    labels = kmeans.fit(data[trained_rows(len(data), clusters)]).predict(data)
    centres = normalize(kmeans.cluster_centers_).astype(np.float32)
    probed = np.argsort(-(centres @ centres.T), axis=1, kind="stable")[:, :PROBED]
    members = [np.flatnonzero(labels == c) for c in range(clusters)]
    indices = np.empty((len(data), k), dtype=np.int64)
    distances = np.empty((len(data), k), dtype=np.float64)
    for cluster, rows in enumerate(members):
        if not len(rows):
            continue
        candidates = np.sort(np.concatenate([members[c] for c in probed[cluster]]))
        if len(candidates) <= k:  # too few near: all rows
            candidates = np.arange(len(data))
        own = np.searchsorted(candidates, rows)
        pool = data[candidates]
        for start in range(0, len(rows), CHUNK):
            part = slice(start, start + CHUNK)
            found, sims = top_k(data[rows[part]], pool, k, own[part])
            indices[rows[part]] = candidates[found]
            distances[rows[part]] = np.clip(1.0 - sims, 0.0, None)
    return indices, distances


def trained_rows(rows: int, clusters: int) -> np.ndarray:
    """The rows k-means is fitted on: ``TRAINED_PER_CLUSTER`` per cluster, drawn with the
    seed, in order (all rows when there are fewer)."""
    wanted = TRAINED_PER_CLUSTER * clusters
    if rows <= wanted:
        return np.arange(rows)
    return np.sort(np.random.default_rng(SEED).permutation(rows)[:wanted])


class ReferenceAffinities(affinity.PerplexityBasedNN):
    """The affinities of papers placed into a finished map: only ``to_new`` is used, so the
    reference papers' own neighbours are never searched (``P`` is empty)."""

    def __init__(self, features: np.ndarray, perplexity: float) -> None:  # noqa: D107
        self.knn_index = CosineNeighbours(features, k=1, metric="cosine")
        self.P = sparse.csr_matrix((len(features), len(features)))
        self.perplexity = perplexity
        self.symmetrize = False
        self.n_jobs = 1
        self.verbose = False


def circle(n: int) -> np.ndarray:
    angles = np.arange(n) * (2 * np.pi / max(n, 1))
    return np.column_stack([np.cos(angles), np.sin(angles)])


def tsne(features: np.ndarray) -> np.ndarray:
    """openTSNE of every row: PCA start, exact cosine neighbours, fixed seed, one thread."""
    n = features.shape[0]
    if n < SMALL or not np.any(features):
        return circle(n)
    perplexity = min(PERPLEXITY, (n - 1) / 3)
    index = CosineNeighbours(features, k=min(n - 1, int(3 * perplexity)), metric="cosine")
    affinities = affinity.PerplexityBasedNN(perplexity=perplexity, knn_index=index, n_jobs=1)
    start = initialization.pca(features, random_state=SEED)
    embedding = TSNEEmbedding(
        start, affinities, n_jobs=1, random_state=SEED, dof=DOF, ints_in_interval=INTERVAL
    )
    embedding = embedding.optimize(n_iter=EARLY_ITER, exaggeration=12, momentum=0.5)
    embedding = embedding.optimize(n_iter=TSNE_ITER, momentum=0.8)
    return np.asarray(embedding, dtype=np.float64)


def place(reference: np.ndarray, reference_coords: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Coordinates for ``rows`` in a finished map, which does not move: openTSNE's ``transform``
    (each row started at the median of its nearest reference papers, then optimised alone)."""
    if len(reference) < SMALL or not np.any(reference):
        centre = reference_coords.mean(axis=0) if len(reference_coords) else np.zeros(2)
        return np.repeat(centre[None, :], len(rows), axis=0)
    perplexity = min(5.0, (len(reference) - 1) / 3)
    embedding = TSNEEmbedding(
        reference_coords,
        ReferenceAffinities(reference, perplexity),
        n_jobs=1,
        random_state=SEED,
        dof=DOF,
        ints_in_interval=INTERVAL,
    )
    shift = (embedding.max(axis=0) + embedding.min(axis=0)) / 2  # ``transform`` centres its copy
    k = min(25, len(reference))
    placed = embedding.transform(rows, perplexity=perplexity, k=k)
    return np.asarray(placed, dtype=np.float64) + shift
