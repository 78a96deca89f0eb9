"""Matplotlib with Chinese labels: find a CJK font, register it, make it the default.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so 长春 would be drawn as empty
boxes. :func:`use_cjk_font` looks, in order, for

1. the font shipped by the ``noto-cjk-sans-otc`` package (part of the ``notebooks`` and ``test``
   extras: ``pip install '.[notebooks]'``), registered with ``font_manager.addfont``;
2. a CJK font installed on the system (e.g. Debian's ``fonts-noto-cjk``, macOS PingFang,
   Windows Microsoft YaHei), found by its family name,

checks that the font really has glyphs for Chinese text, and puts it first in
``font.sans-serif``. Without any, it returns ``None`` and leaves matplotlib as it was, so a
notebook still runs (its Chinese labels then show as boxes) and can say so.

例::

    >>> from jdcorpus.plotting import use_cjk_font
    >>> use_cjk_font()
    'Noto Sans CJK SC'
"""

from __future__ import annotations

import re

__all__ = ["CJK_FAMILIES", "cjk_font_files", "has_glyphs", "use_cjk_font"]

#: family names tried in order: simplified-Chinese faces first, then other CJK faces that still
#: cover the characters of the corpus.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)

#: characters a usable font must have (common in the corpus and in the notebooks' labels).
PROBE = "街道办事处条例网格长春呼和浩特北京苏州通化"

_SYSTEM_HINT = re.compile(
    r"cjk|sourcehan|source-han|wqy|wenquanyi|droidsansfallback|simhei|yahei|pingfang", re.I
)


def cjk_font_files() -> list[str]:
    """Paths of CJK font files shipped by Python packages (``noto-cjk-sans-otc``), if installed."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return []
    path = str(FONT_PATH)
    return [path]


def has_glyphs(family: str, text: str = PROBE) -> bool:
    """Whether the font matplotlib picks for ``family`` has a glyph for every character of ``text``."""
    from matplotlib import font_manager as fm

    try:
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    # in a collection (.ttc) every face of a CJK family covers the same Han characters
    charmap = fm.get_font(path).get_charmap()
    return all(ord(ch) in charmap for ch in text)


def _register(paths) -> None:
    from matplotlib import font_manager as fm

    known = {getattr(e, "fname", None) for e in fm.fontManager.ttflist}
    for p in paths:
        if p not in known:
            try:
                fm.fontManager.addfont(p)
            except (OSError, RuntimeError, ValueError):  # unreadable file: try the others
                continue


def use_cjk_font() -> str | None:
    """Make a CJK font matplotlib's default sans-serif; return its family name, or ``None``."""
    import matplotlib as mpl
    from matplotlib import font_manager as fm

    _register(cjk_font_files())
    names = {e.name for e in fm.fontManager.ttflist}
    if not any(f in names for f in CJK_FAMILIES):
        # fonts installed after matplotlib built its cache are not in it yet
        _register([p for p in fm.findSystemFonts() if _SYSTEM_HINT.search(p)])
        names = {e.name for e in fm.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names and has_glyphs(family):
            rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
            mpl.rcParams["font.sans-serif"] = [family, *rest]
            mpl.rcParams["font.family"] = "sans-serif"
            mpl.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212 in some builds
            return family
    return None
