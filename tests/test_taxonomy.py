"""The taxonomy schema, its error messages, the tagger's matching rules and corpus coverage."""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from pathlib import Path

import pytest

from generator.enrich.taxonomy import Taxonomy, TaxonomyError, default_path, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "taxonomy"
CORPUS = Path(os.environ.get("PAPERS_DUMPS_DIR") or ROOT.parent / "shared" / "corpus" / "dumps")


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
    "unknown_key": [
        "tags[0]: unknown key 'pattern'; allowed: name, description, phrases, patterns, exclude, topics"
    ],
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
    "topic_named_like_an_area": ["tags[1].topics[0].name: duplicate name 'agents' (first at tags[0])"],
    "topic_slug_clash": ["tags[0].topics[1].name: slug 'kv-cache' clashes with tags[0].topics[0]"],
    "topic_same_slug_in_two_areas": [
        "tags[1].topics[0].name: duplicate name 'benchmarks' (first at tags[0].topics[0])"
    ],
    "topic_digits_slug": [
        "tags[0].topics[0].name: '2' needs a slug with letters (the area's page numbers are digits)"
    ],
    "topic_several_problems": [
        "tags[0].topics[0]: missing required key 'description'",
        "tags[0].topics[1]: unknown key 'topics'; allowed: name, description, phrases, patterns, exclude",
        "tags[0].topics[1].phrases: must be a non-empty list of strings",
        "tags[0].topics[2].patterns[0]: tag 'Bridges': invalid regex '(unclosed': "
        "missing ), unterminated subpattern at position 0",
        "tags[1].topics: must be a non-empty list of topic entries",
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
    assert {p.stem for p in FIXTURES.glob("*.yml")} == set(BAD) | {"yaml_syntax_error", "two_levels"}


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


# --- topics: the second level ------------------------------------------------------------


@pytest.fixture(scope="module")
def two_levels() -> Taxonomy:
    return load_taxonomy(FIXTURES / "two_levels.yml")


def test_topics_load_under_their_areas_with_pages_under_the_areas(two_levels: Taxonomy) -> None:
    assert [(t.name, t.area.name, t.path) for t in two_levels.topics] == [
        ("Schrödinger bridges", "Diffusion", "tags/diffusion/schrodinger-bridges"),
        ("Guidance", "Diffusion", "tags/diffusion/guidance"),
        ("Samplers", "Diffusion", "tags/diffusion/samplers"),
        ("KV cache", "Language models", "tags/language-models/kv-cache"),
    ]
    assert two_levels.area_of("KV cache") == "Language models"


def test_a_topic_in_the_title_with_its_area_is_given(two_levels: Taxonomy) -> None:
    assert two_levels.classify("Schrödinger bridge diffusion models", "") == (
        ("Diffusion",),
        ("Schrödinger bridges",),
    )


def test_a_topic_needs_its_area(two_levels: Taxonomy) -> None:
    # Matching "Schrödinger bridge" alone does not make a paper a diffusion paper.
    assert two_levels.classify("Schrödinger bridges in physics", "") == ((), ())


def test_two_abstract_hits_give_a_topic_beside_others(two_levels: Taxonomy) -> None:
    abstract = "A diffusion model with a new sampler. The sampler halves steps; CFG and CFG scale too."
    assert two_levels.classify("Faster diffusion", abstract) == (("Diffusion",), ("Guidance", "Samplers"))


def test_one_abstract_hit_gives_a_topic_only_when_the_area_has_none(two_levels: Taxonomy) -> None:
    one_hit = "We train a diffusion model and sample it with classifier-free guidance."
    assert two_levels.classify("A diffusion study", one_hit) == (("Diffusion",), ("Guidance",))
    # With a topic already settled by the title, a single abstract hit adds nothing.
    assert two_levels.classify("Schrödinger bridge diffusion", one_hit)[1] == ("Schrödinger bridges",)


def test_the_fallback_takes_the_topic_with_most_hits_first_on_ties(two_levels: Taxonomy) -> None:
    abstract = "A diffusion model: classifier-free guidance and an ODE solver."
    assert two_levels.classify("A diffusion study", abstract)[1] == ("Guidance",)


def test_real_taxonomy_topics(taxonomy: Taxonomy) -> None:
    assert 300 <= len(taxonomy.topics) <= 600
    assert len({t.name.lower() for t in taxonomy.topics}) == len(taxonomy.topics)
    assert all(t.description.endswith(".") for t in taxonomy.topics)
    assert {t.area for t in taxonomy.topics} == set(taxonomy.tags)  # every area has topics


@pytest.mark.parametrize(
    ("title", "abstract", "topic"),
    [
        (
            "FouriScale: A Frequency Perspective on Training-Free High-Resolution Image Synthesis",
            "Generating images beyond the training resolution with pre-trained diffusion models "
            "suffers from repetition; we replace the diffusion model's convolutions with dilated ones.",
            "High-resolution synthesis",
        ),
        (
            "Branched Schrödinger Bridge Matching",
            "We learn diffusion bridges between an initial and several terminal distributions.",
            "Schrödinger bridges & optimal transport",
        ),
        (
            "KVzip: Query-Agnostic KV Cache Compression with Context Reconstruction",
            "Transformer-based large language models keep a KV cache during inference.",
            "KV cache",
        ),
        (
            "Evaluating Scoring Bias in LLM-as-a-Judge",
            "LLM-as-a-Judge uses large language models to evaluate outputs; we study its biases.",
            "LLM-as-a-judge",
        ),
        (
            "SAFE-SQL: Self-Augmented In-Context Learning for Text-to-SQL",
            "Text-to-SQL turns questions into SQL queries with large language models.",
            "Text-to-SQL & data queries",
        ),
    ],
)
def test_named_papers_get_their_topic(taxonomy: Taxonomy, title: str, abstract: str, topic: str) -> None:
    assert topic in taxonomy.classify(title, abstract)[1]


def test_a_cameras_calibration_is_not_a_models_uncertainty(taxonomy: Taxonomy) -> None:
    """Uncertainty quantification counts "calibration" (a model's confidence), but not inside
    "camera calibration", though the paper is Bayesian."""
    title = "Bayesian Inference for Multi-Camera Rigs"
    abstract = "We solve camera calibration with Bayesian inference; camera calibration takes minutes."
    tags, topics = taxonomy.classify(title, abstract)
    assert "Probabilistic & Bayesian methods" in tags
    assert "Uncertainty quantification" not in topics


# --- hand-checked papers ---------------------------------------------------------------------


def test_seed_text_to_3d_paper_gets_3d_and_diffusion(taxonomy: Taxonomy) -> None:
    papers = {
        title: abstract for _, title, abstract in _bench().read_corpus(ROOT / "dumps")
    }  # the seed dumps
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
        (  # a quantization paper's activation outliers are not an anomaly detector's (PrefixQuant)
            "Static Quantization through Prefixed Outliers in LLMs",
            "Token-wise outliers in activations hurt 4-bit quantization; we isolate the outliers in a prefix.",
            {"Efficient models & compression", "Large language models"},
            {"Anomaly & out-of-distribution detection"},
        ),
        (  # a battery's state of health is power engineering; its electrolyte is chemistry
            "State of Health Prediction of Li-ion Batteries",
            "We predict battery health from charge cycles; battery management systems use it.",
            {"Control & power systems"},
            {"Chemistry & materials"},
        ),
        (
            "High-Throughput Electrolyte Screening",
            "A robot screens electrolyte formulations with electrochemical tests.",
            {"Chemistry & materials"},
            set(),
        ),
        (  # a calibration set for quantization, or a camera's, is not a model's calibrated confidence
            "Post-Training Quantization of Vision Transformers",
            "We quantize weights with a small calibration set; calibration takes minutes.",
            {"Efficient models & compression"},
            {"Probabilistic & Bayesian methods"},
        ),
        (
            "Verbalized Confidence of Language Models Is Poorly Calibrated",
            "We measure the calibration error of verbalized confidence.",
            {"Probabilistic & Bayesian methods"},
            set(),
        ),
        (
            "Outlier Detection for Tabular Data",
            "We benchmark outlier detection methods on tabular data.",
            {"Anomaly & out-of-distribution detection"},
            set(),
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
    labels = bench.classify(taxonomy, papers)
    tags = Counter(name for found, _ in labels for name in found)
    topics = Counter(name for _, found in labels for name in found)
    assert sum(1 for found, _ in labels if found) / len(papers) >= bench.MIN_TAGGED
    assert max(tags.values()) / len(papers) <= bench.MAX_TAG_SHARE
    assert all(tags[tag.name] > 0 for tag in taxonomy.tags)
    assert sum(1 for _, found in labels if found) / len(papers) >= bench.MIN_WITH_TOPIC
    assert max(topics.values()) / len(papers) <= bench.MAX_TOPIC_SHARE
    assert min(topics[topic.name] for topic in taxonomy.topics) >= bench.MIN_TOPIC_PAPERS
    groups = bench.held_out_groups(bench.GROUPS, papers)
    sharing = sum(1 for _, members in groups if set.intersection(*(set(labels[i][1]) for i in members)))
    assert sharing / len(groups) >= bench.MIN_GROUPS_SHARING
