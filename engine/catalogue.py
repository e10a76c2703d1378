"""The policy catalogue: which policies there are, one policy in words, and the packs as Markdown.

`openwatt policy list`, `show` and `doc` are views of these functions (the list's chosen by name from
`LIST_VIEWS`); `docs/policies.md` is `render_markdown` over every shipped pack. Output depends only on
the policies' text, never on the working folder or the time, so a generated document can be checked for
staleness.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .language import ast
from .language.cache import parse_policy_cached
from .language.errors import PolicyErrors
from .language.expressions import source_text
from .language.loader import POLICY_SUFFIX, PolicyLoader, is_policy_path
from .language.params import literal
from .language.policy import CompiledPolicy, CompiledRule, ParamValue
from .resources import POLICIES_DIR

__all__ = ["LIST_VIEWS", "Import", "ListView", "PolicyEntry", "PolicyPage", "list_policies", "load_page",
           "render_list", "render_list_json", "render_markdown", "render_text", "shipped_ids"]

DOC_COMMAND = "openwatt policy doc -o docs/policies.md"
_WIDTH = 100
_LONG_DEFAULT = 60  # characters of a list default shown whole in the Markdown params table


@dataclass(frozen=True, slots=True)
class PolicyEntry:
    """One policy on the search path; `error` is the first compile error when it does not compile."""

    id: str
    title: str
    version: str
    file: str
    error: str = ""


@dataclass(frozen=True, slots=True)
class Import:
    """An `import` line of a policy, with its overrides as written."""

    policy: str
    overrides: tuple[str, ...]  # 'disable x', 'severity y warning', 'set z = 1'


@dataclass(frozen=True, slots=True)
class PolicyPage:
    """What documentation shows of a policy: the compiled policy and what only its text says."""

    policy: CompiledPolicy
    file: str  # as documents name it: policies/x.policy for a shipped pack, wherever openwatt runs
    shipped: bool  # one of the packs openwatt ships
    imports: tuple[Import, ...]
    lets: tuple[tuple[str, str], ...]  # the policy's own lets: (name, expression as written)
    imported_lets: Mapping[str, tuple[tuple[str, str], ...]]  # imported policy id -> its lets, which its rules use
    rule_lets: Mapping[tuple[str, str], tuple[tuple[str, str], ...]]  # (policy id, rule id) -> the rule's lets

    def lets_of(self, rule: CompiledRule) -> tuple[tuple[str, str], ...]:
        """The lets written inside `rule`, in the policy that defines it."""
        return self.rule_lets.get((rule.origin, rule.id.rsplit("/", 1)[-1]), ())

    @property
    def imported_params(self) -> dict[str, Mapping[str, ParamValue]]:
        """The params of every policy imported, directly or not, with the values they get here;
        by policy id, in import order."""
        found: dict[str, Mapping[str, ParamValue]] = {}

        def visit(policy: CompiledPolicy) -> None:
            for imported in policy.imports:
                if imported.id not in found:
                    found[imported.id] = imported.params
                    visit(imported)
        visit(self.policy)
        return {policy_id: params for policy_id, params in found.items() if params}

    @property
    def own_rules(self) -> tuple[CompiledRule, ...]:
        return tuple(r for r in self.policy.rules if r.origin == self.policy.id)

    @property
    def imported_rules(self) -> tuple[CompiledRule, ...]:
        return tuple(r for r in self.policy.rules if r.origin != self.policy.id)


def shipped_ids() -> list[str]:
    """The ids of the policy packs openwatt ships, sorted."""
    return sorted(path.stem for path in POLICIES_DIR.glob(f"*{POLICY_SUFFIX}"))


def list_policies(search_path: Sequence[Path | str] = ()) -> list[PolicyEntry]:
    """Every policy id on the search path (then the shipped packs), first folder winning, sorted by id."""
    loader = PolicyLoader(tuple(Path(p) for p in search_path))
    entries = []
    for policy_id, path in sorted(loader.available().items()):
        try:
            policy = PolicyLoader(tuple(Path(p) for p in search_path)).load(path)
        except PolicyErrors as err:
            entries.append(PolicyEntry(policy_id, "", "", _display(path), str(err.errors[0]) if err.errors else ""))
            continue
        entries.append(PolicyEntry(policy.id, policy.title, policy.version, policy.file))
    return entries


def load_page(ref: str | Path, *, search_path: Sequence[Path | str] = (), params: Mapping[str, str] | None = None,
              config_params: Mapping[str, Any] | None = None, origin: str = "openwatt policy") -> PolicyPage:
    """The page of a policy named by id or by file. Raises PolicyErrors, as `Engine.policy` does;
    `origin` names what gave an unknown id."""
    loader = PolicyLoader(tuple(Path(p) for p in search_path), params, config_params)
    if is_policy_path(ref):
        path = Path(ref)
        policy = loader.load(path)
    else:
        policy = loader.load_id(str(ref), ast.Span(origin, 0, 0, 0, 0))
        path = loader.available()[str(ref)]
    source = loader.sources[policy.file]
    tree = parse_policy_cached(source, policy.file)
    rule_lets = {}
    imported_lets = {}
    for file in sorted({s.file for s in policy.sources}):  # this policy and every one it imports
        unit = parse_policy_cached(loader.sources[file], file)
        if unit.header.id != policy.id:
            imported_lets[unit.header.id] = tuple((item.name, source_text(item.value, loader.sources[file]))
                                                  for item in unit.items if isinstance(item, ast.Let))
        for item in unit.items:
            if isinstance(item, ast.Rule):
                rule_lets[unit.header.id, item.id] = tuple((let.name, source_text(let.value, loader.sources[file]))
                                                           for let in item.body if isinstance(let, ast.Let))
    imports = tuple(Import(item.policy, tuple(_override(o, source) for o in item.overrides))
                    for item in tree.items if isinstance(item, ast.Import))
    lets = tuple((item.name, source_text(item.value, source)) for item in tree.items if isinstance(item, ast.Let))
    shipped = path.resolve().parent == POLICIES_DIR.resolve()
    return PolicyPage(policy, f"policies/{path.name}" if shipped else _display(path), shipped, imports, lets,
                      {k: v for k, v in sorted(imported_lets.items()) if v}, rule_lets)


def _display(path: Path) -> str:
    """A file relative to the working folder when inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _override(node: ast.Override, source: str) -> str:
    if isinstance(node, ast.Disable):
        return f"disable {node.rule}"
    if isinstance(node, ast.SeverityOverride):
        return f"severity {node.rule} {node.level}"
    return f"set {node.name} = {source_text(node.value, source)}"


