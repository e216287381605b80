"""Mentions: a paper's method name (``PFGM++`` in ``PFGM++: Unlocking ...``) found in
other papers' abstracts, so each abstract can link the names it uses.

All names go into one Aho-Corasick automaton that is run once over each abstract.
Matching is case-sensitive: method names are written the way their authors wrote them
("DPM-Solver", "SweetDreamer"), while a lower-case "stochastic interpolants" or a
sentence-initial "Smooth diffusion" is usually the general idea, not the paper.
A name two papers claim is ambiguous and is not linked at all: a link to the wrong
paper is worse than no link. So is a name of plain capitalised words that the texts
mostly use in lower case ("Block", "Sign Language"): that is a word, not a method.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import ahocorasick
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.model import Mention

MIN_CHARS = 4
MAX_WORDS = 5
LOWER_CASE_SHARE = 0.25

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
_PARTS = re.compile(r"[\s\-]+")
_PLAIN = re.compile(r"[A-Z][a-z]+(?: [A-Z]?[a-z]+)*")


def _is_word_char(char: str) -> bool:
    """Characters that continue a name: ``DPM-Solver`` does not end inside ``DPM-Solver-v3``."""
    return char.isalnum() or char in "-+_"


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


def find_mentions(papers: Sequence[tuple[str, str, str]]) -> dict[str, tuple[Mention, ...]]:
    """Method names of other papers in each paper's text, from ``(slug, title, text)``.

    ``text`` is the abstract as it will be displayed; offsets index into it. Every slug
    gets an entry (empty when it mentions nothing). Mentions are sorted by start and do
    not overlap: where matches overlap the longest wins (then the earliest), including
    the paper's own name, which is never linked but still hides a shorter name inside
    it ("LLaMA 2" in the LLaMA 2 paper does not link "LLaMA"). Names made of plain words
    that the texts also use in lower case ("Block", "Sign Language") are not linked:
    see ``_plain_words_in_use``.
    """
    names = method_names((slug, title) for slug, title, _ in papers)
    lowered = {name.lower(): name for name in names if _PLAIN.fullmatch(name)}
    automaton = ahocorasick.Automaton()
    for key in sorted(names.keys() | lowered.keys()):
        automaton.add_word(key, key)
    found: list[list[tuple[int, int, str]]] = []
    if len(automaton):
        automaton.make_automaton()
        found = [list(_matches(automaton, text)) for _, _, text in papers]
    else:
        found = [[] for _ in papers]
    common = _plain_words_in_use(found, lowered)
    result: dict[str, tuple[Mention, ...]] = {}
    for (slug, _, _), matches in zip(papers, found, strict=True):
        named = [match for match in matches if match[2] in names and match[2] not in common]
        result[slug] = tuple(
            Mention(name, names[name], start, end)
            for start, end, name in _longest_first(named)
            if names[name] != slug
        )
    return result


def _matches(automaton: ahocorasick.Automaton, text: str) -> Iterable[tuple[int, int, str]]:
    for last, key in automaton.iter(text):
        start, end = last + 1 - len(key), last + 1
        if _on_boundaries(text, start, end):
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
        keys = {key for _, _, key in matches}
        capitalised.update(keys & plain)
        lower.update(lowered[key] for key in keys if key in lowered)
    return {
        name for name, count in lower.items() if count >= 2 and count >= LOWER_CASE_SHARE * capitalised[name]
    }


def _on_boundaries(text: str, start: int, end: int) -> bool:
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
