"""Infrastructure shared by every room: where caches live, what invalidates them, safe writes.

- :func:`cache_dir`: ``$JDCORPUS_CACHE_DIR``, else the platform's per-user cache directory.
- :func:`code_stamp`: one hash of the code and data that shape a cache, read recursively, so a
  module moved into a subpackage still invalidates what it shapes.
- :func:`atomic_write` / :func:`output`: write a file the user named without ever clobbering
  what the path points to (devices, FIFOs and symlinks are written through; regular files are
  replaced atomically and keep their mode; ``-`` is standard output).

This module imports nothing from jdcorpus but :mod:`jdcorpus.errors`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from .errors import OutputError

CACHE_ENV = "JDCORPUS_CACHE_DIR"
PACKAGE = Path(__file__).resolve().parent


def _configured_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    return user_dir("cache")


def user_dir(kind: str) -> Path:
    """The per-user ``cache`` or ``data`` directory of jdcorpus on this platform.

    On Linux this is the XDG rule that platformdirs follows (``$XDG_CACHE_HOME`` or ``~/.cache``,
    ``$XDG_DATA_HOME`` or ``~/.local/share``, then ``jdcorpus``), computed here because
    importing platformdirs costs a few per cent of a cold ``jdcorpus search``; elsewhere it is
    platformdirs' answer (a test keeps the two equal).
    """
    if sys.platform.startswith("linux"):
        var, default = {
            "cache": ("XDG_CACHE_HOME", "~/.cache"),
            "data": ("XDG_DATA_HOME", "~/.local/share"),
        }[kind]
        base = os.environ.get(var, "").strip() or os.path.expanduser(default)
        return Path(base) / "jdcorpus"
    import platformdirs

    get = platformdirs.user_cache_dir if kind == "cache" else platformdirs.user_data_dir
    return Path(get("jdcorpus", appauthor=False))


#: configured cache directory that could not be written → the temporary one used instead
_FALLBACK: dict[Path, Path] = {}
_WRITABLE: set[Path] = set()


def cache_dir() -> Path:
    """``$JDCORPUS_CACHE_DIR``, else the per-user cache directory of the platform (or, once
    :func:`writable_cache_dir` found it unwritable, this process's temporary stand-in)."""
    configured = _configured_cache_dir()
    return _FALLBACK.get(configured, configured)


def notice(message: str) -> None:
    """One line to standard error, for what a user should know but need not act on (a damaged
    cache rebuilt, a cache directory replaced by a temporary one)."""
    print(f"jdcorpus: {message}", file=sys.stderr, flush=True)


def writable_cache_dir() -> Path:
    """The cache directory, created if needed, for a cache that must be written (the search
    index). When it cannot be written (read-only, not a directory, no permission), a temporary
    directory stands in for the rest of the process, removed at exit, with a one-line notice
    that names the variable to set. Caches that are only a speed-up use
    :func:`write_cache_file` instead, which skips a write that fails."""
    d = cache_dir()
    if d in _WRITABLE or d in _FALLBACK.values():
        return d
    try:
        d.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=d):
            pass
    except OSError as e:
        import atexit
        import shutil

        tmp = Path(tempfile.mkdtemp(prefix="jdcorpus-cache-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        _FALLBACK[d] = tmp
        notice(
            f"cannot write the cache directory {d} ({e.strerror or e}); using a temporary one "
            f"for this run (set {CACHE_ENV} to a writable directory to keep the cache)"
        )
        return tmp
    _WRITABLE.add(d)
    return d


#: Every cache jdcorpus makes in the cache directory, as regular expressions matched against
#: paths relative to it (``/``-separated). :func:`clear_caches` removes exactly these, whatever
#: else the directory holds. A room that adds a cache adds its pattern here (a test builds every
#: cache and checks that clearing leaves nothing of jdcorpus's behind).
CACHE_PATTERNS = (
    r"corpus/[0-9a-f]{24}\.pickle",  # parsed corpora (corpus.load_corpus)
    r"parsed/[0-9a-f]{32}\.pickle",  # parsed user documents (the user corpus)
    r"parsed/all-[0-9a-f]{32}\.pickle",  # a folder's documents, parsed at once (store.load_many)
    r"jieba-[0-9a-f]{16}\.pickle",  # the jieba dictionary with the user words (index.analyzers)
    r"(bundled|dir-[0-9a-f]{8}|mem-[0-9a-f]{8})-[0-9a-f]{20}",  # search indexes (index.store)
    r"\.(build|old)-.+",  # index builds interrupted or swapped out (index.store)
    r"stamps/[0-9a-z]+-[0-9a-f]{8}-[0-9]+",  # content hashes by file stats (stat_memo)
    r"stamps/queries-[0-9a-f]{8}\.json",  # normalized queries (index.analyzers._norm)
    r"((corpus|parsed)/)?\.[^/]+\.pickle\.[^/]+\.tmp",
    r"stamps/\.[^/]+\.tmp",  # a stamp caught mid-write (write_cache_file)
    r"space/[0-9a-f]{24}-[0-9a-f]{16}",  # similarity spaces (compare.persist)
)
#: the folders whose entries :func:`clear_caches` looks at (never the whole tree: the cache
#: directory may be one a user shares with other things)
_CACHE_FOLDERS = ("", "corpus", "parsed", "stamps", "space")


@cache
def _cache_re() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in CACHE_PATTERNS))


