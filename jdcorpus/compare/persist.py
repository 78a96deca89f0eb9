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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
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


def stamp(*parts: str) -> str:
    """A short hash of settings and code, for the name of a stored result."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@contextlib.contextmanager
def progress(items, label: str, at_least: int = 5000):
    """``items`` with a progress bar on standard error while iterating, when it is a terminal
    and there are at least ``at_least`` of them (a fit of that size takes seconds); else the
    items themselves."""
    if len(items) < at_least or not sys.stderr.isatty():
        yield items
        return
    import click

    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield bar


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
        return X, P, owner, order

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
