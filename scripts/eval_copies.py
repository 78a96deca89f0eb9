#!/usr/bin/env python
"""Parse every law of a LawRefBook-format collection again as a plain-text copy, and count the
laws whose structure the copy changes.

    python scripts/eval_copies.py --dir /work/coll                       # every style below
    python scripts/eval_copies.py --dir DIR --style pdf --width 30 --list

The Markdown copy is the reference: its parse gives, per document, the title, the number of
articles, chapters, sections and paragraphs, and per article its 款 and 项. Each style rewrites
the file as a copy of another kind would hold it, without ``#`` and ``<!-- INFO END -->``:

- ``plain``: the same lines (a web page's text);
- ``dense``: no blank lines at all;
- ``pdf``: every paragraph set in with two ideographic spaces and broken every ``--width``
  characters (a half-width character counts half; closing punctuation is not put at a line's
  start), the rest of it at the margin — pdftotext's output of a gazette's PDF;
- ``word``: the same breaks without the indent, a blank line between paragraphs — a Word file
  saved as text;
- ``flat``: the same breaks, no indent and no blank lines. Nothing tells a 款 that ends at the
  margin from a line broken after a full stop, so this style is expected to differ often.

A law differs when any of those counts differs (or one parse fails and the other does not).
This is a measurement, not a gold file: the copies lose what the Markdown states (``flat``
above all), and a few laws of the collection hold text that a copy honestly reads otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from multiprocessing import Pool
from pathlib import Path

STYLES = ("plain", "dense", "pdf", "word", "flat")
_CLOSING = "。，、；：？！）》”’"


def _half(c: str) -> bool:
    return c < "\u1100" or "\uff61" <= c <= "\uffdc"


def _break(line: str, width: int) -> list[str]:
    out, i = [], 0
    while i < len(line):
        j, w = i, 0.0
        while j < len(line) and w + (0.5 if _half(line[j]) else 1) <= width:
            w += 0.5 if _half(line[j]) else 1
            j += 1
        j = max(j, i + 1)
        while j < len(line) and line[j] in _CLOSING:
            j += 1
        out.append(line[i:j])
        i = j
    return out


def copy(text: str, style: str, width: int = 38) -> str:
    """The Markdown ``text`` rewritten as a plain-text copy of ``style``."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip() == "<!-- INFO END -->":
            continue
        # (Markdown's own marks go: a heading's #, a list item's - that LawRefBook puts before
        # the quoted paragraphs of an amendment)
        line = re.sub(r"^(?:#+\s*|[-*+]\s+)", "", line.strip()).strip()
        if not line:
            if style == "plain":
                out.append("")
            continue
        if style in ("plain", "dense"):
            out.append(line)
            continue
        if style == "word" and out:
            out.append("")
        out.extend(_break(("\u3000\u3000" if style == "pdf" else "") + line, width))
    return "\n".join(out)


def shape(docs) -> list:
    return [
        (
            d.title,
            len(d.articles),
            len(d.chapters),
            len(d.sections),
            len(d.paragraphs),
            tuple((len(a.paragraphs), sum(len(p.items) for p in a.paragraphs)) for a in d.articles),
        )
        for d in docs
    ]


def _one(job: tuple[str, str, int]) -> tuple[str, bool, str]:
    from jdcorpus.parse import ParseError, parse_text

    path, style, width = job
    text = Path(path).read_text("utf-8")
    name = os.path.basename(path)
    try:
        ref = shape(parse_text(text, require_articles=False, source_file=name))
    except ParseError:
        ref = None
    try:
        got = shape(
            parse_text(
                copy(text, style, width), require_articles=False, source_file=name[:-3] + ".txt"
            )
        )
    except ParseError:
        got = None
    if ref == got:
        return path, False, ""
    if ref is None or got is None or len(ref) != len(got):
        return path, True, f"documents {ref and len(ref)} → {got and len(got)}"
    for a, b in zip(ref, got, strict=True):
        if a[:5] != b[:5]:
            return path, True, f"title/articles/chapters/sections/paragraphs {a[:5]} → {b[:5]}"
        at = [k for k, (x, y) in enumerate(zip(a[5], b[5], strict=True)) if x != y]
        if at:
            return path, True, f"article {at[0] + 1}: 款/项 {a[5][at[0]]} → {b[5][at[0]]}"
    return path, True, "?"


def evaluate(folder: Path, style: str, width: int, jobs: int) -> list[tuple[str, bool, str]]:
    files = sorted(str(p) for p in folder.rglob("*.md"))
    work = [(p, style, width) for p in files]
    if jobs > 1:
        with Pool(jobs) as pool:
            return pool.map(_one, work, chunksize=16)
    return [_one(w) for w in work]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, required=True, help="a LawRefBook-format folder")
    ap.add_argument("--style", choices=STYLES, action="append", help="default: every style")
    ap.add_argument("--width", type=int, default=38, help="characters a line (pdf, word, flat)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="list every law that differs")
    a = ap.parse_args(argv)
    if not a.dir.is_dir():
        ap.error(f"--dir {a.dir}: no such folder")
    for style in a.style or STYLES:
        res = evaluate(a.dir, style, a.width, a.jobs)
        bad = [r for r in res if r[1]]
        w = f" at {a.width}" if style in ("pdf", "word", "flat") else ""
        print(f"{style}{w}: {len(bad)} of {len(res)} laws differ from the Markdown's parse")
        if a.list:
            for path, _, why in bad:
                print(f"  {Path(path).relative_to(a.dir)}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