def clear_caches() -> list[str]:
    """Remove every cache of :data:`CACHE_PATTERNS` from the cache directory; nothing else there
    is touched (folders that held only caches are removed once empty). Returns the paths removed.
    Holds the index build lock, so no build is cut short."""
    import shutil

    from filelock import FileLock

    root = cache_dir()
    if not root.is_dir():
        return []
    removed: list[str] = []
    try:
        with FileLock(str(root / "index.lock"), timeout=300):
            found = [
                p
                for sub in _CACHE_FOLDERS
                if (root / sub).is_dir() and not (root / sub).is_symlink()
                for p in sorted((root / sub).iterdir())
            ]
            for p in found:
                if not _cache_re().fullmatch(p.relative_to(root).as_posix()):
                    continue
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
                removed.append(str(p))
            for sub in _CACHE_FOLDERS[1:]:
                with contextlib.suppress(OSError):
                    (root / sub).rmdir()  # only when empty
    except OSError as e:
        raise OutputError(f"cannot clear the cache directory {root}: {e.strerror or e}") from None
    return removed


def _files(part: str) -> list[Path]:
    p = PACKAGE / part
    if p.is_dir():
        return sorted(
            q
            for q in p.rglob("*")
            if q.is_file()
            and q.suffix in {".py", ".txt", ".tsv", ".json", ".npz"}
            and "__pycache__" not in q.parts
        )
    if p.is_file():
        return [p]
    py = PACKAGE / f"{part}.py"  # a module name given without its suffix
    return [py] if py.is_file() else []


def stat_memo(kind: str, root, paths: list, compute) -> str:
    """``compute()`` (a hash of the bytes of ``paths``), remembered in the cache directory under
    the files' sizes, modification and change times: a cold start stats the files instead of
    reading and hashing them (~15 ms of a ~100 ms ``jdcorpus search``).

    The value stays a hash of the bytes, so caches keyed by it survive a ``touch`` or a fresh
    checkout; only the way to it is remembered. A file rewritten with the same size within the
    same nanosecond of both times would go unseen (what ``make`` and ``rsync`` also assume). A
    memo that cannot be read or written costs only the hashing.
    """
    sig = [f"{kind}\0{root}"]
    for p in paths:
        st = os.stat(p)
        sig.append(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}")
    text = "\n".join(sig)
    memo = cache_dir() / "stamps" / f"{kind}-{zlib.crc32(text.encode()):08x}-{len(sig)}"
    try:
        head, _, value = memo.read_text("utf-8").rpartition("\n")
        if head == text and value:
            return value
    except (OSError, ValueError):
        pass
    value = compute()
    write_cache_file(memo, f"{text}\n{value}".encode())
    return value


@cache
def code_stamp(*parts: str) -> str:
    """A hash of the named parts of the package (modules, or folders read recursively) plus every
    data file: a cache keyed by it is rebuilt when that code changes.

    With no parts, the whole package. ``code_stamp("model", "parse", "normalize")`` covers
    ``model.py``, ``normalize.py`` and every file below ``parse/``. Remembered by the files'
    stats (:func:`stat_memo`).
    """
    chosen = parts or ("",)
    paths: set[Path] = set()
    for part in chosen + ("data",):
        paths.update(
            _files(part)
            if part
            else (q for q in PACKAGE.rglob("*.py") if "__pycache__" not in q.parts)
        )
    ordered = sorted(paths)

    def compute() -> str:
        import hashlib

        h = hashlib.sha256()
        for p in ordered:
            h.update(str(p.relative_to(PACKAGE)).encode() + b"\0" + p.read_bytes() + b"\0")
        return h.hexdigest()

    return stat_memo("code", PACKAGE, ordered, compute)


