"""Candidate topics for each area: phrases that set a cluster of the area's papers apart.

    .venv/bin/python bench/mine_topics.py [--area NAME] [--top N] [--clusters] [DUMPS_DIR]

For every area of ``taxonomy.yml`` (or one, ``--area``), over the clean titles and
abstracts of the papers the real pipeline tags with it:

- the bigrams and trigrams most over-represented in the area against the whole corpus
  (papers of the area holding the phrase, times the log of how much likelier it is there),
  each marked with the declared topic whose phrases already catch it, if any;
- with ``--clusters``, KMeans on the area's TF-IDF (about one cluster per 150 papers) and
  each cluster's most distinguishing terms: subjects that share no single phrase.

The output is a reading list for curating ``taxonomy.yml``, not a taxonomy: keep what a
reader of the field would name a topic.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from taxonomy_coverage import DEFAULT_DUMPS, read_corpus  # noqa: E402

from generator.enrich.taxonomy import default_path, load_taxonomy  # noqa: E402

MIN_PAPERS = 8
"""A phrase held by fewer of an area's papers is too rare to name a topic."""


def phrase_sets(texts: list[str]) -> tuple[list[set[str]], list[str]]:
    """Each text's set of bigrams and trigrams (scikit-learn's analyser, English stop words)."""
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(ngram_range=(2, 3), stop_words="english").build_analyzer()
    return [set(analyse(text)) for text in texts], []


def over_represented(inside: list[set[str]], everywhere: Counter[str], total: int, top: int) -> list:
    """Phrases held by at least ``MIN_PAPERS`` of ``inside``, scored by count x log lift."""
    held = Counter(phrase for phrases in inside for phrase in phrases)
    scored = []
    for phrase, count in held.items():
        if count < MIN_PAPERS:
            continue
        lift = (count / len(inside)) / (everywhere[phrase] / total)
        if lift > 1.5:
            scored.append((count * math.log(lift), phrase, count, everywhere[phrase]))
    return sorted(scored, reverse=True)[:top]


def clusters(texts: list[str], top: int = 8) -> list[tuple[int, list[str]]]:
    """KMeans on the texts' TF-IDF: each cluster's size and its most weighted terms."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        ngram_range=(1, 2), stop_words="english", min_df=3, max_df=0.3, sublinear_tf=True
    )
    matrix = vectoriser.fit_transform(texts)
    count = max(2, len(texts) // 150)
    model = KMeans(count, n_init=2, random_state=0).fit(matrix)
    terms = np.array(vectoriser.get_feature_names_out())
    sizes = Counter(model.labels_)
    return [
        (sizes[label], list(terms[np.argsort(-model.cluster_centers_[label])[:top]]))
        for label in sorted(sizes, key=lambda k: -sizes[k])
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", nargs="?", type=Path, default=DEFAULT_DUMPS)
    parser.add_argument("--area", help="only this area (its name as in taxonomy.yml)")
    parser.add_argument("--top", type=int, default=40, help="phrases per area")
    parser.add_argument("--clusters", action="store_true", help="also KMeans clusters per area")
    args = parser.parse_args(argv)

    taxonomy = load_taxonomy(default_path())
    papers = read_corpus(args.dumps)
    labels = [taxonomy.classify(title, abstract) for _, title, abstract in papers]
    texts = [f"{title}. {abstract}" for _, title, abstract in papers]
    sets, _ = phrase_sets(texts)
    everywhere = Counter(phrase for phrases in sets for phrase in phrases)
    for area in taxonomy.tags:
        if args.area and area.name != args.area:
            continue
        members = [i for i, (tags, _) in enumerate(labels) if area.name in tags]
        with_topic = sum(1 for i in members if any(taxonomy.area_of(t) == area.name for t in labels[i][1]))
        print(f"\n== {area.name}: {len(members)} papers, {with_topic} with one of its topics")
        caught = {}
        for i in members:
            for phrase in sets[i]:
                caught.setdefault(phrase, Counter()).update(labels[i][1])
        for _, phrase, count, total in over_represented(
            [sets[i] for i in members], everywhere, len(texts), args.top
        ):
            topic = caught[phrase].most_common(1)
            note = f"  [{topic[0][0]}]" if topic and topic[0][1] >= count / 2 else ""
            print(f"  {count:5d} /{total:5d}  {phrase}{note}")
        if args.clusters:
            for size, terms in clusters([texts[i] for i in members]):
                print(f"  cluster {size:4d}: {', '.join(terms)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
