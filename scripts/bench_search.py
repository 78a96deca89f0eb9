#!/usr/bin/env python
"""Benchmark of ``jdcorpus search`` (issue 3): cold start, warm search, index build, peak memory.

Every figure is the median of repeated runs on this machine, in this run, beside its peers:

- **cold search**: wall time of the command ``jdcorpus search QUERY`` in a new process with the
  index already built, against the floor ``python -c "import click, whoosh.index"`` (the two are
  run alternately, so both see the same machine load); target: at most 2x the floor.
- **warm search**: ``jdcorpus.index.search(None, QUERY)`` in a process that has searched before
  (hits with snippets and highlights); target: under 5 ms.
- **index build**: ``jdcorpus index build`` in a new process, from an empty cache directory
  (parse the corpus, load jieba's dictionary from jieba's own cache, index) and as a rebuild
  (parsed corpus and dictionary from jdcorpus's caches); target: under 3 s.
- **peak memory** (maximum RSS of the child process, from ``wait4``) of the cold search, against
  SQLite FTS5 with its trigram tokenizer over the same normalized articles (build + query, and a
  query in a new process) and ``grep -c`` over the raw corpus files.

The jdcorpus modules get bytecode caches (in a temporary ``PYTHONPYCACHEPREFIX``) as any
installed package has, even where ``PYTHONDONTWRITEBYTECODE`` is set; the index lives in a
temporary ``JDCORPUS_CACHE_DIR``. Usage::

    python scripts/bench_search.py [--runs 21] [--query 网格]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

PY = sys.executable


def run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process (``bench.run``, whose CPU
    time this script does not report)."""
    from bench import run as measured  # scripts/ is this script's first path entry

    wall, rss, out, _cpu = measured(cmd, env)
    return wall, rss, out


def medians(samples: list[tuple[float, float, str]]) -> tuple[float, float, str]:
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        samples[-1][2],
    )


def pad(s: str, width: int) -> str:
    """``s`` left-aligned in ``width`` terminal columns (a CJK character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * max(width - cols, 0)


def jdcorpus_cmd() -> list[str]:
    exe = Path(PY).with_name("jdcorpus")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("jdcorpus")
    return [found] if found else [PY, "-c", "from jdcorpus.cli import main; main()"]


FTS_BUILD = """
import json, sqlite3, sys
db, rows, q = sys.argv[1], sys.argv[2], sys.argv[3]
con = sqlite3.connect(db)
con.execute("create virtual table a using fts5(doc unindexed, no unindexed, text, tokenize='trigram')")
with open(rows, encoding="utf-8") as f:
    con.executemany("insert into a values (?, ?, ?)", (json.loads(line) for line in f))
con.commit()
"""

FTS_QUERY = """
import sqlite3, sys
db, q = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
# The trigram tokenizer indexes 3-character sequences: a shorter term cannot use the index (and
# SQLite 3.40's LIKE on such a table returns nothing for it), so it is a scan with instr().
sql = ("select doc, no from a where a match ?" if len(q) >= 3 else
       "select doc, no from a where instr(text, ?) > 0")
