"""Text output for the terminal and pipes: display width, and the one renderer of row lists.

:func:`render_rows` renders rows (dicts or model dataclasses) as ``--format table|json|csv``:
tables are aligned by display width (a CJK character takes two columns) and long cells are cut
with "…"; JSON is a list of objects; CSV has a header line. Every view in :mod:`jdcorpus.render`
builds on it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import UsageError

# -- display width --------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def use_color(stream=None) -> bool:
    """Colour on a terminal unless ``NO_COLOR`` is set (https://no-color.org)."""
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def style(s: str, code: str, color: bool = True) -> str:
    """``s`` in the ANSI style ``code`` (``"1"`` bold, ``"1;31"`` bold red) when ``color``."""
    return f"\x1b[{code}m{s}\x1b[0m" if color else s


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(s: str) -> int:
    """Columns ``s`` takes on a terminal: CJK (wide/full-width) characters count 2, ANSI codes 0.

    例: ``display_width("第八条 ab") == 9``
    """
    return sum(char_width(ch) for ch in ANSI.sub("", s))


def _truncate(s: str, width: int) -> str:
    """Cut ``s`` to at most ``width`` display columns, ending with "…"; ANSI codes are kept whole."""
    if display_width(s) <= width:
        return s
    out, used, pos, colored = [], 0, 0, False
    limit = max(width - 1, 0)  # room for the ellipsis
    while pos < len(s):
        m = ANSI.match(s, pos)
        if m:
            out.append(m.group())
            colored = True
            pos = m.end()
            continue
        w = char_width(s[pos])
        if used + w > limit:
            break
        out.append(s[pos])
        used += w
        pos += 1
    return "".join(out) + ("\x1b[0m" if colored else "") + "…"


truncate = _truncate  # the public name (render.compare cuts diff titles with it)


def pad(s: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - display_width(s), 0)
    return gap + s if right else s + gap


# -- rows -----------------------------------------------------------------------------------------


def _as_dict(row: Any) -> dict:
    if isinstance(row, dict):
        return row
    if dataclasses.is_dataclass(row):
        return {
            f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name != "source_text"
        }
    raise TypeError(f"cannot render a row of type {type(row).__name__}")


def _columns_of(rows: Sequence[dict], given: Sequence[str] | None, source: Any) -> list[str]:
    if given:
        return list(given)
    row_type = getattr(source, "row_type", None)
    if row_type is not None and dataclasses.is_dataclass(row_type):
        return [f.name for f in dataclasses.fields(row_type) if f.name != "source_text"]
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def _table_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}"
    if dataclasses.is_dataclass(v):
        v = getattr(v, "key", None) or getattr(v, "id", None) or str(v)
    if isinstance(v, list | tuple):
        return ", ".join(_table_cell(x) for x in v)
    return " ".join(str(v).split("\n"))


def _csv_cell(v: Any) -> str:
    import json

    from ..model import to_dict

    if v is None:
        return ""
    if isinstance(v, list | tuple | dict) or dataclasses.is_dataclass(v):
        return json.dumps(to_dict(v), ensure_ascii=False)
    return str(v)


