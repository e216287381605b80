"""Method names from titles, and their mentions in other papers' abstracts."""

from __future__ import annotations

import pytest

from generator.enrich.mentions import find_mentions, mentioned_by, method_name, method_names
from generator.model import Mention
from generator.site.markup import link_mentions


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("PFGM++: Unlocking the Potential of Physics-Inspired Generative Models", "PFGM++"),
        ("SweetDreamer: Aligning Geometric Priors in 2D Diffusion for Consistent Text-to-3D", "SweetDreamer"),
        ("Stochastic Interpolants: A Unifying Framework for Flows and Diffusions", "Stochastic Interpolants"),
        ("DPM-Solver-v3: Improved Diffusion ODE Solver with Empirical Model Statistics", "DPM-Solver-v3"),
        ("DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", "DPM-Solver++"),
        ("Direct2.5: Diverse Text-to-3D Generation via Multi-view 2.5D Diffusion", "Direct2.5"),
        ("A-SDM: Accelerating Stable Diffusion through Model Assembly", "A-SDM"),
        ("Neural Sheaf Diffusion: A Topological Perspective on Heterophily", "Neural Sheaf Diffusion"),
    ],
)
def test_method_name(title: str, name: str) -> None:
    assert method_name(title) == name


@pytest.mark.parametrize(
    "title",
    [
        "Diffusion Models: A Survey",
        "Light Schrödinger Bridge",  # no colon
        "MRS: A Fast Sampler for Mean Reverting Diffusion",  # too short
        "Diffusion: Everything Everywhere",
        "A Survey: Of Everything",
        "Survey: Diffusion for Vision",
        "Position: Benchmarks Are Broken",
        "Benchmark: A New One",
        "Attention: It Is What You Need",
        "Transformers: Old and New",
        "Towards Faithful Reasoning: A Study",
        "Diffusion in Diffusion: Cyclic One-Way Diffusion",  # only common words
        "Multi-View Diffusion Models: Consistency",  # only common words
        "Diffusion Models for Medical Image Analysis: A Comprehensive Survey",  # too many words
        "You See it, You Got it: Learning 3D Creation",  # a sentence, not a name
        "Do Diffusion Models Dream?: On Sleep",
    ],
)
def test_no_method_name(title: str) -> None:
    assert method_name(title) is None


def paper(slug: str, title: str, text: str = "") -> tuple[str, str, str]:
    return (slug, title, text)


PFGM = paper("pfgm", "PFGM++: Unlocking the Potential of Physics-Inspired Generative Models")
SOLVER = paper("solver", "DPM-Solver: A Fast ODE Solver")
SOLVER_V3 = paper("solver-v3", "DPM-Solver-v3: Improved Diffusion ODE Solver")
SWEET = paper("sweet", "SweetDreamer: Aligning Geometric Priors")


def mentions_in(text: str, *others: tuple[str, str, str]) -> tuple[Mention, ...]:
    result = find_mentions([*others, paper("reader", "A Paper Without a Name", text)])
    for mention in result["reader"]:
        assert text[mention.start : mention.end] == mention.name
    return result["reader"]


def test_mentions_carry_name_target_and_offsets() -> None:
    text = "We compare with SweetDreamer and PFGM++."
    assert mentions_in(text, PFGM, SWEET) == (
        Mention("SweetDreamer", "sweet", 16, 28),
        Mention("PFGM++", "pfgm", 33, 39),
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("(PFGM++) and PFGM++'s variant, then PFGM++.", ["PFGM++", "PFGM++", "PFGM++"]),
        ("PFGM+++ is not PFGM++x nor xPFGM++ nor PFGM++-like", []),
        ("SweetDreamers and sweetdreamer are not SweetDreamer", ["SweetDreamer"]),
        ("DPM-Solver-v2 is not a name, DPM-Solver_x neither", []),
        ("DPM-Solver, DPM-Solver-v3 and DPM-Solver-v3.", ["DPM-Solver", "DPM-Solver-v3", "DPM-Solver-v3"]),
    ],
)
def test_word_boundaries(text: str, names: list[str]) -> None:
    assert [m.name for m in mentions_in(text, PFGM, SWEET, SOLVER, SOLVER_V3)] == names


def test_longest_match_wins() -> None:
    found = mentions_in("Unlike DPM-Solver-v3, we ...", SOLVER, SOLVER_V3)
    assert found == (Mention("DPM-Solver-v3", "solver-v3", 7, 20),)
    overlapping = [paper("a", "Gamma Ray Lens: x"), paper("b", "Lens Flare Xyz: y")]
    found = mentions_in("We use Gamma Ray Lens Flare Xyz here.", *overlapping)
    assert [(m.name, m.target) for m in found] == [("Gamma Ray Lens", "a")]  # equal length: earliest


