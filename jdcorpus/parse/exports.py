"""Texts a researcher's tools export a regulation as: a spreadsheet saved as CSV or TSV (one row
an article, its chapter, section and label in columns of their own), an Emacs Org-mode note, a
scraper's JSON Lines dump and a LaTeX source.
Each is read into the plain text the parser reads (as a web page is): the layout the tool adds
goes, the text of the law stays, in reading order, and the offsets of every unit refer to that
text (``Document.source_text``).

- :func:`table_rows` / :func:`table_text`: rows of a fixed number of cells (RFC 4180
  quoting: a quoted cell may hold line breaks and commas); a column's value repeated from the
  row above (the chapter on each of its articles' rows) is said once, a serial number in the
  first column and a header row of column names go, a label cell and its text cell join as
  ``第一条　…``, a heading cell (第一章 总则) stands on its own line, a key/value row of a
  metadata block reads ``key：value`` when the value is a short field (公布日期：2024-11-26),
  else the value alone (the title, a 题注, a notice).
- :func:`looks_like_org` / :func:`org_text`: ``#+KEYWORD:`` lines, comment lines and blocks
  (``#+BEGIN_COMMENT`` … ``#+END_COMMENT``), subtrees tagged ``:noexport:``, the heading
  stars and tags, the dash of a list item and footnote references go; ``#+TITLE:`` is the
  title the file states (taken when no line of the text reads as one).
- :func:`json_records` / :func:`records_text`: a JSON Lines dump (a record a line), read as a
  table's rows are, its fields as columns; a note field is an editor's 【注】.
- :func:`looks_like_latex` / :func:`latex_text`: the text a LaTeX source typesets — its body
  only, comments gone, a blank line a paragraph, \\\\ a line break, markup its text.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

# -- tables (CSV, TSV) -------------------------------------------------------------------------

_RE_HEADING_CELL = re.compile(r"第[一二三四五六七八九十百零〇0-9]+[编章节]")
_RE_LABEL_CELL = re.compile(r"第[一二三四五六七八九十百千零〇0-9]+条(?:之[一二三四五六七八九十]+)?")
_RE_SERIAL = re.compile(r"\d{1,6}")
# a title key in a metadata block (法规名称,…条例; 标题,…)
_TITLE_KEYS = ("法规名称", "名称", "标题", "法规标题", "文件名称", "题目", "title", "Title")


def _rows(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:
        return None


def table_rows(text: str) -> list[list[str]] | None:
    """The rows of ``text`` when it is a table: ten rows or more, nine in ten of the non-blank
    ones of one number of cells (three or more), and a cell of some row that holds Chinese
    text; else None. Commas and then TABs are tried as the separator."""
    if text.count("\n") < 9:
        return None
    for delimiter in (",", "\t"):
        if text.count(delimiter) < 20:
            continue
        rows = _rows(text, delimiter)
        if not rows:
            continue
        shown = [r for r in rows if any(c.strip() for c in r)]
        if len(shown) < 10:
            continue
        width, n = Counter(len(r) for r in shown).most_common(1)[0]
        if width >= 3 and 10 * n >= 9 * len(shown):
            if any(re.search(r"[\u4e00-\u9fff]{4}", c) for r in shown for c in r):
                return rows
    return None


def _header_row(cells: list[str]) -> bool:
    """Column names: three or more short cells, no digit, no sentence punctuation, no label."""
    shown = [c for c in cells if c]
    return (
        len(shown) >= 3
        and all(len(c) <= 6 and not re.search(r"[\d，。；：,.;:]", c) for c in shown)
        and not any(_RE_HEADING_CELL.match(c) or _RE_LABEL_CELL.fullmatch(c) for c in shown)
    )


def _short_value(value: str) -> bool:
    """A field's value, no text of the law: one line of 20 characters at most, no sentence or
    bracket in it."""
    return (
        "\n" not in value and len(value) <= 20 and not re.search(r"[，。；：（）《》(),;]", value)
    )


def _field(key: str, value: str, out: list[str]) -> None:
    """A metadata field: ``key：value`` when the value is a short field (制定机关：国务院,
    公布日期：2024-11-26), else the value alone, a line each (a title, a 题注, a notice)."""
    if len(key) <= 12 and key not in _TITLE_KEYS and _short_value(value):
        out.append(f"{key}：{value}")
    else:
        out.extend(value.split("\n"))


def _joined(pieces: list[str], brk: str) -> str:
    """A paragraph's source lines joined as a renderer joins them: nothing between two lines
    but a space where both sides are ASCII (1234 ⏎ 5 is 1234 5); none after a line that ends with
    the markup's line break ``brk``."""
    joined = ""
    for piece in pieces:
        if joined and not joined.endswith(brk) and joined[-1].isascii() and piece[0].isascii():
            joined += " "
        joined += piece
    return joined


