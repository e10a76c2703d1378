"""The on-disk cache of parsed policies: hits skip Lark, and a bad cache never changes an answer."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import openwatt
from openwatt.language import cache as cache_module
from openwatt.language import cache_folder
from openwatt.language.ast import PolicyFile
from openwatt.language.cache import parse_policy_cached
from openwatt.language.errors import PolicyErrors
from openwatt.language.loader import display
from openwatt.language.parser import _lark, _tables_key, parse_policy

ROOT = Path(__file__).parents[2]
SOURCE = 'policy p\ntitle "t"\nversion "1"\nrule r {\n  title "r"\n  severity info\n  require model.id exists\n}\n'
NO_RULES = 'policy p\ntitle "t"\nversion "1"\n'
OTHER_USER = 54321


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("OPENWATT_CACHE_DIR", str(folder))
    monkeypatch.delenv("OPENWATT_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed with Lark, in order: a cache hit adds nothing."""
    calls: list[str] = []

    def counting(source: str, file: str) -> PolicyFile:
        calls.append(file)
        return parse_policy(source, file)

    monkeypatch.setattr("openwatt.language.parser.parse_policy", counting)
    return calls


def entries(folder: Path, kind: str = "policy") -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.owcache"))


def _files(folder: Path) -> set[Path]:
    return set(folder.iterdir()) if folder.is_dir() else set()


def warm(cache: Path, source: str = SOURCE, file: str = "p.policy") -> Path:
    """The entry of (source, file): the file a first parse wrote, other than Lark's tables."""
    before = _files(cache)
    parse_policy_cached(source, file)
    [entry] = [p for p in _files(cache) - before if not p.name.startswith("lark-tables")]
    return entry


# ---- hits and misses -------------------------------------------------------------------------


def test_a_hit_gives_the_same_tree_without_parsing(cache: Path, parses: list[str]) -> None:
    first = parse_policy_cached(SOURCE, "p.policy")
    [entry] = entries(cache)
    assert parse_policy_cached(SOURCE, "p.policy") == first == parse_policy(SOURCE, "p.policy")
    assert entries(cache) == [entry] and parses == ["p.policy"]


def test_the_file_name_is_part_of_the_key(cache: Path) -> None:
    parse_policy_cached(SOURCE, "p.policy")
    tree = parse_policy_cached(SOURCE, "other/p.policy")
    assert tree.span.file == "other/p.policy"
    assert len(entries(cache)) == 2


def test_a_broken_policy_is_not_cached(cache: Path) -> None:
    with pytest.raises(PolicyErrors):
        parse_policy_cached(SOURCE.replace("severity info", "severity eror"), "p.policy")
    assert entries(cache) == []


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("OPENWATT_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")


def test_the_folder_is_created_for_this_user_only(cache: Path) -> None:
    entry = warm(cache)
    assert (cache.stat().st_mode & 0o777, entry.stat().st_mode & 0o777) == (0o700, 0o600)


def test_an_entry_is_a_digested_header_and_json(cache: Path) -> None:
    entry = warm(cache)
    header, _, payload = entry.read_bytes().partition(b"\n")
    assert header.decode() == f"openwatt-cache 1 policy {hashlib.sha256(payload).hexdigest()}"
    assert payload.startswith(b'{"@dict":[["source_sha256","%s"],["file","p.policy"],["tree",{"@":"PolicyFile",'
                              % hashlib.sha256(SOURCE.encode()).hexdigest().encode())
    assert entry.name == f"policy-{cache_module.policy_key(SOURCE, 'p.policy')}.owcache"


def test_a_warm_check_does_not_import_lark(cache: Path) -> None:
    code = ("import sys; from openwatt.checking import Engine; Engine().policy('recommended'); "
            "print('lark' in sys.modules)")
    env = {**os.environ, "OPENWATT_CACHE_DIR": str(cache)}
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    warm_ = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert (cold.stdout, warm_.stdout) == ("True\n", "False\n")


