"""How much of the corpus the taxonomy tags with areas and topics, and how evenly.

    .venv/bin/python bench/taxonomy_coverage.py [--samples N] [--topic NAME] [DUMPS_DIR]

Reads the dumps with the real pipeline (``pipeline.read_catalogue``, then the clean titles and
abstracts of ``site.clean_texts``, as tagging sees them) and prints:

- areas: the share of papers with one, each area's count and share;
- topics: the share of papers with one, each area's topics by count, the largest and smallest;
- a sample of ``--samples`` papers per topic (5 unless told; 0 for none), spread over the
  topic's papers, for a reader to judge;
- the held-out groups of ``topic_groups.yml``: papers on one narrow subject, found by title,
  and whether each group's papers share a topic (``--no-groups`` for dumps other than the
  corpus).

DUMPS_DIR defaults to ``$PAPERS_DUMPS_DIR``, else the shared corpus beside the checkout.

Exits 1 when a goal is missed: at least 95% of papers with an area, no area on more than
40%; at least 90% with a topic, no topic on more than 2%, none on fewer than 15 papers;
at least 80% of the held-out groups sharing a topic.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.enrich.taxonomy import Taxonomy, default_path, load_taxonomy  # noqa: E402
from generator.pipeline import read_catalogue  # noqa: E402
from generator.site.views import clean_texts  # noqa: E402

DEFAULT_DUMPS = Path(os.environ.get("PAPERS_DUMPS_DIR") or ROOT.parent / "shared" / "corpus" / "dumps")
GROUPS = Path(__file__).with_name("topic_groups.yml")
MIN_TAGGED = 0.95
MAX_TAG_SHARE = 0.40
MIN_WITH_TOPIC = 0.90
MAX_TOPIC_SHARE = 0.02
MIN_TOPIC_PAPERS = 15
MIN_GROUPS_SHARING = 0.80

Paper = tuple[str, str, str]  # slug, clean title, clean abstract


def read_corpus(dumps: Path) -> list[Paper]:
    """Every paper of ``dumps`` as the pipeline reads and cleans it, in catalogue order."""
    catalogue, problems = read_catalogue(dumps)
    errors = [str(p) for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit("\n".join(errors))
    texts = clean_texts(catalogue.papers)
    return [(paper.slug, *texts[paper.slug]) for paper in catalogue.papers]


def classify(taxonomy: Taxonomy, papers: list[Paper]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each paper's areas and topics."""
    return [taxonomy.classify(title, abstract) for _, title, abstract in papers]


