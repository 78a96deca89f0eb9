"""The user corpus: a directory of regulation files that ``jdcorpus add`` fills, and the parsed
documents of any file, cached.

A corpus directory holds ``corpus.json`` (the manifest: one entry per stored file, with its hash,
where it came from, when it was added, the metadata given for it and the ids of its documents)
and ``files/`` (each file stored verbatim, named ``<hash>-<name>``). The manifest is the truth:
a stored file it does not name is a leftover of an interrupted ``add``, ignored and swept.

Every change runs under the directory's lock (``.lock``) and in this order: new files are written
(temp file, then rename), the manifest is replaced atomically (temp file + rename in the same
directory: the commit), and only then are files that left the manifest deleted. A crash or
``kill -9`` at any point leaves the manifest of before or the manifest of after, and each names
only complete files. Nothing is written when there is nothing to add: a rejected file leaves the
directory byte for byte as it was.

Where: :func:`user_home` (``$JDCORPUS_HOME``, else the per-user data directory of the platform).

例：``add(Path("~/jd"), ["草案.docx"], city="苏州")`` → an :class:`AddReport` with one
:class:`FileResult` (``status == "added"``, its documents and articles).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import fnmatch
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ._cache import cache_dir, code_stamp, write_cache_file
from .errors import CorpusError, ParseError, SourceError, UnknownDocument, UsageError
from .model import Article, Document

__all__ = [
    "AddReport",
    "DATE_KINDS",
    "FileResult",
    "HOME_ENV",
    "MANIFEST",
    "add",
    "entries",
    "is_corpus_dir",
    "list_rows",
    "parse_source",
    "remove",
    "user_home",
    "with_id",
]

HOME_ENV = "JDCORPUS_HOME"
MANIFEST = "corpus.json"
FILES = "files"
LOCK = ".lock"
FORMAT = 1
#: the document dates ``--date KIND=YYYY-MM-DD`` may set (fields of :class:`Document`)
DATE_KINDS = ("adopted", "approved", "revised", "promulgated", "effective")
#: the metadata a file may be given when it is added (besides dates)
OPTION_NAMES = ("city", "province", "title", "kind", "status", "encoding")
#: the code that shapes a parsed file: a change re-parses (the cache key)
PARSE_CODE = ("model", "normalize", "parse", "store")


def user_home() -> Path:
    """The default user corpus: ``$JDCORPUS_HOME``, else the platform's per-user data directory
    (``~/.local/share/jdcorpus`` on Linux)."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    from ._cache import user_dir

    return user_dir("data")


def is_corpus_dir(root: Path) -> bool:
    """Whether ``root`` is a corpus directory made by ``jdcorpus add``: it has a manifest, or the
    lock that ``add`` takes before it writes anything (a first ``add`` killed before its manifest
    was written leaves stored files that no manifest names: an empty corpus, not a plain folder
    of texts)."""
    root = Path(root)
    return (root / MANIFEST).is_file() or (root / LOCK).exists()


def _read_manifest(root: Path) -> dict:
    path = Path(root) / MANIFEST
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return {"format": FORMAT, "files": []}
    except OSError as e:
        raise CorpusError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("files"), list):
            raise ValueError("no file list")
    except ValueError as e:
        raise CorpusError(f"{path}: damaged corpus manifest ({e})") from None
    if data.get("format", FORMAT) > FORMAT:
        raise CorpusError(f"{path}: made by a newer jdcorpus (format {data['format']})")
    return data


def entries(root: Path) -> list[dict]:
    """The manifest entries of a corpus directory (empty when it has none)."""
    return list(_read_manifest(root)["files"])


# -- parsing one file ------------------------------------------------------------------------


def with_id(doc: Document, new_id: str) -> Document:
    """``doc`` under another id (its articles too)."""
    if doc.id == new_id:
        return doc
    # an article's fields after ``doc_id``, by the tuple it pickles as (``model``): ~1.4x
    # quicker than ``dataclasses.replace`` over the 64,000 renamed articles of a collection
    arts = tuple(Article(new_id, *a.__reduce__()[1][1:]) for a in doc.articles)
    return dataclasses.replace(doc, id=new_id, articles=arts)


def _apply(doc: Document, options: dict) -> Document:
    """Metadata given on the command line over what the parser read."""
    changes = {k: options[k] for k in ("kind", "status") if options.get(k)}
    for kind, date in (options.get("dates") or {}).items():
        changes[kind] = date
    return dataclasses.replace(doc, **changes) if changes else doc


def _cache_key(data: bytes, name: str, options: dict, placed: dict | None) -> Path:
    where = None
    if placed is not None:
        where = [placed["file"], [[d["id"], d["title"]] for d in placed.get("documents", [])]]
    key = hashlib.sha256(
        b"%s\0%s\0%s"
        % (
            hashlib.sha256(data).hexdigest().encode(),
            json.dumps([name, options, where], sort_keys=True, ensure_ascii=False).encode(),
            code_stamp(*PARSE_CODE).encode(),
        )
    ).hexdigest()[:32]
    return cache_dir() / "parsed" / f"{key}.pickle"


