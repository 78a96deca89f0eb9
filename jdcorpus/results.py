"""Result lists: every collection jdcorpus returns, with a DataFrame one call away.

This module imports nothing else from jdcorpus at import time (pandas only in ``to_frame``).
"""

from __future__ import annotations

from collections.abc import Iterable


class Results(list):
    """A list of result rows (frozen dataclasses) that also converts itself to a DataFrame.

    Every collection jdcorpus returns — search hits, alignment links, reuse pairs, families,
    coverage cells — is a ``Results``, so the analyst convention is the same everywhere:
    ``corpus.search("网格").to_frame()``. A search also says how many hits there were in all
    (``total``, which may exceed the rows kept) and for which ``query``.
    """

    def __init__(
        self,
        rows: Iterable = (),
        *,
        row_type: type | None = None,
        total: int | None = None,
        query: str | None = None,
    ):
        super().__init__(rows)
        self.row_type = row_type  # the dataclass of the rows: gives an empty frame its columns
        self.total = len(self) if total is None else total
        self.query = query

    def to_frame(self):
        from .frames import to_frame

        return to_frame(self)
