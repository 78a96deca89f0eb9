"""One loader for the package's data tables (``jdcorpus/data/*.tsv|txt``), and where the bundled
corpus lives.

Tables are files so that a reviewer can read and change them without reading code; each loader
that interprets one lives beside the code that uses it, and reads the text through here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_text(name: str) -> str:
    """The text of ``jdcorpus/data/NAME``."""
    return resources.files("jdcorpus.data").joinpath(name).read_text("utf-8")


def data_lines(name: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for the non-blank, non-comment (``#``) lines of a data file."""
    for n, line in enumerate(data_text(name).splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield n, line


def bundled_root():
    """Where the bundled corpus lives: the ``jdcorpus.bundled`` package data of an installed
    jdcorpus (the wheel maps the top-level ``corpus/`` folder there), or ``corpus/`` itself when
    jdcorpus is imported from a source checkout."""
    try:
        return resources.files("jdcorpus.bundled")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "corpus"