def _cached(path: Path):
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None


def _place(docs: list[Document], placed: dict) -> list[Document]:
    """Documents as a corpus holds them: under their assigned ids (matched by title, then by
    position: :func:`_ids_for`) and with the stored file as ``source_file``."""
    keep = _ids_for(docs, placed)
    return [
        with_id(dataclasses.replace(d, source_file=placed["file"]), keep.get(i, d.id))
        for i, d in enumerate(docs)
    ]


def parse_source(
    data: bytes,
    name: str,
    options: dict | None = None,
    *,
    placed: dict | None = None,
    cache: bool = True,
) -> tuple[list[Document], object]:
    """``(documents, source)`` of one file's bytes: read (any format), parsed, with the metadata
    of ``options`` (city, province, title, kind, status, dates, encoding) applied.

    ``placed`` (a manifest entry: ``file``, ``documents`` with ``id`` and ``title``) gives the
    documents their ids in a corpus and the stored file; without it they carry the ids the parser
    gives them. Results are cached by the bytes, the options, the placement and the code, so a
    corpus loads without renaming anything. Raises :class:`~jdcorpus.errors.ParseError` (a
    :class:`SourceError` when the file cannot be read).
    """
    options = {k: v for k, v in (options or {}).items() if v}
    path = _cache_key(data, name, options, placed)
    if cache:
        hit = _cached(path)
        if hit is not None:
            return hit
    docs, info = _parse_uncached(data, name, options)
    if placed is not None:
        docs = _place(docs, placed)
    if cache:
        _remember(path, (docs, info))
    return docs, info


def _remember(path: Path, result) -> None:
    write_cache_file(path, _pickled(result))


def _pickled(result) -> bytes:
    with gc_paused():  # (pickling many units: see gc_paused)
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _parse_uncached(data: bytes, name: str, options: dict):
    from .parse import parse_text
    from .parse.formats import read_source
    from .parse.metadata import UNTITLED

    src = read_source(data=data, name=name, encoding=options.get("encoding"))
    try:
        docs = parse_text(
            src.text,
            source_file=Path(name).name,
            city=options.get("city"),
            province=options.get("province"),
            title=options.get("title"),
            fallback_title=src.meta.get("title"),
            require_articles=False,
        )
    except SourceError:
        raise
    except ParseError as e:
        raise ParseError(f"{name}: {e.message}") from None
    # an instrument drafted without articles (a 决定 or 通知 in 一、二、 paragraphs) is added when
    # it has a title: it is searched by its paragraphs (Document.units), not compared
    docs = [d for d in docs if d.articles or (d.paragraphs and d.title != UNTITLED)]
    if not docs:
        raise ParseError(
            f"{name}: no articles (第…条) and no titled instrument found, not a regulation to add"
        )
    if src.warnings:
        docs = [dataclasses.replace(d, warnings=d.warnings + src.warnings) for d in docs]
    docs = [_apply(d, options) for d in docs]
    # the source text is kept once per file (pickle shares it); `source` is small
    return docs, _SourceInfo(src.format, src.encoding, src.warnings)


@dataclass(frozen=True)
class _SourceInfo:
    format: str
    encoding: str | None
    warnings: tuple[str, ...]


def _parse_job(job, pickled: bool = False):
    """One file of :func:`parse_many`: ``(index, docs, info, error message)``. ``pickled`` (in a
    worker process, for a file not cached): ``docs`` is ``(docs, info)`` pickled, once — the
    same bytes are written as the file's cache and sent back to the parent."""
    i, data, name, options, placed, cache = job
    try:
        if not pickled:
            docs, info = parse_source(data, name, options, placed=placed, cache=cache)
            return i, docs, info, None
        docs, info = _parse_uncached(data, name, options)
        if placed is not None:
            docs = _place(docs, placed)
        blob = _pickled((docs, info))
        if cache:
            write_cache_file(_cache_key(data, name, options, placed), blob)
        return i, blob, None, None
    except ParseError as e:
        return i, None, None, e.message
    except RecursionError:
        return i, None, None, f"{name}: too deeply nested to read"
    except Exception as e:  # a parser bug must not stop a folder of 2,000 files: report it
        return (
            i,
            None,
            None,
            f"{name}: internal error while parsing ({type(e).__name__}: {e}); please report it",
        )


#: Fewest files to parse before worker processes are used. Measured on the 2-core machine
#: (LawRefBook files, loaded machine): 12 files 0.55 s serial / 0.74 s forked / 3.65 s with a
#: forkserver (each worker imports jdcorpus again); 200 files 7.3 s serial / 7.3 s forked.
#: Forked workers cost little; they pay off on an idle machine with more than one core.
PARALLEL_FROM = 50


