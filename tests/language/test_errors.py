"""Policy errors as golden files: each fixture policy and its exact rendered text; order, pickling, coverage."""

from __future__ import annotations

import datetime as dt
import pickle
import random
import re
from pathlib import Path
from typing import Any

import pytest

from openwatt.language.ast import Span
from openwatt.language.errors import Label, PolicyError, PolicyErrors, render_error, render_errors
from openwatt.language.loader import PolicyLoader

ERRORS = Path(__file__).parent / "errors"
LINT = Path(__file__).parent / "lint"  # `policy lint` fixtures, documented on the same page
ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
DOCS = ROOT / "docs" / "errors.md"
IMPORTS = Path("imports")  # relative: fixtures load with ERRORS as the working folder, so paths are stable
CODE_IN_SOURCE = re.compile(r'"(OW0\d\d)"')

# What a fixture is run with besides its file: `--set` values and `[params]` from the config file.
OPTIONS: dict[str, dict[str, Any]] = {
    "OW033-unknown-param-option": {"overrides": {"budjet": "400 MWh"}},
    "OW041-set-wrong-type": {"overrides": {"budget": "lots"}},
    "OW041-set-unknown-unit": {"overrides": {"budget": "400 MWhs"}},
    "OW041-set-list-param": {"overrides": {"methods": "measured"}},
    "OW042-set-not-allowed": {"overrides": {"minimum": "open"}},
    "OW038-imports-nested-too-deeply": {"max_import_depth": 3},  # 50 in use; 3 keeps the fixture small
    "OW041-config-wrong-type": {"config": {"budget": 400}},
    "OW041-config-not-finite": {"config": {"budget": float("inf")}},
    "OW041-config-table": {"config": {"budget": {"a": 1},
                                      "methods": [dt.datetime(2026, 1, 1, 10, 0, tzinfo=dt.timezone.utc)]}},
}

# Fixtures whose .txt is the output we want but the compiler does not give yet. Strict: when the
# compiler is fixed the case passes, the xfail fails, and the entry is deleted here.
XFAIL: dict[str, str] = {}  # stem -> why the rendered text is not yet the wanted one

FIXTURES = sorted(p.stem for p in ERRORS.glob("*.policy"))


def _cases() -> list[Any]:
    return [pytest.param(stem, id=stem, marks=[pytest.mark.xfail(strict=True, reason=XFAIL[stem])]
                         if stem in XFAIL else []) for stem in FIXTURES]


def _load(stem: str, monkeypatch: pytest.MonkeyPatch) -> PolicyErrors:
    monkeypatch.chdir(ERRORS)
    loader = PolicyLoader(search_path=[IMPORTS], **OPTIONS.get(stem, {}))
    with pytest.raises(PolicyErrors) as caught:
        loader.load(f"{stem}.policy")
    return caught.value