#: The manifest of a corpus directory made by ``jdcorpus add`` (:mod:`jdcorpus.store`): it holds
#: the hash of every stored file, so hashing it is hashing the corpus.
CORPUS_MANIFEST = "corpus.json"
#: Suffixes of the files a folder corpus is read from (:data:`jdcorpus.parse.formats.EXTENSIONS`
#: and catalogs; a test keeps the two equal), any letter case. Listed here so that the search
#: path can fingerprint a folder without importing the parser.
SOURCE_SUFFIXES = frozenset(
    {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".xhtml",
        ".docx",
        ".org",
        ".adoc",
        ".asciidoc",
        ".json",
    }
)


def source_fingerprint(root) -> str:
    """A cheap hash of the raw files of a corpus folder (no parsing): what caches of derived data
    (parsed corpus, search index) are keyed by. ``root`` is a folder path or a package resource
    (the bundled corpus).

    A corpus directory made by ``jdcorpus add``: its manifest. Any other folder: the names and
    bytes of its regulation files (:data:`SOURCE_SUFFIXES`), in its subfolders too (hidden ones
    and ``__pycache__`` left out). Remembered by the files' stats (:func:`stat_memo`) when the
    folder is on disk.
    """
    manifest = root.joinpath(CORPUS_MANIFEST)
    if manifest.is_file():
        files = [("", manifest)]
    else:
        files = []

        def walk(folder, prefix: str) -> None:
            for p in sorted(folder.iterdir(), key=lambda p: p.name):
                if p.name.startswith(".") or p.name == "__pycache__":
                    continue
                if p.is_dir():
                    walk(p, f"{prefix}{p.name}/")
                elif os.path.splitext(p.name)[1].lower() in SOURCE_SUFFIXES and p.is_file():
                    files.append((f"{prefix}{p.name}", p))  # (a FIFO or a broken link: not read)

        walk(root, "")

    def compute() -> str:
        import hashlib

        h = hashlib.sha256()
        if files and files[0][0] == "":
            h.update(b"manifest\x00" + manifest.read_bytes())
            return h.hexdigest()
        for name, p in files:
            h.update(name.encode() + b"\x00" + p.read_bytes() + b"\x00")
        return h.hexdigest()

    if not isinstance(root, Path):  # a package resource (a zip): no stats to go by
        return compute()
    return stat_memo("source", root, [p for _name, p in files], compute)


def files_fingerprint(paths, root: Path | None = None) -> str:
    """A hash of files' names and bytes (no parsing): what derived data of a corpus is keyed by."""
    import hashlib

    h = hashlib.sha256()
    for p in paths:
        name = str(Path(p).relative_to(root)) if root is not None else Path(p).name
        h.update(name.encode() + b"\0" + Path(p).read_bytes() + b"\0")
    return h.hexdigest()


# -- writing the files a user names ----------------------------------------------------------


def _mode_for(target: Path) -> int:
    """The mode a replacement of ``target`` gets: the existing file's, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def output(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8") -> Iterator:
    """Open what the user named for writing, safely.

    - ``-``: standard output (text or bytes), never a file named ``-``;
    - a symlink is followed: the file it points to is written, the link stays;
    - anything that is not a regular file (a character device like ``/dev/null``, a FIFO) is
      written directly, never replaced;
    - a regular file (or a new one) is written to a temporary file beside it and renamed over it
      only when writing succeeded, keeping the old file's mode (a new file honours the umask).

    Errors name the path the user gave, never the temporary file.
    """
    binary = "b" in mode
    shown = os.fspath(path)
    if shown == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(os.path.realpath(shown))
    try:
        st = os.stat(target)
        regular = stat.S_ISREG(st.st_mode)
    except FileNotFoundError:
        regular = True
    except OSError as e:
        raise OutputError(f"{shown}: {e.strerror or e}") from None
    if not regular:
        try:
            f = open(target, mode, encoding=None if binary else encoding)
        except OSError as e:
            raise OutputError(f"{shown}: {e.strerror or e}") from None
        try:  # a device or a pipe: a write that fails (/dev/full) is the output's error too
            with f:
                yield f
        except BrokenPipeError:
            raise
        except OSError as e:
            raise OutputError(f"{shown}: {e.strerror or e}") from None
        return
    if target.is_dir():
        raise OutputError(f"{shown}: is a directory")
    parent = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise OutputError(f"{shown}: cannot write in {parent}: {e.strerror or e}") from None
    ok = False
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        ok = True
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(f"{shown}: {e.strerror or e}") from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to the file the user named, safely (see :func:`output`)."""
    with output(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def write_cache_file(path: Path, data: bytes, *, make_dirs: bool = True) -> bool:
    """Write a cache file of jdcorpus's own atomically; False (never an error) when the cache
    cannot be written: a read-only cache is no reason to fail. ``make_dirs=False``: only into
    a folder that exists (a late writer must not bring back a cache someone removed)."""
    try:
        if make_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return True
    except OSError:
        return False
