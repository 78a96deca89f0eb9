#!/usr/bin/env python
"""Score ``jdcorpus.compare.align`` and ``reuse`` against hand-made alignment gold files.

    python scripts/eval_alignment.py                      # every gold set shipped in the repo
    python scripts/eval_alignment.py --gold other.json --details
    python scripts/eval_alignment.py --gold A.json --gold B.json   # per file, then combined

Without ``--gold``, the sets shipped in ``tests/fixtures/`` are scored, each on its own (so the
script runs in a fresh clone), each marked with its role (``ROLES``). Tuning sets, which the
method's rules and constants were chosen on: ``alignment_dev.json`` (the development set, a copy
of ``../shared/gold/alignment_dev.json``), ``alignment_extra.json`` (30 provisions), since
the third round of issue 13 ``alignment_blind.json`` (39 provisions, built blind and first used
as a confirmation set) and, since the seventh round, ``alignment_blind2.json`` (84 provisions,
built blind by a helper who had not seen the method's errors; a confirmation set until then).
Confirmation sets, never tuned on: ``alignment_wuye.json`` (five cities' 物业管理条例 from the
shared collection, built blind; its summary figures were looked at, not its links, save once —
see the README's design notes), ``alignment_blind3.json`` (86 provisions, built blind by
another helper session; first scored with the method of the sixth round) and, since the eighth
round, ``alignment_quan.json`` (five cities' 养犬管理 regulations from the shared collection, built
blind by a helper session; first scored with the method of the eighth round). A gold file whose
documents give an ``archive_path`` instead of a ``seed_file`` is scored on a corpus of those
documents parsed from the collection:
``--collection DIR`` (the extracted collection, or the ``.tar.xz``; default
``$JDCORPUS_COLLECTION``, else ``../shared/collections/lawrefbook-local.tar.xz``); without it that
set is skipped, with a note.

The gold file lists provisions ("topics"), for each document the articles that carry it, a
strength label per document pair and known copied pairs (see the dev file for the format).

* recall: share of gold (topic, document pair) entries labelled near-verbatim or
  same-provision for which ``align`` links an article of one side to an article of the other;
* precision: among predicted links whose two articles both appear in the gold file, the share
  whose articles share a topic; also per label (near-verbatim, same-provision, related);
* the links scored are ``align``'s default output (what the CLI prints without ``--all``);
* precision over all topics (sets on the bundled corpus scored together): the same links judged
  against the topics of every such set, since a set built after another leaves out provisions
  the other already has (the blind set has no topic for 基本职能 or 性质和地位, so two such
  articles linked there count as wrong in it alone);
* another annotator (sets on the bundled corpus scored together): the strong links of every
  other such set (each pair of articles a topic lists for two documents it labels near-verbatim
  or same-provision) scored by this set's topics as ``align``'s are — the precision a second
  person's independent judgement reaches, a reference for ``align``'s (``agreement``);
* reuse: which gold copied pairs ``reuse`` reports;
* similar top-5 (issue 13): for each gold article and each document the gold file calls
  strongly related to it (near-verbatim or same-provision), whether an equivalent article of
  that document is among the article's 5 closest in ``similar`` (over the whole corpus the set
  is scored on); the share of such (article, document) entries. Target ≥ 0.90, reported on its
  own line (``--strict`` and the align targets do not include it).

``--beside PATH`` (repeatable: a regulation file or a folder) scores every set with those
regulations beside its documents, as a drafter would align inside a larger corpus: the link rule
looks at third documents, so more of them change what it links (issue 13's larger-corpus case).

With several gold files each is scored on its own, then all of them as one gold file (the
union of their topics: a link is right when its articles share a topic of any file, as in a
single larger gold set; only files named with ``--gold`` and on the bundled corpus are combined). Targets (issue 13):
recall ≥ 0.90, precision ≥ 0.90, near-verbatim precision ≥ 0.97, related links (when printed by
default) ≥ 0.75 precise, every copied pair found. ``--strict`` exits with status 1 when a target
is missed by any file or the combination.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
#: What each shipped set is to the method: tuned on, or kept for confirmation (issue 13).
ROLES = {
    "dev": "tuning",
    "extra": "tuning",
    "blind": "tuning",
    "wuye": "confirmation",
    "blind2": "tuning",
    "blind3": "confirmation",
    "quan": "confirmation",
}
DEFAULT_GOLD = [FIXTURES / f"alignment_{name}.json" for name in ROLES]
COLLECTION = REPO.parent / "shared" / "collections" / "lawrefbook-local.tar.xz"
STRONG = ("near-verbatim", "same-provision")
LABELS = ("near-verbatim", "same-provision", "related")
TARGETS = {"recall": 0.90, "precision": 0.90, "near-verbatim": 0.97, "related": 0.75}
SIMILAR_TOP = 5
#: another annotator's figures are printed when at least this many of their links are judged
#: (all of them are in ``--json``): a set that shares a topic or two with this one says nothing
AGREEMENT_MIN_JUDGED = 10
SIMILAR_TARGET = 0.90


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


def merge(golds: list[dict]) -> dict:
    """Several gold files as one: the union of their documents, topics and copied pairs."""
    docs: dict = {}
    topics, pairs, seen = [], [], set()
    for k, gold in enumerate(golds):
        for key, meta in gold["documents"].items():
            if key in docs and docs[key].get("title") != meta.get("title"):
                raise ValueError(f"gold files disagree on document {key!r}")
            docs.setdefault(key, meta)
        ids = {t["id"] for t in topics}
        for t in gold["topics"]:
            topics.append(t if t["id"] not in ids else dict(t, id=f"{t['id']}#{k + 1}"))
        for pair in gold.get("reuse_pairs", []):
            key = frozenset(
                {
                    (pair["a"]["doc"], int(pair["a"]["article"])),
                    (pair["b"]["doc"], int(pair["b"]["article"])),
                }
            )
            if key not in seen:
                seen.add(key)
                pairs.append(pair)
    return {"documents": docs, "topics": topics, "reuse_pairs": pairs}


def role(path) -> str | None:
    """``tuning`` or ``confirmation`` for a shipped set (``ROLES``), else None."""
    path = Path(path).resolve()
    name = path.stem.removeprefix("alignment_")
    return ROLES.get(name) if path.parent == FIXTURES else None


def topic_index(gold: dict, ids: dict[str, str]) -> dict[tuple[str, int], set[str]]:
    """``(doc id, article no) → topic ids`` of a gold file."""
    out: dict[tuple[str, int], set[str]] = {}
    for t in gold["topics"]:
        for d, nos in t["articles"].items():
            for no in nos:
                out.setdefault((ids[d], int(no)), set()).add(t["id"])
    return out


def score_links(gold: dict, ids: dict[str, str], links, topics_of=None, all_topics=None):
    """Score ``links`` against ``gold``: ``(entries, misses, judged, wrong, rescued, by_label)``
    — the strong gold entries and those no link covers, the links whose two articles are both
    in the gold file and those of them whose articles share no topic, how many of those a topic
    of ``all_topics`` (every set on the corpus) makes right, and ``label → [judged, right]``."""
    gkeys = set(ids)
    topics_of = topics_of if topics_of is not None else topic_index(gold, ids)
    linked = {
        frozenset({(link.a_doc, link.a_article), (link.b_doc, link.b_article)}) for link in links
    }
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
    judged, wrong, rescued = 0, [], 0
    by_label = {k: [0, 0] for k in LABELS}  # label -> [judged, right]
    for link in links:
        ta = topics_of.get((link.a_doc, link.a_article))
        tb = topics_of.get((link.b_doc, link.b_article))
        if ta is None or tb is None:
            continue
        judged += 1
        counts = by_label.setdefault(link.label, [0, 0])
        counts[0] += 1
        counts[1] += bool(ta & tb)
        if not ta & tb:
            if all_topics is not None:
                a = all_topics.get((link.a_doc, link.a_article), set())
                rescued += bool(a & all_topics.get((link.b_doc, link.b_article), set()))
            wrong.append(
                {
                    "link": f"{link.a_doc}:{link.a_article} ~ {link.b_doc}:{link.b_article}",
                    "score": link.score,
                    "label": link.label,
                    "topics": [sorted(ta), sorted(tb)],
                }
            )
    return entries, misses, judged, wrong, rescued, by_label


def gold_links(gold: dict, corpus) -> list:
    """The links an annotator states: for every topic of ``gold`` and every pair of its
    documents labelled near-verbatim or same-provision, each pair of their listed articles."""
    from jdcorpus.compare.links import Link

    ids = resolve_ids(gold, corpus)
    out = {}
    for t in gold["topics"]:
        for key, strength in t["strength"].items():
            if strength not in STRONG:
                continue
            x, y = split_pair(key, set(ids))
            for p in t["articles"][x]:
                for q in t["articles"][y]:
                    out.setdefault((ids[x], int(p), ids[y], int(q)), strength)
    return [Link(a, p, b, q, 1.0, label) for (a, p, b, q), label in out.items()]


def agreement(gold: dict, others: dict[str, dict], corpus) -> dict[str, dict]:
    """How well other annotators' links (:func:`gold_links` of each set in ``others``) score
    against ``gold``, as ``align``'s links are scored: recall over ``gold``'s strong entries and
    precision over the links whose two articles ``gold`` lists. Sets built independently on one
    corpus split provisions differently, so this is the precision a second person's judgement
    reaches by the first one's topics: a reference for ``align``'s."""
    ids = resolve_ids(gold, corpus)
    out = {}
    for name, other in others.items():
        entries, misses, judged, wrong, _, _ = score_links(gold, ids, gold_links(other, corpus))
        out[name] = {
            "recall": round((entries - len(misses)) / entries, 4) if entries else None,
            "precision": round((judged - len(wrong)) / judged, 4) if judged else None,
            "judged_links": judged,
        }
    return out


def evaluate(gold: dict, corpus, links=None, every: dict | None = None) -> dict:
    """Score ``align`` (all pairs of the gold file's documents) and ``reuse`` against ``gold``.

    ``links`` may be given (the links of every document pair) to score several gold files
    against one alignment; ``every`` (several gold files merged, :func:`merge`) adds the
    precision of the same links judged against the topics of all of them.
    """
    from jdcorpus import compare

    ids = resolve_ids(gold, corpus)
    t0 = time.perf_counter()
    if links is None:
        links = align_all(corpus, ids.values())
    else:
        wanted = set(ids.values())
        links = [lk for lk in links if lk.a_doc in wanted and lk.b_doc in wanted]
    align_s = time.perf_counter() - t0
    topics_of = topic_index(gold, ids)
    all_topics = topic_index(every, resolve_ids(every, corpus)) if every else None
    entries, misses, judged, wrong, rescued, by_label = score_links(
        gold, ids, links, topics_of, all_topics
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
    t0 = time.perf_counter()
    sim = similar_top(gold, corpus, ids)
    similar_s = time.perf_counter() - t0
    recall = (entries - len(misses)) / entries if entries else 1.0
    precision = (judged - len(wrong)) / judged if judged else 1.0
    out = {
        "similar_top5": sim,
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "gold_entries": entries,
        "links": len(links),
        "judged_links": judged,
        "label_precision": {
            k: {"precision": round(r / j, 4) if j else None, "right": r, "judged": j}
            for k, (j, r) in by_label.items()
        },
        "copied_found": sum(c["found"] for c in copied),
        "copied_total": len(copied),
        "misses": misses,
        "wrong": wrong,
        "copied": copied,
        "seconds": {
            "align_all_pairs": round(align_s, 3),
            "reuse": round(reuse_s, 3),
            "similar": round(similar_s, 3),
        },
    }
    if all_topics is not None:
        right = judged - len(wrong) + rescued
        out["precision_all_topics"] = round(right / judged, 4) if judged else 1.0
    return out


def similar_top(gold: dict, corpus, ids: dict[str, str], k: int = SIMILAR_TOP) -> dict:
    """The similar top-``k`` figure: for each gold article and each document strongly related
    to it in one of its topics, whether an article of that document carrying the topic is among
    the article's ``k`` closest (``compare.similar``)."""
    from jdcorpus import compare

    gkeys = set(ids)
    tops: dict[tuple[str, int], set] = {}
    total, misses = 0, []
    for t in gold["topics"]:
        for key, strength in t["strength"].items():
            if strength not in STRONG:
                continue
            x, y = split_pair(key, gkeys)
            for src, dst in ((x, y), (y, x)):
                want = {(ids[dst], int(n)) for n in t["articles"][dst]}
                for n in t["articles"][src]:
                    a = (ids[src], int(n))
                    if a not in tops:
                        tops[a] = {(r.doc, r.article) for r in compare.similar(corpus, a, limit=k)}
                    total += 1
                    if not tops[a] & want:
                        misses.append({"topic": t["id"], "article": f"{a[0]}:{a[1]}", "doc": dst})
    share = (total - len(misses)) / total if total else 1.0
    return {"share": round(share, 4), "hits": total - len(misses), "total": total, "misses": misses}


def meets(rep: dict) -> bool:
    """The targets of issue 13: recall and precision of the default output, near-verbatim
    precision, related precision where related links are printed, every copied pair found."""
    labels = rep["label_precision"]
    ok = rep["recall"] >= TARGETS["recall"] and rep["precision"] >= TARGETS["precision"]
    for label in ("near-verbatim", "related"):
        p = labels.get(label, {}).get("precision")
        ok &= p is None or p >= TARGETS[label]
    return ok and rep["copied_found"] == rep["copied_total"]


def print_report(name: str, rep: dict, details: bool) -> None:
    kind = rep.get("role")
    print(f"gold: {name}" + (f"  [{kind} set]" if kind else ""))
    if rep.get("beside"):
        print(f"corpus    {rep['documents']} documents: the set's, and others beside them")
    print(
        f"recall    {rep['recall']:.3f}  ({rep['gold_entries'] - len(rep['misses'])}/"
        f"{rep['gold_entries']} strong entries linked; target ≥ {TARGETS['recall']})"
    )
    print(
        f"precision {rep['precision']:.3f}  ({rep['judged_links'] - len(rep['wrong'])}/"
        f"{rep['judged_links']} judged links right, {rep['links']} links in all; "
        f"target ≥ {TARGETS['precision']})"
    )
    if "precision_all_topics" in rep:
        print(
            f"          {rep['precision_all_topics']:.3f}  judged against the topics of every set "
            "on this corpus"
        )
    for other, ag in rep.get("agreement", {}).items():
        if ag["judged_links"] >= AGREEMENT_MIN_JUDGED:
            print(
                f"          {ag['precision']:.3f}  another annotator: the strong links of {other} "
                f"({ag['judged_links']} judged; they cover {ag['recall']:.3f} of these entries)"
            )
    for label, lp in rep["label_precision"].items():
        if lp["judged"]:
            goal = f"; target ≥ {TARGETS[label]}" if label in TARGETS else ""
            print(
                f"  {label:15s} {lp['precision']:.3f}  ({lp['right']}/{lp['judged']} right{goal})"
            )
    sim = rep["similar_top5"]
    print(
        f"similar top-{SIMILAR_TOP} {sim['share']:.3f}  ({sim['hits']}/{sim['total']} gold article × "
        f"strongly related document entries with an equivalent in the top {SIMILAR_TOP}; "
        f"target ≥ {SIMILAR_TARGET}: {'met' if sim['share'] >= SIMILAR_TARGET else 'MISSED'})"
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
    if details:
        for m in rep["misses"]:
            print(f"  miss  {m['topic']:26s} {m['pair']:30s} {m['strength']}")
        for w in rep["wrong"]:
            print(f"  wrong {w['link']:36s} {w['score']:.3f} {w['label']:14s} {w['topics']}")
        for m in sim["misses"]:
            print(
                f"  not in similar top-{SIMILAR_TOP}: {m['doc']:16s} for {m['article']} ({m['topic']})"
            )
    print("all targets met" if meets(rep) else "TARGETS MISSED")


def on_collection(gold: dict) -> bool:
    """Whether a gold file's documents come from the shared collection (``archive_path``)."""
    return any("archive_path" in meta for meta in gold["documents"].values())


def collection_corpus(gold: dict, source: Path):
    """A corpus of the gold file's documents, parsed from the collection (``source``: the
    extracted folder or the ``.tar.xz``), with the gold file's keys as ids."""
    import tarfile
    import tempfile

    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_file

    docs = []
    with tempfile.TemporaryDirectory() as tmp:
        root = source
        if source.is_file():
            wanted = {meta["archive_path"] for meta in gold["documents"].values()}
            with tarfile.open(source) as tar:
                members = [m for m in tar if m.name.lstrip("./") in wanted]
                tar.extractall(tmp, members=members, filter="data")
            root = Path(tmp)
        for key, meta in gold["documents"].items():
            (doc,) = parse_file(root / meta["archive_path"], doc_id=key)
            docs.append(doc)
    return Corpus(docs, name="gold-collection")


def align_all(corpus, ids) -> list:
    """``align``'s default output for every pair of the documents ``ids``."""
    from jdcorpus import compare

    links = []
    for x, y in itertools.combinations(list(ids), 2):
        links.extend(compare.align(corpus, x, y))
    return links


def beside(corpus, paths: list[Path], name: str = "beside"):
    """``corpus`` with the regulations of ``paths`` (files, or folders as ``load_corpus`` reads
    them) beside its documents: the setting of a gold set inside a larger corpus. An id that is
    taken gets a suffix (``-2``); the gold's documents keep theirs."""
    from jdcorpus.corpus import Corpus, load_corpus
    from jdcorpus.parse import parse_file
    from jdcorpus.store import with_id

    docs = list(corpus.documents)
    taken = {d.id for d in docs}
    for path in paths:
        found = load_corpus(path).documents if path.is_dir() else parse_file(path)
        for doc in found:
            new, k = doc.id, 2
            while new in taken:
                new, k = f"{doc.id}-{k}", k + 1
            taken.add(new)
            docs.append(doc if new == doc.id else with_id(doc, new))
    return Corpus(docs, name=name)


def evaluate_files(
    paths: list[Path],
    corpus,
    collection: Path | None = None,
    combine: bool = True,
    beside_paths: list[Path] | None = None,
) -> dict[str, dict]:
    """Per-file reports, and ``"combined"`` (all files on ``corpus`` as one gold set) when there
    are several and ``combine``. Files on the collection are scored on their own corpus (skipped, with a
    ``"skipped"`` note, when ``collection`` is None or missing). With ``beside_paths``, every set
    is scored with those regulations beside its documents (:func:`beside`)."""
    golds = [json.loads(Path(p).read_text("utf-8")) for p in paths]
    if beside_paths:
        corpus = beside(corpus, beside_paths)
    out: dict[str, dict] = {}
    local = [(p, g) for p, g in zip(paths, golds, strict=True) if not on_collection(g)]
    if local:
        merged = merge([g for _, g in local])
        t0 = time.perf_counter()
        links = align_all(corpus, resolve_ids(merged, corpus).values())
        align_s = round(time.perf_counter() - t0, 3)
    for p, gold in zip(paths, golds, strict=True):
        if not on_collection(gold):
            every = merged if len(local) > 1 else None
            out[str(p)] = evaluate(gold, corpus, links, every)
            out[str(p)]["seconds"]["align_all_pairs"] = align_s
            out[str(p)]["documents"] = len(corpus.documents)
            others = {Path(q).stem.removeprefix("alignment_"): h for q, h in local if q != p}
            if others:
                out[str(p)]["agreement"] = agreement(gold, others, corpus)
        elif collection is None or not collection.exists():
            out[str(p)] = {"skipped": f"the collection is not available ({collection})"}
        else:
            own = collection_corpus(gold, collection)
            if beside_paths:
                own = beside(own, beside_paths)
            out[str(p)] = evaluate(gold, own)
            out[str(p)]["documents"] = len(own.documents)
    for p in paths:
        if role(p):
            out[str(p)]["role"] = role(p)
        if beside_paths and "skipped" not in out[str(p)]:
            out[str(p)]["beside"] = [str(b) for b in beside_paths]
    if combine and len(local) > 1:
        out["combined"] = evaluate(merge([g for _, g in local]), corpus, links)
        out["combined"]["seconds"]["align_all_pairs"] = align_s
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold_path", nargs="*", help="gold file(s) (default: the shipped sets)")
    ap.add_argument(
        "--gold",
        dest="gold_opt",
        action="append",
        default=[],
        help="a gold file (repeatable; same as the positionals)",
    )
    ap.add_argument("--corpus", help="a corpus folder (default: the bundled corpus)")
    ap.add_argument(
        "--collection",
        type=Path,
        default=Path(os.environ.get("JDCORPUS_COLLECTION", COLLECTION)),
        help="the shared collection (folder or .tar.xz) for gold files on it",
    )
    ap.add_argument(
        "--beside",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="score each set with these regulations (a file or folder, repeatable) beside its "
        "documents: alignment inside a larger corpus",
    )
    ap.add_argument("--details", action="store_true", help="list misses and wrong links")
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    from jdcorpus.corpus import load_corpus

    paths = [Path(p) for p in (args.gold_path + args.gold_opt)] or [
        p for p in DEFAULT_GOLD if p.exists()
    ]
    for p in paths:
        if not p.is_file():
            ap.error(f"no gold file {p}")
    for p in args.beside:
        if not p.exists():
            ap.error(f"--beside: no file or folder {p}")
    corpus = load_corpus(args.corpus)
    # the shipped sets are reported one by one (tuned-on and blind sets are not mixed); files
    # named with --gold are also scored as one
    reps = evaluate_files(
        paths,
        corpus,
        args.collection,
        combine=bool(args.gold_path + args.gold_opt),
        beside_paths=args.beside,
    )
    ok = all(meets(rep) for rep in reps.values() if "skipped" not in rep)
    if args.json:
        print(
            json.dumps(
                reps if len(reps) > 1 else next(iter(reps.values())), ensure_ascii=False, indent=1
            )
        )
    else:
        for k, (name, rep) in enumerate(reps.items()):
            if k:
                print()
            if "skipped" in rep:
                print(f"gold: {name}\nskipped: {rep['skipped']}")
            else:
                print_report(name, rep, args.details)
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
