"""The similarity space on disk: fitted once per corpus content, loaded by every later process.

Fitting the space of the 82,000-article collection (masking, n-gram counting, TF-IDF) and
deciding its links take a minute and more; a CLI ``align``, ``similar``, ``gaps`` or ``report``
must not pay that each time. A :class:`SpaceStore` is one folder of the cache directory per
content key (:func:`~.vectors.content_key`: the corpus fingerprint and every paragraph) and
code stamp (the modules that shape the vectors, and the data files), holding one ``.npy`` file
per array — loaded memory-mapped (copy-on-write), so a process reads only the pages it touches —
and one small JSON per stored result, written last: a result whose JSON is missing (a process
killed mid-write), unreadable or inconsistent with its arrays is ignored and computed again,
never a traceback. Results derived from the space with settings of their own (the links of a
setting) are stored under a name that carries those settings and their module's code stamp.

Adding documents changes the content key: the next command fits a new space (the old folder is
left for :func:`~jdcorpus._cache.clear_caches`, or for the corpus that still has that content).
What each document contributes on its own is not computed again: the masked texts of a fit are
stored with its space under each document's source hash (:meth:`SpaceStore.save_texts`), and
the next fit takes those of its unchanged documents (:class:`PreviousTexts`), the same strings
masking would give. The rest cannot be updated exactly: the idf of every n-gram depends on the
number of articles, so one document more changes every weight, every cosine, the top-k
candidates and the links; those are computed again, with a progress bar per stage
(:func:`progress`, :func:`stages`) on a terminal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from .._cache import cache_dir, code_stamp, write_cache_file


class _Lazy:
    """A module imported on first use of one of its names. ``scipy.sparse`` takes ~0.8 s to
    import (it pulls in ``numpy.f2py`` through its array-API layer), while a command whose links
    are stored on disk needs only numpy: ``align`` on a 82,000-article collection then skips it."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        from importlib import import_module

        return getattr(import_module(self._name), attr)


#: ``scipy.sparse``, imported when first used (see :class:`_Lazy`)
sps = _Lazy("scipy.sparse")

#: The folder of the stores in the cache directory (see ``_cache.CACHE_PATTERNS``).
FOLDER = "space"
#: What shapes the stored arrays besides the corpus content: these modules and the data files.
SHAPED_BY = ("compare/vectors", "compare/masking", "compare/persist")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
#: How many of the most recent other spaces a fit looks at for masked texts to take.
PREVIOUS = 8
#: How many spaces the cache keeps (the most recently fitted or loaded): a space of the
#: 1,900-regulation collection is ~630 MB, and every ``jdcorpus add`` makes a new content.
KEEP = 4