def _mp_methods() -> list[str]:
    import multiprocessing as mp

    return mp.get_all_start_methods() if os.name == "posix" and sys.platform != "darwin" else []


def _can_fork() -> bool:
    """Whether this process may fork: ``fork`` is there and no other thread runs (forking a
    process that runs threads is unsafe)."""
    import threading

    return threading.active_count() == 1 and "fork" in _mp_methods()


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off while many parsed units are unpickled and kept: each
    collection it runs walks every object kept so far, so a load of ~290,000 units paid for it
    again and again (a cached collection: 3.3 s -> 2.3 s of CPU). Those units hold no cycles,
    so nothing is left for it to free; its previous state comes back after.

    On the way out the objects alive then are frozen (``gc.freeze``: moved to a generation the
    collector never walks) before it is switched back on: otherwise its next runs still walk
    every unit once per generation — the first young collection after a cached collection
    load took ~0.5 s; with the freeze a cached collection loads in ~1.2 s instead of ~1.7 s.
    The units are freed as usual when their last reference goes (reference counting); only
    garbage cycles that exist at that moment would outlive it, and the units make none. Only
    after a large load (``FREEZE_FROM`` objects more than before): a small one costs the
    collector little."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_count()[0] >= FREEZE_FROM:
                gc.freeze()
            gc.enable()


#: Objects made under :func:`gc_paused` from which they are frozen (the bundled corpus: ~5,000).
FREEZE_FROM = 100_000


def load_many(kind: str, jobs: Sequence[tuple], build: Callable[[], tuple], *, cache: bool = True):
    """``build()`` — the documents a loader makes of ``jobs`` (:func:`parse_many`'s) — cached
    whole, keyed by ``kind``, every job (its bytes, name, options and placement) and the code:
    a second load of a folder of 2,000 files reads one pickle instead of opening, hashing and
    renaming 2,000 (the cached collection: ~3 s -> ~1 s of CPU). The per-file caches stay, so
    a folder with one file changed re-parses that file only."""
    # (corpus.py too: the folder loader's renaming runs inside ``build``)
    h = hashlib.sha256(f"{kind}\0{code_stamp(*PARSE_CODE, 'corpus')}".encode())
    for data, name, options, *rest in jobs:
        h.update(hashlib.sha256(data).digest())
        h.update(json.dumps([name, options, rest], sort_keys=True, ensure_ascii=False).encode())
    path = cache_dir() / "parsed" / f"all-{h.hexdigest()[:32]}.pickle"
    if cache:
        with gc_paused():
            hit = _cached(path)
        if hit is not None:
            return hit
    result = build()
    if cache:
        # ``result``: (documents, messages); many documents are worth a detached writer
        if len(result[0]) >= PARALLEL_FROM:
            _remember_detached(path, result)
        else:
            _remember(path, result)
    return result


def _remember_detached(path: Path, result) -> None:
    """:func:`_remember` in a detached process, so that a first load of a large folder returns
    as soon as it is parsed: pickling and writing the whole of a parsed collection is ~1.3 s,
    which a second core does while the caller goes on. The grandchild of a fork (nobody waits
    for it: it cannot become a zombie of a long-lived process) writes the file atomically, as
    :func:`_remember` does; if it dies, the next load finds no whole-load cache and reads the
    per-file caches instead. Written here, in this process, where forking is not safe (threads
    running, no ``fork``: macOS, Windows) or fails."""
    if not _can_fork():
        _remember(path, result)
        return
    try:
        pid = os.fork()
    except OSError:
        _remember(path, result)
        return
    if pid:
        os.waitpid(pid, 0)  # the child exits as soon as it has forked the writer
        return
    try:
        if os.fork() == 0:
            _write_detached(path, result)
    finally:
        os._exit(0)


def _write_detached(path: Path, result) -> None:
    """The body of the detached writer: standard streams to /dev/null and every inherited file
    closed (a pipe the caller's caller reads, or a lock file, must not stay open in it), then
    the write, then exit without running the parent's exit handlers."""
    status = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, _max_fd())
        if path.parent.is_dir():  # not removed meanwhile
            status = 0 if write_cache_file(path, _pickled(result), make_dirs=False) else 1
    finally:
        os._exit(status)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 4096


def _warm_parser() -> None:
    """Import the parser and build its lazily compiled tables in this process, so that forked
    workers inherit them instead of each paying for them (~1 s of CPU each)."""
    from .parse import parse_text

    parse_text("某市某条例\n第一条 为了规范，制定本条例。\n第二条 本条例自公布之日起施行。")


