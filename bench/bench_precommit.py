"""5. A warm pre-commit hook run: `pre-commit run openwatt-disclosure --files disclosure.yaml` in a model
repository whose config points at this checkout, the hook's environment already installed.

The checkout (as it is on disk) is copied into a one-commit git repository, since pre-commit clones hook
repositories at a commit; a model repository gets the README's config and one passing disclosure
(samples/delta-3b-estimated.yaml). After one run that installs the hook environment and fills openwatt's
cache, the hook run and the hook's own command (`openwatt check disclosure.yaml` from the environment
pre-commit built) are timed in turns with `python -c pass`, the floor of any Python process. Median of
the runs; nothing asserts a timing. The issue's target: "well under a second".
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, VENV_BIN, Result, Row, child_env

SAMPLE = ROOT / "samples" / "delta-3b-estimated.yaml"


def run(quick: bool = False) -> Result:
    with tempfile.TemporaryDirectory(prefix="openwatt-precommit-") as tmp:
        env = _env(Path(tmp))
        model = _model_repo(Path(tmp), env)
        hook = [str(VENV_BIN / "pre-commit"), "run", "openwatt-disclosure", "--files", "disclosure.yaml"]
        first = subprocess.run(hook, cwd=model, env=env, capture_output=True, text=True)  # installs the env
        if first.returncode != 0:
            raise SystemExit(f"the hook failed ({first.returncode}):\n{first.stdout}{first.stderr}")
        entry = [_hook_openwatt(Path(env["PRE_COMMIT_HOME"])), "check", "disclosure.yaml"]
        commands = {"pre-commit hook run (warm)": hook, "hook entry: openwatt check": entry,
                    "python -c pass": [str(PYTHON), "-c", "pass"]}
        runs, warmup = (5, 1) if quick else (15, 2)
        times: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, set[int]] = {name: set() for name in commands}
        for i in range(warmup + runs):
            for name, cmd in commands.items():
                start = time.perf_counter()
                code = subprocess.run(cmd, cwd=model, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode
                codes[name].add(code)
                if i >= warmup:
                    times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    bad = {name: sorted(c) for name, c in codes.items() if c != {0}}
    floor = med["python -c pass"]
    rows = [
        Row("precommit", "pre-commit run openwatt-disclosure (warm)", med["pre-commit hook run (warm)"], "ms",
            "python -c pass", floor, note="target: well under 1 s" + (f"; EXIT CODES {bad}" if bad else "")),
        Row("precommit", "  of which the hook's openwatt check", med["hook entry: openwatt check"], "ms",
            "python -c pass", floor, note="installed wheel, .pyc compiled by pip"),
        Row("precommit", "python -c pass (floor)", floor, "ms"),
    ]
    extra = {"command": " ".join(hook), "runs": runs,
             "wall_ms": {n: sorted(t * 1e3 for t in ts) for n, ts in times.items()},
             "exit_codes": {k: sorted(v) for k, v in codes.items()}}
    return Result(rows, extra)


def _env(tmp: Path) -> dict[str, str]:
    return child_env(HOME=str(tmp / "home"), PRE_COMMIT_HOME=str(tmp / "pre-commit"), PRE_COMMIT_COLOR="never",
                     GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org", GIT_COMMITTER_NAME="bench",
                     GIT_COMMITTER_EMAIL="bench@example.org", GIT_CONFIG_NOSYSTEM="1")


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def _model_repo(tmp: Path, env: dict[str, str]) -> Path:
    hooks = tmp / "openwatt"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (hooks / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, hooks / name)
    _git("init", "-q", cwd=hooks, env=env)
    _git("add", "-A", cwd=hooks, env=env)
    _git("commit", "-q", "-m", "openwatt", cwd=hooks, env=env)
    rev = _git("rev-parse", "HEAD", cwd=hooks, env=env).strip()
    model = tmp / "model"
    model.mkdir()
    _git("init", "-q", cwd=model, env=env)
    (model / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: openwatt-disclosure\n", encoding="utf-8")
    shutil.copy(SAMPLE, model / "disclosure.yaml")
    _git("add", "-A", cwd=model, env=env)
    return model


def _hook_openwatt(pre_commit_home: Path) -> str:
    """The `openwatt` console script of the environment pre-commit built for the hook."""
    [script] = sorted(pre_commit_home.glob("repo*/py_env-*/bin/openwatt"))
    return str(script)


if __name__ == "__main__":
    from bench.run import table

    result = run(quick="--quick" in sys.argv)
    print(table(result.rows))
    print(f"\n{result.extra['command']}: median of {result.extra['runs']} runs")
