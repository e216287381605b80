"""Mentions: a paper's method name (``PFGM++`` in ``PFGM++: Unlocking ...``) found in
other papers' abstracts, so each abstract can link the names it uses.

All names go into one Aho-Corasick automaton that is run once over each abstract.
Matching is case-sensitive: method names are written the way their authors wrote them
("DPM-Solver", "SweetDreamer"), while a lower-case "stochastic interpolants" or a
sentence-initial "Smooth diffusion" is usually the general idea, not the paper.
A name two papers claim is ambiguous and is not linked at all: a link to the wrong
paper is worse than no link. So is a name of plain capitalised words that the texts
mostly use in lower case ("Block", "Sign Language"): that is a word, not a method.

Short capitalised acronyms collide across fields ("WISE" is a multi-agent method and a
text-to-image benchmark), so a match is also dropped when the text shows it means
something else (``means_something_else``): the mentioning paper introduces the name as
its own ("we propose RAMP, a ..."), spells it out differently ("Multiple Signal
Classification (MUSIC)" against "MUSIC: MUlti-Step Instruction Contrast"), or, for an
all-capitals name, shares no tag with the named paper or uses it as a benchmark ("gains
on WISE") when the named paper is no benchmark. On the 28,228-paper corpus these rules
took 3,282 mentions to 2,486; of 40 dropped links read, 36 were wrong.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import runpy
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

import ahocorasick

from generator.model import Mention

MIN_CHARS = 4
MAX_WORDS = 5
LOWER_CASE_SHARE = 0.25


def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from their own module: importing scikit-learn
    for one list cost the build's process a second (its worker, which needs the library,
    loads it there). The library's import is the fallback, should the module move."""
    spec = importlib.util.find_spec("sklearn")  # finds, does not import
    for folder in (spec and spec.submodule_search_locations) or ():
        module = Path(folder) / "feature_extraction" / "_stop_words.py"
        if module.is_file():
            return frozenset(runpy.run_path(str(module))["ENGLISH_STOP_WORDS"])
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


ENGLISH_STOP_WORDS = english_stop_words()

# Words of machine-learning titles that name a field, a kind of model or a kind of paper,
# not one method. A name made only of these (and English stop words) is generic.
_ML_WORDS = """
    ai agent agents algorithm algorithms alignment analysis architecture architectures attention
    audio autoencoder autoencoders autonomous autoregressive bayesian benchmark benchmarking
    benchmarks bridge bridges causal chain chat classification classifier clip code compression
    computer conditional consistency continual continuous contrastive control controllable
    convolutional cross data dataset datasets decoding deep denoising dense detection diffusion
    diffusions discrete distillation distributed dynamic dynamics edit editing efficient embedding
    embeddings encoder end energy ensemble evaluation explainable fast feature features federated
    few fine flow flows foundation framework frameworks free gan gans gaussian general generalist
    generation generative geometric global gradient graph graphs guidance guided high human image
    images inference instruction interactive inverse language large latent learning lightweight
    linear llm llms local long low lora machine masked matching memory meta mixture modal model
    modeling modelling models molecular motion multi multilingual multimodal multiview native
    network networks neural noise object objects one open optimal optimization parallel parameter
    physics planning point policy position pre prediction preference pretrained pretraining prior
    priors probabilistic prompt prompting quantization real reasoning recognition reconstruction
    recurrent reinforcement rendering representation representations resolution retrieval reward
    robot robotic robotics robust safe safety sampling scalable scale scaling scene score search
    segmentation self semantic sequence shot small sparse spatial speech stable state stochastic
    structured super supervised survey synthesis system systems task tasks temporal tensor test
    text time token tokenizer tokens tool tools towards toward training transfer transformer
    transformers tuning tutorial understanding unified universal unsupervised video videos view
    vision visual weight weights world zero 2d 3d 4d review overview perspective perspectives primer
    introduction study lessons rethinking revisiting beyond improving scaling efficient practical
    simple better faster stronger new novel generalized generalizable adaptive forward backward
    embodied loop hilbert stem iclr icml neurips cvpr iccv eccv acl emnlp naacl aaai
"""
ML_WORDS = frozenset(_ML_WORDS.split())
COMMON_WORDS = ENGLISH_STOP_WORDS | ML_WORDS