def parse_many(jobs: Sequence[tuple], progress=None, *, cache: bool = True):
    """Parse several files (jobs of :func:`parse_source`'s arguments: ``(data, name, options)``
    or ``(data, name, options, placed)``), in parallel on every core when many are not cached:
    a list of ``(docs, info, error)`` in the order of ``jobs``. ``progress`` (a
    ``click.progressbar`` factory) is shown over the files parsed."""
    out: list = [None] * len(jobs)
    todo = []
    with gc_paused():
        for i, (data, name, options, *rest) in enumerate(jobs):
            options = {k: v for k, v in (options or {}).items() if v}
            placed = rest[0] if rest else None
            # cached files never go to a worker (it would send them back pickled once more)
            hit = _cached(_cache_key(data, name, options, placed)) if cache else None
            if hit is not None:
                out[i] = (*hit, None)
            else:
                todo.append((i, data, name, options, placed, cache))
    from contextlib import nullcontext

    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4)
    bar = progress(todo) if progress and todo else nullcontext(todo)
    # fork only: a forkserver or spawned worker re-imports jdcorpus (~0.5 s each)
    if len(todo) >= PARALLEL_FROM and workers > 1 and _can_fork():
        import concurrent.futures as cf
        import multiprocessing as mp

        _warm_parser()
        # the largest files first, so that no worker is left with a large one at the end
        todo.sort(key=lambda job: -len(job[1]))
        # Ctrl-C reaches the parent alone: it cancels the files not begun and waits for the few
        # being parsed (workers killed by the signal break the pool, and Python 3.11 then prints
        # an error from its own thread after "Aborted!")
        pool = cf.ProcessPoolExecutor(
            workers, mp_context=mp.get_context("fork"), initializer=_ignore_interrupts
        )
        try:
            with gc_paused():
                results = pool.map(partial(_parse_job, pickled=True), todo, chunksize=4)
                with bar as ticks:
                    for _tick, (i, blob, _none, err) in zip(ticks, results, strict=True):
                        out[i] = (None, None, err) if err else (*pickle.loads(blob), None)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        with bar as ticks:
            for job in ticks:
                i, docs, info, err = _parse_job(job)
                out[i] = (docs, info, err)
    return out


def _ignore_interrupts() -> None:
    """A parsing worker's start: Ctrl-C is the parent's to handle (see :func:`parse_many`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


# -- adding ----------------------------------------------------------------------------------


@dataclass
class FileResult:
    """What ``add`` did with one file."""

    path: str  # as the user gave it (or found in a folder)
    status: str  # added | replaced | unchanged | skipped
    reason: str = ""  # why it was skipped
    documents: list[dict] = field(default_factory=list)  # id, title, articles
    warnings: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # id clashes and other notes
    stored: str | None = None  # path inside the corpus directory

    @property
    def ok(self) -> bool:
        return self.status != "skipped"

    def line(self) -> str:
        """One line for the terminal."""
        if self.status == "skipped":
            return f"skipped {self.path}: {self.reason}"
        if self.status == "unchanged":
            return f"unchanged {self.path}: already in the corpus ({self.stored})"
        n = len(self.documents)
        arts = sum(d["articles"] for d in self.documents)
        ids = _first([d["id"] for d in self.documents], LINE_IDS, ", ")
        out = f"{self.status} {self.path}: {n} document{'s' * (n != 1)} ({ids}), {arts} articles"
        notes = self.messages + self.warnings
        if notes:
            out += f"; {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}" * bool(
                self.warnings
            )
            out += ": " + _first(notes, LINE_NOTES, " | ")
        return out


#: How many document ids and notes a file's line shows: a file of a thousand instruments (a
#: whole collection pasted into one file) is still one readable line; ``jdcorpus show DOC`` and
#: ``docs`` list the rest.
LINE_IDS = 10
LINE_NOTES = 5


def _first(items: list[str], k: int, sep: str) -> str:
    """The first ``k`` of ``items`` joined by ``sep``, and how many more there are."""
    if len(items) <= k:
        return sep.join(items)
    return sep.join(items[:k]) + f"{sep}… {len(items) - k} more"


@dataclass
class AddReport:
    """The outcome of ``add``: one result per file, and whether anything was written."""

    root: str
    files: list[FileResult]
    written: bool = False
    dry_run: bool = False
    ignored: int = 0  # files in the folders given that are of no type jdcorpus reads

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        order = ("added", "replaced", "unchanged", "skipped")
        parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
        if self.ignored:
            parts.append(f"{self.ignored} of other types ignored")
        verb = "would change" if self.dry_run else "in"
        return f"{', '.join(parts) or 'nothing to add'} ({verb} {self.root})"


def _walk(folder: Path, pattern: str | None) -> tuple[list[Path], int]:
    """Files of a folder, recursively, sorted; hidden files and folders left out. With no
    ``pattern``, the files of a type jdcorpus reads (and a count of the others)."""
    found, ignored = [], 0
    for p in _iter_walk(folder, pattern):
        if p is None:
            ignored += 1
        else:
            found.append(p)
    return found, ignored


def has_files(folder: Path) -> bool:
    """Whether :func:`_walk` finds any file in ``folder`` (it stops at the first)."""
    return any(p is not None for p in _iter_walk(folder, None))


def _iter_walk(folder: Path, pattern: str | None):
    """:func:`_walk`'s files in order, None for each file it ignores."""
    from .parse.formats import supported

    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith("."):
                continue
            p = Path(dirpath) / fn
            if pattern:
                rel = p.relative_to(folder).as_posix()
                if fnmatch.fnmatch(fn.lower(), pattern.lower()) or fnmatch.fnmatch(
                    rel.lower(), pattern.lower()
                ):
                    yield p
            elif supported(fn) and fn.lower() not in ("readme.md", "readme.txt"):
                yield p
            else:
                yield None


