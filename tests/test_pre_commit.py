"""openwatt as a pre-commit hook, end to end with the real `pre-commit`: the README's config in a new git
repository, a commit that is blocked with the expected output, a fixed commit that goes through.

The hook repository is this checkout as it is on disk (committed or not), copied into a git repository of
its own, since pre-commit clones hook repositories at a commit. pre-commit installs it with pip into an
environment of its own (PRE_COMMIT_HOME in a temporary folder): the first run takes some seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_pre_commit_config() -> dict[str, object]:
    """The `.pre-commit-config.yaml` the README's Pre-commit section gives to copy."""
    section = README[README.index("### Pre-commit"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None, "README.md's Pre-commit section has no yaml block"
    return yaml.safe_load(block.group(1))  # type: ignore[no-any-return]


def _git(*args: str, cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    return {**os.environ, "HOME": str(home), "PRE_COMMIT_HOME": str(home / "pre-commit"), "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "PRE_COMMIT_COLOR": "never"}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """This checkout's files (tracked and new, not ignored) as a one-commit repository; its path and commit."""
    repo = tmp_path_factory.mktemp("openwatt-hooks")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    _git("init", "-q", cwd=repo, env=env)
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "-m", "openwatt", cwd=repo, env=env)
    return repo, _git("rev-parse", "HEAD", cwd=repo, env=env).stdout.strip()


@pytest.fixture
def model_repo(tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> Path:
    """A new model repository with the README's pre-commit config (pointed at this checkout), installed."""
    path, rev = hook_repo
    config = readme_pre_commit_config()
    [entry] = config["repos"]  # type: ignore[index]
    entry["repo"], entry["rev"] = str(path), rev
    repo = tmp_path / "model"
    repo.mkdir()
    _git("init", "-q", cwd=repo, env=env)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True,
                   capture_output=True)
    _git("add", ".pre-commit-config.yaml", cwd=repo, env=env)
    return repo


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    return _git("commit", "-m", message, cwd=repo, env=env, check=False)


def test_readme_config_names_the_shipped_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [entry] = readme_pre_commit_config()["repos"]  # type: ignore[index]
    assert [h["id"] for h in entry["hooks"]] == [h["id"] for h in hooks] == ["openwatt-disclosure",
                                                                             "openwatt-model-card"]
    assert all(h["language"] == "python" and h["pass_filenames"] is True for h in hooks)


@pytest.mark.parametrize(("name", "checked"), [
    ("disclosure.yaml", True), ("models/aurora.disclosure.yaml", True), ("x.disclosure.yml", True),
    ("a/b/disclosure.json", True), (".pre-commit-config.yaml", False), ("disclosures.yaml", False),
    ("mydisclosure.yaml", False), ("disclosure.yaml.bak", False), (".github/workflows/ci.yaml", False),
])
def test_disclosure_hook_files(name: str, checked: bool) -> None:
    [disclosure, _] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert bool(re.search(disclosure["files"], name)) is checked


def test_a_failing_commit_is_blocked_and_the_fixed_one_goes_through(model_repo: Path, env: dict[str, str]) -> None:
    # A disclosure whose evidence file is not in the commit: blocked, with the evidence named.
    shutil.copy(SAMPLES / "aurora-7b.yaml", model_repo / "disclosure.yaml")
    _git("add", "disclosure.yaml", cwd=model_repo, env=env)
    blocked = _commit(model_repo, env, "disclosure without its evidence")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    out = blocked.stdout + blocked.stderr
    assert re.search(r"openwatt \(disclosures\)\.+Failed", out), out
    assert "- exit code: 2" in out
    words = " ".join(out.split())  # the text report wraps at 80 columns under pre-commit
    assert ("openwatt/evidence Stated figures agree with their evidence files cannot read the evidence file "
            "evidence/aurora-7b/emissions.csv: no such file or directory at disclosure.yaml:240:5 "
            "(energy.training.evidence)") in words
    assert "FAIL disclosure.yaml 1 input problem" in words
    assert "openwatt (model cards)" in out and re.search(r"openwatt \(model cards\)\.+\(no files to check\)Skipped",
                                                         out)
    assert _git("rev-list", "--all", cwd=model_repo, env=env).stdout == ""  # nothing was committed

    # A disclosure that fails a rule of the recommended pack: blocked, with the rule and its fix.
    shutil.copy(SAMPLES / "ember-1b-no-energy.yaml", model_repo / "disclosure.yaml")
    _git("add", "disclosure.yaml", cwd=model_repo, env=env)
    failing = _commit(model_repo, env, "a disclosure without energy figures")
    out = failing.stdout + failing.stderr
    assert failing.returncode == 1, out
    assert "- exit code: 1" in out
    assert "FAIL   disclosure.yaml" in out
    assert "recommended/training-code-open" in out

    # Fixed: the evidence file committed beside the disclosure.
    shutil.copy(SAMPLES / "aurora-7b.yaml", model_repo / "disclosure.yaml")
    (model_repo / "evidence" / "aurora-7b").mkdir(parents=True)
    shutil.copy(SAMPLES / "evidence" / "aurora-7b" / "emissions.csv", model_repo / "evidence" / "aurora-7b")
    _git("add", "-A", cwd=model_repo, env=env)
    passed = _commit(model_repo, env, "disclosure with its evidence")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert re.search(r"openwatt \(disclosures\)\.+Passed", out), out
    assert _git("log", "--format=%s", cwd=model_repo, env=env).stdout == "disclosure with its evidence\n"


def test_model_card_hook_checks_the_readme(model_repo: Path, env: dict[str, str]) -> None:
    shutil.copy(SAMPLES / "model-cards" / "glacier-1b-instruct" / "README.md", model_repo / "README.md")
    _git("add", "README.md", cwd=model_repo, env=env)
    blocked = _commit(model_repo, env, "model card")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, out
    assert re.search(r"openwatt \(model cards\)\.+Failed", out), out
    assert "FAIL   README.md" in out