# ---- list ------------------------------------------------------------------------------------


def render_list(entries: Iterable[PolicyEntry]) -> str:
    """A table of policies: id, version, title, file; a policy that does not compile says why."""
    rows = [("ID", "VERSION", "TITLE", "FILE")]
    notes = []
    for e in entries:
        rows.append((e.id, e.version or "-", e.title or "(does not compile)", e.file))
        if e.error:
            notes.append(f"{e.id}: {e.error}")
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[3]]) for row in rows]
    return "\n".join([*lines, *notes]) + "\n"


def render_list_json(entries: Iterable[PolicyEntry]) -> str:
    """The policies as a JSON array of {id, title, version, file, error}; error is null when it compiles."""
    return json.dumps([{"id": e.id, "title": e.title, "version": e.version, "file": e.file, "error": e.error or None}
                       for e in entries], indent=2) + "\n"


ListView = Callable[[Iterable[PolicyEntry]], str]

LIST_VIEWS: Mapping[str, ListView] = MappingProxyType({"text": render_list, "json": render_list_json})
"""The views of the policy list by name, as `openwatt policy list --format` chooses them."""


# ---- show: one policy in the terminal --------------------------------------------------------


def render_text(page: PolicyPage) -> str:
    """One policy as `openwatt policy show` prints it: header, params with their values, every rule."""
    p = page.policy
    out = [f"{p.id} {p.version}: {p.title}", f"file: {p.file}"]
    if p.source:
        out += ["source:", *_wrap(p.source, 4)]
    if p.description:
        out += ["", *_wrap(p.description, 0)]
    if page.imports:
        out.append("")
    for item in page.imports:
        out.append(f"imports {item.policy}" + (f": {'; '.join(item.overrides)}" if item.overrides else ""))
    imported_params = page.imported_params
    if p.params or imported_params:
        out += ["", "params"]
        for param in p.params.values():
            out += _hanging(f"  {param.name} = ", f"{literal(param.value)}{_one_of(param)}  ({_set_by(param.set_by)})")
            if param.description:
                out += _wrap(param.description, 6)
        for policy_id, params in imported_params.items():  # described with their own policy
            out.append(f"  from {policy_id}:")
            for param in params.values():
                out += _hanging(f"    {param.name} = ", f"{_short(param.value)}  ({_set_by(param.set_by)})")
    if page.lets or page.imported_lets:
        out += ["", "definitions"]
        out += [line for name, text in page.lets for line in _hanging("  let ", f"{name} = {text}")]
        for policy_id, lets in page.imported_lets.items():
            out.append(f"  from {policy_id}:")
            out += [line for name, text in lets for line in _hanging("    let ", f"{name} = {text}")]
    out += ["", f"rules ({len(p.rules)})"]
    for rule in p.rules:
        out += ["", f"  {rule.id}  {rule.severity.value}  {rule.title}"]
        out += _rule_lines(rule, page.lets_of(rule))
    return "\n".join(out) + "\n"