@pytest.mark.parametrize("stem", _cases())
def test_rendered_error(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = (ERRORS / f"{stem}.txt").read_text(encoding="utf-8")
    assert render_errors(_load(stem, monkeypatch)) + "\n" == expected


def test_every_fixture_has_its_expected_text_and_code() -> None:
    for stem in FIXTURES:
        text = (ERRORS / f"{stem}.txt").read_text(encoding="utf-8")
        if stem.startswith("OW"):
            assert f" {stem[:5]} " in text.splitlines()[0], stem
    assert sorted(p.stem for p in ERRORS.glob("*.txt")) == FIXTURES
    assert set(OPTIONS) - set(FIXTURES) == set()
    assert set(XFAIL) - set(FIXTURES) == set()


# ---- several errors --------------------------------------------------------------------------


def test_every_compile_error_is_reported_in_source_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # The param at the bottom is compiled first (params come before rules), yet is listed last.
    errors = _load("multiple-errors", monkeypatch).errors
    assert [(e.span.line, e.span.column, e.code) for e in errors] == [
        (8, 11, "OW010"), (11, 6, "OW022"), (13, 11, "OW012"), (16, 16, "OW035")]


def test_a_param_from_the_document_is_reported_after_an_unrelated_error() -> None:
    source = ('policy p\ntitle "P"\nversion "1"\nparam limit = energy.training.energyy\n'
              'param base = model.base_model\n')
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().compile_source(source, "p.policy")
    assert [(e.span.line, e.code) for e in caught.value.errors] == [(4, "OW010"), (5, "OW035")]


def test_a_whole_number_of_thousands_of_digits_is_too_large_not_a_crash() -> None:
    source = f'policy p\ntitle "P"\nversion "1"\nrule r {{ title "R" severity error require model.parameters < {"9" * 5000} }}\n'
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().compile_source(source, "p.policy")
    [error] = caught.value.errors
    assert (error.code, error.message) == ("OW025", "9999999999999999999999999999999999999... is too large for a number")


def test_a_byte_order_mark_is_not_part_of_the_policy(tmp_path: Path) -> None:
    source = 'policy bom\ntitle "B"\nversion "1"\nrule r { title "R" severity error require model.id exists }\n'
    (tmp_path / "bom.policy").write_bytes(b"\xef\xbb\xbf" + source.encode())
    assert PolicyLoader().load(tmp_path / "bom.policy").id == "bom"
    assert PolicyLoader().compile_source("\ufeff" + source, "bom.policy").id == "bom"


def test_labels_pickle_with_their_error() -> None:
    label = Label(Span("a.policy", 5, 8, 5, 9), "unclosed '{' opened here")
    error = PolicyError("OW003", "unexpected end of file", Span("a.policy", 9, 1, 9, 2), None, (label,))
    assert pickle.loads(pickle.dumps(error)).labels == (label,)


def test_every_syntax_error_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _load("multiple-syntax-errors", monkeypatch).errors
    assert [(e.span.line, e.span.column, e.code) for e in errors] == [
        (7, 12, "OW001"), (11, 6, "OW001"), (20, 3, "OW001")]


def test_order_does_not_depend_on_the_order_errors_were_found() -> None:
    def err(file: str, line: int, column: int, code: str) -> PolicyError:
        return PolicyError(code, "m", Span(file, line, column, line, column + 1))
    ordered = [err("--set", 0, 0, "OW033"), err("--set", 0, 0, "OW041"), err("a.policy", 2, 9, "OW010"),
               err("a.policy", 10, 1, "OW020"), err("a.policy", 10, 3, "OW011"), err("b.policy", 1, 1, "OW022")]
    for seed in range(5):
        shuffled = ordered[:]
        random.Random(seed).shuffle(shuffled)
        assert PolicyErrors(shuffled).errors == tuple(ordered)


def test_errors_are_separated_by_one_blank_line(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _load("multiple-errors", monkeypatch)
    blocks = render_errors(errors).split("\n\n")
    assert blocks == [render_error(e, errors.sources[e.span.file]) for e in errors.errors]


# ---- errors as data -------------------------------------------------------------------------


def test_policy_error_pickles() -> None:
    # Audit workers are processes: an error raised in one must arrive whole in the parent.
    for hint in ("did you mean 'energy.training'?", None):
        error = PolicyError("OW010", "unknown path 'energy.trainig'", Span("a.policy", 8, 11, 8, 25), hint)
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is PolicyError
        assert (copy.code, copy.message, copy.span, copy.hint) == ("OW010", "unknown path 'energy.trainig'",
                                                                   Span("a.policy", 8, 11, 8, 25), hint)
        assert str(copy) == str(error)


def test_policy_errors_pickle_with_their_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _load("multiple-errors", monkeypatch)
    copy = pickle.loads(pickle.dumps(errors))
    assert [(e.code, e.message, e.span, e.hint) for e in copy.errors] == [
        (e.code, e.message, e.span, e.hint) for e in errors.errors]
    assert render_errors(copy) == render_errors(errors)


def test_an_option_error_has_no_line() -> None:
    error = PolicyError("OW033", "unknown param 'budjet'", Span("--set", 0, 0, 0, 0), "did you mean 'budget'?")
    assert render_error(error, None) == "--set: OW033 unknown param 'budjet'\n    hint: did you mean 'budget'?"


def test_missing_policy_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ERRORS)
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().load("no-such-file.policy")
    assert render_errors(caught.value) == (
        "no-such-file.policy: OW050 cannot read policy file: No such file or directory\n"
        "    hint: check the path and the file's permissions")


def test_unknown_policy_id_on_the_command_line() -> None:
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader(search_path=[ERRORS / IMPORTS]).load_id("bsae")
    assert render_errors(caught.value) == "-p: OW030 unknown policy 'bsae'\n    hint: did you mean 'base'?"


# ---- completeness ---------------------------------------------------------------------------


def _engine_codes() -> list[str]:
    return sorted({code for f in ENGINE.rglob("*.py") for code in CODE_IN_SOURCE.findall(f.read_text("utf-8"))})


def _docs_sections() -> set[str]:
    return set(re.findall(r"^## (OW0\d\d) \S", DOCS.read_text(encoding="utf-8"), re.MULTILINE))


def test_the_engine_uses_error_codes() -> None:
    assert {"OW001", "OW002", "OW003", "OW010"} <= set(_engine_codes())  # the scan itself works


def test_every_error_code_has_a_fixture() -> None:
    fixtures = {stem[:5] for stem in FIXTURES if stem.startswith("OW")}
    assert [code for code in _engine_codes() if code not in fixtures] == []


def test_every_error_code_is_documented() -> None:
    assert [code for code in _engine_codes() if code not in _docs_sections()] == []


def _normalised(text: str) -> str:
    # Examples in the docs name their file as an author would; fixtures are named after their code.
    return re.sub(r"[\w./-]+\.policy\b", "FILE", text)


def test_documented_errors_are_what_openwatt_prints() -> None:
    """Every rendered error in docs/errors.md is the golden output of some fixture."""
    goldens = [_normalised((ERRORS / f"{stem}.txt").read_text(encoding="utf-8")) for stem in FIXTURES]
    goldens += [_normalised(p.read_text(encoding="utf-8")) for p in sorted(LINT.glob("*.txt"))]
    blocks = re.findall(r"```text\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for block in blocks:
        assert any(_normalised(block) in golden for golden in goldens), block


def test_documented_examples_are_fixtures() -> None:
    """Every example policy in docs/errors.md is (part of) a fixture, so its error is tested."""
    sources = [p.read_text(encoding="utf-8") for p in ERRORS.rglob("*.policy") if p.stem != "OW050-not-utf8"]
    sources += [p.read_text(encoding="utf-8") for p in LINT.glob("*.policy")]
    blocks = re.findall(r"```policy\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for block in blocks:
        assert any(block in source for source in sources), block


# ---- the page agrees with the language ------------------------------------------------------


def test_every_documented_code_is_in_the_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    sections = re.findall(r"^## (OW\d{3}) ", text, re.MULTILINE)
    table = re.findall(r"^\| \[(OW\d{3})\]\(#", text, re.MULTILINE)
    assert sorted(sections) == sorted(table)


def test_ow012_lists_every_function() -> None:
    from openwatt.language.builtins import BUILTINS

    section = DOCS.read_text(encoding="utf-8").split("## OW012 ")[1].split("\n## ")[0]
    listed = set(re.findall(r"`(\w+)`", section.split("**How to fix it.**")[1]))
    assert set(BUILTINS) <= listed


def test_ow001_lists_every_line_a_rule_may_have() -> None:
    grammar = (ENGINE / "language" / "grammar.lark").read_text(encoding="utf-8")
    fields = re.search(r"^\?rule_field: (.*)$", grammar, re.MULTILINE).group(1).split(" | ")  # type: ignore[union-attr]
    bullet = DOCS.read_text(encoding="utf-8").split("- the lines inside a rule start with ")[1].split(";")[0]
    assert sorted(re.findall(r"`(\w+)`", bullet)) == sorted(fields)


def test_a_set_hint_is_what_a_shell_passes_as_one_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    hint = _load("OW041-set-wrong-type", monkeypatch).errors[0].hint
    assert hint is not None and shlex.split(hint.removeprefix("e.g. ")) == ["--set", "budget=500 MWh"]
