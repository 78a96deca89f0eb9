#!/usr/bin/env python
"""Score ``jdcorpus.compare.align`` and ``reuse`` against a hand-made alignment gold file.

    python scripts/eval_alignment.py                      # ../shared/gold/alignment_dev.json
    python scripts/eval_alignment.py --gold other.json --details

The gold file lists provisions ("topics"), for each document the articles that carry it, a
strength label per document pair and known copied pairs (see the dev file for the format).

* recall: share of gold (topic, document pair) entries labelled near-verbatim or
  same-provision for which ``align`` links an article of one side to an article of the other;
* precision: among predicted links whose two articles both appear in the gold file, the share
  whose articles share a topic;
* reuse: which gold copied pairs ``reuse`` reports.

Targets (issue 4): recall ≥ 0.90, precision ≥ 0.85, every copied pair found. ``--strict``
exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "gold" / "alignment_dev.json"
STRONG = ("near-verbatim", "same-provision")
TARGETS = {"recall": 0.90, "precision": 0.85}


def split_pair(key: str, ids: set[str]) -> tuple[str, str]:
    """``"beijing-tiaoli-suzhou"`` → ``("beijing-tiaoli", "suzhou")`` (ids may hold hyphens)."""
    for i, ch in enumerate(key):
        if ch == "-" and key[:i] in ids and key[i + 1 :] in ids:
            return key[:i], key[i + 1 :]
    raise ValueError(f"cannot split document pair {key!r} into two known ids")


def resolve_ids(gold: dict, corpus) -> dict[str, str]:
    """Map the gold file's document keys to corpus ids (by id, else by title)."""
    out = {}
    for key, meta in gold["documents"].items():
        try:
            out[key] = corpus.get(key).id
        except LookupError:
            out[key] = corpus.get(meta.get("title", key)).id
    return out


def evaluate(gold: dict, corpus) -> dict:
    from jdcorpus import compare

    ids = resolve_ids(gold, corpus)
    gkeys = set(ids)
    t0 = time.perf_counter()
    links = []
    for x, y in itertools.combinations(list(ids.values()), 2):
        links.extend(compare.align(corpus, x, y))
    align_s = time.perf_counter() - t0
    linked = {
        frozenset({(link.a_doc, link.a_article), (link.b_doc, link.b_article)}) for link in links
    }

    topics_of: dict[tuple[str, int], set[str]] = {}
    for t in gold["topics"]:
        for d, nos in t["articles"].items():
            for no in nos:
                topics_of.setdefault((ids[d], int(no)), set()).add(t["id"])

    entries, misses = 0, []
    for t in gold["topics"]:
        for key, strength in t["strength"].items():
            if strength not in STRONG:
                continue
            x, y = split_pair(key, gkeys)
            entries += 1
            left = [(ids[x], int(n)) for n in t["articles"][x]]
            right = [(ids[y], int(n)) for n in t["articles"][y]]
            if not any(frozenset({p, q}) in linked for p in left for q in right):
                misses.append({"topic": t["id"], "pair": key, "strength": strength})
    judged, wrong = 0, []
    for link in links:
        ta = topics_of.get((link.a_doc, link.a_article))
        tb = topics_of.get((link.b_doc, link.b_article))
        if ta is None or tb is None:
            continue
        judged += 1
        if not ta & tb:
            wrong.append(
                {
                    "link": f"{link.a_doc}:{link.a_article} ~ {link.b_doc}:{link.b_article}",
                    "score": link.score,
                    "label": link.label,
                    "topics": [sorted(ta), sorted(tb)],
                }
            )

    t0 = time.perf_counter()
    found = {
        frozenset({(r.a_doc, r.a_article), (r.b_doc, r.b_article)}): r
        for r in compare.reuse(corpus)
    }
    reuse_s = time.perf_counter() - t0
    copied = []
    for pair in gold.get("reuse_pairs", []):
        a = (ids[pair["a"]["doc"]], int(pair["a"]["article"]))
        b = (ids[pair["b"]["doc"]], int(pair["b"]["article"]))
        hit = found.get(frozenset({a, b}))
        copied.append(
            {
                "pair": f"{a[0]}:{a[1]} ~ {b[0]}:{b[1]}",
                "found": hit is not None,
                "containment": hit.containment if hit else None,
                "longest_run": hit.longest_run if hit else None,
                "direction": hit.direction if hit else None,
            }
        )
    recall = (entries - len(misses)) / entries if entries else 1.0
    precision = (judged - len(wrong)) / judged if judged else 1.0
    return {
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "gold_entries": entries,
        "links": len(links),
        "judged_links": judged,
        "copied_found": sum(c["found"] for c in copied),
        "copied_total": len(copied),
        "misses": misses,
        "wrong": wrong,
        "copied": copied,
        "seconds": {"align_all_pairs": round(align_s, 3), "reuse": round(reuse_s, 3)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_path", nargs="?", help=f"gold file (default {DEFAULT_GOLD})")
    ap.add_argument("--gold", dest="gold_opt", help="gold file (same as the positional)")
    ap.add_argument("--corpus", help="a corpus folder (default: the bundled corpus)")
    ap.add_argument("--details", action="store_true", help="list misses and wrong links")
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    from jdcorpus.corpus import load_corpus

    gold_path = Path(args.gold_opt or args.gold_path or DEFAULT_GOLD)
    gold = json.loads(gold_path.read_text("utf-8"))
    corpus = load_corpus(args.corpus)
    rep = evaluate(gold, corpus)
    ok = (
        rep["recall"] >= TARGETS["recall"]
        and rep["precision"] >= TARGETS["precision"]
        and rep["copied_found"] == rep["copied_total"]
    )
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    else:
        print(f"gold: {gold_path}")
        print(
            f"recall    {rep['recall']:.3f}  ({rep['gold_entries'] - len(rep['misses'])}/"
            f"{rep['gold_entries']} strong entries linked; target ≥ {TARGETS['recall']})"
        )
        print(
            f"precision {rep['precision']:.3f}  ({rep['judged_links'] - len(rep['wrong'])}/"
            f"{rep['judged_links']} judged links right, {rep['links']} links in all; "
            f"target ≥ {TARGETS['precision']})"
        )
        print(f"copied pairs found by reuse: {rep['copied_found']}/{rep['copied_total']}")
        for c in rep["copied"]:
            mark = "found" if c["found"] else "MISSED"
            extra = (
                f" containment {c['containment']:.2f}, longest run {c['longest_run']!r},"
                f" direction {c['direction']}"
                if c["found"]
                else ""
            )
            print(f"  {mark:6s} {c['pair']}{extra}")
        if args.details:
            for m in rep["misses"]:
                print(f"  miss  {m['topic']:26s} {m['pair']:30s} {m['strength']}")
            for w in rep["wrong"]:
                print(f"  wrong {w['link']:36s} {w['score']:.3f} {w['label']:14s} {w['topics']}")
        print("all targets met" if ok else "TARGETS MISSED")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