# ---- what a planted or damaged entry can do: nothing -----------------------------------------


class _RunsCode:
    """Unpickling this touches `marker`: what anyone who can write a pickle cache can do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def _pickle_key(source: str, file: str) -> str:
    """The file name the pickle cache used for (source, file)."""
    here = ROOT / "engine" / "language"
    parser = hashlib.sha256(b"".join((here / n).read_bytes() for n in ("grammar.lark", "parser.py", "ast.py")))
    return hashlib.sha256(parser.digest() + file.encode() + b"\0" + source.encode()).hexdigest()


def test_a_planted_pickle_is_never_run(cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = pickle.dumps(_RunsCode(marker))
    entry = warm(cache)
    entry.write_bytes(payload)  # where this cache looks
    (cache / f"{_pickle_key(SOURCE, 'p.policy')}.ast").write_bytes(payload)  # where the pickle cache looked
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert not marker.exists()


def test_planted_lark_tables_are_never_run(cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = pickle.dumps(_RunsCode(marker))
    try:
        _lark.cache_clear()
        _lark()
        for tables in cache.glob("lark-tables*"):
            tables.write_bytes(payload)
        # what Lark's own cache= read: a digest line, then pickles it loads before comparing the digest
        (cache / "lark-tables.pickle").write_bytes(b"0" * 64 + b"\n" + payload)
        _lark.cache_clear()
        assert parse_policy(SOURCE, "p.policy").items
    finally:
        _lark.cache_clear()
    assert not marker.exists()


def _check_exit_code(policy: Path) -> int:
    return openwatt.check([str(ROOT / "samples" / "ember-1b-no-energy.yaml")], [str(policy)]).exit_code


FAILING = 'policy planted\ntitle "t"\nversion "1"\nrule r {\n  title "r"\n  severity error\n  require energy.training.method exists\n}\n'


def test_a_planted_policy_without_rules_does_not_change_the_verdict(cache: Path, tmp_path: Path) -> None:
    policy = tmp_path / "planted.policy"
    policy.write_text(FAILING, encoding="utf-8")
    before = _files(cache)
    assert _check_exit_code(policy) == 1
    [entry] = [p for p in _files(cache) - before if not p.name.startswith("lark-tables")]
    file = display(policy)
    no_rules = FAILING.split("rule r")[0]
    # a genuine entry of this cache, for the same file name but another text, moved to this text's name
    entry.unlink()
    warm(cache, no_rules, file).rename(entry)
    assert _check_exit_code(policy) == 1
    # a pickle of the rule-less tree, under this cache's name and the pickle cache's
    tree = pickle.dumps(parse_policy(no_rules, file))
    entry.write_bytes(tree)
    (cache / f"{_pickle_key(FAILING, file)}.ast").write_bytes(tree)
    assert _check_exit_code(policy) == 1


def test_the_entry_must_be_for_the_text_being_compiled(cache: Path, parses: list[str]) -> None:
    entry = warm(cache)
    other = warm(cache, NO_RULES)
    entry.write_bytes(other.read_bytes())  # a valid entry, digest and all, of another text
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy", "p.policy"]


@pytest.mark.parametrize("where", ["header", "payload", "last byte"])
def test_a_flipped_bit_means_parsing_again(cache: Path, parses: list[str], where: str) -> None:
    entry = warm(cache)
    data = bytearray(entry.read_bytes())
    at = {"header": 3, "payload": data.index(b'"require"') + 2, "last byte": len(data) - 1}[where]
    data[at] ^= 0x04
    entry.write_bytes(bytes(data))
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy"]


@pytest.mark.parametrize("keep", [0, 1, 40, -1])
def test_a_truncated_entry_means_parsing_again(cache: Path, parses: list[str], keep: int) -> None:
    entry = warm(cache)
    entry.write_bytes(entry.read_bytes()[:keep])
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy"]


def test_an_oversized_entry_is_not_read(cache: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    entry = warm(cache)
    monkeypatch.setattr(cache_folder, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy"]


def test_a_shipped_pack_from_a_damaged_cache_gives_the_same_findings(cache: Path) -> None:
    sample = str(ROOT / "samples" / "aurora-7b.yaml")
    genuine = openwatt.check([sample]).findings
    for number, entry in enumerate(entries(cache)):
        data = bytearray(entry.read_bytes())
        data[(number * 7919) % len(data)] ^= 1 << (number % 8)
        entry.write_bytes(bytes(data))
    assert openwatt.check([sample]).findings == genuine


# ---- whose folder, whose files ---------------------------------------------------------------


@pytest.mark.parametrize("change", ["folder owner", "entry owner", "folder mode 0777", "folder mode 0770",
                                    "entry mode 0666", "entry mode 0620"])
def test_what_someone_else_could_write_is_not_read(cache: Path, parses: list[str], change: str) -> None:
    entry = warm(cache)
    what, how, *value = change.split()
    target = cache if what == "folder" else entry
    if how == "owner":
        os.chown(target, OTHER_USER, -1)
    else:
        target.chmod(int(value[0], 8))
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy"]


@pytest.mark.parametrize("change", ["owner", "mode"])
def test_nothing_is_written_to_a_folder_someone_else_can_write(cache: Path, change: str) -> None:
    cache.mkdir(mode=0o700)
    if change == "owner":
        os.chown(cache, OTHER_USER, -1)
    else:
        cache.chmod(0o1777)  # as /tmp
    parse_policy_cached(SOURCE, "p.policy")
    assert list(cache.iterdir()) == []


def test_a_link_as_an_entry_is_not_followed(cache: Path, parses: list[str], tmp_path: Path) -> None:
    entry = warm(cache)
    elsewhere = tmp_path / "elsewhere"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    parse_policy_cached(SOURCE, "p.policy")
    assert parses == ["p.policy", "p.policy"]


_IN_A_CHILD = """
import sys
from openwatt.language.cache import parse_policy_cached
from openwatt.language.parser import parse_policy
assert parse_policy_cached(sys.argv[1], "p.policy") == parse_policy(sys.argv[1], "p.policy")
print("parsed")
"""


def test_a_fifo_as_an_entry_never_hangs(cache: Path) -> None:
    entry = warm(cache)
    tables = cache / f"lark-tables-{_tables_key()}.owcache"
    tables.touch()
    for fifo in (entry, tables):
        fifo.unlink()
        os.mkfifo(fifo, 0o600)
    env = {**os.environ, "OPENWATT_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _IN_A_CHILD, SOURCE], capture_output=True, text=True,
                          env=env, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "parsed\n", "")


# ---- a disabled cache reads nothing -----------------------------------------------------------

_WATCH_OPENS = """
import os, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event in ("open", "os.mkdir") else None)
from openwatt.language.cache import parse_policy_cached
tree = parse_policy_cached(sys.argv[1], "p.policy")
assert tree.items, tree
watched = [os.path.realpath(p) for p in sys.argv[2:]]
print("\\n".join(p for p in opened if any(os.path.realpath(p).startswith(w) for w in watched)))
"""


def _opened_in(env: dict[str, str], *watched: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _WATCH_OPENS, SOURCE, *map(str, watched)],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.split()


def _planted_everywhere(tmp_path: Path) -> dict[str, Path]:
    folders = {name: tmp_path / name for name in ("cache", "xdg", "home", "tmp")}
    for folder in folders.values():
        folder.mkdir(mode=0o700)
    env = {"OPENWATT_CACHE_DIR": str(folders["cache"]), "OPENWATT_NO_CACHE": ""}
    assert _opened_in(env) == []  # fills the cache folder
    for folder in folders.values():  # and something to read wherever a cache might be looked for
        (folder / "openwatt").mkdir(exist_ok=True)
        (folder / "lark-tables.pickle").write_bytes(b"")
    return folders


def test_a_disabled_cache_reads_and_writes_no_file(tmp_path: Path) -> None:
    folders = _planted_everywhere(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    env = {"OPENWATT_NO_CACHE": "1", "OPENWATT_CACHE_DIR": str(folders["cache"]), "XDG_CACHE_HOME": str(folders["xdg"]),
           "HOME": str(folders["home"]), "TMPDIR": str(folders["tmp"])}
    assert _opened_in(env, tmp_path) == []
    assert sorted(tmp_path.rglob("*")) == before


def test_a_cache_folder_that_cannot_be_made_never_means_the_temporary_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"OPENWATT_NO_CACHE": "", "OPENWATT_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(temporary)}
    assert _opened_in(env, temporary) == []
    assert list(temporary.iterdir()) == []


# ---- eviction ---------------------------------------------------------------------------------


def test_old_entries_are_evicted(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_folder, "_KEEP", 2)
    for i in range(4):
        parse_policy_cached(SOURCE, f"p{i}.policy")
    assert len(entries(cache)) == 2


def test_eviction_spares_what_this_cache_did_not_write(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setattr(cache_folder, "_KEEP", 2)
    cache.mkdir(mode=0o700)
    outside = tmp_path / "outside.owcache"
    outside.write_bytes(b"openwatt-cache 1 policy 0\n")
    foreign = {
        "notes.ast": b"someone's syntax tree",
        "0" * 64 + ".ast": b"an entry of the pickle cache",
        "policy-" + "0" * 64 + ".owcache": b"same name, not our header",
        "readme.txt": b"hello",
    }
    for name, data in foreign.items():
        (cache / name).write_bytes(data)
        os.utime(cache / name, (0, 0))  # the oldest files in the folder
    link = cache / ("policy-" + "1" * 64 + ".owcache")
    link.symlink_to(outside)
    for i in range(4):
        parse_policy_cached(SOURCE, f"p{i}.policy")
    assert {name: (cache / name).read_bytes() for name in foreign} == foreign
    assert link.is_symlink() and outside.exists()
    assert len([p for p in entries(cache) if not p.is_symlink() and p.name not in foreign]) == 2


def test_the_tables_come_from_the_cache_on_a_second_start(cache: Path) -> None:
    code = textwrap.dedent("""
        import sys
        from openwatt.language.parser import parse_policy
        parse_policy(sys.argv[1], "p.policy")
    """)
    env = {**os.environ, "OPENWATT_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", code, SOURCE], check=True, env=env)
    [tables] = entries(cache, "lark-tables")
    written = tables.stat().st_mtime_ns
    subprocess.run([sys.executable, "-c", code, SOURCE], check=True, env=env)
    assert entries(cache, "lark-tables") == [tables] and tables.stat().st_mtime_ns == written
    assert tables.read_bytes().startswith(b"openwatt-cache 1 lark-tables ")


BROKEN = SOURCE.replace("require model.id exists", "require model.id >")


def _trees_and_error() -> tuple[list[PolicyFile], list[tuple[object, ...]]]:
    trees = [parse_policy(path.read_text(encoding="utf-8"), path.name) for path in sorted((ROOT / "policies").glob("*.policy"))]
    with pytest.raises(PolicyErrors) as caught:
        parse_policy(BROKEN, "p.policy")
    return trees, [(e.code, e.message, e.span, e.hint) for e in caught.value.errors]


def test_tables_from_the_cache_parse_as_tables_built_afresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        monkeypatch.setenv("OPENWATT_NO_CACHE", "1")
        _lark.cache_clear()
        built = _trees_and_error()
        monkeypatch.delenv("OPENWATT_NO_CACHE")
        _lark.cache_clear()
        _lark()  # builds and stores the tables
        _lark.cache_clear()
        monkeypatch.setattr("openwatt.language.parser.Lark.open_from_package", None)  # loading only
        assert _trees_and_error() == built
    finally:
        _lark.cache_clear()
