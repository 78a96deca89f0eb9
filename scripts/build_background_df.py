#!/usr/bin/env python
"""Build the background tables of the comparison from a large collection of local regulations:
``jdcorpus/data/background_df.tsv`` (how many articles carry each masked character n-gram) and
``jdcorpus/data/boilerplate.tsv`` (how many regulations carry each masked clause).

    python scripts/build_background_df.py                      # ../shared/collections/lawrefbook-local.tar.xz
    python scripts/build_background_df.py --collection /work/coll --min-df 40

A corpus of a few hundred articles cannot tell boilerplate (对直接负责的主管人员和其他直接责任人员,
依法给予处分) from the wording particular to a provision (网格员): both are rare in it. The
collection can: the similarity space weighs each n-gram by its frequency there too
(:mod:`jdcorpus.compare.vectors`). Articles are masked and scored as the space scores them
(heading and body, cities of the whole collection masked); each n-gram of 1–3 characters without
white space that at least ``--min-df`` articles carry is written with its count. N-grams below it
are "rare" to the space, which is all it needs to know about them; that keeps the table small.
Clauses are the pieces of an article's masked body between ，。；：！？ and line breaks, of at
least 4 characters; those in at least ``--min-docs`` regulations are written with that count
(:func:`jdcorpus.compare.masking.strip_boilerplate` leaves out those in ``BOILERPLATE_DOCS``).
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "collections" / "lawrefbook-local.tar.xz"
OUT = REPO / "jdcorpus" / "data" / "background_df.tsv"
CLAUSES = REPO / "jdcorpus" / "data" / "boilerplate.tsv"
SPLIT = re.compile(r"[，。；：！？\n]+")


def collection_files(source: Path, tmp: Path) -> list[Path]:
    """The Markdown files of the collection (a folder, or a .tar.xz extracted into ``tmp``)."""
    if source.is_file():
        with tarfile.open(source) as tar:
            tar.extractall(tmp, filter="data")
        source = tmp
    return sorted(source.rglob("*.md"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--collection", type=Path, default=DEFAULT, help="folder or .tar.xz")
    ap.add_argument("--min-df", type=int, default=40, help="keep n-grams of at least this df")
    ap.add_argument("--min-docs", type=int, default=10, help="keep clauses of this many documents")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--clauses", type=Path, default=CLAUSES)
    args = ap.parse_args(argv)

    import numpy as np

    from jdcorpus.compare.masking import mask, scoring_text
    from jdcorpus.compare.vectors import CharGrams
    from jdcorpus.errors import ParseError
    from jdcorpus.parse import parse_file

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        files = collection_files(args.collection, Path(tmp))
        docs = []
        for p in files:
            try:
                docs.extend(parse_file(p))
            except ParseError as e:
                print(f"skipped {p.name}: {e}", file=sys.stderr)
    cities = tuple(sorted({d.city for d in docs if d.city}))
    texts = [scoring_text(a, cities) for d in docs for a in d.articles]
    print(
        f"{len(files)} files, {len(docs)} documents, {len(texts)} articles, {len(cities)} cities"
        f" ({time.perf_counter() - t0:.0f} s)",
        file=sys.stderr,
    )
    rows = []
    for n in (1, 2, 3):
        grams = CharGrams(n, binary=True)
        X = grams.fit_transform(texts)
        df = np.bincount(X.indices, minlength=X.shape[1])
        base = len(grams.alphabet) + 1
        for col in np.flatnonzero(df >= args.min_df).tolist():
            key, chars = int(grams.vocab[col]), []
            for _ in range(n):
                key, r = divmod(key, base)
                chars.append(chr(int(grams.alphabet[r])))
            gram = "".join(reversed(chars))
            if not any(ch.isspace() for ch in gram):
                rows.append((gram, int(df[col])))
    rows.sort(key=lambda r: (len(r[0]), r[0]))
    header = [
        "# Background document frequencies of masked character n-grams (1-3 chars): in how many",
        "# articles of the LawRefBook collection of local regulations (1,908 regulations of seven",
        "# provinces) each n-gram occurs. Built by scripts/build_background_df.py; n-grams in fewer",
        f"# than {args.min_df} articles are left out (the space treats them as rare).",
        f"@articles\t{len(texts)}",
        f"@min_df\t{args.min_df}",
    ]
    args.out.write_text("\n".join(header + [f"{g}\t{c}" for g, c in rows]) + "\n", encoding="utf-8")
    print(f"{len(rows)} n-grams written to {args.out}", file=sys.stderr)

    in_docs: Counter = Counter()
    for d in docs:
        clauses = set()
        for a in d.articles:
            clauses.update(c.strip() for c in SPLIT.split(mask(a.text, cities)))
        in_docs.update(c for c in clauses if len(c) >= 4 and "\t" not in c)
    kept = sorted(
        ((c, k) for c, k in in_docs.items() if k >= args.min_docs), key=lambda r: (-r[1], r[0])
    )
    header = [
        "# Boilerplate clauses: masked clauses (the pieces of an article between ，。；：！？ and line",
        "# breaks) with the number of regulations of the LawRefBook collection that carry them.",
        f"# Built by scripts/build_background_df.py; clauses of fewer than {args.min_docs} left out.",
        f"@documents\t{len(docs)}",
    ]
    args.clauses.write_text(
        "\n".join(header + [f"{c}\t{k}" for c, k in kept]) + "\n", encoding="utf-8"
    )
    print(f"{len(kept)} clauses written to {args.clauses}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