def test_a_paper_never_links_to_itself() -> None:
    own = paper("pfgm", PFGM[1], "We propose PFGM++, which extends SweetDreamer.")
    assert find_mentions([own, SWEET])["pfgm"] == (Mention("SweetDreamer", "sweet", 33, 45),)


def test_own_name_still_hides_a_shorter_name() -> None:
    llama = paper("llama", "LLaMA: Open Foundation Models")
    llama2 = paper("llama-2", "LLaMA 2: Open Chat Models", "We release LLaMA 2, built on LLaMA.")
    assert find_mentions([llama, llama2])["llama-2"] == (Mention("LLaMA", "llama", 29, 34),)


def test_ambiguous_names_are_not_linked() -> None:
    twins = [paper("one", "Gemini: A Family"), paper("two", "Gemini: Another Family")]
    assert method_names((slug, title) for slug, title, _ in twins) == {}
    assert mentions_in("Gemini is used.", *twins) == ()


def test_plain_words_used_in_lower_case_are_not_linked() -> None:
    block = paper("block", "Block: Building Things From Parts")
    mamba = paper("mamba", "Mamba: Linear-Time Sequence Modeling")
    texts = [
        paper(f"t{i}", "Untitled", f"Each block is a block. A Mamba layer. {'Block and mamba.' * (i == 0)}")
        for i in range(4)
    ]
    result = find_mentions([block, mamba, *texts])
    assert {m.name for slug in result for m in result[slug]} == {"Mamba"}


def test_hyphenated_plain_words_used_in_lower_case_are_not_linked() -> None:
    """ "Just-in-Time: Training-Free Spatial Acceleration" named a phrase the corpus uses in
    lower case ("just-in-time compilation"): its abstracts linked the phrase to one paper."""
    just = paper("jit", "Just-in-Time: Training-Free Spatial Acceleration for Diffusion Transformers")
    refine = paper("self-refine", "Self-Refine: Iterative Refinement with Self-Feedback")
    texts = [
        paper(
            f"t{i}",
            "Untitled",
            f"A just-in-time compiler. Unlike Self-Refine. {'Just-in-Time patches.' * (i == 0)}",
        )
        for i in range(4)
    ]
    result = find_mentions([just, refine, *texts])
    assert {m.name for slug in result for m in result[slug]} == {"Self-Refine"}


def test_every_paper_gets_an_entry_and_mentioned_by_inverts() -> None:
    papers = [
        PFGM,
        SWEET,
        paper("x", "X Marks: Nothing", "Beats PFGM++ and SweetDreamer."),
        paper("w", "W Paper", "Uses PFGM++."),
        paper("empty", "No Names Here"),
    ]
    result = find_mentions(papers)
    assert set(result) == {"pfgm", "sweet", "x", "w", "empty"}
    assert result["empty"] == ()
    assert mentioned_by(result) == {"pfgm": ("w", "x"), "sweet": ("x",)}


def test_no_names_at_all() -> None:
    assert find_mentions([paper("a", "Plain Title", "text")]) == {"a": ()}
    assert find_mentions([]) == {}
    assert mentioned_by({}) == {}


# Names the corpus gives to two different things: each case below is a wrong link it made.
RAMP = paper("ramp", "RAMP: Reinforcement Adaptive Mixed Precision Quantization for LLMs")
MUSIC = paper("music", "MUSIC: MUlti-Step Instruction Contrast for Multi-Turn Reward Models")
SAM2 = paper("sam-2", "SAM 2: Segment Anything in Images and Videos")
WISE = paper("wise", "WISE: Weighted Iterative Society-of-Experts for Robust Multimodal Reasoning")
WISE_BENCHMARK = paper("wise", "WISE: A World Knowledge-Informed Semantic Evaluation for Text-to-Image")


@pytest.mark.parametrize(
    "text",
    [
        "We thus present RAMP, a production-grounded infrastructure for agents.",
        "To this end we propose RAMP (Runtime Assessing of Agentic Models).",
        "We build an evaluation harness called RAMP.",
    ],
)
def test_a_name_the_paper_introduces_as_its_own_is_not_linked(text: str) -> None:
    assert mentions_in(text, RAMP) == ()


def test_the_same_name_used_without_introducing_it_is_linked() -> None:
    text = "We compare with RAMP and introduce a faster quantizer."
    assert mentions_in(text, RAMP) == (Mention("RAMP", "ramp", 16, 20),)


def test_a_name_spelled_out_as_something_else_is_not_linked() -> None:
    text = "Spectral estimators: Welch's method, Multiple Signal Classification (MUSIC), and others."
    assert mentions_in(text, MUSIC) == ()