def held_out_groups(path: Path, papers: list[Paper]) -> list[tuple[str, list[int]]]:
    """The groups of ``path`` (name -> title patterns, case-insensitive): each group's papers,
    by index. A pattern must match exactly one title, so a group stays the papers it names."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for name, patterns in groups.items():
        members = []
        for pattern in patterns:
            regex = re.compile(pattern, re.IGNORECASE)
            hits = [i for i, (_, title, _) in enumerate(papers) if regex.search(title)]
            if len(hits) != 1:
                raise SystemExit(f"{path}: {name}: {pattern!r} matches {len(hits)} titles, not 1")
            members.extend(hits)
        found.append((name, members))
    return found


def report_areas(taxonomy: Taxonomy, labels: list, total: int) -> list[str]:
    counts = Counter(name for tags, _ in labels for name in tags)
    tagged = sum(1 for tags, _ in labels if tags)
    print(f"papers: {total}")
    print(f"with an area: {tagged} ({tagged / total:.1%})")
    for tag in sorted(taxonomy.tags, key=lambda t: (-counts[t.name], t.name)):
        print(f"  {counts[tag.name]:6d}  {counts[tag.name] / total:6.1%}  {tag.name}")
    largest = max(taxonomy.tags, key=lambda t: counts[t.name])
    print(f"largest area: {largest.name} ({counts[largest.name] / total:.1%})")
    failures = []
    if tagged / total < MIN_TAGGED:
        failures.append(f"{tagged / total:.1%} with an area, below {MIN_TAGGED:.0%}")
    if counts[largest.name] / total > MAX_TAG_SHARE:
        failures.append(f"area {largest.name} above {MAX_TAG_SHARE:.0%}")
    return failures


def report_topics(
    taxonomy: Taxonomy, labels: list, papers: list[Paper], samples: int, only: str | None
) -> list[str]:
    total = len(papers)
    counts = Counter(name for _, topics in labels for name in topics)
    with_topic = sum(1 for _, topics in labels if topics)
    print(f"\ntopics: {len(taxonomy.topics)}")
    print(f"with a topic: {with_topic} ({with_topic / total:.1%})")
    print(f"topics per paper with one: {sum(counts.values()) / max(with_topic, 1):.2f}")
    for area in taxonomy.tags:
        mine = [t for t in taxonomy.topics if t.area == area]
        in_area = [i for i, (tags, _) in enumerate(labels) if area.name in tags]
        covered = sum(1 for i in in_area if any(taxonomy.area_of(t) == area.name for t in labels[i][1]))
        print(f"\n== {area.name}: {len(mine)} topics, {covered} of {len(in_area)} papers with one")
        for topic in sorted(mine, key=lambda t: (-counts[t.name], t.name)):
            print(f"  {counts[topic.name]:6d}  {counts[topic.name] / total:6.2%}  {topic.name}")
    largest = max(taxonomy.topics, key=lambda t: counts[t.name])
    smallest = min(taxonomy.topics, key=lambda t: counts[t.name])
    print(f"\nlargest topic: {largest.name} ({counts[largest.name]}, {counts[largest.name] / total:.2%})")
    print(f"smallest topic: {smallest.name} ({counts[smallest.name]})")
    if samples:
        print_samples(taxonomy, labels, papers, samples, only)
    failures = []
    if with_topic / total < MIN_WITH_TOPIC:
        failures.append(f"{with_topic / total:.1%} with a topic, below {MIN_WITH_TOPIC:.0%}")
    for topic in taxonomy.topics:
        if counts[topic.name] / total > MAX_TOPIC_SHARE:
            failures.append(f"topic {topic.name} on {counts[topic.name]} papers, above {MAX_TOPIC_SHARE:.0%}")
        if counts[topic.name] < MIN_TOPIC_PAPERS:
            failures.append(f"topic {topic.name} on {counts[topic.name]} papers, below {MIN_TOPIC_PAPERS}")
    return failures


def print_samples(
    taxonomy: Taxonomy, labels: list, papers: list[Paper], samples: int, only: str | None
) -> None:
    """``samples`` titles per topic, evenly spaced over its papers (deterministic)."""
    members: dict[str, list[int]] = {topic.name: [] for topic in taxonomy.topics}
    for index, (_, topics) in enumerate(labels):
        for name in topics:
            members[name].append(index)
    print("\nsamples:")
    for topic in taxonomy.topics:
        if only and topic.name != only:
            continue
        found = members[topic.name]
        step = max(len(found) / samples, 1)
        picked = sorted({found[int(k * step)] for k in range(min(samples, len(found)))})
        print(f"\n[{topic.area.name} / {topic.name}] {len(found)}")
        for index in picked:
            print(f"    {papers[index][1][:140]}")


def report_groups(labels: list, groups: list[tuple[str, list[int]]], papers: list[Paper]) -> list[str]:
    """Whether each group's papers all share a topic; the share of groups that do."""
    print(f"\nheld-out groups ({GROUPS.name}):")
    sharing = 0
    for name, members in groups:
        shared = set.intersection(*(set(labels[i][1]) for i in members))
        sharing += bool(shared)
        print(f"  {'ok  ' if shared else 'MISS'} {name} ({len(members)}): {', '.join(sorted(shared)) or '-'}")
        if not shared:
            for i in members:
                print(f"         {papers[i][1][:80]}: {', '.join(labels[i][1]) or '-'}")
    share = sharing / len(groups) if groups else 1.0
    print(f"groups sharing a topic: {sharing} of {len(groups)} ({share:.0%})")
    return (
        []
        if share >= MIN_GROUPS_SHARING
        else [f"{share:.0%} of groups share a topic, below {MIN_GROUPS_SHARING:.0%}"]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", nargs="?", type=Path, default=DEFAULT_DUMPS)
    parser.add_argument("--samples", type=int, default=5, help="papers shown per topic (0: none)")
    parser.add_argument("--topic", help="show the samples of this topic only")
    parser.add_argument("--no-groups", action="store_true", help="skip the held-out groups (not the corpus)")
    args = parser.parse_args(argv)
    papers = read_corpus(args.dumps)
    if not papers:
        print(f"{args.dumps}: no papers found", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy(default_path())
    start = time.perf_counter()
    labels = classify(taxonomy, papers)
    seconds = time.perf_counter() - start
    failures = report_areas(taxonomy, labels, len(papers))
    if taxonomy.topics:
        failures += report_topics(taxonomy, labels, papers, args.samples, args.topic)
    if not args.no_groups:
        failures += report_groups(labels, held_out_groups(GROUPS, papers), papers)
    print(f"\nseconds: {seconds:.2f} ({len(taxonomy.tags)} areas, {len(taxonomy.topics)} topics)")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