def table_text(rows: list[list[str]]) -> str:
    """The text of a table's rows, as the module says."""
    out: list[str] = []
    above: list[str] = []
    for row in rows:
        cells = [c.strip() for c in row]
        if not any(cells):
            out.append("")
            above = []
            continue
        if _header_row(cells):
            above = []
            continue
        shown = [(j, c) for j, c in enumerate(cells) if c]
        # a value repeated from the row above in its column (not the row's last cell: text)
        kept = [
            (j, c)
            for k, (j, c) in enumerate(shown)
            if not (k < len(shown) - 1 and j < len(above) and above[j] == c)
        ]
        above = cells
        if kept and kept[0][0] == 0 and _RE_SERIAL.fullmatch(kept[0][1]) and len(kept) > 1:
            kept = kept[1:]  # a serial number
        values = [c for _, c in kept]
        if len(values) == 2 and not (
            _RE_HEADING_CELL.match(values[0]) or _RE_LABEL_CELL.fullmatch(values[0])
        ):
            _field(*values, out)
            continue
        line: list[str] = []
        for c in values:
            if _RE_HEADING_CELL.match(c) and "\n" not in c and len(c) <= 30:
                if line:
                    out.append("　".join(line))
                    line = []
                out.append(c)
            else:
                line.append(c)
        if line:
            joined = "　".join(line)
            out.extend(joined.split("\n"))
    return "\n".join(out) + "\n"


# -- Org-mode ----------------------------------------------------------------------------------

_RE_ORG_KEYWORD = re.compile(r"#\+([A-Za-z_]+):\s?(.*)")
_RE_ORG_BLOCK = re.compile(r"#\+(BEGIN|END)_([A-Za-z]+)", re.I)
_RE_ORG_HEADING = re.compile(r"(\*+)\s+(.*?)(?:\s+(:[\w@#%:]+:))?\s*$")
_RE_ORG_FN_REF = re.compile(r"\[fn:[\w-]*\]")
_RE_ORG_FN_DEF = re.compile(r"\[fn:[\w-]+\]\s")


def looks_like_org(text: str) -> bool:
    """Two or more ``#+KEYWORD:`` lines among the first twenty, and a heading line (``* …``)."""
    head = text.lstrip("\ufeff").split("\n", 20)[:20]
    keywords = sum(bool(_RE_ORG_KEYWORD.match(ln)) for ln in head)
    return keywords >= 2 and bool(re.search(r"^\*+ \S", text, re.M))


def org_text(text: str) -> tuple[str, dict]:
    """The text of an Org-mode note, and its ``#+TITLE:`` as metadata."""
    out: list[str] = []
    meta: dict = {}
    skip_level = 0  # inside a subtree tagged :noexport: at this level
    block: str | None = None  # inside a comment block
    for line in text.split("\n"):
        stripped = line.strip()
        m = _RE_ORG_BLOCK.match(stripped)
        if block:
            if m and m.group(1).upper() == "END" and m.group(2).upper() == block:
                block = None
            continue
        if m and m.group(1).upper() == "BEGIN":
            if m.group(2).upper() == "COMMENT":
                block = "COMMENT"
            continue  # (a quote's or an example's markers; their lines are text)
        if m:
            continue
        h = _RE_ORG_HEADING.match(line)
        if h:
            level = len(h.group(1))
            if skip_level and level > skip_level:
                continue
            skip_level = 0
            if h.group(3) and ":noexport:" in h.group(3):
                skip_level = level
                continue
            out.append(h.group(2))
            continue
        if skip_level:
            continue
        k = _RE_ORG_KEYWORD.match(stripped)
        if k:
            if k.group(1).upper() == "TITLE" and k.group(2).strip():
                meta["title"] = k.group(2).strip()  # (the title, if no heading states it)
            out.append("")
            continue
        if stripped.startswith("# ") or stripped == "#":
            continue  # a comment line
        if _RE_ORG_FN_DEF.match(stripped):
            continue  # a footnote's definition
        line = _RE_ORG_FN_REF.sub("", line)
        line = re.sub(r"^(\s*)[-+]\s+", r"\1", line)  # a list item's dash
        out.append(line)
    return "\n".join(out), meta


# -- JSON Lines --------------------------------------------------------------------------------

# a record's field that holds an editor's note, not text of the law
_NOTE_KEYS = frozenset(
    {"note", "notes", "remark", "remarks", "comment", "备注", "注", "注释", "编者注"}
)