def test_a_name_spelled_out_as_the_named_paper_is_linked() -> None:
    text = "Recently, the Segment Anything Model 2 (SAM 2) tracks objects in video."
    assert [m.target for m in mentions_in(text, SAM2)] == ["sam-2"]


def test_an_acronym_is_linked_only_to_a_paper_sharing_a_tag() -> None:
    reader = paper("reader", "A Paper Without a Name", "Agents coordinated by WISE reason better.")
    papers = [WISE, reader]

    assert find_mentions(papers, {"reader": ["Agents"], "wise": ["Agents", "Reasoning"]})["reader"]
    assert find_mentions(papers, {"reader": ["Robotics"], "wise": ["Agents", "Reasoning"]})["reader"] == ()
    # Without tags, only the other rules apply.
    assert find_mentions(papers)["reader"]


@pytest.mark.parametrize(
    "text",
    [
        "We observe substantial gains on WISE and RISE.",
        "We evaluate on GenEval, T2I-CompBench, and WISE, with state-of-the-art results.",
        "Notably, on knowledge-intensive WISE, our model scores 0.63.",
        "It improves on established benchmarks like WISE and RISE.",
        "It reaches 0.79 on the WISE benchmark.",
    ],
)
def test_an_acronym_used_as_a_benchmark_links_only_a_benchmark(text: str) -> None:
    assert mentions_in(text, WISE) == ()
    assert [m.target for m in mentions_in(text, WISE_BENCHMARK)] == ["wise"]


def test_an_acronym_built_on_is_not_taken_for_a_benchmark() -> None:
    assert [m.target for m in mentions_in("Our agents are built on WISE to reason.", WISE)] == ["wise"]


def test_an_acronym_used_as_a_benchmark_links_a_paper_tagged_as_one() -> None:
    """The named paper's title need not say "benchmark": its tag does."""
    from generator.enrich.mentions import BENCHMARK_TAG

    tags = {"reader": ["Reasoning"], "wise": ["Reasoning", BENCHMARK_TAG]}
    reader = paper("reader", "A Paper Without a Name", "We observe substantial gains on WISE.")
    assert [m.target for m in find_mentions([WISE, reader], tags)["reader"]] == ["wise"]
    assert find_mentions([WISE, reader], {**tags, "wise": ["Reasoning"]})["reader"] == ()


def test_the_benchmark_tag_the_mention_rules_read_is_in_the_taxonomy() -> None:
    from generator.enrich.mentions import BENCHMARK_TAG
    from generator.enrich.taxonomy import default_path, load_taxonomy

    assert BENCHMARK_TAG in {tag.name for tag in load_taxonomy(default_path()).tags}


def test_stop_words_read_from_their_file_are_scikit_learns() -> None:
    """The build reads scikit-learn's stop words from their module rather than importing the
    library; if the module moved or changed, names would be judged against another list."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as from_the_library

    from generator.enrich.mentions import ENGLISH_STOP_WORDS as read_from_the_file

    assert read_from_the_file == from_the_library
    assert "the" in read_from_the_file


def _linked(name: str) -> str:
    return f'<a class="paper-mention" href="/{name}/">{name}</a>'


@pytest.mark.parametrize(
    ("text", "names", "linked"),
    [
        (
            "GPT-4 beats GPT and GPT-4o.",
            ["GPT", "GPT-4"],
            f"{_linked('GPT-4')} beats {_linked('GPT')} and GPT-4o.",
        ),
        (
            "Foo Bar then Foo Bar Bar.",
            ["Bar", "Foo Bar"],
            f"{_linked('Foo Bar')} then Foo Bar {_linked('Bar')}.",
        ),
        (
            "LoRA_x, xLoRA, +LoRA, LoRA-2, LoRA.",
            ["LoRA"],
            f"LoRA_x, xLoRA, +LoRA, LoRA-2, {_linked('LoRA')}.",
        ),
        ("éMamba and Mamba", ["Mamba"], f"éMamba and {_linked('Mamba')}"),
        ("Mamba", ["Mamba"], _linked("Mamba")),
        ("nothing here", ["Mamba"], "nothing here"),
    ],
    ids=[
        "longest-at-a-place",
        "a-linked-name-used-again-hides-a-shorter-one",
        "word-plus-and-hyphen-edges",
        "unicode-letter-edge",
        "whole-text",
        "no-occurrence",
    ],
)
def test_names_linked_as_one_alternation_would(text: str, names: list[str], linked: str) -> None:
    """Method names are linked without a regex per paper (``markup.replace_names``), as the
    alternation it replaced did: first occurrence linked, later ones kept as text, the
    longest name first at a place, whole words only."""
    mentions = [Mention(name, name, 0, 0) for name in names]
    assert link_mentions(text, mentions, lambda slug: f"/{slug}/") == linked