def _safe_name(name: str) -> str:
    """A file name safe in any file system, keeping Chinese characters."""
    stem = re.sub(r'[\x00-\x1f/\\:*?"<>|]+', "_", name).strip(" .") or "file"
    if len(stem.encode()) > 150:
        p = Path(stem)
        keep = p.stem.encode()[: 150 - len(p.suffix.encode())].decode("utf-8", "ignore")
        stem = keep + p.suffix
    return stem


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).astimezone().isoformat(timespec="seconds")


def parse_dates(values: Iterable[str]) -> dict[str, str]:
    """``--date KIND=YYYY-MM-DD`` options as a dict; a :class:`UsageError` for a bad one."""
    out = {}
    for v in values:
        kind, sep, date = v.partition("=")
        kind = kind.strip().lower()
        if not sep or kind not in DATE_KINDS:
            raise UsageError(
                f"--date {v!r}: give KIND=YYYY-MM-DD, KIND one of {', '.join(DATE_KINDS)}"
            )
        try:
            day = _dt.date.fromisoformat(date.strip()).isoformat()
        except ValueError:
            raise UsageError(f"--date {v!r}: {date!r} is not a date (YYYY-MM-DD)") from None
        if out.get(kind, day) != day:  # --date effective=… twice: which one is meant?
            raise UsageError(f"--date {kind}= given twice: {out[kind]} and {day}")
        out[kind] = day
    return out


class _Lock:
    """The corpus directory's lock (a file lock held for the whole change)."""

    def __init__(self, root: Path, timeout: float = 60):
        from filelock import FileLock, Timeout

        self._timeout_error = Timeout
        self.lock = FileLock(str(root / LOCK), timeout=timeout)
        self.root = root

    def __enter__(self):
        try:
            self.lock.acquire()
        except self._timeout_error:
            raise CorpusError(
                f"{self.root}: another jdcorpus is changing this corpus (locked); try again"
            ) from None
        return self

    def __exit__(self, *exc):
        self.lock.release()


