"""Finding policies: by file or by id on the search path, with their imports, read and parsed once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..resources import POLICIES_DIR
from . import ast
from .cache import parse_policy_cached
from .errors import PolicyError, PolicyErrors, did_you_mean
from .policy import CompiledPolicy, Compiler, Unit, option_span

POLICY_SUFFIX = ".policy"
SHIPPED_PREFIX = "<openwatt>/policies/"  # how a shipped pack's file is shown outside a checkout


class PolicyLoader:
    """Reads policies from files and the search path and compiles them; one per set of options."""

    def __init__(self, search_path: Sequence[Path] = (), overrides: Mapping[str, str] | None = None,
                 config: Mapping[str, Any] | None = None, override_origin: str = "--set",
                 allow_no_rules: bool = False) -> None:
        self.search_path = (*(Path(p) for p in search_path), POLICIES_DIR)
        # A policy that applies no rule passes every input: an error (OW038) unless asked for.
        self.allow_no_rules = allow_no_rules
        self.overrides = dict(overrides or {})  # --set NAME=VALUE, as written
        self.config = dict(config or {})  # [params] from openwatt.toml, already typed by TOML
        self.override_origin = override_origin
        self.sources: dict[str, str] = {}  # file -> text of every policy read, for rendering errors

    # -- finding policies --

    def available(self) -> dict[str, Path]:
        """Every policy id on the search path, first folder winning."""
        found: dict[str, Path] = {}
        for folder in self.search_path:
            if folder.is_dir():
                for path in sorted(folder.glob(f"*{POLICY_SUFFIX}")):
                    found.setdefault(path.stem, path)
        return found

    def load(self, path: Path | str) -> CompiledPolicy:
        """Compile the policy in `path` (its folder joins the search path for its imports)."""
        path = Path(path)
        folder = path.parent
        if folder not in self.search_path:
            self.search_path = (folder, *self.search_path)
        return self._compile_tree(self._read(path))

    def compile_source(self, source: str, file: str = "<policy>") -> CompiledPolicy:
        """Compile policy text that is not in a file (tests, notebooks); imports use the search path."""
        raw = source.encode("utf-8")
        unit = Unit(parse_policy_cached(source, file), file, source, hashlib.sha256(raw).hexdigest())
        return self._compile_tree(unit)

    def load_id(self, policy_id: str, span: ast.Span | None = None) -> CompiledPolicy:
        """Compile the policy called `policy_id` from the search path."""
        path = self.available().get(policy_id)
        if path is None:
            where = span or option_span("-p")
            raise PolicyErrors([self._unknown(policy_id, where)])
        unit = self._read(path)
        if (mismatch := _id_mismatch(unit, policy_id)) is not None:
            raise PolicyErrors([mismatch], self.sources)
        return self._compile_tree(unit)

    def _unknown(self, policy_id: str, span: ast.Span) -> PolicyError:
        known = sorted(self.available())
        hint = did_you_mean(policy_id, known) or (f"known policies: {', '.join(known)}" if known else
                                                   "no policies on the search path")
        return PolicyError("OW030", f"unknown policy '{policy_id}'", span, hint)

    def _read(self, path: Path) -> Unit:
        file = display(path)
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise PolicyErrors([PolicyError("OW050", f"cannot read policy file: {err.strerror or err}",
                                            option_span(file), "check the path and the file's permissions")]) from None
        except ValueError:  # a NUL character, which no file name may hold
            raise PolicyErrors([PolicyError("OW050", "cannot read policy file: the path has a NUL character",
                                            option_span(file.replace("\0", "\\0")),
                                            "check the path in the configuration or on the command line")]) from None
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[:err.start].count(b"\n") + 1
            raise PolicyErrors([PolicyError("OW050", f"cannot read policy file: line {line} is not UTF-8 text",
                                            option_span(file), "save the policy file as UTF-8 text")]) from None
        self.sources[file] = source  # every file read, so an error in any of them shows its line
        tree = parse_policy_cached(source, file)
        return Unit(tree, file, source, hashlib.sha256(raw).hexdigest())

    def _compile_tree(self, root: Unit) -> CompiledPolicy:
        units = {root.tree.header.id: root}
        errors: list[PolicyError] = []
        self.sources[root.file] = root.source
        self._resolve_imports(root, units, [root.tree.header.id], errors)
        if errors:
            raise PolicyErrors(errors, self.sources)
        compiled = Compiler(units, self, errors).run(root)
        if not errors and not compiled.rules and not self.allow_no_rules:
            errors.append(PolicyError(
                "OW038", f"policy {root.tree.header.id} has no rules, so every input would pass it",
                root.tree.header.id_span, "add a rule, or import a pack; to apply it anyway (as a template), "
                "give --allow-no-rules"))
        if errors:
            raise PolicyErrors(errors, self.sources)
        return compiled

    def _resolve_imports(self, unit: Unit, units: dict[str, Unit], chain: list[str],
                         errors: list[PolicyError]) -> None:
        available = self.available()
        for item in unit.tree.items:
            if not isinstance(item, ast.Import):
                continue
            if item.policy in chain:
                cycle = " -> ".join([*chain[chain.index(item.policy):], item.policy])
                errors.append(PolicyError("OW031", f"import cycle: {cycle}", item.span,
                                          "a policy cannot import itself, directly or through others"))
                continue
            first = next((node for node, imported in unit.imports if imported == item.policy), None)
            if first is not None:
                errors.append(PolicyError("OW037", f"'{item.policy}' is imported twice (first at line "
                                          f"{first.span.line})", item.span,
                                          "import it once and put every override in that import's { ... }"))
                continue
            unit.imports.append((item, item.policy))
            if item.policy in units:
                continue
            path = available.get(item.policy)
            if path is None:
                errors.append(self._unknown(item.policy, item.span))
                continue
            try:
                child = self._read(path)
            except PolicyErrors as err:
                errors.extend(err.errors)
                continue
            if (mismatch := _id_mismatch(child, item.policy)) is not None:
                errors.append(mismatch)
                continue
            units[item.policy] = child
            self._resolve_imports(child, units, [*chain, item.policy], errors)


def _id_mismatch(unit: Unit, policy_id: str) -> PolicyError | None:
    """A policy found by id must declare that id: the file name is how the search path finds it."""
    if unit.tree.header.id == policy_id:
        return None
    return PolicyError("OW034", f"policy file {unit.file} declares 'policy {unit.tree.header.id}', not '{policy_id}'",
                       unit.tree.header.id_span, f"a policy's id must match its file name: policy {policy_id}")


def display(path: Path) -> str:
    """A policy's file name as findings show it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        shipped = POLICIES_DIR.resolve()
        try:
            return f"{SHIPPED_PREFIX}{path.resolve().relative_to(shipped)}"
        except ValueError:
            return str(path)


def is_policy_path(ref: str | Path) -> bool:
    """A policy given by file (`grant.policy`, `./packs/x`) rather than by id (`recommended`)."""
    text = os.fspath(ref)
    return text.endswith(POLICY_SUFFIX) or os.sep in text or "/" in text