def json_records(text: str) -> list[dict] | None:
    """The records of a JSON Lines text: three or more lines, nine in ten of the non-blank ones
    a JSON object; else None."""
    import json

    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 3 or not lines[0].lstrip().startswith("{"):
        return None
    records = []
    for ln in lines:
        try:
            obj = json.loads(ln)
        except ValueError:
            continue
        if isinstance(obj, dict):
            records.append(obj)
    return records if 10 * len(records) >= 9 * len(lines) else None


def records_text(records: list[dict]) -> str:
    """The text of JSON records, read as a table's rows are (:func:`table_text`): the string
    fields in their order, a value repeated from the record before said once (the chapter on
    each article), a label field joined with the text after it, a heading on its own line, a
    short field as key：value, a title or a longer value alone (its escaped line breaks are
    lines), a note field as 【注】; numbers, nulls and lists are no text."""
    out: list[str] = []
    above: dict = {}
    for rec in records:
        line: list[str] = []
        for key, value in rec.items():
            if not isinstance(value, str) or not value.strip():
                continue
            value = value.strip()
            if above.get(key) == value and not line and not _RE_LABEL_CELL.fullmatch(value):
                continue  # (the chapter repeated on each record; a doc id)
            if key in _NOTE_KEYS:
                out.append("【注】" + value.replace("\n", " "))
            elif _RE_LABEL_CELL.fullmatch(value):
                line = [value]
            elif line:
                out.extend(("　".join([*line, value])).split("\n"))
                line = []
            elif _RE_HEADING_CELL.match(value) and "\n" not in value and len(value) <= 30:
                out.append(value)
            else:
                _field(key, value, out)
        if line:
            out.append("　".join(line))
        above = rec
        out.append("")
    return "\n".join(out)


# -- LaTeX -------------------------------------------------------------------------------------

_RE_TEX_COMMENT = re.compile(r"(?<!\\)%.*")
_RE_TEX_HEADING = re.compile(r"\\(?:part|chapter|section|subsection|subsubsection)\*?\{(.*)\}")
_RE_TEX_DROP = re.compile(
    r"\\(?:footnote|label|vspace|hspace|index|cite|ref)\*?(?:\[[^\]]*\])?\{(?:[^{}]|\{[^{}]*\})*\}"
)
_RE_TEX_UNWRAP = re.compile(r"\\(?:textbf|emph|textit|underline|text|mbox|uline)\{((?:[^{}])*)\}")
_RE_TEX_SPACE = re.compile(r"\\(?:qquad|quad)\b ?|~|\\ ")
_RE_TEX_ESCAPED = re.compile(r"\\([%&#_$])")  # 30\% is 30%
_RE_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?(?:\[[^\]]*\])?(?:\{[^{}]*\})?|[{}]")


def looks_like_latex(text: str) -> bool:
    return "\\begin{document}" in text and bool(re.search(r"\\documentclass", text))


def latex_text(text: str) -> str:
    """The text a LaTeX source typesets, as far as a law needs it: the body between
    ``\\begin{document}`` and ``\\end{document}``, comments gone, headings on their own lines,
    \\\\ a line break, a blank line a new paragraph and the lines of one paragraph joined
    (without a space between Chinese characters), \\textbf{…} and \\emph{…} their text,
    \\quad a space, footnotes and other commands gone."""
    start = text.find("\\begin{document}")
    end = text.find("\\end{document}")
    body = text[start + len("\\begin{document}") : end if end > start else None]
    paragraphs: list[list[str]] = [[]]
    for raw in body.split("\n"):
        line = _RE_TEX_COMMENT.sub("", raw).strip()
        if not line:  # a blank line ends a paragraph; a comment's line is no blank line
            if not raw.strip() and paragraphs[-1]:
                paragraphs.append([])
            continue
        if re.fullmatch(r"\\(?:begin|end)\{[^}]*\}", line):
            continue
        h = _RE_TEX_HEADING.fullmatch(line)
        if h:
            if paragraphs[-1]:
                paragraphs.append([])
            paragraphs[-1].append(h.group(1) + "\\\\")
            paragraphs.append([])
            continue
        paragraphs[-1].append(line)
    out: list[str] = []
    for para in paragraphs:
        if not para:
            continue
        joined = _joined(para, "\\\\")
        for _ in range(3):  # nested: \textbf{\emph{…}}
            joined = _RE_TEX_DROP.sub("", joined)
            joined = _RE_TEX_UNWRAP.sub(r"\1", joined)
        joined = _RE_TEX_SPACE.sub("\u3000", joined)
        for ln in re.split(r"\\\\(?:\[[^\]]*\])?", joined):
            ln = _RE_TEX_ESCAPED.sub(r"\1", _RE_TEX_COMMAND.sub("", ln)).strip()
            if ln:
                out.append(ln)
        out.append("")
    return "\n".join(out)


