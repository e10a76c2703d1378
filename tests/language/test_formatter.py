"""`fmt`: golden layouts, idempotence, comments kept, the shipped packs already formatted, and meaning
unchanged (the findings of every shipped pack on every sample are the same after formatting)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openwatt.checking import Engine
from openwatt.language.errors import PolicyErrors
from openwatt.language.formatter import Comment, comments, fmt
from openwatt.language.parser import _lark, parse_policy

ROOT = Path(__file__).resolve().parents[2]
FMT = Path(__file__).parent / "fmt"
PACKS = sorted((ROOT / "policies").glob("*.policy"))
SAMPLES = [p.relative_to(ROOT) for folder in ("samples", "samples/real", "samples/mot")
           for p in sorted((ROOT / folder).glob("*.yaml"))] + [Path("samples/model-cards/glacier-1b-instruct")]


@pytest.mark.parametrize("src", sorted(FMT.glob("*.policy")), ids=lambda p: p.stem)
def test_fmt_golden(src: Path) -> None:
    got = fmt(src.read_text(encoding="utf-8"), src.name)
    assert got == src.with_suffix(".policy.formatted").read_text(encoding="utf-8")
    assert fmt(got, src.name) == got and parse_policy(got, src.name)


def test_every_golden_has_its_formatted_text() -> None:
    assert sorted(p.name for p in FMT.glob("*.formatted")) == sorted(p.name + ".formatted" for p in FMT.glob("*.policy"))


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.stem)
def test_every_shipped_pack_is_formatted(pack: Path) -> None:
    source = pack.read_text(encoding="utf-8")
    assert fmt(source, pack.name) == source, f"run: openwatt policy fmt policies/{pack.name}"


@pytest.mark.parametrize("src", [*PACKS, *sorted(FMT.glob("*.policy"))], ids=lambda p: p.stem)
def test_every_comment_survives(src: Path) -> None:
    source = src.read_text(encoding="utf-8")
    before = sorted(c.text for c in comments(source))
    assert sorted(c.text for c in comments(fmt(source, src.name))) == before


def test_comments_are_found_outside_texts_only() -> None:
    source = 'policy p # one\ntitle "a # b" # two\ndescription """\n# three\n"""\n  # four  \n'
    assert comments(source) == [Comment(1, "# one"), Comment(2, "# two"), Comment(6, "# four")]


def test_a_policy_that_does_not_parse_is_an_error_not_a_layout() -> None:
    with pytest.raises(PolicyErrors) as caught:
        fmt("policy p\ntitle 'x'\n", "p.policy")
    assert [e.code for e in caught.value.errors] == ["OW002"]


def _squashed(source: str) -> str:
    """`source` as one run of tokens joined by single spaces: no layout, no comments, same meaning."""
    return " ".join(str(t) for t in _lark().parse_interactive(source, start="start").iter_parse()) + "\n"


def _findings(policy: Path, search_path: list[Path]) -> list[object]:
    engine = Engine(search_path=search_path)
    report = engine.check(SAMPLES, [engine.policy(policy)], generated_at="2026-01-01T00:00:00Z")
    return [f for f in report.findings]


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.stem)
def test_formatting_never_changes_findings(pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pack, squashed to one line and formatted again, gives the same findings on every sample."""
    monkeypatch.chdir(ROOT)
    for other in PACKS:  # its imports, likewise squashed and formatted, come from the same folder
        (tmp_path / other.name).write_text(fmt(_squashed(other.read_text(encoding="utf-8")), other.name),
                                          encoding="utf-8")
    assert len(SAMPLES) >= 15
    assert _findings(tmp_path / pack.name, [tmp_path]) == _findings(pack, [])
