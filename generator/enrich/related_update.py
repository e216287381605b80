"""Related lists for the papers added or changed since the last run, against the whole
catalogue, with no other list computed from scratch: how ``mkdocs serve`` relates a new dump.

A new text is weighted with the last run's terms and document frequencies (a term the
catalogue did not have is left out); its neighbours are found among all rows as
``related_papers`` finds them; and an old paper's list takes a new paper in where it now
ranks among that paper's best. A full build computes every list afresh.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from generator.enrich.related import (
    RELATED_LEAST,
    RELATED_MOST,
    RelatedModel,
    _cut,
    explain,
    nearest_papers,
    prune_rows,
    related_model,
)
from generator.enrich.terms import _STOP_SET, TOKEN_PATTERN, _preprocess
from generator.model import Related

MOST_CHANGED = 0.1
"""Past this share of changed papers, every list is computed afresh."""
_TOKENS = re.compile(TOKEN_PATTERN)


def vectorise(model: RelatedModel, texts: Sequence[str]) -> sp.csr_matrix:
    """Unit TF-IDF rows of ``texts`` over the model's terms (sublinear tf, smooth idf)."""
    assert model.matrix is not None
    columns = {term: i for i, term in enumerate(model.terms)}
    df = np.bincount(model.matrix.indices, minlength=len(model.terms))
    idf = np.log((1 + model.matrix.shape[0]) / (1 + df)) + 1
    rows, cols, data = [], [], []
    for row, text in enumerate(texts):
        words = [w for w in _TOKENS.findall(_preprocess(text)) if w not in _STOP_SET]
        grams = Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)])
        for gram, count in grams.items():
            column = columns.get(gram)
            if column is not None:
                rows.append(row)
                cols.append(column)
                data.append((1 + math.log(count)) * idf[column])
    shape = (len(texts), len(model.terms))
    matrix = sp.csr_matrix((np.array(data, np.float32), (rows, cols)), shape=shape)
    matrix.sort_indices()
    return normalize(matrix, copy=False)


def update(
    model: RelatedModel, docs: Sequence[tuple[str, str]], *, k: int = RELATED_MOST, min_k: int = RELATED_LEAST
) -> RelatedModel:
    """The model for ``docs``: lists of new or changed papers computed, old lists kept or
    joined by a new neighbour, removed papers dropped from every list."""
    ordered = sorted(docs)
    last = dict(zip(model.slugs, model.texts, strict=True))
    changed = [slug for slug, text in ordered if last.get(slug) != text]
    if model.matrix is None or len(changed) > MOST_CHANGED * len(ordered):
        return related_model(ordered, k=k, min_k=min_k)
    slugs = [slug for slug, _ in ordered]
    new = grown(model, slugs, [text for _, text in ordered], changed, dict(ordered))
    moved = set(changed)
    kept = set(slugs) - moved
    related = without(model.related, kept, set(model.slugs) - kept)
    row = {slug: i for i, slug in enumerate(slugs)}
    rows = [row[slug] for slug in changed]
    lists = [_cut(found, min_k) for found in nearest_papers(new.matrix, k, rows, pruned=new.pruned)]
    related.update(explain(new, rows, lists))
    joined = joining(new, related, rows, lists, moved, k, min_k)
    related.update(joined)
    new.related = {slug: related[slug] for slug in slugs}
    return new


def without(
    related: dict[str, tuple[Related, ...]], kept: set[str], gone: set[str]
) -> dict[str, tuple[Related, ...]]:
    """The lists of the ``kept`` papers without the ``gone`` ones (changed or removed); a list
    that names none of them is the same tuple."""
    lists = {slug: related[slug] for slug in kept}
    if gone:
        for slug, found in lists.items():
            for rel in found:
                if rel.slug in gone:
                    lists[slug] = tuple(r for r in found if r.slug not in gone)
                    break
    return lists


def grown(
    model: RelatedModel, slugs: list[str], texts: list[str], changed: list[str], by_slug: dict
) -> RelatedModel:
    """The model's rows re-ordered to ``slugs``, the changed papers' rows weighted afresh."""
    assert model.matrix is not None and model.pruned is not None
    at = {slug: i for i, slug in enumerate(model.slugs)}
    at.update((slug, model.matrix.shape[0] + i) for i, slug in enumerate(changed))
    order = [at[slug] for slug in slugs]
    matrix, pruned = model.matrix, model.pruned
    if changed:
        fresh = vectorise(model, [by_slug[slug] for slug in changed])
        matrix = sp.vstack([matrix, fresh], format="csr")
        pruned = sp.vstack([pruned, prune_rows(fresh)], format="csr")
    matrix, pruned = matrix[order], pruned[order]
    return RelatedModel({}, slugs, texts, matrix, pruned, model.terms)


def joining(
    model: RelatedModel,
    related: dict[str, tuple[Related, ...]],
    rows: list[int],
    lists: list[list[tuple[int, float]]],
    moved: set[str],
    k: int,
    min_k: int,
) -> dict[str, tuple[Related, ...]]:
    """Old papers whose list a new or changed paper now enters, with their new lists.

    Similarity is symmetric: a new paper's neighbours are the old papers it may join."""
    slugs = model.slugs
    offers: dict[int, list[tuple[int, float]]] = {}
    for i, found in zip(rows, lists, strict=True):
        for j, score in found:
            if slugs[j] not in moved:
                offers.setdefault(j, []).append((i, score))
    row = {slug: n for n, slug in enumerate(slugs)}
    lists: dict[int, tuple[dict[int, Related], list[tuple[int, float]]]] = {}
    for j, offered in sorted(offers.items()):
        old = {row[rel.slug]: rel for rel in related[slugs[j]]}
        merged = sorted([(i, rel.score) for i, rel in old.items()] + offered, key=lambda e: (-e[1], e[0]))
        merged = _cut(merged[:k], min_k)
        if [i for i, _ in merged] != list(old):
            lists[j] = (old, merged)
    # The terms the new entries share, for every list at once.
    explained = explain(
        model, lists, [[(i, s) for i, s in merged if i not in old] for old, merged in lists.values()]
    )
    result: dict[str, tuple[Related, ...]] = {}
    for j, (old, merged) in lists.items():
        fresh = iter(explained[slugs[j]])
        result[slugs[j]] = tuple(old[i] if i in old else next(fresh) for i, _ in merged)
    return result
