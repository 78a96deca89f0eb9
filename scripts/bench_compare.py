#!/usr/bin/env python
"""Benchmark the comparison module: the bundled corpus, and a synthetic corpus N times larger.

    python scripts/bench_compare.py                 # bundled (warm) + 100× synthetic, 3 runs
    python scripts/bench_compare.py --scale 10      # a smaller synthetic corpus
    python scripts/bench_compare.py --repeat 5      # more runs of each measurement
    python scripts/bench_compare.py --bundled-only

Targets (issue 4): all document pairs of the bundled corpus aligned, families and coverage
included, in under 1 s warm; on the 100× synthetic corpus families and reuse in under 60 s and
2 GB.

How it measures. Bundled: one cold run (imports included), then ``--repeat`` warm runs, each on
a new corpus object with the kept similarity spaces dropped first (so nothing computed is
reused); the target is checked on their median.
Synthetic: ``--repeat`` runs, each in a fresh Python process, which first runs families on the
bundled corpus untimed (imports, jieba's dictionary: start-up costs that are not the comparison's)
and then times similarity space, families, coverage and reuse on the synthetic corpus; reported
per stage and in total as the median of the runs, with the largest peak RSS of any run (the
whole process, warm-up included). The target is checked on the median total. Each run also
shows its CPU time: above the wall time where work ran on two threads, and a wall time well
above it means the machine was busy with something else.

The synthetic corpus is made from the bundled one, ``scale`` perturbed copies of each document:
every copy gets another city (its name replaced in the text) and another name for the
district-level government (县（市）区 / 区 / 县级市、区 / 县（市、区）), and each article is
edited at random — characters deleted, inserted or substituted, a clause dropped or two clauses
swapped, now and then the article replaced by one from another document (recombination),
dropped, or another document's article added. Adoption dates are drawn at random. The result
has the redundancy of real regulation corpora (many near-copies, some rewording) at 100× size.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace

CITIES = (
    "吉林 四平 辽源 白山 松原 白城 延吉 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 铁岭 "
    "朝阳 盘锦 葫芦岛 哈尔滨 齐齐哈尔 牡丹江 佳木斯 大庆 鸡西 鹤岗 双鸭山 伊春 七台河 黑河 绥化 "
    "包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 石家庄 唐山 秦皇岛 邯郸 邢台 保定 "
    "张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 济南 "
    "青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 郑州 开封 "
    "洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 合肥 "
    "芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"
).split()
DISTRICTS = ("县（市）区", "区", "县级市、区", "县（市、区）")


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def perturb(text: str, rng: random.Random, pool: str) -> str:
    """Edit an article's text the way copying and redrafting do."""
    clauses = text.split("，")
    if len(clauses) > 2 and rng.random() < 0.3:
        del clauses[rng.randrange(len(clauses))]
    if len(clauses) > 2 and rng.random() < 0.2:
        k = rng.randrange(len(clauses) - 1)
        clauses[k], clauses[k + 1] = clauses[k + 1], clauses[k]
    chars = list("，".join(clauses))
    out = []
    for ch in chars:
        r = rng.random()
        if r < 0.01:
            continue  # deleted
        if r < 0.02:
            out.append(rng.choice(pool))  # substituted
            continue
        out.append(ch)
        if r > 0.99:
            out.append(rng.choice(pool))  # inserted
    return "".join(out)


def synthetic_corpus(base, scale: int, seed: int = 4):
    """``scale`` perturbed and recombined copies of every document of ``base``."""
    from jdcorpus.corpus import Corpus

    rng = random.Random(seed)
    docs = list(base.documents)
    all_articles = [a for d in docs for a in d.articles]
    pool = "".join(
        sorted({ch for a in all_articles for ch in a.text if "\u4e00" <= ch <= "\u9fff"})
    )
    out = []
    for v in range(scale):
        for d in docs:
            city = rng.choice(CITIES)
            district = rng.choice(DISTRICTS)
            new_id = f"{d.id}-s{v:03d}"
            arts = []
            for a in d.articles:
                r = rng.random()
                if r < 0.05:
                    continue  # dropped
                src = rng.choice(all_articles) if r < 0.12 else a  # recombined
                text = src.text
                if d.city:
                    text = text.replace(f"{d.city}市", f"{city}市")
                for name in DISTRICTS[::-1]:
                    if name != "区":
                        text = text.replace(name, district)
                text = perturb(text, rng, pool)
                arts.append((src, text))
                if rng.random() < 0.05:
                    extra = rng.choice(all_articles)
                    arts.append((extra, perturb(extra.text, rng, pool)))
            articles = tuple(
                replace(
                    src, doc_id=new_id, no=k + 1, label=f"第{k + 1}条", text=text, original=text
                )
                for k, (src, text) in enumerate(arts)
            )
            year = rng.randint(2015, 2024)
            out.append(
                replace(
                    d,
                    id=new_id,
                    title=d.title.replace(d.city or "\0", city, 1),
                    city=city,
                    adopted=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    revised=None,
                    articles=articles,
                )
            )
    return Corpus(out, name=f"synthetic-{scale}x")


def timed(label: str, fn, results: dict, quiet: bool = False):
    gc.collect()
    t = time.perf_counter()
    value = fn()
    dt = time.perf_counter() - t
    results[label] = round(dt, 3)
    if not quiet:
        print(f"  {label:42s} {dt:8.3f} s   peak RSS {rss_mb():7.0f} MB", flush=True)
    return value


