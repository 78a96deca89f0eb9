"""The errors jdcorpus raises on bad input: one base class, caught by the CLI.

Every error a user can cause (a file that is no regulation, a query that cannot run, a document
name that matches nothing) is a :class:`JdcorpusError`. The CLI turns exactly these into one-line
messages; anything else is a bug and keeps its traceback. Each error also derives from the
built-in class that describes it (``ValueError``, ``LookupError``), so ``except ValueError`` in
callers written before this module keeps working.

This module imports nothing from jdcorpus.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "JdcorpusError",
    "ParseError",
    "QueryError",
    "UsageError",
    "UnknownDocument",
    "AmbiguousDocument",
    "UnknownArticle",
    "SourceError",
    "CorpusError",
    "OutputError",
]


class JdcorpusError(Exception):
    """Base of every error caused by input: the CLI prints it on one line and exits 1."""

    exit_code = 1

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class UsageError(JdcorpusError, ValueError):
    """An argument out of its range or of the wrong form (``k must be positive``)."""

    exit_code = 2


class ParseError(JdcorpusError, ValueError):
    """The input cannot be read or holds no regulation (no article labels)."""


class SourceError(ParseError):
    """A file that cannot be read as a regulation at all: empty, binary, too large, an
    unreadable archive, an unknown encoding. The message names the file."""


class QueryError(JdcorpusError, ValueError):
    """A query that cannot be run (unbalanced quotes, unknown field, nothing to search for)."""


class CorpusError(JdcorpusError, ValueError):
    """A corpus that cannot be used as asked (duplicate ids, a locked or damaged directory)."""


class OutputError(JdcorpusError, OSError):
    """A file the user named cannot be written (the message names the path as given)."""


class UnknownDocument(JdcorpusError, LookupError):
    """No document matches the name given."""


class UnknownArticle(JdcorpusError, LookupError):
    """The document has no article of that number or label."""


class AmbiguousDocument(JdcorpusError, LookupError):
    """A name (usually a city) matches several documents."""

    def __init__(self, name: str, candidates: Sequence):
        self.name = name
        self.candidates = tuple(candidates)
        listed = some(f"{d.id} ({d.title})" for d in self.candidates)
        super().__init__(
            f"{name!r} names {len(self.candidates)} documents: {listed}; give one of the ids"
        )


def some(items, limit: int = 10) -> str:
    """Items joined by commas, at most ``limit`` of them and how many more (a collection's
    thousand ids do not belong on one line of a message).

    >>> some(["a", "b", "c"], 2)
    'a, b … and 1 more'
    """
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} … and {len(items) - limit} more"