def stamp(*parts: str) -> str:
    """A short hash of settings and code, for the name of a stored result."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


#: Progress bars are shown for spaces of at least this many articles (a fit, top-k or link
#: stage of that size takes seconds; below it, a fraction of a second).
AT_LEAST = 5000


@contextlib.contextmanager
def progress(items, label: str, at_least: int | None = None):
    """``items`` with a progress bar on standard error while iterating, when it is a terminal
    and there are at least ``at_least`` of them (default :data:`AT_LEAST`: a fit of that size
    takes seconds); else the items themselves."""
    if len(items) < (AT_LEAST if at_least is None else at_least) or not sys.stderr.isatty():
        yield items
        return
    import click

    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield bar


@contextlib.contextmanager
def stages(steps: list[str], label: str, size: int):
    """A progress bar over the named ``steps`` of one long computation on ``size`` articles (on
    a terminal, from :data:`AT_LEAST` articles): yields ``done(step)``, to be called as each
    step ends; the bar shows the step under way. Elsewhere ``done`` does nothing."""
    if size < AT_LEAST or not sys.stderr.isatty():
        yield lambda step: None
        return
    import click

    names = list(steps)
    ahead = iter(names[1:] + [""])

    def show(_item):
        return bar_step[0]

    bar_step = [names[0] if names else ""]
    with click.progressbar(
        length=len(names), label=label, file=sys.stderr, item_show_func=show
    ) as bar:

        def done(step: str) -> None:
            bar_step[0] = next(ahead, "")
            bar.update(1, step)

        yield done


class SpaceStore:
    """The persisted arrays of one similarity space (see the module's docstring)."""

    def __init__(self, folder: Path, rows: int):
        self.folder, self.rows = folder, rows

    @classmethod
    def open(cls, sp) -> SpaceStore:
        folder = cache_dir() / FOLDER / f"{sp.key[:24]}-{code_stamp(*SHAPED_BY)[:16]}"
        return cls(folder, len(sp.articles))

    # -- the space's own arrays ----------------------------------------------------------------

    def load_space(self):
        """``(X, P, para_owner, met_order)`` as a fit left them, or None."""
        found = self.load("space")
        if found is None:
            return None
        X, P, owner, order = found
        if X.shape[0] != self.rows or P.shape[0] != len(owner) or P.shape[1] != X.shape[1]:
            return None
        if order is not None and len(order) != X.shape[1]:
            return None
        with contextlib.suppress(OSError):
            os.utime(self.folder)  # used now: the last to be pruned
        return X, P, owner, order

    def prune(self, keep: int | None = None) -> list[Path]:
        """Remove the spaces of the cache beyond the ``keep`` (:data:`KEEP`) most recently
        fitted or loaded, this one always kept; the removed folders. A process that has one of
        them open keeps reading its memory-mapped arrays (a removed file lives on while it is
        mapped); a result it stores there later is incomplete and ignored by the next load."""
        keep = KEEP if keep is None else keep
        try:
            others = [
                (d.stat().st_mtime, d)
                for d in self.folder.parent.iterdir()
                if d.is_dir() and not d.name.startswith(".") and d != self.folder
            ]
        except OSError:
            return []
        gone = [d for _, d in sorted(others, reverse=True)[max(keep - 1, 0) :]]
        for d in gone:
            shutil.rmtree(d, ignore_errors=True)
        return gone

    # -- the masked texts of each document, for the next space ----------------------------------

    def save_texts(self, keys, sizes, cities, texts) -> bool:
        """Store the masked texts of a fit (:class:`~.vectors.ArticleTexts` per article) under
        the key of each document (the hash of its source) with its number of articles and the
        corpus's cities: a later fit of another content takes those of its unchanged documents
        (:meth:`previous_texts`). The strings are one UTF-8 array, cut by their lengths."""
        lens, paras, parts = [], [], []
        for t in texts:
            parts += [t.body, t.stripped, t.heading or "", *t.paragraphs]
            lens += [len(t.body), len(t.stripped), -1 if t.heading is None else len(t.heading)]
            lens += [len(c) for c in t.paragraphs]
            paras.append(len(t.paragraphs))
        blob = np.frombuffer("".join(parts).encode("utf-8", "surrogatepass"), dtype=np.uint8)
        del parts
        value = (
            np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1),
            np.asarray(sizes, dtype=np.int64),
            np.frombuffer("\n".join(cities).encode(), dtype=np.uint8),
            np.asarray(paras, dtype=np.int64),
            np.asarray(lens, dtype=np.int64),
            blob,
        )
        return self.save("texts", value)

    def texts(self) -> PreviousTexts | None:
        """The masked texts stored with this space, or None."""
        value = self.load("texts")
        if value is not None:
            with contextlib.suppress(ValueError, TypeError, IndexError):
                return PreviousTexts(*value)
        return None

    def previous_texts(self, keys=()) -> PreviousTexts | None:
        """The masked texts stored by another space of the same code stamp (the same masking
        rules and data): of the most recent few, the one holding most of the documents
        ``keys`` name (:meth:`save_texts`); None when there is none."""
        root, tail = self.folder.parent, self.folder.name.rsplit("-", 1)[-1]
        found = []
        try:
            for meta in root.glob(f"*-{tail}/texts.json"):
                if meta.parent != self.folder:
                    with contextlib.suppress(OSError):
                        found.append((meta.stat().st_mtime, meta.parent))
        except OSError:
            return None
        wanted = set(keys)
        best, most = None, -1
        for _, folder in sorted(found, reverse=True)[:PREVIOUS]:
            value = SpaceStore(folder, 0).load("texts")  # memory-mapped: read when used
            if value is None or value[0].ndim != 2:
                continue
            have = sum(bytes(k) in wanted for k in value[0])
            if have > most:
                best, most = value, have
        if best is not None:
            with contextlib.suppress(ValueError, TypeError, IndexError):
                return PreviousTexts(*best)
        return None

    # -- any result: a tuple of arrays, sparse matrices or None --------------------------------

    def load(self, name: str):
        """The tuple stored as ``name``, or None when there is none or it is damaged."""
        try:
            meta = json.loads((self.folder / f"{name}.json").read_text())
            return tuple(self._read(name, k, part) for k, part in enumerate(meta["parts"]))
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
            return None

    def load_csr_parts(self, name: str, k: int, *, check_indices: bool = True):
        """``(data, indices, indptr, shape)`` of the sparse matrix ``k`` of ``name``, checked as
        :meth:`load` checks it but without making a scipy matrix (numpy only), or None. Without
        ``check_indices`` the column numbers are left for the caller to check where it reads
        them (a pass over all of them reads the whole file)."""
        try:
            meta = json.loads((self.folder / f"{name}.json").read_text())
            part = meta["parts"][k]
            if part["kind"] != "csr":
                return None
            return self._csr_parts(name, k, part, check_indices)
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
            return None

    def _csr_parts(self, name: str, k: int, part: dict, check_indices: bool = True):
        rows, cols = part["shape"]
        data, indices, indptr = (self._array(name, k, p) for p in ("data", "indices", "indptr"))
        if (
            indptr.ndim != 1
            or len(indptr) != rows + 1
            or indptr[0] != 0
            or indptr[-1] != len(indices)
            or len(data) != len(indices)
            or (np.diff(indptr) < 0).any()
            or (check_indices and len(indices) and (indices.min() < 0 or indices.max() >= cols))
        ):
            raise ValueError("stored matrix is inconsistent")
        return data, indices, indptr, (rows, cols)

    def _read(self, name: str, k: int, part: dict):
        kind = part["kind"]
        if kind == "none":
            return None
        if kind == "array":
            a = self._array(name, k, "a")
            if list(a.shape) != part["shape"] or a.dtype.str != part["dtype"]:
                raise ValueError("stored array does not match its description")
            return a
        if kind == "csr":
            data, indices, indptr, (rows, cols) = self._csr_parts(name, k, part)
            M = sps.csr_matrix((rows, cols), dtype=data.dtype)
            # set directly: the constructor would check (and may copy) what was checked above
            M.data, M.indices, M.indptr = data, indices, indptr
            M.has_sorted_indices = bool(part.get("sorted"))
            return M
        raise ValueError(f"unknown stored kind {kind!r}")

    def _array(self, name: str, k: int, part: str):
        # copy-on-write: scipy may sort a matrix's indices in place; that stays in this process
        return np.load(self.folder / f"{name}.{k}.{part}.npy", mmap_mode="c", allow_pickle=False)

    def save(self, name: str, value: tuple) -> bool:
        """Store the tuple ``value`` as ``name`` (arrays first, its JSON last); False when the
        cache cannot be written (never an error: the store is only a speed-up)."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"bad store name {name!r}")
        parts = []
        for k, v in enumerate(value):
            if v is None:
                parts.append({"kind": "none"})
            elif sps.issparse(v):
                M = v.tocsr()
                parts.append(
                    {"kind": "csr", "shape": list(M.shape), "sorted": bool(M.has_sorted_indices)}
                )
                for p in ("data", "indices", "indptr"):
                    if not self._write(name, k, p, getattr(M, p)):
                        return False
            else:
                a = np.asarray(v)
                if a.dtype == object:
                    raise TypeError("object arrays are not stored (no pickles in the cache)")
                parts.append({"kind": "array", "shape": list(a.shape), "dtype": a.dtype.str})
                if not self._write(name, k, "a", a):
                    return False
        meta = json.dumps({"parts": parts}).encode()
        return write_cache_file(self.folder / f"{name}.json", meta)

    def _write(self, name: str, k: int, part: str, a) -> bool:
        # straight to a temporary file renamed into place (as write_cache_file does, without
        # a copy of a large array in memory)
        path = self.folder / f"{name}.{k}.{part}.npy"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    np.save(f, np.ascontiguousarray(a), allow_pickle=False)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            return True
        except OSError:
            return False


class PreviousTexts:
    """The masked texts an earlier fit stored (:meth:`SpaceStore.save_texts`), by document."""

    def __init__(self, keys, sizes, cities, paras, lens, blob):
        if keys.ndim != 2 or len(sizes) != len(keys) or int(sizes.sum()) != len(paras):
            raise ValueError("stored texts are inconsistent")
        if (sizes < 0).any() or (paras < 0).any() or len(lens) != 3 * len(paras) + paras.sum():
            raise ValueError("stored texts are inconsistent")
        self.cities = frozenset(bytes(cities).decode().split("\n")) - {""}
        self._text = bytes(blob).decode("utf-8", "surrogatepass")
        if int(np.maximum(lens, 0).sum()) != len(self._text):
            raise ValueError("stored texts are inconsistent")
        self._lens, self._paras = lens, paras
        # per document: its first article, and each article's first string
        self._first = np.concatenate([[0], np.cumsum(sizes)])
        self._at = np.concatenate([[0], np.cumsum(3 + paras)])
        self._char = np.concatenate([[0], np.cumsum(np.maximum(lens, 0))])
        self._doc = {bytes(k): d for d, k in enumerate(keys)}

    def get(self, key: bytes, source: str, cities, make=lambda *parts: parts):
        """The texts of the document whose source hashes to ``key``, masked in a corpus of
        ``cities`` (per article ``make(body, stripped, heading, paragraphs)``: see
        :class:`~.vectors.ArticleTexts`), or None: when no document had that source, or when
        a city name added or gone since occurs in it (the masking rules name every city of
        the corpus; a name absent from the text matches nothing)."""
        d = self._doc.get(key)
        if d is None or any(c in source for c in self.cities.symmetric_difference(cities)):
            return None
        out = []
        text, lens, char = self._text, self._lens, self._char
        for a in range(int(self._first[d]), int(self._first[d + 1])):
            s = int(self._at[a])
            cut = [text[char[k] : char[k + 1]] for k in range(s, s + 3 + int(self._paras[a]))]
            out.append(make(cut[0], cut[1], None if lens[s + 2] < 0 else cut[2], cut[3:]))
        return out