def bench_bundled(results: dict, repeat: int) -> None:
    from jdcorpus import compare
    from jdcorpus.compare import vectors
    from jdcorpus.corpus import load_corpus

    def job(corpus):
        ids = [d.id for d in corpus.documents]
        for a, b in itertools.combinations(ids, 2):
            compare.align(corpus, a, b)
        compare.families(corpus)
        compare.coverage(corpus)

    print("bundled corpus: all pairs aligned + families + coverage")
    timed("cold: imports + first run", lambda: job(load_corpus()), results)
    warm = []
    for _ in range(repeat):
        corpus = load_corpus()
        vectors.SPACES.clear()  # spaces are kept by content: drop them, nothing is reused
        gc.collect()
        t = time.perf_counter()
        job(corpus)
        warm.append(time.perf_counter() - t)
    results["bundled_warm_runs"] = [round(x, 3) for x in warm]
    results["bundled_warm_median"] = round(statistics.median(warm), 3)
    print(
        f"  warm, {repeat} runs (new corpus object each):  median {statistics.median(warm):.3f} s"
        f"   min {min(warm):.3f}   max {max(warm):.3f}   peak RSS {rss_mb():.0f} MB"
    )
    reuse = []
    for _ in range(repeat):
        corpus = load_corpus()
        vectors.SPACES.clear()
        compare.space(corpus)
        gc.collect()
        t = time.perf_counter()
        compare.reuse(corpus)
        reuse.append(time.perf_counter() - t)
    results["bundled_reuse_median"] = round(statistics.median(reuse), 3)
    print(
        f"  reuse (similarity space built), median of {repeat}:   {statistics.median(reuse):.3f} s"
    )


#: The timed stages of a synthetic run, and their short names.
STAGES = {
    "similarity space (TF-IDF)": "space",
    "families (top-k links, clusters, labels)": "families",
    "coverage": "coverage",
    "reuse": "reuse",
}


def synthetic_once(scale: int) -> dict:
    """One timed run on the synthetic corpus, in this process (see the module docstring)."""
    from jdcorpus import compare
    from jdcorpus.corpus import load_corpus

    base = load_corpus()
    compare.families(base)  # warm-up, untimed: imports and jieba's dictionary
    out: dict = {}
    corpus = timed("build synthetic corpus", lambda: synthetic_corpus(base, scale), out, True)
    out["documents"] = len(corpus.documents)
    out["articles"] = sum(len(d.articles) for d in corpus.documents)
    calls = (compare.space, compare.families, compare.coverage, compare.reuse)
    t0, c0 = time.perf_counter(), time.process_time()
    values = [
        timed(label, lambda f=f: f(corpus), out, True)
        for label, f in zip(STAGES, calls, strict=True)
    ]
    out["total"] = round(time.perf_counter() - t0, 3)
    out["cpu"] = round(time.process_time() - c0, 3)  # all threads: more than wall when threaded
    out["families"] = len(values[1])
    out["reuse_pairs"] = len(values[3])
    out["peak_rss_mb"] = round(rss_mb())
    return out


def bench_synthetic(scale: int, repeat: int, results: dict) -> None:
    print(f"synthetic corpus, {scale}× the bundled one: {repeat} runs, each in a fresh process")
    runs = []
    for k in range(repeat):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--scale", str(scale)],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            sys.exit(f"synthetic run {k + 1} failed:\n{proc.stderr}")
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        runs.append(run)
        stages = "  ".join(f"{short} {run[label]:5.2f}" for label, short in STAGES.items())
        print(
            f"  run {k + 1}: {stages}   total {run['total']:5.2f} s"
            f" (CPU {run['cpu']:5.2f} s)   peak RSS {run['peak_rss_mb']} MB",
            flush=True,
        )
    first = runs[0]
    print(
        f"  {first['documents']} documents, {first['articles']} articles;"
        f" families: {first['families']}; reuse pairs: {first['reuse_pairs']}"
    )
    print(f"  median of {repeat} runs:")
    for label in ("build synthetic corpus", *STAGES):
        print(f"    {label:40s} {statistics.median(r[label] for r in runs):8.3f} s")
    total = statistics.median(r["total"] for r in runs)
    peak = max(r["peak_rss_mb"] for r in runs)
    print(
        f"  families + reuse (space included): median {total:.1f} s"
        f" (runs {', '.join(format(r['total'], '.1f') for r in runs)}); peak RSS {peak} MB"
    )
    results["synthetic_runs"] = runs
    results["synthetic_families_and_reuse_s"] = total
    results["peak_rss_mb"] = peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=100, help="copies of each document (default 100)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default 3)")
    ap.add_argument("--bundled-only", action="store_true")
    ap.add_argument("--synthetic-only", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:  # one synthetic run, as JSON on the last line
        print(json.dumps(synthetic_once(args.scale)))
        return 0
    repeat = max(1, args.repeat)
    results: dict = {}
    if not args.synthetic_only:
        bench_bundled(results, repeat)
    if not args.bundled_only:
        bench_synthetic(args.scale, repeat, results)
    ok = True
    if "bundled_warm_median" in results:
        ok &= results["bundled_warm_median"] < 1.0
    if "synthetic_families_and_reuse_s" in results and args.scale >= 100:
        ok &= results["synthetic_families_and_reuse_s"] < 60 and results["peak_rss_mb"] < 2048
    print("targets met" if ok else "TARGETS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