def _write_file(path: Path, data: bytes, sync: bool = True) -> None:
    """Write a new file atomically: a temp file in the same directory, synced, renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: Up to this many new files, each is synced on its own; more, one ``os.sync`` for all.
SYNC_EACH_UP_TO = 16


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sweep(root: Path, manifest: dict) -> None:
    """Remove what an interrupted change left: stored files the manifest does not name, temp
    files. Runs under the lock, before a change."""
    named = {e["file"] for e in manifest["files"]}
    for p in [root, root / FILES]:
        if not p.is_dir():
            continue
        for q in p.iterdir():
            rel = q.relative_to(root).as_posix()
            stale = q.name.endswith(".tmp") and q.name.startswith(".")
            if p.name == FILES and p != root and rel not in named:
                stale = True
            if stale and q.is_file():
                with contextlib.suppress(OSError):
                    q.unlink()


def _commit(root: Path, manifest: dict, new: dict[str, bytes], dropped: Iterable[str]) -> None:
    """Write the new files, then the manifest (the commit), then delete the dropped files."""
    files = root / FILES
    files.mkdir(parents=True, exist_ok=True)
    # many files: one sync of everything written (an fsync each cost 15 s for 1,884 files, one
    # os.sync 0.2 s); the files must be on disk before the manifest that names them
    batch = len(new) > SYNC_EACH_UP_TO and hasattr(os, "sync")
    for rel, data in new.items():
        _write_file(root / rel, data, sync=not batch)
    if batch:
        os.sync()
    _fsync_dir(files)
    body = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    _write_file(root / MANIFEST, body.encode("utf-8"))
    _fsync_dir(root)
    keep = {e["file"] for e in manifest["files"]}
    for rel in dropped:
        if rel not in keep:
            with contextlib.suppress(OSError):
                (root / rel).unlink()


def _check_root(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: not a directory (the corpus must be a directory)")
    if root.is_dir() and not is_corpus_dir(root):
        from .parse.formats import supported

        if any(supported(p.name) for p in root.iterdir() if p.is_file()):
            raise CorpusError(
                f"{root} is a folder of texts, not a corpus made by jdcorpus add; "
                "choose an empty or new directory with --corpus (the folder can be read as it is)"
            )


def _ids_for(docs: list[Document], old: dict | None) -> dict[int, str]:
    """Ids documents keep from a manifest entry (a replaced file, or the stored ids at load):
    by title (in order, when titles repeat), then by position."""
    if not old:
        return {}
    olds = list(old.get("documents", []))
    by_title: dict[str, list[str]] = {}
    for d in olds:
        by_title.setdefault(d["title"], []).append(d["id"])
    out, used = {}, set()
    for i, d in enumerate(docs):
        ids = [x for x in by_title.get(d.title, []) if x not in used]
        if ids:
            out[i] = ids[0]
            used.add(ids[0])
    for i, _d in enumerate(docs):
        if i not in out and i < len(olds) and olds[i]["id"] not in used:
            out[i] = olds[i]["id"]
            used.add(out[i])
    return out


def add(
    root: str | Path,
    paths: Sequence[str | Path],
    *,
    city: str | None = None,
    province: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    dates: dict[str, str] | None = None,
    encoding: str | None = None,
    glob: str | None = None,
    dry_run: bool = False,
    taken: Callable[[], dict[str, str]] | None = None,
    progress=None,
    on_commit: Callable[[list[Document], list[str]], None] | None = None,
) -> AddReport:
    """Add files and folders to the corpus directory ``root`` (created when missing).

    Each file is read and parsed; what cannot be is skipped with its reason, never stopping the
    others. The same content already stored is reported ``unchanged`` (same path) or skipped
    (another path); a file at a path added before with other content ``replaced`` (its
    documents keep their ids). ``taken()`` gives ids used outside this corpus (the bundled
    documents: ``{id: title}``): a clash gets a suffix and a message. ``on_commit(added, removed
    ids)`` runs after the manifest is written (the search index update).
    """
    root = Path(root).expanduser()
    _check_root(root)
    options = {
        k: v
        for k, v in dict(
            city=city, province=province, title=title, kind=kind, status=status, encoding=encoding
        ).items()
        if v
    }
    if dates:
        options["dates"] = dict(dates)
    if status and status not in ("in_force", "draft"):
        raise UsageError(f"--status {status!r}: in_force or draft")
    results: list[FileResult] = []
    todo: list[tuple[int, Path, str, bytes]] = []  # result index, path, shown, bytes
    ignored = 0
    from .parse.formats import MAX_BYTES
    from .parse.metadata import next_free, unique_id

    for given in paths:
        shown = str(given)
        p = Path(given).expanduser()
        if p.is_dir():
            found, n = _walk(p, glob)
            ignored += n
            pairs = [(q, str(q)) for q in found]
        elif p.exists() or p.is_symlink():
            pairs = [(p, shown)]
        else:
            results.append(FileResult(shown, "skipped", "no such file or folder"))
            continue
        for q, s in pairs:
            results.append(FileResult(s, "skipped"))
            try:
                size = q.stat().st_size
                if not q.is_file():
                    raise SourceError(f"{s}: not a regular file")
                if size > MAX_BYTES:
                    raise SourceError(
                        f"{s}: too large ({size / 1048576:.1f} MB; the limit is 20 MB)"
                    )
                data = q.read_bytes()
            except SourceError as e:
                results[-1].reason = e.message.removeprefix(f"{s}: ")
                continue
            except OSError as e:
                results[-1].reason = f"cannot read ({e.strerror or e})"
                continue
            todo.append((len(results) - 1, q, s, data))
    if title and len(todo) > 1:
        raise UsageError("--title names one document: give a single file with it")

    manifest = _read_manifest(root) if root.is_dir() else {"format": FORMAT, "files": []}
    by_sha = {e["sha256"]: e for e in manifest["files"]}
    by_origin = {e.get("origin"): e for e in manifest["files"] if e.get("origin")}
    stored_opts = {k: v for k, v in options.items()}

    jobs, job_meta = [], []
    seen: dict[str, str] = {}
    for ri, p, shown, data in todo:
        sha = hashlib.sha256(data).hexdigest()
        origin = str(p.resolve())
        res = results[ri]
        same = by_sha.get(sha)
        if same is not None and same.get("options", {}) == stored_opts:
            if origin and same.get("origin") == origin:
                res.status, res.stored = "unchanged", same["file"]
            else:
                res.reason = (
                    f"same content as {same['file']} already in the corpus (not duplicated)"
                )
            continue
        if sha in seen:
            res.reason = f"same content as {seen[sha]} (given twice)"
            continue
        seen[sha] = shown
        jobs.append((data, p.name, options))
        job_meta.append((ri, p, shown, data, sha, origin, same))

    parsed = parse_many(jobs, progress=progress, cache=False)  # cached once placed
    ready = []  # (result, docs, info, data, sha, origin, replaces)
    for (ri, p, _shown, data, sha, origin, same), (docs, info, err) in zip(
        job_meta, parsed, strict=True
    ):
        res = results[ri]
        if err:
            res.reason = err.removeprefix(f"{p.name}: ")
            continue
        replaces = same or by_origin.get(origin)
        ready.append((res, docs, info, data, sha, origin, replaces))

    report = AddReport(str(root), results, dry_run=dry_run, ignored=ignored)
    if not ready:
        return report

    def assign(
        manifest: dict,
    ) -> tuple[dict, dict[str, bytes], list[str], list[Document], list[str]]:
        outside = dict(taken()) if taken else {}
        replaced_files = {r[6]["file"] for r in ready if r[6]}
        user_ids = {
            d["id"]: d["title"]
            for e in manifest["files"]
            if e["file"] not in replaced_files
            for d in e.get("documents", [])
        }
        used = dict(outside) | user_ids
        new_entries, new_files, dropped, added_docs, removed_ids = [], {}, [], [], []
        placed.clear()
        for res, docs, info, data, sha, origin, old in ready:
            keep = _ids_for(docs, old)
            final = []
            for i, d in enumerate(docs):
                want = keep.get(i) or d.id
                # a new document whose id is taken gets the longer id naming its subject
                did = next_free(want, used) if i in keep else unique_id(d, used)
                if did != want:
                    owner = "bundled" if want in outside else "user"
                    res.messages.append(f"id {want} taken by {used[want]} ({owner}): {did}")
                used[did] = d.title
                final.append(did)
            name = Path(res.path).name
            rel = f"{FILES}/{sha[:12]}-{_safe_name(name)}"
            final = [
                with_id(dataclasses.replace(d, source_file=rel), did)
                for d, did in zip(docs, final, strict=True)
            ]
            res.documents = [
                {"id": d.id, "title": d.title, "articles": len(d.articles)} for d in final
            ]
            res.warnings = [w for d in final for w in d.warnings]
            res.stored = rel
            res.status = "replaced" if old else "added"
            if old:
                dropped.append(old["file"])
                removed_ids.extend(d["id"] for d in old.get("documents", []))
            new_files[rel] = data
            added_docs.extend(final)
            entry = {
                "file": rel,
                "name": name,
                "origin": origin,
                "sha256": sha,
                "size": len(data),
                "added": _now(),
                "format": info.format,
                "encoding": info.encoding,
                "options": stored_opts,
                "documents": res.documents,
            }
            new_entries.append(entry)
            placed.append((data, name, entry, final, info))
        kept = [e for e in manifest["files"] if e["file"] not in replaced_files]
        out = dict(manifest, format=FORMAT, files=kept + new_entries)
        return out, new_files, dropped, added_docs, removed_ids

    placed: list = []  # what the corpus will hold: cached as loading it would parse it
    if dry_run:
        assign(manifest)
        return report
    root.mkdir(parents=True, exist_ok=True)
    with _Lock(root):
        fresh = _read_manifest(root)
        # another process may have added the same content meanwhile
        present = {e["sha256"] for e in fresh["files"]}
        for r in list(ready):
            if r[4] in present and r[6] is None:
                r[0].status, r[0].reason = "skipped", "added by another process meanwhile"
                ready.remove(r)
        if not ready:
            return report
        _sweep(root, fresh)
        out, new_files, dropped, added_docs, removed_ids = assign(fresh)
        _commit(root, out, new_files, dropped)
    report.written = True
    for data, name, entry, final, info in placed:
        _remember(_cache_key(data, name, entry["options"], entry), (final, info))
    if on_commit is not None:
        on_commit(added_docs, removed_ids)
    return report


# -- removing and listing --------------------------------------------------------------------


def _match(root: Path, manifest: dict, name: str) -> tuple[list[dict], list[str]]:
    """Entries (whole files) and document ids that ``name`` names in the corpus."""
    files = manifest["files"]
    given = Path(name).expanduser()
    origin = str(given.resolve()) if given.exists() else None
    hits = [
        e
        for e in files
        if name in (e["file"], e["name"], e["sha256"])
        or (len(name) >= 8 and e["sha256"].startswith(name))
        or (origin and e.get("origin") == origin)
        or (given.is_absolute() and str(given) == str(root / e["file"]))
    ]
    if hits:
        return hits, []
    docs = [d for e in files for d in _present(e)]
    if any(d["id"] == name for d in docs):
        return [], [name]
    from ._lookup import DocumentRef, resolve_document

    refs = []
    for d in docs:
        title = d["title"]
        from .parse.metadata import _city_from_title  # the same city rule as the parser's

        refs.append(DocumentRef(d["id"], title, _city_from_title(title)))
    if not refs:
        raise UnknownDocument(
            f"no document or file {name!r} in the user corpus {root} (it is empty)"
        )
    try:
        return [], [resolve_document(name, refs).id]
    except UnknownDocument:
        raise UnknownDocument(
            f"no document or file {name!r} in the user corpus {root} "
            f"(jdcorpus list shows what it holds)"
        ) from None


def _present(e: dict) -> list[dict]:
    """The documents of an entry that were not removed one by one."""
    excluded = set(e.get("exclude", ()))
    return [d for d in e.get("documents", []) if d["id"] not in excluded]


def remove(
    root: str | Path,
    names: Sequence[str],
    *,
    on_commit: Callable[[list[Document], list[str]], None] | None = None,
    bundled_ids: Iterable[str] = (),
) -> list[str]:
    """Remove files (by stored path, original name or path, hash) or documents (by id, title or
    city) from the corpus directory; returns one line per thing removed."""
    root = Path(root).expanduser()
    if not is_corpus_dir(root):
        raise CorpusError(f"{root}: no corpus here (nothing was added to it)")
    bundled_ids = set(bundled_ids)
    lines: list[str] = []
    with _Lock(root):
        manifest = _read_manifest(root)
        files = [dict(e) for e in manifest["files"]]
        removed_ids: list[str] = []
        dropped: list[str] = []
        for name in names:
            current = dict(manifest, files=files)
            try:
                hit_files, hit_docs = _match(root, current, name)
            except UnknownDocument:
                if name in bundled_ids:
                    raise CorpusError(
                        f"{name!r} is a bundled document: it cannot be removed "
                        "(jdcorpus --no-bundled leaves the bundled corpus out)"
                    ) from None
                raise
            if len(hit_files) > 1:
                listed = ", ".join(e["file"] for e in hit_files)
                raise CorpusError(f"{name!r} names {len(hit_files)} files: {listed}; give one")
            for e in hit_files:
                files.remove(e)
                dropped.append(e["file"])
                ids = [d["id"] for d in e.get("documents", [])]
                removed_ids.extend(ids)
                lines.append(f"removed {e['file']} ({e['name']}): {', '.join(ids)}")
            for did in hit_docs:
                e = next(e for e in files if any(d["id"] == did for d in e["documents"]))
                e["exclude"] = sorted(set(e.get("exclude", [])) | {did})
                removed_ids.append(did)
                if not _present(e):
                    files.remove(e)
                    dropped.append(e["file"])
                    lines.append(f"removed {did} (and its file {e['file']})")
                else:
                    lines.append(f"removed {did} (its file {e['file']} keeps the others)")
        _sweep(root, manifest)
        _commit(root, dict(manifest, files=files), {}, dropped)
    if on_commit is not None:
        on_commit([], removed_ids)
    return lines


def list_rows(root: str | Path) -> list[dict]:
    """One row per stored file: file, name, sha256, added, format, encoding, documents,
    articles, origin."""
    root = Path(root).expanduser()
    rows = []
    for e in entries(root) if root.is_dir() else []:
        docs = _present(e)
        rows.append(
            {
                "file": e["file"],
                "name": e["name"],
                "sha256": e["sha256"],
                "added": e["added"],
                "format": e.get("format"),
                "encoding": e.get("encoding"),
                "documents": " ".join(d["id"] for d in docs),
                "articles": sum(d.get("articles", 0) for d in docs),
                "origin": e.get("origin"),
            }
        )
    return rows


def load_documents(root: Path, *, progress=None) -> tuple[list[Document], list[str]]:
    """The documents of a corpus directory, under their stored ids; and messages about files
    that could not be read (a damaged or edited store is reported, never fatal)."""
    manifest = _read_manifest(root)
    jobs, metas, messages = [], [], []
    for e in manifest["files"]:
        path = root / e["file"]
        try:
            data = path.read_bytes()
        except OSError as err:
            messages.append(f"{e['file']}: missing from the corpus ({err.strerror or err})")
            continue
        if hashlib.sha256(data).hexdigest() != e["sha256"]:
            messages.append(f"{e['file']}: changed since it was added (hash differs); read as is")
        jobs.append((data, e["name"], e.get("options", {}), e))
        metas.append(e)

    def build() -> tuple[list[Document], list[str]]:
        docs: list[Document] = []
        msgs: list[str] = []
        for e, (parsed, _info, err) in zip(metas, parse_many(jobs, progress=progress), strict=True):
            if err:
                msgs.append(f"{e['file']}: {err}")
                continue
            excluded = set(e.get("exclude", []))
            docs.extend(d for d in parsed if d.id not in excluded)
        return docs, msgs

    docs, msgs = load_many("corpus", jobs, build)
    return docs, messages + msgs