rows = con.execute(sql, ('"' + q + '"' if len(q) >= 3 else q,)).fetchall()
print(len(rows))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21, help="runs per cold measure (default 21)")
    ap.add_argument("--builds", type=int, default=3, help="index builds of each kind (default 3)")
    ap.add_argument("--query", default="网格")
    args = ap.parse_args()
    q, n = args.query, args.runs

    tmp = Path(tempfile.mkdtemp(prefix="jdcorpus-bench-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        JDCORPUS_CACHE_DIR=str(tmp / "cache"),
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
        NO_COLOR="1",
    )
    os.environ["JDCORPUS_CACHE_DIR"] = env["JDCORPUS_CACHE_DIR"]
    jd = jdcorpus_cmd()
    floor_cmd = [PY, "-c", "import click, whoosh.index"]
    search_cmd = [*jd, "search", q]
    try:
        # -- index build from scratch (also warms the bytecode caches) -------------------------
        run([*jd, "index", "build"], env)  # warm-up: bytecode caches
        cache = Path(env["JDCORPUS_CACHE_DIR"])
        first = []  # an empty cache directory: parse the corpus, load jieba's own cache, index
        for _ in range(max(args.builds, 1)):
            shutil.rmtree(cache, ignore_errors=True)
            first.append(run([*jd, "index", "build"], env))
        first_wall, first_rss, _ = medians(first)
        # rebuilds: the parsed corpus and the jieba dictionary come from their caches
        builds = [run([*jd, "index", "build"], env) for _ in range(max(args.builds, 1))]
        build_wall, build_rss, build_out = medians(builds)
        status = json.loads(run([*jd, "index", "status", "--format", "json"], env)[2])[0]

        # -- cold search against the floor, alternately -------------------------------------
        for _ in range(3):  # warm-up: bytecode caches, page cache
            run(search_cmd, env), run(floor_cmd, env)
        cold, floor = [], []
        for _ in range(n):
            cold.append(run(search_cmd, env))
            floor.append(run(floor_cmd, env))
        cold_t, cold_rss, cold_out = medians(cold)
        floor_t, floor_rss, _ = medians(floor)
        hits = int(run([*jd, "search", q, "--count"], env)[2])

        # -- peers: grep over the raw files, SQLite FTS5 trigram over the normalized articles -----
        from jdcorpus import load_corpus
        from jdcorpus.corpus import bundled_root

        corpus = load_corpus()
        rows = tmp / "articles.jsonl"
        with rows.open("w", encoding="utf-8") as f:
            for a in corpus.iter_articles():
                f.write(json.dumps([a.doc_id, a.no, a.text], ensure_ascii=False) + "\n")
        root = bundled_root()
        files = sorted(str(root / p.name) for p in root.iterdir() if p.name.endswith(".txt"))
        grep = medians([run(["grep", "-c", q, *files], env) for _ in range(n)])
        grep_lines = sum(int(line.rsplit(":", 1)[1]) for line in grep[2].split())

        def fts_build() -> tuple[float, float, str]:
            db = tmp / "fts.db"
            db.unlink(missing_ok=True)
            b = run([PY, "-c", FTS_BUILD, str(db), str(rows), q], env)
            qq = run([PY, "-c", FTS_QUERY, str(db), q], env)
            return b[0] + qq[0], max(b[1], qq[1]), qq[2]

        fts_bq = medians([fts_build() for _ in range(max(3, n // 3))])
        fts_q = medians([run([PY, "-c", FTS_QUERY, str(tmp / "fts.db"), q], env) for _ in range(n)])
        fts_size = (tmp / "fts.db").stat().st_size

        # -- warm in-process search ---------------------------------------------------------
        from jdcorpus import index

        index.search(None, q)  # open the index once
        warm = []
        for _ in range(max(200, n)):
            t0 = time.perf_counter()
            res = index.search(None, q)
            warm.append(time.perf_counter() - t0)
        warm_t = statistics.median(warm)
        warm_hits = res.total
        expected = sum(q in a.text for a in corpus.iter_articles())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ms = lambda s: f"{s * 1000:8.1f} ms"  # noqa: E731
    mb = lambda m: f"{m:7.1f} MB" if m else "        -"  # noqa: E731
    ratio = cold_t / floor_t
    print(
        f"jdcorpus search benchmark: query {q!r}; medians of {n} runs "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()})\n"
    )
    head = f"{'measure':<46}{'median':>11}{'peak RSS':>11}  {'result':<34}target"
    print(head)
    print("-" * len(head))
    table = [
        ("python -c 'import click, whoosh.index'", ms(floor_t), mb(floor_rss), "floor", ""),
        (
            f"jdcorpus search {q} (cold, index built)",
            ms(cold_t),
            mb(cold_rss),
            f"{hits} articles ({expected} contain {q})",
            f"<= 2.00x floor: {ratio:.2f}x {'OK' if ratio <= 2 else 'MISSED'}",
        ),
        (
            f"grep -c {q} (raw corpus files)",
            ms(grep[0]),
            mb(grep[1]),
            f"{grep_lines} lines (raw text: no 格線)",
            "",
        ),
        (
            "SQLite FTS5 trigram: build + query",
            ms(fts_bq[0]),
            mb(fts_bq[1]),
            f"{fts_bq[2].strip()} articles",
            "",
        ),
        (
            "SQLite FTS5 trigram: query (cold process)",
            ms(fts_q[0]),
            mb(fts_q[1]),
            f"{fts_q[2].strip()} articles (no ranking/snippets)",
            "",
        ),
        (
            "warm in-process search with snippets",
            ms(warm_t),
            mb(0),
            f"{warm_hits} articles",
            f"< 5 ms: {'OK' if warm_t < 0.005 else 'MISSED'}",
        ),
        (
            "index build, empty cache dir (index build)",
            f"{first_wall:8.2f} s ",
            mb(first_rss),
            f"{status['articles']} articles",
            f"< 3 s: {'OK' if first_wall < 3 else 'MISSED'}",
        ),
        (
            "index rebuild, corpus+dictionary cached",
            f"{build_wall:8.2f} s ",
            mb(build_rss),
            f"in-process {status['build_seconds']:.2f} s",
            f"< 3 s: {'OK' if build_wall < 3 else 'MISSED'}",
        ),
    ]
    for row in table:
        print(f"{pad(row[0], 46)}{row[1]:>11}{row[2]:>11}  {pad(row[3], 34)}{row[4]}".rstrip())
    print(
        f"\nindex: {status['size_bytes'] / 1e6:.1f} MB on disk; FTS5 database "
        f"{fts_size / 1e6:.1f} MB; builds measured: {len(first)} + {len(builds)}; "
        f"last: {build_out.strip()}"
    )


if __name__ == "__main__":
    main()