def _json_default(o: Any) -> Any:
    from ..model import to_dict

    if dataclasses.is_dataclass(o):
        return to_dict(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return str(o)


def _fit(widths: list[int], total: int, floor: int = 8) -> list[int]:
    """Shrink the widest columns until the row (with 2-space gaps) fits ``total`` columns."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > total:
        i = max(range(len(widths)), key=widths.__getitem__)
        if widths[i] <= floor:
            break
        widths[i] -= 1
    return widths


def terminal_width(default: int = 160) -> int:
    """Columns a table may take: ``$COLUMNS`` when set, else the terminal's width when standard
    output is one, else ``default`` (a pipe or a file gets a generous fixed width)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((default, 24)).columns
    return default


def _fit_flex(
    natural: list[int], cols: list[str], flex: Sequence[str], optional: Sequence[str], total: int
) -> tuple[list[int], list[bool]]:
    """Widths when only the ``flex`` columns give way: they share what the other columns leave
    (at least ``_FLEX_FLOOR`` each); while that is not enough, ``optional`` columns are hidden in
    the order given. Returns the widths and which columns are shown."""
    shown = [True] * len(cols)

    def room() -> int:
        fixed = sum(w for i, w in enumerate(natural) if shown[i] and cols[i] not in flex)
        return total - fixed - 2 * (sum(shown) - 1)

    flexed = [i for i, c in enumerate(cols) if c in flex]
    need = sum(min(natural[i], _FLEX_FLOOR) for i in flexed)
    for name in optional:
        if room() >= need:
            break
        if name in cols:
            shown[cols.index(name)] = False
    widths = list(natural)
    spare = room()
    for i in sorted(flexed, key=natural.__getitem__):  # narrow ones first keep their width
        widths[i] = min(natural[i], max(spare // len(flexed), 4))
        spare -= widths[i]
        flexed = [j for j in flexed if j != i]
    return widths, shown


#: a flexible column narrower than this is hardly readable (8 CJK characters): hide an
#: optional column first
_FLEX_FLOOR = 16


def render_rows(
    rows: Iterable[Any],
    fmt: str,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    *,
    width: int | None = None,
    max_cell: int = 60,
    flex: Sequence[str] | None = None,
    optional: Sequence[str] = (),
) -> str:
    """Rows (dicts or dataclasses) as an aligned table, a JSON list or CSV; ends with a newline.

    ``columns`` chooses and orders the columns (default: the row type's fields, else the keys in
    order of appearance). In a table, ``None`` is blank, floats have 3 decimals, line breaks
    become spaces, and cells wider than ``max_cell`` or than the terminal allows end in "…".

    With ``flex`` (column names), only those columns are ever cut: every other cell is shown
    whole, and to fit the width the ``optional`` columns are left out, in the order given, with
    a last line naming them (``jdcorpus docs``: ids and dates stay whole, titles give way).
    """
    source = rows
    dicts = [_as_dict(r) for r in rows]
    cols = _columns_of(dicts, columns, source)
    if fmt == "json":
        import json

        from ..model import to_dict

        data = [{c: to_dict(r.get(c)) for c in cols} for r in dicts]
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        import csv

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if cols:
            w.writerow(cols)
        for r in dicts:
            w.writerow([_csv_cell(r.get(c)) for c in cols])
        return buf.getvalue()
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    out = [title] if title else []
    if not dicts:
        return "\n".join([*out, "(no rows)"]) + "\n"
    cells = [[_table_cell(r.get(c)) for c in cols] for r in dicts]
    numeric = [
        all(isinstance(r.get(c), int | float) or r.get(c) is None for r in dicts)
        and not all(isinstance(r.get(c), bool) or r.get(c) is None for r in dicts)
        for c in cols
    ]
    natural = [
        max([display_width(c)] + [display_width(row[i]) for row in cells])
        for i, c in enumerate(cols)
    ]
    if width is None:
        width = terminal_width()
    total = max(width, 20)
    if flex:
        widths, shown = _fit_flex(natural, cols, flex, optional, total)
    else:
        widths, shown = _fit([min(w, max_cell) for w in natural], total), [True] * len(cols)
    keep = [i for i in range(len(cols)) if shown[i]]

    def line(values: Sequence[str]) -> str:
        parts = [pad(_truncate(values[i], widths[i]), widths[i], right=numeric[i]) for i in keep]
        return "  ".join(parts).rstrip()

    out.append(line(cols))
    out.append("  ".join("-" * widths[i] for i in keep))
    out.extend(line(row) for row in cells)
    hidden = [c for c, s in zip(cols, shown, strict=True) if not s]
    if hidden:
        import textwrap

        note = f"(hidden to fit {total} columns: {', '.join(hidden)}; --format json has all)"
        out.extend(textwrap.wrap(note, total, break_on_hyphens=False))
    return "\n".join(out) + "\n"
