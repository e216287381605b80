"""The taxonomy schema, its error messages, the tagger's matching rules and corpus coverage."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator.enrich.taxonomy import Taxonomy, TaxonomyError, default_path, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "taxonomy"
CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(default_path())


def _bench():
    """The coverage script, whose small dump reader the corpus tests share."""
    spec = importlib.util.spec_from_file_location(
        "taxonomy_coverage", ROOT / "bench" / "taxonomy_coverage.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the schema: each bad fixture and its exact message --------------------------------


BAD = {
    "missing_phrases": ["tags[0]: missing required key 'phrases'"],
    "empty_phrases": ["tags[0].phrases: must be a non-empty list of strings"],
    "duplicate_tag": ["tags[1].name: duplicate tag 'agents' (first at tags[0])"],
    "unknown_key": ["tags[0]: unknown key 'pattern'; allowed: name, description, phrases, patterns, exclude"],
    "bad_regex": [
        "tags[0].patterns[1]: tag 'Reinforcement learning': invalid regex '(unclosed': "
        "missing ), unterminated subpattern at position 0"
    ],
    "not_a_mapping": ["must be a mapping with the key 'tags', found list"],
    "empty_slug": ["tags[0].name: '???' has an empty slug; use letters or digits"],
    "slug_clash": ["tags[1].name: slug 'speech-audio' clashes with tags[0]"],
    "several_problems": [
        "tags[0]: missing required key 'description'",
        "tags[0].phrases: must be a non-empty list of strings",
        "tags[1]: missing required key 'name'",
        "tags[2]: must be a mapping with name, description and phrases",
    ],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_taxonomy_lists_every_problem_by_file_and_key(case: str) -> None:
    path = FIXTURES / f"{case}.yml"
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert str(raised.value).splitlines() == [f"{path}: {message}" for message in BAD[case]]


def test_yaml_syntax_error_names_file_and_line() -> None:
    path = FIXTURES / "yaml_syntax_error.yml"
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert str(raised.value) == f"{path}:5: invalid YAML: expected ',' or ']', but got ':'"


def test_missing_file_is_a_taxonomy_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.yml"
    with pytest.raises(TaxonomyError, match=r"absent\.yml: cannot read"):
        load_taxonomy(path)


def test_every_fixture_has_a_case() -> None:
    assert {p.stem for p in FIXTURES.glob("*.yml")} == set(BAD) | {"yaml_syntax_error"}


# --- the shipped taxonomy -----------------------------------------------------------------


def test_real_taxonomy_loads_with_unique_names_slugs_and_descriptions(taxonomy: Taxonomy) -> None:
    assert 30 <= len(taxonomy.tags) <= 60
    assert len({tag.slug for tag in taxonomy.tags}) == len(taxonomy.tags)
    assert all(tag.description.endswith(".") for tag in taxonomy.tags)
    assert set(taxonomy.by_slug()) == {tag.slug for tag in taxonomy.tags}


def test_no_catch_all_tag(taxonomy: Taxonomy) -> None:
    names = {tag.name.lower() for tag in taxonomy.tags}
    assert not names & {"machine learning", "other", "misc", "ai", "deep learning"}


# --- matching rules -------------------------------------------------------------------------


def _one_tag(tmp_path: Path, body: str) -> Taxonomy:
    path = tmp_path / "taxonomy.yml"
    path.write_text(f"tags:\n  - name: Test\n    description: A test tag.\n{body}", encoding="utf-8")
    return load_taxonomy(path)


def test_phrases_match_whole_words_case_insensitively_with_plurals(tmp_path: Path) -> None:
    tagger = _one_tag(tmp_path, "    phrases: [agent, text-to-image]\n")
    assert tagger.tags_for("Agents at Work", "") == ("Test",)
    assert tagger.tags_for("AGENT", "") == ("Test",)
    assert tagger.tags_for("A reagent study", "") == ()
    assert tagger.tags_for("Agentive grammar", "") == ()
    assert tagger.tags_for("Text to image models", "") == ("Test",)
    assert tagger.tags_for("Texttoimage and text–to–image", "") == ("Test",)


def test_phrases_do_not_match_across_punctuation(tmp_path: Path) -> None:
    tagger = _one_tag(tmp_path, "    phrases: [language model]\n")
    assert tagger.tags_for("We model language. Models are useful", "") == ()
    assert tagger.tags_for("Small (language model) baselines", "") == ("Test",)


def test_abstract_needs_two_hits_title_one(tmp_path: Path) -> None:
    tagger = _one_tag(tmp_path, "    phrases: [speech]\n")
    assert tagger.tags_for("A title", "We mention speech once.") == ()
    assert tagger.tags_for("A title", "Speech here, and speech there.") == ("Test",)
    assert tagger.tags_for("Speech", "") == ("Test",)


def test_overlapping_phrases_count_once(tmp_path: Path) -> None:
    tagger = _one_tag(tmp_path, "    phrases: [large language model, language model]\n")
    assert tagger.tags_for("A title", "One large language model only.") == ()


def test_exclusions_hide_their_own_tags_hits(tmp_path: Path) -> None:
    tagger = _one_tag(tmp_path, "    phrases: [speech]\n    exclude: [hate speech]\n")
    assert tagger.tags_for("Hate speech detection", "") == ()
    assert tagger.tags_for("Hate speech and speech recognition", "") == ("Test",)


def test_patterns_are_case_sensitive_unless_flagged(tmp_path: Path) -> None:
    tagger = _one_tag(
        tmp_path, "    phrases: [reinforcement learning]\n    patterns: ['\\bRL\\b', '(?i)\\bmdps?\\b']\n"
    )
    assert tagger.tags_for("Offline RL", "") == ("Test",)
    assert tagger.tags_for("The rl kernel", "") == ()
    assert tagger.tags_for("Solving MDPs", "") == ("Test",)


# --- hand-checked papers ---------------------------------------------------------------------


def test_seed_text_to_3d_paper_gets_3d_and_diffusion(taxonomy: Taxonomy) -> None:
    papers = dict(_bench().read_corpus(ROOT / "dumps"))  # the seed dumps, as committed
    title = "GeoDream: Disentangling 2D and Geometric Priors for High-Fidelity and Consistent 3D Generation"
    tags = taxonomy.tags_for(title, papers[title])
    assert "3D vision & graphics" in tags
    assert "Diffusion & flow models" in tags


@pytest.mark.parametrize(
    ("title", "abstract", "expected", "unexpected"),
    [
        (
            "Whisper-style Speech Recognition for Low-Resource Languages",
            "We train an automatic speech recognition model on 20 languages.",
            {"Speech & audio", "Translation & multilingual NLP"},
            {"Large language models"},
        ),
        (
            "Reagent Selection for Organic Synthesis",
            "We rank reagents and reagent combinations for retrosynthesis of molecules.",
            {"Chemistry & materials"},
            {"Agents"},
        ),
        (
            "Hate Speech Detection on Twitter",
            "We classify hate speech in tweets and study hate speech spread on social media.",
            {"Social media & computational social science"},
            {"Speech & audio"},
        ),
        (
            "Knowledge Distillation with a Teacher Model",
            "A student model learns from the teacher model; the student beats the teacher.",
            set(),
            {"Education"},
        ),
        (
            "Test-Time Scaling for LLM Reasoning",
            "We study test-time scaling (TTS) for chain-of-thought reasoning.",
            {"Reasoning", "Large language models"},
            {"Speech & audio"},
        ),
        (
            "Robust Offline RL for Robotic Manipulation",
            "Our policy learns grasping from offline reinforcement learning data.",
            {"Reinforcement learning", "Robotics & embodied AI"},
            {"Autonomous driving"},
        ),
    ],
)
def test_hand_checked_papers(
    taxonomy: Taxonomy, title: str, abstract: str, expected: set[str], unexpected: set[str]
) -> None:
    tags = set(taxonomy.tags_for(title, abstract))
    assert expected <= tags
    assert not unexpected & tags


# --- the whole corpus ------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_coverage(taxonomy: Taxonomy) -> None:
    bench = _bench()
    papers = bench.read_corpus(CORPUS)
    assert len(papers) == 28_228
    counts, tagged = bench.tag_counts(taxonomy, papers)
    assert tagged / len(papers) >= bench.MIN_TAGGED
    assert max(counts.values()) / len(papers) <= bench.MAX_TAG_SHARE
    assert all(counts[tag.name] > 0 for tag in taxonomy.tags)