# -- tracked changes ---------------------------------------------------------------------------

# Word's "all markup" saved as text: [删除：…] [插入：…] [批注：…] (or in 【】)
_RE_REVISION = re.compile(r"[\[【](删除|插入|批注)[：:]([^\[\]【】\n]*)[\]】]")


def has_revisions(text: str) -> bool:
    """Two or more tracked-change marks ([删除：…], [插入：…], [批注：…])."""
    if "删除" not in text and "插入" not in text and "批注" not in text:
        return False  # (three substring searches are much cheaper than the pattern's)
    return len(_RE_REVISION.findall(text, 0, 200_000)) >= 2


def accept_revisions(text: str) -> tuple[str, dict]:
    """The text with its tracked changes accepted: deleted text and comments gone, inserted text
    kept without its mark; a line that held nothing but deleted text goes with its line break.
    Also the counts of each kind of mark."""
    counts = Counter(m.group(1) for m in _RE_REVISION.finditer(text))
    out = []
    for line in text.split("\n"):
        new = _RE_REVISION.sub(lambda m: m.group(2) if m.group(1) == "插入" else "", line)
        if new.strip() or not line.strip():
            out.append(new)
    return "\n".join(out), dict(counts)


# -- AsciiDoc ----------------------------------------------------------------------------------

_RE_ADOC_HEADING = re.compile(r"(={1,6})\s+(\S.*)")
_RE_ADOC_ATTRIBUTE = re.compile(r":[\w-]+:(?:\s.*)?")
_RE_ADOC_BLOCK_ATTR = re.compile(r"\[[^\]]*\]")
_RE_ADOC_ADMONITION = re.compile(r"(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s")
_RE_ADOC_DELIMITER = re.compile(r"(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,})")
_RE_ADOC_FOOTNOTE = re.compile(r"footnote:\[[^\]]*\]")
_RE_ADOC_MARKUP = re.compile(r"(\*{1,2}|_{1,2}|`)(\S(?:.*?\S)?)\1")


def looks_like_asciidoc(text: str) -> bool:
    """A document title line (``= 标题``) among the first twenty non-comment lines, attribute
    lines (``:toc:``) or ``==`` headings after it."""
    head = [ln for ln in text.split("\n", 60)[:60] if not ln.startswith("//")]
    title = next((k for k, ln in enumerate(head[:20]) if re.match(r"= \S", ln)), None)
    if title is None:
        return False
    return bool(re.search(r"^(?:==\s+\S|:[\w-]+:)", text, re.M))


def asciidoc_text(text: str) -> str:
    """The text an AsciiDoc source renders, as far as a law needs it: comments (``//``, ``////``
    blocks), attribute lines, block attributes, admonitions (``NOTE:`` paragraphs, ``[NOTE]``
    blocks) and footnotes go; heading marks go; a line ending in `` +`` is a line break, a
    blank line a paragraph, the lines of one paragraph are joined; *bold* and _italic_ are their
    text."""
    out: list[str] = []
    para: list[str] = []
    comment = skip_block = False
    admonition_block = False  # [NOTE] above: the next delimited block is the note's
    skip_para = False

    def flush():
        nonlocal para
        if para:
            out.extend(_joined(para, "\n").split("\n"))
            out.append("")
        para = []

    for raw in text.split("\n"):
        line = raw.rstrip()
        if comment:
            comment = line != "////"
            continue
        if line == "////":
            comment = True
            continue
        if skip_block:
            skip_block = not _RE_ADOC_DELIMITER.fullmatch(line)
            continue
        if line.startswith("//"):
            continue
        if not line.strip():
            flush()
            skip_para = False
            continue
        if skip_para:
            continue
        if _RE_ADOC_DELIMITER.fullmatch(line):
            if admonition_block:
                skip_block, admonition_block = True, False
            continue
        if _RE_ADOC_BLOCK_ATTR.fullmatch(line):
            admonition_block = bool(re.match(r"\[(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", line))
            continue
        if _RE_ADOC_ATTRIBUTE.fullmatch(line) and not para:
            continue
        if _RE_ADOC_ADMONITION.match(line) and not para:
            skip_para = True
            continue
        h = _RE_ADOC_HEADING.fullmatch(line)
        if h and not para:
            out.extend([h.group(2), ""])
            continue
        line = _RE_ADOC_FOOTNOTE.sub("", line)
        for _ in range(2):
            line = _RE_ADOC_MARKUP.sub(r"\2", line)
        if line.endswith(" +"):
            line = line[:-2].rstrip() + "\n"
        para.append(line.strip() if not line.endswith("\n") else line.strip() + "\n")
    flush()
    return "\n".join(out)
