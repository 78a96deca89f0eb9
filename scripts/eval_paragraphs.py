#!/usr/bin/env python
"""Compare the 款 and 项 the parser finds with the paragraphs of a LawRefBook-format collection.

    python scripts/eval_paragraphs.py --dir /work/coll            # the shared collection, extracted
    python scripts/eval_paragraphs.py --dir DIR --list            # every article that differs

LawRefBook writes each 款 and each （一） item as a paragraph of its own, so its Markdown also
states, roughly, how many 款 and items an article has: the non-empty lines from the article's
label to the next label or ``#`` heading, those opening with （一） counted as items. This is no
gold file — the Markdown is wrong often enough (hard-wrapped lines, bare headings such as 附　则
without ``#``, notes after the last article, 一、 items) — but every difference is worth a look:
the README says which kinds were the parser's and which the Markdown's. Only files whose
parsed articles number as many as their labelled lines are compared.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_NUM = "[零〇一二两三四五六七八九十百千]+"
_LABEL = re.compile(rf"^第{_NUM}条(之{_NUM})?(?=\s|$)")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def stated(text: str) -> list[tuple[int, int]]:
    """(paragraphs, items) of each labelled article of a collection file's Markdown."""
    at = text.find("<!-- INFO END -->")
    body = text[at + len("<!-- INFO END -->") :] if at >= 0 else text
    out: list[list[int]] = []
    cur: list[int] | None = None
    for line in body.split("\n"):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            cur = None
        elif _LABEL.match(s):
            cur = [1, 0]
            out.append(cur)
        elif cur is not None:
            cur[1 if _ITEM.match(s) else 0] += 1
    return [tuple(x) for x in out]


def compare(folder: Path):
    """Articles compared, and the differing ones: (file, label, found, stated)."""
    from jdcorpus.parse import ParseError, parse_file

    n, differ = 0, []
    for p in sorted(folder.rglob("*.md")):
        try:
            arts = [a for d in parse_file(p) for a in d.articles]
        except ParseError:
            continue
        want = stated(p.read_text("utf-8"))
        if len(arts) != len(want):
            continue
        for a, w in zip(arts, want, strict=True):
            n += 1
            got = (len(a.paragraphs), sum(len(pp.items) for pp in a.paragraphs))
            if got != w:
                differ.append((p.relative_to(folder).as_posix(), a.label, got, w))
    return n, differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, required=True, help="a LawRefBook-format folder")
    ap.add_argument("--list", action="store_true", help="list every article that differs")
    a = ap.parse_args(argv)
    if not a.dir.is_dir():
        ap.error(f"--dir {a.dir}: no such folder")
    n, differ = compare(a.dir)
    print(f"articles compared: {n}; 款/项 differing from the Markdown's paragraphs: {len(differ)}")
    if a.list:
        for f, label, got, want in differ:
            print(f"  {f} {label}: found {got[0]} 款 {got[1]} 项, Markdown {want[0]} / {want[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