def _short(value: Any) -> str:
    """A param value on a line or two; a long list by its first items and its length."""
    text = literal(value)
    if isinstance(value, list) and len(text) > _LONG_DEFAULT:
        return f"[{', '.join(literal(v) for v in value[:3])}, ... {len(value)} items]"
    return text


def _set_by(origin: str) -> str:
    return origin if origin in ("default", "config") else f"set by {origin}"


def _rule_lines(rule: CompiledRule, lets: Sequence[tuple[str, str]]) -> list[str]:
    lines = []
    if rule.cite:
        lines += _labelled("cite", rule.cite)
    if rule.when is not None:
        lines += _labelled("when", rule.when.text)
    lines += [line for name, text in lets for line in _labelled("let", f"{name} = {text}")]
    lines += [line for require in rule.requires for line in _labelled("require", require.text)]
    if rule.message is not None:
        lines += _labelled("message", rule.message.plain)
    if rule.success is not None:
        lines += _labelled("success", rule.success.plain)
    if rule.fix.parts:
        lines += _labelled("fix", rule.fix.plain)
    return lines


def _labelled(label: str, text: str) -> list[str]:
    return _hanging(f"      {label}: ", " ".join(text.split()))


def _hanging(lead: str, text: str) -> list[str]:
    """`lead` then `text` wrapped at the width, continuation lines under the text's first character."""
    body = textwrap.wrap(text, _WIDTH - len(lead), break_long_words=False,
                         break_on_hyphens=False) or [""]
    return [lead + body[0], *(" " * len(lead) + line for line in body[1:])]


def _wrap(text: str, indent: int) -> list[str]:
    """Paragraphs (blank-line separated) re-wrapped at the width, under `indent` spaces; a bulleted item stays
    one item, its continuation lines under the item's text."""
    lines: list[str] = []
    for paragraph in _paragraph_parts(text):
        if lines:
            lines.append("")
        for bullet, words in paragraph:
            first = " " * indent + ("- " if bullet else "")
            lines += textwrap.wrap(words, _WIDTH - indent, initial_indent=first, subsequent_indent=" " * len(first),
                                   break_long_words=False, break_on_hyphens=False)
    return lines


