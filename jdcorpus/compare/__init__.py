"""Comparison of regulations across cities: mask, score, align, group into families, find reuse
and gaps, diff two articles.

The working unit is the article (条), compared on its *masked* text (:mod:`.masking`: the names
that copying changes become placeholders). One room per job:

==================  =============================================================================
:mod:`.masking`     placeholders for city, district, province, numbers, dates (``data/masking.tsv``)
:mod:`.vectors`     the similarity space (TF-IDF of masked char n-grams), n-gram counting, sparse
                    helpers; :class:`~.vectors.Space` owns everything derived from it
:mod:`.links`       ``align``: the link rule and its labels
:mod:`.families`    ``families`` and ``coverage``
:mod:`.reuse`       ``reuse``: shared runs as difflib finds them, with the likely direction
:mod:`.gaps`        ``gaps``: what a draft has and lacks
:mod:`.similar`     ``similar``: the closest articles of other documents to one article
:mod:`.persist`     the similarity space on disk (fitted once per corpus content)
:mod:`.diff`        ``diff``: a character diff with jurisdiction names marked
==================  =============================================================================

Tables and the HTML diff page are :mod:`jdcorpus.render.compare` and :mod:`jdcorpus.render.html`.
Names are re-exported here lazily: ``import jdcorpus.compare`` (and ``jdcorpus.diff``) stays
cheap, and numpy/scipy load only with the room that needs them. Everything returns
:class:`~jdcorpus.results.Results` of frozen dataclass rows.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType

_ROOMS = {
    "masking": (
        "PLACEHOLDERS JURISDICTION SCORING MaskSpan Masked mask mask_spans corpus_cities "
        "scoring_text"
    ),
    "vectors": (
        "Space space NGRAMS SHINGLE DENSE_LIMIT TOP_K SIBLING_K SIBLING_DOCS NEAR_DOCS "
        "title_families title_stem"
    ),
    "links": (
        "Link align all_links HUB_FRACTION HUB_MIN MIN_MARGIN ALPHA MIN_SCORE PARA_ALPHA "
        "PARA_MARGIN STRONG_MARGIN RECOVER_SUPPORT SAME_PROVISION NEAR_VERBATIM "
        "NEAR_VERBATIM_SHINGLES PARA_TOP_K"
    ),
    "families": "Family Cell families coverage FAMILY_MAX_PER_DOC LABEL_MEMBERS LABEL_SAMPLE",
    "reuse": "Reuse reuse REUSE_RUN REUSE_BLOCK REUSE_SHARED REUSE_CONTAINMENT REUSE_TOP_K",
    "gaps": "Gap gaps",
    "similar": "Similar similar",
    "diff": "DiffOp diff diff_summary",
    # rendering and lookup, re-exported for code written against the one-module compare
    "..render.compare": (
        "LABELS_ZH short_names format_align format_families format_coverage format_reuse "
        "format_gaps format_diff"
    ),
    "..render.html": "diff_html",
    ".._lookup": "article_ref",
}
_EXPORTS = {name: room for room, names in _ROOMS.items() for name in names.split()}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    room = _EXPORTS.get(name)
    if room is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(room if room.startswith(".") else f".{room}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """This package, keeping its functions' names for the functions.

    Four rooms have the name of the function they export (``families``, ``reuse``, ``gaps``,
    ``diff``). Importing a submodule binds it as an attribute of its package, which would hide
    the function once any code imported the room (``compare.diff(a, b)`` → "module is not
    callable"). Those bindings are skipped: ``compare.families`` is always the function, and
    the module is ``sys.modules["jdcorpus.compare.families"]`` (``from
    jdcorpus.compare.families import …`` works as usual). Importing every room eagerly would do
    the same at the price of numpy and scipy on ``import jdcorpus.compare``.
    """

    def __setattr__(self, name: str, value) -> None:
        if (
            isinstance(value, ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and _EXPORTS.get(name) == name
        ):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