# Title openings that make the part before the colon a statement or a question, not a name.
_OPENING_WORDS = "towards toward beyond rethinking revisiting on when why how what is are do does can"
_OPENINGS = frozenset(_OPENING_WORDS.split())

_NAME_CHARS = re.compile(r"[\w+\-.&' ]+")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{2,7}")
"""Names of capital letters and digits only ("WISE", "NAVSIM"): the ones that collide."""
BENCHMARK_TAG = "Datasets & benchmarks"
_BENCHMARK_TITLE = re.compile(r"bench|dataset|evaluat|measur|suite|arena|leaderboard|\btest", re.IGNORECASE)
# "built on X" and "focus on X" use X; "gains on X", "evaluate on A, B and X" and
# "benchmarks such as A and X" measure on it.
_USES_ON_WORDS = "based built build builds building relies rely relying depends depend focus focuses"
_USES_ON = frozenset(_USES_ON_WORDS.split())
_IN_A_LIST_OF_BENCHMARKS = re.compile(
    r"(?:(\S+)\s+on|benchmarks?,?(?:\s+(?:such\s+as|like|including))?|tasks\s+(?:such\s+as|like))\s+"
    r"(?:the\s+)?(?:[^\s,;.]+(?:\s+[^\s,;.]+){0,2}?\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+))*"
    r"(?:[\w-]+\s+){0,2}$"
)
_BENCHMARK_AFTER = re.compile(r"\s+(?:benchmarks?|scores?|datasets?)\b")
_PARTS = re.compile(r"[\s\-]+")
_PLAIN = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+)*")
"""A name of plain words, spaced or hyphenated ("Sign Language", "Just-in-Time"): one the
texts may use as ordinary words ("just-in-time compilation"), see ``_plain_words_in_use``."""


def _is_word_char(char: str) -> bool:
    """Characters that continue a name: ``DPM-Solver`` does not end inside ``DPM-Solver-v3``."""
    return char.isalnum() or char in "-+_"


@functools.lru_cache(maxsize=1 << 18)  # a serve's rebuild asks again for every title
def method_name(title: str) -> str | None:
    """The distinctive name before a title's colon, or None when there is none.

    ``PFGM++: Unlocking ...`` gives ``PFGM++``; ``Diffusion Models: A Survey`` gives None,
    as does a name shorter than ``MIN_CHARS``, longer than ``MAX_WORDS`` words, opening
    like a sentence ("Towards ...") or made only of common English and ML words.
    """
    head, colon, _ = title.partition(":")
    name = " ".join(head.split())
    if not colon or len(name) < MIN_CHARS or not _NAME_CHARS.fullmatch(name):
        return None
    words = name.split(" ")
    if len(words) > MAX_WORDS or words[0].lower() in _OPENINGS:
        return None
    parts = [part.lower() for part in _PARTS.split(name) if part]
    if all(part in COMMON_WORDS or part.isdigit() for part in parts):
        return None
    return name