def _paragraph_parts(text: str) -> list[list[tuple[bool, str]]]:
    """Each blank-line separated paragraph as its parts, (is a `- ` item, its words): a line more indented
    than the item before it continues that item; any other line that is no item is plain text."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        parts: list[tuple[bool, list[str]]] = []
        item_indent = -1
        for line in paragraph.splitlines():
            words, indent = line.strip(), len(line) - len(line.lstrip())
            if words.startswith("- "):
                parts.append((True, [words[2:]]))
                item_indent = indent
            elif parts and (indent > item_indent if parts[-1][0] else True):
                parts[-1][1].append(words)
            else:
                parts.append((False, [words]))
                item_indent = -1
        paragraphs.append([(bullet, " ".join(" ".join(lines).split())) for bullet, lines in parts])
    return paragraphs


# ---- doc: the packs as Markdown --------------------------------------------------------------


def render_markdown(pages: Sequence[PolicyPage]) -> str:
    """The policy catalogue (docs/policies.md): an index, then per pack its header, params and rules."""
    pages = sorted(pages, key=lambda page: page.policy.id)
    documented = {page.policy.id for page in pages}
    shipped = all(page.shipped for page in pages)
    out = [
        "# Policy packs" if shipped else "# Policies",
        "",
        f"<!-- Generated by `{DOC_COMMAND if shipped else 'openwatt policy doc'}`; do not edit by hand. -->",
        "",
        ("The policies below ship with openwatt; each is tested by `policies/<id>.test.yaml` (run them with "
         "`openwatt policy test`). " if shipped else "")
        + "Check a disclosure against one with `openwatt check disclosure.yaml -p ID`; `openwatt policy show ID` "
        "prints one in the terminal, with the param values your configuration gives it. A rule's conditions "
        "are written in the policy language (docs/language.md): it applies when its `when` holds (otherwise "
        "it is not applicable) and passes when every `require` holds.",
        "",
        "| pack | title | version | rules |",
        "|---|---|---|---|",
    ]
    for page in pages:
        p = page.policy
        rules = f"{len(page.own_rules)}" + (f" (+{len(page.imported_rules)} imported)" if page.imported_rules else "")
        out.append(f"| [`{p.id}`](#{_slug(p.id)}) | {_cell(p.title)} | {_cell(p.version)} | {rules} |")
    for page in pages:
        out += ["", *_pack(page, documented)]
    return "\n".join(out) + "\n"


def _pack(page: PolicyPage, documented: set[str]) -> list[str]:
    p = page.policy
    out = [f"## {p.id}", "", f"**{_prose(p.title)}** · version {_prose(p.version)} · `{page.file}`"]
    if p.source:
        out += ["", f"**Source:** {_prose(' '.join(p.source.split()))}"]
    if p.description:
        out += ["", *_paragraphs(p.description)]
    for item in page.imports:
        name = f"[`{item.policy}`](#{_slug(item.policy)})" if item.policy in documented else f"`{item.policy}`"
        overrides = "; ".join(f"`{o}`" for o in item.overrides)
        out += ["", f"**Imports** {name}" + (f", with {overrides}" if overrides else "") + "."]
    if p.params:
        out += ["", "### Params", "", "| param | default | description |", "|---|---|---|"]
        for param in p.params.values():
            allowed = f" (one of {', '.join(f'`{literal(a)}`' for a in param.allowed)})" if param.allowed else ""
            out.append(f"| `{param.name}` | {_default(param.value, p.id)}{allowed} | {_cell(param.description)} |")
    if page.lets:
        out += ["", "### Definitions", "", "Names the rules below use:", ""]
        out += [f"- {_code(f'let {name} = {text}')}" for name, text in page.lets]
    if page.own_rules:
        out += ["", "### Rules"]
        for rule in page.own_rules:
            out += ["", *_rule(rule, page.lets_of(rule))]
    if page.imported_rules:
        out += ["", "### Imported rules", "", "As they apply in this pack (severity after overrides); each is "
                "documented with the pack it comes from.", "", "| rule | severity | title |", "|---|---|---|"]
        for rule in page.imported_rules:
            out.append(f"| `{rule.id}` | {rule.severity.value} | {_cell(rule.title)} |")
    return out


def _one_of(param: ParamValue) -> str:
    """` one of "a", "b"` for a text param with an allowed-values list; "" otherwise."""
    return f" one of {', '.join(map(literal, param.allowed))}" if param.allowed else ""


def _default(value: Any, policy_id: str) -> str:
    """A param's default for a table cell; a long list by its first items and its length."""
    text = literal(value)
    if isinstance(value, list) and len(text) > _LONG_DEFAULT:
        head = ", ".join(literal(v) for v in value[:3])
        return (f"{_code(f'[{head}, ...]', cell=True)} ({len(value)} items; `openwatt policy show {policy_id}` "
                "lists them)")
    return _code(text, cell=True)


def _rule(rule: CompiledRule, lets: Sequence[tuple[str, str]]) -> list[str]:
    out = [f"#### `{rule.id}`: {_prose(rule.title)}", "", f"- **Severity:** {rule.severity.value}"]
    if rule.cite:
        out.append(f"- **Cite:** {_prose(rule.cite)}")
    conditions = [f"  - when {_code(rule.when.text)}"] if rule.when is not None else []
    conditions += [f"  - let {_code(f'{name} = {text}')}" for name, text in lets]
    conditions += [f"  - require {_code(r.text)}" for r in rule.requires]
    out += ["- **Conditions:**", *conditions]
    if rule.message is not None:
        out.append(f"- **Message:** {_prose(rule.message.plain)}")
    if rule.success is not None:
        out.append(f"- **When it passes:** {_prose(rule.success.plain)}")
    if rule.fix.parts:
        out.append(f"- **Fix:** {_prose(rule.fix.plain)}")
    if rule.description:
        out += ["", *_paragraphs(rule.description)]
    return out


def _paragraphs(text: str) -> list[str]:
    """Paragraphs as Markdown: bulleted items stay a list, with a blank line between a list and text."""
    out: list[str] = []
    for paragraph in _paragraph_parts(text):
        if out:
            out.append("")
        previous: bool | None = None
        for bullet, words in paragraph:
            if previous is not None and previous != bullet:
                out.append("")
            out.append(f"- {_prose(words)}" if bullet else _prose(words))
            previous = bullet
    return out


def _prose(text: str) -> str:
    """Text as Markdown shows it: `<` escaped, so that `LicenseRef-<name>` is not read as an HTML tag."""
    return text.replace("<", "&lt;")


def _cell(text: str) -> str:
    return _prose(" ".join(text.split())).replace("|", "\\|")


def _code(text: str, *, cell: bool = False) -> str:
    """An inline code span that survives backticks in `text`, and pipes in a table cell."""
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")
