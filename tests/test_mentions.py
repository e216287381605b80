"""Method names from titles, and their mentions in other papers' abstracts."""

from __future__ import annotations

import pytest

from generator.mentions import find_mentions, mentioned_by, method_name, method_names
from generator.model import Mention


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
