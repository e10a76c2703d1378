"""Parsed policies -> compiled policies: params, lets, rules and their texts, imports flattened.

Stages, each collecting every error it finds (loader.py reads the files first): work out each param's
value (default, then an importer's `set`, then --set and config, read by params.py); compile lets and
rules (each expression by expressions/); flatten imported rules (qualified `policy-id/rule-id`) with
severity overrides and disables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..values.verdicts import Reason, Severity, Status
from . import ast
from .errors import PolicyError, did_you_mean
from .expressions import (Compiled, Context, Explain, Local, as_condition, best, compile_expr, explanation,
                          type_of_value)
from .expressions.core import ImportedParam, RuleTarget
from .ordering import dependency_order
from .references import cycle_error, readable_params, rules_read
from .params import allowed_texts, literal, not_allowed, option_span, typed_override
from .runtime import RULE_ERRORS, Failure, Scope, approximate, text
from .types import ANY, assignable, disclosure

if TYPE_CHECKING:
    from .loader import PolicyLoader


# ---- compiled forms --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """A message or fix text with `{expression}` parts filled from the document."""

    parts: tuple[str | Compiled, ...]

    def render(self, scope: Scope) -> str:
        return "".join(p if isinstance(p, str) else text(_as_read(p, scope)) for p in self.parts)

    @property
    def plain(self) -> str:
        """The text with expressions shown as written, for documentation."""
        return "".join(p if isinstance(p, str) else "{" + p.text + "}" for p in self.parts)


EMPTY = Template(())


def _as_read(part: Compiled, scope: Scope) -> Any:
    """A value for a message: a disclosure's figure as written, a calculated one (a let, a sum) rounded
    to six significant digits: 17.1838 kgCO2e, not 17.183788019 kgCO2e."""
    value = part.run(scope)
    return value if isinstance(part.node, (ast.Attribute, ast.Subscript)) else approximate(value, 6)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str  # qualified for imported rules: "osaid/weights-licence"
    title: str
    severity: Severity
    cite: str
    description: str
    when: Compiled | None
    requires: tuple[Compiled, ...]
    explains: tuple[Explain, ...]
    message: Template | None  # said when a condition is violated
    success: Template | None  # said when the rule passes (e.g. "reaches MOF Class II")
    fix: Template
    origin: str  # the id of the policy that defines the rule
    span: ast.Span
    key: str  # the same for this rule in every policy that imports it with the same values of `params`
    params: tuple[tuple[str, str], ...] = ()  # the params the rule reads (directly or through lets), as written
    # Every expression compiled for the rule (its lets, `when`, `require`s and texts), each with its node:
    # what `openwatt explain` evaluates to show the value of each sub-expression.
    parts: tuple[Compiled, ...] = ()
    written: str = ""  # the rule's lines as written in its file, from `rule` to its closing brace

    def outcome(self, scope: Scope) -> tuple[Status, Failure | None]:
        """The rule's status on the scope's document and why it is not a pass, worked out once per
        document (this rule's finding and every rule that reads its result share it). Waivers are the
        evaluator's: a waived failure is a failure here."""
        key = f"\0outcome\0{self.key}"
        memo = scope.memo
        if (known := memo.get(key)) is None:
            known = memo[key] = self._decide(scope)
        return known

    def _decide(self, scope: Scope) -> tuple[Status, Failure | None]:
        try:
            if self.when is not None and self.when.run(scope) is not True:  # false or unknown: not applicable
                return Status.NOT_APPLICABLE, None
            failures = [explain(scope) for require, explain in zip(self.requires, self.explains)
                        if require.run(scope) is not True]
        except RULE_ERRORS as err:
            return Status.ERROR, Failure(Reason.RULE_ERROR, None, f"the rule could not be evaluated: {err}")
        return (Status.FAIL, best(failures)) if failures else (Status.PASS, None)

    def target(self) -> RuleTarget:
        """This rule as another rule's `rule ID passed` reads it."""
        return RuleTarget(f"{self.origin}/{self.id.rsplit('/', 1)[-1]}", self.key, self.params,
                          lambda scope: self.outcome(scope)[0])


@dataclass(frozen=True, slots=True)
class ParamValue:
    name: str
    value: Any
    description: str
    set_by: str  # "default", "import <id>", "--set", "config"
    allowed: tuple[str, ...] | None = None  # a text param's `one of` list


@dataclass(frozen=True, slots=True)
class SourceFile:
    id: str
    version: str
    file: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    id: str
    title: str
    version: str
    source: str
    description: str
    file: str
    params: Mapping[str, ParamValue]
    rules: tuple[CompiledRule, ...]  # its own and every imported one, overrides applied
    sources: tuple[SourceFile, ...]  # this policy's file and every imported one, for provenance
    imports: tuple[CompiledPolicy, ...] = ()  # the policies it imports directly, with the params they got


# ---- compiling the tree


@dataclass(slots=True)
class Unit:
    """One parsed policy file in the import tree."""

    tree: ast.PolicyFile
    file: str
    source: str
    sha256: str
    imports: list[tuple[ast.Import, str]] = field(default_factory=list)  # (import node, policy id)


# ---- ----------------------------------------------------------------------

_REQUIRED_HEADER = ("title", "version")
_REQUIRED_RULE = ("title", "severity", "require")
_REPEATABLE = {"require"}


class Compiler:
    def __init__(self, units: Mapping[str, Unit], loader: PolicyLoader, errors: list[PolicyError]) -> None:
        self.units, self.loader, self.errors = units, loader, errors
        self.param_sets: dict[str, dict[str, tuple[Any, str, ast.Node]]] = {}  # policy -> name -> (value, by, node)
        self.params: dict[str, dict[str, ParamValue]] = {}
        self.done: dict[str, CompiledPolicy] = {}

    def run(self, root: Unit) -> CompiledPolicy:
        self._check_overrides()
        # Params first, importers before the policies they import, so that every `set` an import
        # makes is known before the imported policy's rules are compiled against its params.
        order = self._importers_first(root.tree.header.id)
        for policy_id in order:
            unit = self.units[policy_id]
            ctx = self._context(unit)
            self.params[policy_id] = self._params(unit, ctx)
            ctx.params = {name: p.value for name, p in self.params[policy_id].items()}
            for node, imported_id in unit.imports:
                self._apply_sets(imported_id, node, ctx)
        for policy_id in reversed(order):  # imported before importer, so _policy never recurses into an import
            self._policy(policy_id)
        return self._policy(root.tree.header.id)

    def _importers_first(self, root_id: str) -> list[str]:
        order: list[str] = []
        seen: set[str] = {root_id}
        stack = [(root_id, iter([i for _, i in self.units[root_id].imports]))]
        while stack:  # depth-first post-order with a stack of its own: an import chain is no Python recursion
            policy_id, imported = stack[-1]
            child = next((i for i in imported if i not in seen), None)
            if child is None:
                order.append(policy_id)
                stack.pop()
            else:
                seen.add(child)
                stack.append((child, iter([i for _, i in self.units[child].imports])))
        return order[::-1]

    def _context(self, unit: Unit) -> Context:
        ctx = Context(unit.file, unit.source, disclosure(), self.errors, {}, {})
        ctx.declared = {item.name: item.value.span for item in unit.tree.items if isinstance(item, ast.Param)}
        return ctx

    def _check_overrides(self) -> None:
        declared = {name for u in self.units.values() for item in u.tree.items
                    if isinstance(item, ast.Param) for name in (item.name,)}
        for name, origin in [*((n, self.loader.override_origin) for n in self.loader.overrides),
                             *((n, "config") for n in self.loader.config)]:
            if name not in declared:
                hint = did_you_mean(name, declared) or (f"params: {', '.join(sorted(declared))}" if declared
                                                        else "these policies declare no params")
                self.errors.append(PolicyError("OW033", f"unknown param '{name}'", option_span(origin), hint))

    def _policy(self, policy_id: str) -> CompiledPolicy:
        if policy_id in self.done:
            return self.done[policy_id]
        unit = self.units[policy_id]
        header = unit.tree.header
        fields = self._fields(header.fields, header, _REQUIRED_HEADER, f"policy {policy_id}")
        ctx = self._context(unit)
        params = self.params[policy_id]
        ctx.params = {name: p.value for name, p in params.items()}
        ctx.imported = self._imported_params(policy_id)
        ctx.variant = _variant(unit, params, ctx.imported)
        ctx.imported_at = {imported_id: node.span for node, imported_id in unit.imports}
        lets: dict[str, Compiled] = {}
        ctx.lets = lets
        ctx.pending = _declared(unit.tree.items)
        names = {name: ctx.pending[name] for name in params}
        rule_nodes: dict[str, ast.Rule] = {}
        lets_above: dict[str, dict[str, Compiled]] = {}  # rule id -> the policy-level lets it may read
        for item in unit.tree.items:
            if isinstance(item, ast.Let):
                if self._new_name(item.name, names, item):
                    ctx.used, ctx.outside = set(), item
                    lets[item.name] = compile_expr(item.value, ctx)
                    ctx.let_uses[item.name] = frozenset(ctx.used)
            elif isinstance(item, ast.Rule):
                if item.id in rule_nodes:
                    first = rule_nodes[item.id].id_span.line
                    self.errors.append(PolicyError("OW020", f"duplicate rule id '{item.id}' (first at line {first})",
                                                   item.id_span, "give each rule its own id"))
                    continue
                rule_nodes[item.id] = item
                lets_above[item.id] = dict(lets)
        ctx.outside = None
        # Rules in dependency order: a rule that reads another's result (`rule ID passed`) holds it compiled.
        reads = {rule_id: rules_read(node, policy_id) for rule_id, node in rule_nodes.items()}
        ordering = dependency_order(reads)
        for cycle in ordering.cycles:
            self._cycle(cycle, rule_nodes, policy_id)
        targets: dict[str, RuleTarget | None] = self._imported_rules(policy_id)
        for rule_id in rule_nodes:
            targets[rule_id] = targets[f"{policy_id}/{rule_id}"] = None
        on_cycle = {rule_id for cycle in ordering.cycles for rule_id in cycle}
        compiled_rules: dict[str, CompiledRule] = {}
        for rule_id in ordering.order:
            ctx.lets = lets_above[rule_id]
            rule = self._rule(rule_nodes[rule_id], ctx, policy_id, targets)
            if rule is not None:
                compiled_rules[rule_id] = rule
                if rule_id not in on_cycle:
                    targets[rule_id] = targets[f"{policy_id}/{rule_id}"] = rule.target()
        ctx.lets = lets
        rules = [compiled_rules[rule_id] for rule_id in rule_nodes if rule_id in compiled_rules]  # as written
        # A policy imported twice (directly and through another) gives its rules once; every import's
        # own overrides apply to them, and a rule one import disables stays disabled.
        merged = {rule.id: rule for rule in rules}
        disabled: set[str] = set()
        for node, imported_id in unit.imports:
            imported, overrides = self._imported(node, imported_id)
            for rule in imported:
                if rule.id not in disabled:
                    merged.setdefault(rule.id, rule)
            for rule_id, severity in overrides.items():
                if severity is None:
                    disabled.add(rule_id)
                    merged.pop(rule_id, None)
                elif rule_id in merged:
                    merged[rule_id] = replace(merged[rule_id], severity=severity)
        rules = list(merged.values())
        sources = [SourceFile(policy_id, _text(fields.get("version")), unit.file, unit.sha256)]
        for _, imported_id in unit.imports:
            if imported_id in self.done:
                sources.extend(self.done[imported_id].sources)
        unique = {s.id: s for s in sources}
        compiled = CompiledPolicy(policy_id, _text(fields.get("title")), _text(fields.get("version")),
                                  _text(fields.get("source")), _text(fields.get("description")), unit.file,
                                  MappingProxyType(params), tuple(rules), tuple(unique.values()),
                                  tuple(self.done[i] for _, i in unit.imports if i in self.done))
        self.done[policy_id] = compiled
        return compiled

    def _imported_params(self, policy_id: str) -> dict[str, ImportedParam | tuple[str, ...]]:
        """The params of the imported policies that `policy_id` does not declare, as it may read them."""
        own = self.params[policy_id]
        found: dict[str, list[tuple[str, Any]]] = {}
        for member in self._subtree(policy_id)[1:]:
            for name, param in self.params[member].items():
                if name not in own and param.value is not _BAD:
                    found.setdefault(name, []).append((member, param.value))
        return readable_params(found)

    def _imported_rules(self, policy_id: str) -> dict[str, RuleTarget | None]:
        """The rules of every policy `policy_id` imports, directly or not, as `policy-id/rule-id`: each
        compiled with the params that policy has in this import tree, disabled or not."""
        targets: dict[str, RuleTarget | None] = {}
        for member in self._subtree(policy_id)[1:]:
            for rule in self.done[member].rules:
                if rule.origin == member:
                    targets[f"{member}/{rule.id}"] = rule.target()
        return targets

    def _cycle(self, cycle: tuple[str, ...], rule_nodes: Mapping[str, ast.Rule], policy_id: str) -> None:
        self.errors.append(cycle_error(cycle, rule_nodes, policy_id))

    def _new_name(self, name: str, names: dict[str, int], node: ast.Node) -> bool:
        """Record a param or let name (with its line); an error when it is taken or hides a section."""
        if name in names:
            self.errors.append(PolicyError("OW023", f"'{name}' is already defined (first at line {names[name]})",
                                           node.span, "give each param and let its own name"))
            return False
        shape = disclosure().shape
        if shape is not None and shape.property(name) is not None:
            self.errors.append(PolicyError("OW024", f"'{name}' would hide the disclosure section '{name}'",
                                           node.span, f"pick another name, e.g. {name}_value"))
            return False
        names[name] = node.span.line
        return True

    def _fields(self, body: Sequence[ast.Field], owner: ast.Node, required: Sequence[str],
                what: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        spans: dict[str, ast.Field] = {}
        for f in body:
            if f.keyword in _REPEATABLE:
                found.setdefault(f.keyword, []).append(f.value)
                continue
            if f.keyword in spans:
                self.errors.append(PolicyError("OW021", f"duplicate '{f.keyword}' in {what} "
                                               f"(first at line {spans[f.keyword].span.line})", f.span,
                                               f"write '{f.keyword}' once"))
                continue
            spans[f.keyword] = f
            found[f.keyword] = f.value
        for keyword in required:
            if keyword not in found:
                span = owner.id_span if isinstance(owner, (ast.Rule, ast.Header)) else owner.span
                self.errors.append(PolicyError("OW022", f"{what} has no '{keyword}'", span,
                                               _MISSING_HINTS[keyword]))
        return found

    # -- params --

    def _params(self, unit: Unit, ctx: Context) -> dict[str, ParamValue]:
        params: dict[str, ParamValue] = {}
        sets = self.param_sets.get(unit.tree.header.id, {})
        names: dict[str, int] = {}
        for item in unit.tree.items:
            if not isinstance(item, ast.Param) or not self._new_name(item.name, names, item):
                continue
            ctx.outside = item
            default = self._constant(item.value, ctx, f"the default of param '{item.name}'")
            ctx.outside = None
            if default is _BAD:  # reported; keep the name known so its uses are not reported again
                params[item.name] = ParamValue(item.name, _BAD, "", "default")
                ctx.params = {**ctx.params, item.name: _BAD}
                continue
            allowed = allowed_texts(item, default, ctx, self.errors) if item.allowed is not None else None

            def allow(value: Any, what: str, span: ast.Span) -> None:  # called in this iteration only
                """OW042 when a text param's value is not one of its `one of` list."""
                if allowed is not None and value not in allowed:
                    self.errors.append(not_allowed(item, value, allowed, what, span))

            value, by = default, "default"
            allow(default, f"the default of param '{item.name}'", item.value.span)
            if item.name in sets:
                value, by, node = sets[item.name]
                allow(value, f"set {item.name}", node.span)
            if item.name in self.loader.config:
                by = "config"
                value = typed_override(item, default, self.loader.config[item.name], by, self.errors)
                allow(value, f"[params] {item.name} = {literal(value)}", option_span(by))
            if item.name in self.loader.overrides:
                by = self.loader.override_origin
                value = typed_override(item, default, self.loader.overrides[item.name], by, self.errors)
                allow(value, f"{by} {item.name}={value}", option_span(by))
            if allowed is not None and value not in allowed:  # reported: checked with the default, so no error follows
                value = default
            description = item.description.value if item.description else ""
            params[item.name] = ParamValue(item.name, value, description, by, allowed)
            ctx.params = {**ctx.params, item.name: value}  # a later default may use an earlier param
        return params

    def _constant(self, node: ast.Expr, ctx: Context, what: str) -> Any:
        reported = len(self.errors)
        compiled = compile_expr(node, ctx)
        if not compiled.constant:
            if len(self.errors) == reported:  # a broken expression has its own error already
                self.errors.append(PolicyError("OW035", f"{what} must be a constant (a number, a quantity, a date, "
                                               "text, a list or a param)", node.span,
                                               "a param cannot depend on the disclosure; use a let for that"))
            return _BAD
        return compiled.run(None)  # type: ignore[arg-type]

    # -- rules --

    def _rule(self, node: ast.Rule, ctx: Context, policy_id: str,
              rules: Mapping[str, RuleTarget | None]) -> CompiledRule | None:
        what = f"rule {node.id}"
        fields_ = [f for f in node.body if isinstance(f, ast.Field)]
        found = self._fields(fields_, node, _REQUIRED_RULE, what)
        rule_ctx = ctx.within(locals={}, used=set(), trace=[], rules=rules, depends=[])
        rule_ctx.pending = {**ctx.pending, **_declared(node.body)}
        names = {name: ctx.pending.get(name, 0) for name in (*ctx.params, *ctx.lets)}
        when: Compiled | None = None
        requires: list[Compiled] = []
        for item in node.body:  # in source order, so a let is visible below it
            if isinstance(item, ast.Let):
                if self._new_name(item.name, names, item):
                    value = compile_expr(item.value, rule_ctx)
                    rule_ctx.locals[item.name] = Local(value.type, value, f"{ctx.variant}\0{node.id}\0{item.name}")
            elif item.keyword == "when" and when is None and isinstance(item.value, ast.Expr):  # the grammar's
                when = as_condition(compile_expr(item.value, rule_ctx), rule_ctx, "'when'")
            elif item.keyword == "require" and isinstance(item.value, ast.Expr):  # they always hold expressions
                requires.append(as_condition(compile_expr(item.value, rule_ctx), rule_ctx, "'require'"))
        message = self._template(found["message"], rule_ctx) if "message" in found else None
        success = self._template(found["success"], rule_ctx) if "success" in found else None
        fix = self._template(found["fix"], rule_ctx) if "fix" in found else EMPTY
        if not {"title", "severity", "require"} <= found.keys():
            return None
        # What the judgement depends on: the params it reads, and the rules whose result it reads (theirs too).
        read = {name: literal(ctx.params[name] if name in ctx.params else ctx.imported[name].value)  # type: ignore[union-attr]
                for name in rule_ctx.used}
        for target in rule_ctx.depends:
            read = {**dict(target.params), **read}
        params = tuple(sorted(read.items()))
        unit = self.units[policy_id]
        depends = tuple(sorted({target.key for target in rule_ctx.depends}))
        return CompiledRule(node.id, _text(found["title"]), Severity(found["severity"]), _text(found.get("cite")),
                            _text(found.get("description")), when, tuple(requires),
                            tuple(explanation(r) for r in requires), message, success, fix, policy_id, node.span,
                            _rule_key(unit, node.id, params, depends), params, tuple(rule_ctx.trace or ()),
                            "\n".join(unit.source.splitlines()[node.span.line - 1:node.span.end_line]))

    def _template(self, node: ast.Text, ctx: Context) -> Template:
        written = iter(node.written)  # each expression named as the text writes it (escapes read)
        return Template(tuple(p if isinstance(p, str) else replace(compile_expr(p, ctx), text=next(written))
                              for p in node.parts))

    # -- imports --

    def _imported(self, node: ast.Import, policy_id: str) -> tuple[list[CompiledRule], dict[str, Severity | None]]:
        """The imported policy's rules, qualified `policy-id/rule-id`, with this import's overrides
        applied; and those overrides by qualified id (None: disabled), for rules met twice."""
        imported = self._policy(policy_id)

        def qualified(rule_id: str) -> str:
            return rule_id if "/" in rule_id else f"{policy_id}/{rule_id}"
        known = {qualified(r.id) for r in imported.rules}
        overrides: dict[str, Severity | None] = {}
        for override in node.overrides:
            if isinstance(override, ast.SetParam):
                continue
            key = qualified(override.rule)
            if key not in known:
                hint = did_you_mean(key, known) or f"rules of {policy_id}: " + ", ".join(sorted(known))
                self.errors.append(PolicyError("OW032", f"policy '{policy_id}' has no rule '{override.rule}'",
                                               override.span, hint))
                continue
            overrides[key] = None if isinstance(override, ast.Disable) else Severity(override.level)
        rules = []
        for rule in imported.rules:
            key = qualified(rule.id)
            if key in overrides and overrides[key] is None:
                continue
            rules.append(replace(rule, id=key, severity=overrides.get(key) or rule.severity))
        return rules, overrides

    def _subtree(self, policy_id: str) -> list[str]:
        """`policy_id` and every policy it imports, directly or not."""
        seen: dict[str, None] = {}  # ordered, and a constant-time test
        stack = [policy_id]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen[current] = None
                stack.extend(imported for _, imported in self.units[current].imports)
        return list(seen)

    def _set_fits(self, member: str, override: ast.SetParam, value: Any, ctx: Context) -> bool:
        """Whether an import's `set` value has the type of the param's default in `member`."""
        unit = self.units[member]
        probe = Context(unit.file, unit.source, disclosure(), [], {}, {})  # its errors are reported elsewhere
        want = ANY
        for param in (i for i in unit.tree.items if isinstance(i, ast.Param)):  # a default may use earlier params
            default = compile_expr(param.value, probe)
            if param.name == override.name:
                want = default.type
                break
            if default.constant and not probe.errors:
                probe.params = {**probe.params, param.name: default.run(None)}  # type: ignore[arg-type]
        got = type_of_value(value)
        if probe.errors or assignable(got, want):
            return True
        written = ctx.text(override.value)
        example = want.example()
        self.errors.append(PolicyError(
            "OW041", f"set {override.name} = {written}: expected {want.describe()}, found {got.describe()}",
            override.value.span, f"e.g. set {override.name} = {example}" if example else None))
        return False

    def _apply_sets(self, policy_id: str, node: ast.Import, ctx: Context) -> None:
        """Record the params an `import ... { set NAME = value }` gives: to every policy of the imported
        tree that declares NAME, as --set does."""
        declaring: dict[str, list[str]] = {}
        for member in self._subtree(policy_id):
            for item in self.units[member].tree.items:
                if isinstance(item, ast.Param):
                    declaring.setdefault(item.name, []).append(member)
        for override in node.overrides:
            if not isinstance(override, ast.SetParam):
                continue
            name = override.name
            if name not in declaring:
                hint = did_you_mean(name, declaring) or (f"params: {', '.join(sorted(declaring))}"
                                                         if declaring else f"{policy_id} declares no params")
                self.errors.append(PolicyError("OW033", f"policy '{policy_id}' has no param '{name}'",
                                               override.span, hint))
                continue
            value = self._constant(override.value, ctx, f"set {name}")
            if value is _BAD:
                continue
            for member in declaring[name]:
                if not self._set_fits(member, override, value, ctx):
                    break
                earlier = self.param_sets.setdefault(member, {}).get(name)
                if earlier is not None and earlier[0] != value:
                    where = earlier[2].span
                    same_import = earlier[2] in node.overrides
                    self.errors.append(PolicyError(
                        "OW036", f"param '{name}' of '{member}' is set to {text(value)} here and to "
                        f"{text(earlier[0])} at {where.file}:{where.line}", override.span,
                        f"keep one 'set {name} = ...' line in this import" if same_import else
                        "set it in one place, in the policy that imports both"))
                    continue
                self.param_sets[member][name] = (value, f"import in {ctx.file}", override)


_BAD = object()
_MISSING_HINTS = {
    "title": 'add a title "..." line',
    "version": 'add a version "1.0.0" line',
    "severity": "add severity error, severity warning or severity info",
    "require": "add at least one require <condition>",
}


def _declared(items: Sequence[ast.Node]) -> dict[str, int]:
    """The params and lets among `items`, each with the line of its first definition."""
    lines: dict[str, int] = {}
    for item in items:
        if isinstance(item, (ast.Param, ast.Let)):
            lines.setdefault(item.name, item.span.line)
    return lines


def _text(value: Any) -> str:
    return value.value if isinstance(value, ast.Text) else (value or "")


def _rule_key(unit: Unit, rule_id: str, params: tuple[tuple[str, str], ...], depends: tuple[str, ...] = ()) -> str:
    """What makes a rule's judgement the same in every policy that imports it: its file, the file's text,
    its id, the values of the params it reads (not those of the policy's other params) and the keys of
    the rules whose result it reads."""
    said = "\0".join([*(f"{name}={value}" for name, value in params), *depends])
    return hashlib.sha256(f"{unit.file}\0{unit.sha256}\0#{rule_id}\0{said}".encode()).hexdigest()[:24]


def _variant(unit: Unit, params: Mapping[str, ParamValue],
             imported: Mapping[str, ImportedParam | tuple[str, ...]]) -> str:
    """A short fingerprint of a policy file's text and the values of the params it can read, its own and
    its imports' (see Context.variant)."""
    values = {**{name: p.value for name, p in params.items()},
              **{name: i.value for name, i in imported.items() if isinstance(i, ImportedParam) and name not in params}}
    said = "\0".join(f"{name}={literal(value)}" for name, value in sorted(values.items()))
    return hashlib.sha256(f"{unit.file}\0{unit.sha256}\0{said}".encode()).hexdigest()[:16]


