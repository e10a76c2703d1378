"""Finding policies: by file or by id on the search path, with their imports, read and parsed once."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..resources import POLICIES_DIR
from . import ast
from .cache import parse_policy_cached
from .errors import PolicyError, PolicyErrors, did_you_mean
from .params import option_span
from .policy import CompiledPolicy, Compiler, Unit

POLICY_SUFFIX = ".policy"
# The most policies on one chain of imports, the importing policy included. Real packs chain two or three; the bound
# keeps compiling, reporting and pickling a compiled policy (whose imports nest) far from Python's recursion limit.
MAX_IMPORT_DEPTH = 50
SHIPPED_PREFIX = "<openwatt>/policies/"  # how a shipped pack's file is shown outside a checkout


class PolicyLoader:
    """Reads policies from files and the search path and compiles them; one per set of options."""

    def __init__(self, search_path: Sequence[Path] = (), overrides: Mapping[str, str] | None = None,
                 config: Mapping[str, Any] | None = None, override_origin: str = "--set",
                 max_import_depth: int = MAX_IMPORT_DEPTH, allow_no_rules: bool = False) -> None:
        self.search_path = (*(Path(p) for p in search_path), POLICIES_DIR)
        # A policy that applies no rule passes every input: an error (OW039) unless asked for.
        self.allow_no_rules = allow_no_rules
        self.overrides = dict(overrides or {})  # --set NAME=VALUE, as written
        self.config = dict(config or {})  # [params] from openwatt.toml, already typed by TOML
        self.override_origin = override_origin
        self.max_import_depth = max_import_depth  # the most policies on one chain of imports (OW038)
        self.sources: dict[str, str] = {}  # file -> text of every policy read, for rendering errors
        self._listing: tuple[tuple[Path, ...], dict[str, Path]] | None = None  # (search path, its policies)

    # -- finding policies --

    def available(self) -> dict[str, Path]:
        """Every policy id on the search path, first folder winning. Listed once per search path and loader:
        listing the folders for every import made a policy of 2,000 imports take 16 s."""
        if self._listing is None or self._listing[0] != self.search_path:
            found: dict[str, Path] = {}
            for folder in self.search_path:
                if folder.is_dir():
                    for path in sorted(folder.glob(f"*{POLICY_SUFFIX}")):
                        found.setdefault(path.stem, path)
            self._listing = (self.search_path, found)
        return dict(self._listing[1])

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
        source = source.removeprefix("\ufeff")  # a byte-order mark is not part of the policy
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
            raw = _read_regular(path)
        except _NotRegular as err:
            raise PolicyErrors([PolicyError("OW050", f"cannot read policy file: it is {err}, not a regular file",
                                            option_span(file), "give the path of a .policy file")]) from None
        except OSError as err:
            raise PolicyErrors([PolicyError("OW050", f"cannot read policy file: {err.strerror or err}",
                                            option_span(file), "check the path and the file's permissions")]) from None
        except ValueError:  # a NUL character, which no file name may hold
            raise PolicyErrors([PolicyError("OW050", "cannot read policy file: the path has a NUL character",
                                            option_span(file.replace("\0", "\\0")),
                                            "check the path in the configuration or on the command line")]) from None
        try:
            # "utf-8-sig": a byte-order mark (written by some Windows editors) is not part of the policy,
            # as it is not of a disclosure.
            source = raw.decode("utf-8-sig")
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
        self._resolve_imports(root, units, errors)
        if errors:
            raise PolicyErrors(errors, self.sources)
        compiled = Compiler(units, self, errors).run(root)
        if not errors and not compiled.rules and not self.allow_no_rules:
            errors.append(PolicyError(
                "OW039", f"policy {root.tree.header.id} has no rules, so every input would pass it",
                root.tree.header.id_span, "add a rule, or import a pack; to apply it anyway (as a template), "
                "give --allow-no-rules"))
        if errors:
            raise PolicyErrors(errors, self.sources)
        return compiled

    def _resolve_imports(self, root: Unit, units: dict[str, Unit], errors: list[PolicyError]) -> None:
        """Read every policy `root` imports, directly or not, into `units`, depth first with a stack of its own:
        an import chain costs no Python recursion, however long."""
        available = self.available()
        chain = [root.tree.header.id]  # the policies being read, each imported by the one before
        stack: list[tuple[Unit, Iterator[ast.Node], dict[str, ast.Import]]] = [(root, iter(root.tree.items), {})]
        while stack:
            unit, items, firsts = stack[-1]
            item = next((i for i in items if isinstance(i, ast.Import)), None)
            if item is None:
                stack.pop()
                chain.pop()
                continue
            if item.policy in chain:
                cycle = " -> ".join([*chain[chain.index(item.policy):], item.policy])
                errors.append(PolicyError("OW031", f"import cycle: {cycle}", item.span,
                                          "a policy cannot import itself, directly or through others"))
                continue
            if (first := firsts.get(item.policy)) is not None:
                errors.append(PolicyError("OW037", f"'{item.policy}' is imported twice (first at line "
                                          f"{first.span.line})", item.span,
                                          "import it once and put every override in that import's { ... }"))
                continue
            firsts[item.policy] = item
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
            chain.append(item.policy)
            stack.append((child, iter(child.tree.items), {}))
        if not errors:
            errors.extend(_too_deep(root, units, self.max_import_depth))


def _too_deep(root: Unit, units: Mapping[str, Unit], limit: int) -> list[PolicyError]:
    """OW038 at the import where the longest chain of imports from `root` passes `limit` policies.

    The longest chain, not the one the reading followed: a policy compiles after everything it imports, so the
    longest chain is how deep compiling (and anything that walks a compiled policy's imports) goes."""
    depth: dict[str, int] = {}  # policy -> the most policies on a chain from it, itself included
    stack = [(root.tree.header.id, False)]
    while stack:  # post-order, without recursion; the imports have no cycle (OW031 comes first)
        policy_id, expanded = stack.pop()
        imported = [i for _, i in units[policy_id].imports]
        if expanded:
            depth[policy_id] = 1 + max((depth[i] for i in imported), default=0)
        elif policy_id not in depth:
            stack.append((policy_id, True))
            stack.extend((i, False) for i in imported if i not in depth)
    if depth[root.tree.header.id] <= limit:
        return []
    chain, node = [root.tree.header.id], None
    while len(chain) <= limit:  # follow the longest chain to the import that passes the limit
        node, next_id = max(units[chain[-1]].imports, key=lambda pair: depth[pair[1]])
        chain.append(next_id)
    assert node is not None
    shown = " -> ".join(chain if len(chain) <= 6 else [*chain[:3], "…", *chain[-2:]])
    return [PolicyError("OW038", f"imports nested more than {limit} deep: {shown}", node.span,
                        "import the policies you need side by side in one policy, not each through the one before")]


def _id_mismatch(unit: Unit, policy_id: str) -> PolicyError | None:
    """A policy found by id must declare that id: the file name is how the search path finds it."""
    if unit.tree.header.id == policy_id:
        return None
    return PolicyError("OW034", f"policy file {unit.file} declares 'policy {unit.tree.header.id}', not '{policy_id}'",
                       unit.tree.header.id_span, f"a policy's id must match its file name: policy {policy_id}")


class _NotRegular(Exception):
    """A path that names a named pipe, a socket or a device; the message says which."""


def _read_regular(path: Path) -> bytes:
    # O_NONBLOCK: opening a named pipe would otherwise wait for a writer for ever.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        raise _NotRegular("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else
                          "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read()


def display(path: Path) -> str:
    """A policy's file name as findings show it: relative to the working folder when inside it."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links (RuntimeError before 3.13), a NUL character
        return str(path)
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        shipped = POLICIES_DIR.resolve()
        try:
            return f"{SHIPPED_PREFIX}{resolved.relative_to(shipped)}"
        except ValueError:
            return str(path)


def is_policy_path(ref: str | Path) -> bool:
    """A policy given by file (`grant.policy`, `./packs/x`) rather than by id (`recommended`)."""
    text = os.fspath(ref)
    return text.endswith(POLICY_SUFFIX) or os.sep in text or "/" in text