def method_names(papers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Name -> slug for ``(slug, title)`` pairs; a name of more than one paper is left out."""
    owners: dict[str, set[str]] = defaultdict(set)
    for slug, title in papers:
        name = method_name(title)
        if name is not None:
            owners[name].add(slug)
    return {name: next(iter(slugs)) for name, slugs in owners.items() if len(slugs) == 1}


Matches = list[tuple[int, int, str]]
"""Where names occur in a text: ``(start, end, name)`` on word boundaries, overlaps included."""
Scan = Callable[[Sequence[str], Sequence[str]], list[Matches]]
"""Every occurrence of the names (sorted) in each text: ``scan_texts``, or one that keeps
what it found between runs (``enrich/mentions_update.py``)."""


def scan_texts(names: Sequence[str], texts: Sequence[str]) -> list[Matches]:
    """All names into one Aho-Corasick automaton, run once over each text."""
    automaton = ahocorasick.Automaton()
    for key in names:
        automaton.add_word(key, key)
    if not len(automaton):
        return [[] for _ in texts]
    automaton.make_automaton()
    return [list(_matches(automaton, text)) for text in texts]


def find_mentions(
    papers: Sequence[tuple[str, str, str]],
    tags: Mapping[str, Collection[str]] | None = None,
    scan: Scan | None = None,
    judge: Callable[..., bool] | None = None,
) -> dict[str, tuple[Mention, ...]]:
    """Method names of other papers in each paper's text, from ``(slug, title, text)``, and
    each paper's tags by slug (without them, the rule that an all-capitals name needs a
    shared tag is skipped; the other rules of ``means_something_else`` still apply).

    ``text`` is the abstract as it will be displayed; offsets index into it. Every slug
    gets an entry (empty when it mentions nothing). Mentions are sorted by start and do
    not overlap: where matches overlap the longest wins (then the earliest), including
    the paper's own name, which is never linked but still hides a shorter name inside
    it ("LLaMA 2" in the LLaMA 2 paper does not link "LLaMA"). Names made of plain words
    that the texts also use in lower case ("Block", "Sign Language") are not linked:
    see ``_plain_words_in_use``. ``scan`` and ``judge`` find where names occur and whether a
    match means something else (``scan_texts``, ``means_something_else``, or ones that
    remember their answers between runs).
    """
    judge = judge or means_something_else
    names = method_names((slug, title) for slug, title, _ in papers)
    lowered = {name.lower(): name for name in names if _PLAIN.fullmatch(name)}
    found = (scan or scan_texts)(sorted(names.keys() | lowered.keys()), [text for _, _, text in papers])
    common = _plain_words_in_use(found, lowered)
    titles = {slug: title for slug, title, _ in papers}
    tags = tags or {}
    result: dict[str, tuple[Mention, ...]] = {}
    for (slug, title, text), matches in zip(papers, found, strict=True):
        named = [match for match in matches if match[2] in names and match[2] not in common]
        if not named:
            result[slug] = ()
            continue
        result[slug] = tuple(
            Mention(name, names[name], start, end)
            for start, end, name in _longest_first(named)
            if names[name] != slug
            and not judge(
                name, text, start, end,
                (title, tags.get(slug)), (titles[names[name]], tags.get(names[name])),
            )
        )  # fmt: skip
    return result


def means_something_else(
    name: str,
    text: str,
    start: int,
    end: int,
    source: tuple[str, Collection[str] | None],
    target: tuple[str, Collection[str] | None],
) -> bool:
    """Whether ``name`` at ``text[start:end]`` (the abstract of ``source``: a title and its
    tags) is not the paper ``target`` (its title and tags): see the module's docstring."""
    source_title, source_tags = source
    target_title, target_tags = target
    if _introduces(text, name) or _introduces(source_title, name):
        return True
    if _spells_out_otherwise(text, name, target_title):
        return True
    if not ACRONYM.fullmatch(name):
        return False
    if source_tags is not None and target_tags is not None and not set(source_tags) & set(target_tags):
        return True
    benchmark = BENCHMARK_TAG in (target_tags or ()) or _BENCHMARK_TITLE.search(target_title)
    return not benchmark and _used_as_benchmark(text, start, end)


_PROPOSING = re.compile(
    r"\b(?:propos(?:e|es|ed|ing)|present(?:s|ed|ing)?|introduc(?:e|es|ed|ing))\s+"
    r"(?:(?:a|an|the|our|novel|new)\s+)*$"
)
_PROPOSED = re.compile(r"\s*[,(:\u2014]|\s+(?:a|an|the|which|that)\b")
_NAMING = re.compile(r"\b(?:called|dubbed|named|termed|coined)\s+(?:as\s+)?$")
_SPELLED_OUT = re.compile(r"s?\s*[),;]")


def whole_word_occurrences(text: str, name: str) -> Iterable[int]:
    """Where ``name`` starts in ``text`` as a whole name (``on_boundaries``), left to right."""
    start = text.find(name)
    while start != -1:
        if on_boundaries(text, start, start + len(name)):
            yield start
        start = text.find(name, start + 1)


def _introduces(text: str, name: str) -> bool:
    """ "we propose NAME, a ...", "we present NAME (...)", "a framework called NAME"."""
    for start in whole_word_occurrences(text, name):
        before = max(0, start - 60)
        if _NAMING.search(text, before, start):
            return True
        if _PROPOSING.search(text, before, start) and _PROPOSED.match(text, start + len(name)):
            return True
    return False


