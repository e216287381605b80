"""The Library page and the data its recommendations need (``library/data.json``).

A reader's library lives in the browser (``assets/javascripts/shelf.js`` and ``library.js``);
the site only gives the Library page what scoring needs, built here once per build and
fetched by that page alone. Papers are numbered in catalogue order; per paper the file holds
a 16-bit hash of its slug (a saved slug finds its number without a list of every slug; the
areas a reader saved with it tell apart the few papers that share a hash), its
areas and topics as symbols (``tag_symbols``), and its links to other papers as an undirected
graph: its closest related papers (``RELATED_ALWAYS`` of them, and the rest of its related
list when close) and the papers it mentions, each link once, neighbours as gaps in
Golomb-Rice codes, with a strength of 0 to 3. Titles are not in it: they are in small files
of ``TITLE_CHUNK`` papers each (``library/titles/<number // TITLE_CHUNK>.json.gz``), which the
page fetches for the papers it shows, and a paper's number gives its first dump (its year).
"""

from __future__ import annotations

import base64
import bisect
import functools
import itertools
import json
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from jinja2 import Environment

from generator.ingest.catalogue import Catalogue
from generator.memo import NoMemo
from generator.model import Paper
from generator.output import downloads
from generator.site.index import SiteIndex
from generator.site.pages import HTML_LISTING

if TYPE_CHECKING:
    import numpy as np

FORMAT_VERSION = 3
RELATED_ALWAYS = 3
"""Each paper's first ``RELATED_ALWAYS`` related papers are linked in the graph; the others of
its related list (its page shows 5 or 6) only when their similarity is at least ``CLOSE``:
every related paper would more than double the graph's bytes, and the Library page's first
load must stay under 500 KB. Three rather than two brought more of the held-out subject
groups' papers (bench/MEASUREMENTS.md, "The Library's figures", for what each choice measured)."""
CLOSE = 0.12
STRENGTHS = (0.10, 0.13, 0.17)
"""Cosine similarities at which a link's strength steps from 0 up to 3 (about the median,
the 80th and the 95th percentile of the corpus's related links)."""
MENTION_STRENGTH = 3
"""The strength of a link from a paper that names another's method this many times or more
(once: 1, twice: 2). A paper that names DeepSeek-R1 four times is about it; one that names it
once, among a hundred and sixty, uses it: on the corpus's method-name groups
(``bench/bench_library.py``) this took the hit rate from 0.63 (any mention: 2) to 0.72."""
HASH_BITS = 16
TITLE_CHUNK = 32
"""Papers per titles file: ten recommendations fetch at most ten of these files (about 2 KB
each gzipped on the corpus) rather than ten dump pages (about 8 KB each)."""


@functools.cache  # a serve's rebuilds ask again for every paper
@functools.lru_cache(maxsize=1 << 18)  # a byte at a time: 0.18 s a run for the corpus's slugs
def slug_hash(slug: str) -> int:
    """FNV-1a (32-bit) of the slug's UTF-8, cut to ``HASH_BITS``: ``library.js`` computes the same."""
    value = 0x811C9DC5
    for byte in slug.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value & ((1 << HASH_BITS) - 1)


@functools.cache  # scores have four digits: a few thousand of them, asked for 450,000 times
def strength(score: float) -> int:
    """How many of ``STRENGTHS`` (ascending) ``score`` reaches."""
    return bisect.bisect_right(STRENGTHS, score)


def topics_of(paper: Paper) -> tuple[str, ...]:
    """A paper's topics, the taxonomy's second level, once papers have them (else none)."""
    return tuple(getattr(paper, "topics", ()))


def area_of(index: SiteIndex, topic: str) -> str:
    """The area a topic is under, by the taxonomy the site was built with."""
    if topic not in index.topics:
        raise ValueError(f"library data: the topic {topic!r} is not in the taxonomy")
    return index.topics[topic].area.name