def _spells_out_otherwise(text: str, name: str, target_title: str) -> bool:
    """ "Multiple Signal Classification (MUSIC)": the words before "(NAME)" that spell the
    name (``_spelled_out``) share less than half their words with the named paper's title
    after its colon ("MUSIC: MUlti-Step Instruction Contrast ..."). "Segment Anything Model
    2 (SAM 2)" against "SAM 2: Segment Anything in Images and Videos" is the same paper."""
    letters = "".join(char.lower() for char in name if char.isalpha())
    for start in whole_word_occurrences(text, name):
        opening = text[max(0, start - 300) : start].rstrip()
        if not letters or not opening.endswith("(") or not _SPELLED_OUT.match(text, start + len(name)):
            continue
        spelled = _spelled_out(re.findall(r"[\w'-]+", opening)[-len(letters) - 3 :], letters)
        if spelled:
            words = _content_words(spelled)
            shared = words & _content_words(target_title.partition(":")[2])
            return 2 * len(shared) < len(words)
    return False


def _spelled_out(words: list[str], letters: str) -> str | None:
    """The fewest last ``words`` that spell ``letters`` (lower case): the first letter opens
    the first word, the others follow in order ("Multiple Signal Classification": "music")."""
    for count in range(1, len(words) + 1):
        phrase = " ".join(words[-count:]).lower()
        rest = iter(phrase)
        if phrase.startswith(letters[0]) and all(letter in rest for letter in letters):
            return phrase
    return None


def _content_words(text: str) -> set[str]:
    """Words for comparing two phrasings: lower case, no hyphens, cut to five letters
    ("Multi-modal" and "multimodal" agree, as do "models" and "Modeling")."""
    words = re.findall(r"[\w-]+", text.lower())
    return {word.replace("-", "")[:5] for word in words if len(word) > 1 and word not in ENGLISH_STOP_WORDS}


def _used_as_benchmark(text: str, start: int, end: int) -> bool:
    """ "gains on WISE", "evaluate on GenEval, T2I-CompBench, and WISE", "the WISE benchmark";
    not "built on X"."""
    before = text[max(0, start - 100) : start]
    before = before[max(before.rfind(". "), before.rfind(";")) + 1 :]
    listed = _IN_A_LIST_OF_BENCHMARKS.search(before)
    if listed and (listed.group(1) or "").lower() not in _USES_ON:
        return True
    return bool(_BENCHMARK_AFTER.match(text, end))


def _matches(automaton: ahocorasick.Automaton, text: str) -> Iterable[tuple[int, int, str]]:
    for last, key in automaton.iter(text):
        start, end = last + 1 - len(key), last + 1
        if on_boundaries(text, start, end):
            yield start, end, key


def _plain_words_in_use(found: list[list[tuple[int, int, str]]], lowered: dict[str, str]) -> set[str]:
    """Names like "Block" or "Sign Language" that are ordinary words, not a method's name.

    A name of capitalised plain words counts as ordinary when at least ``LOWER_CASE_SHARE``
    as many texts use it in lower case as capitalised (sentence starts capitalise any word;
    "mamba" is rare next to "Mamba", "block" common next to "Block").
    """
    plain = set(lowered.values())
    capitalised: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for matches in found:
        if not matches:
            continue
        keys = {key for _, _, key in matches}
        capitalised.update(keys & plain)
        lower.update(lowered[key] for key in keys if key in lowered)
    return {
        name for name, count in lower.items() if count >= 2 and count >= LOWER_CASE_SHARE * capitalised[name]
    }


def on_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole name: no name character (``_is_word_char``) on
    either side."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _is_word_char(before) and not _is_word_char(after)


def _longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The non-overlapping matches, longest (then earliest) first, sorted by start."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, name in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, name))
    return sorted(chosen)


def mentioned_by(mentions: Mapping[str, Sequence[Mention]]) -> dict[str, tuple[str, ...]]:
    """Target slug -> the sorted slugs of the papers that mention it."""
    sources: dict[str, set[str]] = defaultdict(set)
    for slug, found in mentions.items():
        for mention in found:
            sources[mention.target].add(slug)
    return {target: tuple(sorted(slugs)) for target, slugs in sorted(sources.items())}