def link_table(
    papers: Sequence[Paper], memo: NoMemo | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each link once, as (lower number, higher number, strength), ordered by both numbers: a
    paper's first ``RELATED_ALWAYS`` related papers, the rest of its list at ``CLOSE`` or more,
    and the papers it mentions; a link made twice keeps its greater strength. In arrays, as
    ``make serve`` remakes it for 28,000 papers on every rebuild; with a memo, a paper's links
    are looked up again only when its lists or the papers' numbering changed."""
    import numpy as np  # loaded with the related lists anyway

    memo = memo or NoMemo()
    numbering = memo.keep("numbering", Numbering)(tuple(paper.slug for paper in papers))
    numbers = functools.cache(partial(paper_numbers, papers))
    rows = [
        memo.get(
            "links", (numbering, n, paper.related, paper.mentions), partial(links_from, paper, n, numbers)
        )
        for n, paper in enumerate(papers)
    ]
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
    table = flat.reshape(-1, 3)
    lower, higher = table[:, :2].min(axis=1), table[:, :2].max(axis=1)
    order = np.lexsort((-table[:, 2], higher, lower))  # the strongest first among repeats
    lower, higher, level = lower[order], higher[order], table[order, 2]
    first = np.ones(len(lower), dtype=bool)
    first[1:] = (lower[1:] != lower[:-1]) | (higher[1:] != higher[:-1])
    return lower[first], higher[first], level[first]


def links_from(paper: Paper, n: int, numbers: Callable[[], dict[str, int]]) -> tuple[int, ...]:
    """Paper ``n``'s links for ``link_table``, flat: its number, the other's, the strength."""
    number = numbers()
    found: list[int] = []
    for rank, rel in enumerate(paper.related):
        other = number.get(rel.slug)
        if other is not None and other != n and (rank < RELATED_ALWAYS or rel.score >= CLOSE):
            found += (n, other, strength(rel.score))
    if paper.mentions:
        for target, count in Counter(mention.target for mention in paper.mentions).items():
            other = number.get(target)
            if other is not None and other != n:
                found += (n, other, min(count, MENTION_STRENGTH))
    return tuple(found)


def graph(papers: Sequence[Paper]) -> list[dict[int, int]]:
    """Each paper's links as ``{other paper's number: strength}``, the same both ways."""
    links: list[dict[int, int]] = [{} for _ in papers]
    for a, b, level in zip(*(column.tolist() for column in link_table(papers)), strict=True):
        links[a][b] = links[b][a] = level
    return links


def packed_graph(papers: Sequence[Paper], memo: NoMemo | None = None) -> tuple[list[int], np.ndarray, str]:
    """Each link once, from its lower-numbered paper: per paper the count of its higher
    neighbours; each of those as the gap from the one before (the first from the paper
    itself); the strengths, one digit per link in the same order."""
    import numpy as np

    lower, higher, level = link_table(papers, memo)
    counts = np.bincount(lower, minlength=len(papers)).tolist()
    previous = np.empty_like(higher)
    previous[:1] = lower[:1]
    previous[1:] = np.where(lower[1:] == lower[:-1], higher[:-1], lower[1:])
    strengths = (level + ord("0")).astype(np.uint8).tobytes().decode("ascii")
    return counts, higher - previous - 1, strengths


def rice_code(values: Sequence[int]) -> tuple[int, bytes]:
    """Golomb-Rice codes of ``values`` (>= 0) with the parameter that makes them shortest:
    each value's quotient by 2^k in unary (ones, then a zero), then its k low bits. The gaps
    of the graph are spread about evenly, which Rice codes suit; gzip, which finds repeats,
    does poorly on numbers alone (on the corpus: 237 KB of JSON numbers, 174 KB of codes)."""
    import numpy as np  # loaded with the related lists anyway

    gaps = np.asarray(values, dtype=np.int64)
    k = min(range(24), key=lambda k: int(((gaps >> k) + 1 + k).sum()))
    # Each value's code as bits: its quotient's ones, a zero, then its k low bits.
    quotients = gaps >> k
    lengths = quotients + 1 + k
    ends = np.cumsum(lengths)
    starts = ends - lengths
    bits = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    before = np.cumsum(quotients) - quotients  # the ones of the values before each
    ones = np.repeat(starts - before, quotients) + np.arange(int(quotients.sum()))
    bits[ones] = 1
    for place in range(k):  # the low bits, most significant first
        bits[starts + quotients + 1 + place] = (gaps >> (k - 1 - place)) & 1
    return k, np.packbits(bits).tobytes()


SYMBOLS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""An area, by its number."""
TOPIC_SYMBOLS = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"
"""A topic, by its number among its area's topics: none of these needs escaping in JSON."""


def tag_symbols(areas: Sequence[tuple[int, Sequence[int]]]) -> str:
    """A paper's areas and topics as one string: each area's symbol, then the symbols of its
    topics among that area's. Gzipped, the papers' strings (apart by spaces) take less room
    than areas and topics as two lists, as the topic's area need not be said."""
    return "".join(SYMBOLS[area] + "".join(TOPIC_SYMBOLS[k] for k in topics) for area, topics in areas)


def kept_symbols(memo: NoMemo, symbols: tuple) -> dict[tuple[tuple[str, ...], tuple[str, ...]], str]:
    """The symbols of each set of areas and topics made so far, while the areas' and topics'
    order (``symbols``) stays the same: a serve's rebuild makes only the new sets'."""
    kept = memo.keep("tag symbols", dict)
    if symbols not in kept:
        kept.clear()
        kept[symbols] = {}
    return kept[symbols]


def library_data(catalogue: Catalogue, index: SiteIndex, memo: NoMemo | None = None) -> dict:
    """What ``library.js`` reads: see the module's docstring. Dumps list, in order, their stem,
    their date as shown, the number of their first new paper and how many new papers they
    have (in catalogue order)."""
    papers = catalogue.papers
    number = paper_numbers(papers)
    areas = [name for name in index.tag_order]
    area_index = {name: k for k, name in enumerate(areas)}
    topics = sorted({topic for paper in papers for topic in topics_of(paper)})
    topic_areas = [area_index[area_of(index, name)] for name in topics]
    dumps = []
    for dump in catalogue.dumps:
        slugs = index.dump_papers[dump.name]
        new = [number[s] for s in slugs if papers[number[s]].sources[0].dump == dump.name]
        first = new[0] if new else (dumps[-1][2] + dumps[-1][3] if dumps else 0)
        if new != list(range(first, first + len(new))):
            raise ValueError(f"{dump.name}: its new papers are not numbered in page order")
        dumps.append([dump.stem, dump.date.label if dump.date else dump.stem, first, len(new)])
    hashes = b"".join(slug_hash(paper.slug).to_bytes(HASH_BITS // 8, "big") for paper in papers)
    counts, gaps, strengths = packed_graph(papers, memo)
    rice, coded = rice_code(gaps)
    if len(areas) > len(SYMBOLS):
        raise ValueError(f"library data: {len(areas)} areas, more than {len(SYMBOLS)} symbols")
    among = {name: topic_areas[:k].count(topic_areas[k]) for k, name in enumerate(topics)}
    if among and max(among.values()) >= len(TOPIC_SYMBOLS):
        raise ValueError(f"library data: an area has more than {len(TOPIC_SYMBOLS)} topics")
    symbols = kept_symbols(memo or NoMemo(), (tuple(areas), tuple(topics)))
    for paper in papers:  # papers share their areas and topics: each set once
        key = (paper.tags, topics_of(paper))
        if key not in symbols:
            symbols[key] = tag_symbols(
                [
                    (area_index[area], [among[t] for t in key[1] if area_of(index, t) == area])
                    for area in key[0]
                    if area in area_index
                ]
            )
    return {
        "format": "hf-papers-atlas-library-data",
        "version": FORMAT_VERSION,
        "papers": len(papers),
        "titleChunk": TITLE_CHUNK,
        "hashes": base64.b64encode(hashes).decode("ascii"),
        "dumps": dumps,
        "areas": [[name, index.tags[name].slug] for name in areas],
        "topics": topics,
        "topicAreas": topic_areas,
        "paperTags": " ".join(symbols[paper.tags, topics_of(paper)] for paper in papers),
        "linkCounts": counts,
        "linkRice": rice,
        "linkGaps": base64.b64encode(coded).decode("ascii"),
        "strengths": strengths,
    }


def title_files(catalogue: Catalogue, index: SiteIndex, memo: NoMemo | None = None) -> dict[str, bytes]:
    """``library/titles/<k>.json.gz``: the slug and title of papers ``k * TITLE_CHUNK`` onwards,
    ``TITLE_CHUNK`` of them (fewer in the last), in catalogue order. Gzipped like the map's
    titles (``library.js`` unzips them): the same bytes on the wire, and 2.2 KB rather than 5.7
    of the site a file, which at three times the corpus is 10 MB of GitHub Pages' 1 GB. With a
    memo, a file is made again only when one of its rows changed."""
    memo = memo or NoMemo()
    rows = tuple((paper.slug, index.views[paper.slug].readable_title) for paper in catalogue.papers)
    files = {}
    for k in range(0, len(rows), TITLE_CHUNK):
        chunk = rows[k : k + TITLE_CHUNK]
        files[f"library/titles/{k // TITLE_CHUNK}.json.gz"] = memo.get(
            "titles file", chunk, partial(chunk_file, chunk)
        )
    return files


def chunk_file(rows: Sequence[Sequence]) -> bytes:
    """One of the Library's chunked files: ``rows`` as compact JSON, a line, gzipped."""
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n"
    return downloads.gzipped(text.encode())


def near_rows(
    catalogue: Catalogue, papers: Sequence[Paper] | None = None, numbers: dict[str, int] | None = None
) -> list[list[int]]:
    """Each paper's closest papers (related list, then ``Catalogue.further``), each as its
    number times 4 plus the link's strength (0 to 3): one small integer a link in the JSON.
    Of ``papers`` (some of the catalogue's) when given, else of every paper; ``numbers``: the
    papers' numbers by slug, when the caller has them."""
    numbers = numbers or paper_numbers(catalogue.papers)
    return [
        [
            numbers[rel.slug] * 4 + strength(rel.score)
            for rel in (*paper.related, *catalogue.further.get(paper.slug, ()))
            if rel.slug in numbers
        ]
        for paper in (catalogue.papers if papers is None else papers)
    ]


def paper_numbers(papers: Sequence[Paper]) -> dict[str, int]:
    """Each paper's number (its place in the catalogue) by slug."""
    return {paper.slug: n for n, paper in enumerate(papers)}


class Numbering:
    """Which numbering of the papers a run has: the last run's while papers are only added
    after the others (a new dump, the usual edit), so what was made of numbers then is still
    right; any other change (a paper dropped or moved) is a new numbering."""

    def __init__(self) -> None:
        self.slugs: tuple[str, ...] = ()
        self.count = 0

    def __call__(self, slugs: tuple[str, ...]) -> int:
        """The numbering of papers in the order of ``slugs``, as a number."""
        if slugs[: len(self.slugs)] != self.slugs:
            self.count += 1
        self.slugs = slugs
        return self.count


def near_files(catalogue: Catalogue, memo: NoMemo | None = None) -> dict[str, bytes]:
    """``library/near/<k>.json.gz``: ``near_rows`` of the papers of ``title_files``' chunk k.
    With a memo, a file is made again only when its papers' closest papers changed or the
    papers were numbered differently: a serve's new dump changes a few hundred of 880 files."""
    memo = memo or NoMemo()
    papers = catalogue.papers
    numbering = memo.keep("numbering", Numbering)(tuple(paper.slug for paper in papers))
    numbers = functools.cache(partial(paper_numbers, papers))  # made if a file is

    def make(chunk: Sequence[Paper]) -> bytes:
        return chunk_file(near_rows(catalogue, chunk, numbers()))

    files = {}
    for k in range(0, len(papers), TITLE_CHUNK):
        chunk = papers[k : k + TITLE_CHUNK]
        key = numbering, tuple((p.slug, p.related, catalogue.further.get(p.slug)) for p in chunk)
        files[f"library/near/{k // TITLE_CHUNK}.json.gz"] = memo.get("near file", key, partial(make, chunk))
    return files


def library_files(
    catalogue: Catalogue, index: SiteIndex, env: Environment, memo: NoMemo | None = None
) -> dict[str, bytes]:
    """``library/index.md`` (the page, which reads as a plain explanation without JavaScript),
    ``library/data.json``, the titles' files and the closest papers' files; ``catalogue`` has the related lists and mentions."""
    src = "library/index.md"
    page = env.get_template("library.md.j2").render(
        meta={"title": "Library", "library": True, **HTML_LISTING},
        root="../",
        total=len(catalogue.papers),
    )
    data = json.dumps(library_data(catalogue, index, memo), ensure_ascii=False, separators=(",", ":"))
    return {
        src: page.encode(),
        # Plain, for the server to gzip: kept gzipped, the page unzipped it on the main thread
        # and its phone score fell from 98 to 92 (bench/MEASUREMENTS.md).
        "library/data.json": (data + "\n").encode(),
        **title_files(catalogue, index, memo),
        **near_files(catalogue, memo),
    }
