#!/usr/bin/env python
"""jdcorpus at scale (issue 10): every step of the table on the bundled corpus, the shared
collection and a synthetic multiple of it, beside peers measured in the same run.

    python scripts/bench.py                      # bundled + collection + synthetic 10x
    python scripts/bench.py --quick              # bundled only, one run each (the smoke test)
    python scripts/bench.py --scale 2 --json out.json
    python scripts/bench.py --only search        # rows whose step contains "search"

Corpora: ``bundled``; ``collection``, the LawRefBook archive (``--collection``, default
``../shared/collections/lawrefbook-local.tar.xz``) extracted to a temporary directory and read as
a folder corpus; ``synthetic``, ``--scale`` perturbed copies of the collection made by
``scripts/bench_compare.py``'s :func:`synthetic_corpus` (does cost grow linearly?).

Every measurement runs in a new process (its peak RSS, children included where a step forks,
comes from ``wait4``/GNU time) with a temporary ``JDCORPUS_CACHE_DIR``; times are medians of
``--repeat`` runs after a warm-up run; warm search gives the median and p95 over the queries.
Peers in the same run: the import floor ``python -c "import click, whoosh.index"``, SQLite FTS5
with the trigram tokenizer over the same normalized articles (build, query, size; a term of
fewer than three characters cannot use its index and is a full scan), and ``grep -c`` (and
``rg -c`` where installed) over the raw files.

Adding a row: write a function ``(ctx, corpus) -> dict`` and register it with :func:`row`
(``step``, ``target``, the corpora it runs on); the dict holds ``median`` (seconds) and may hold
``p95``, ``rss_mb``, ``note``, ``peer`` (a peer's name) and ``peer_median``. See the ``search``
rows below; the comparison rows (align, similar, families) register the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PY = sys.executable
HERE = Path(__file__).resolve().parent
TIME = shutil.which("time", path="/usr/bin:/bin")
QUERIES = [
    "网格",
    "物业",
    "志愿服务",
    "法律责任",
    "街道办事处",
    "居民委员会",
    "社区工作者",
    "网格化管理",
    "养老服务",
    "垃圾分类",
    "物业服务企业",
    "应急管理",
    "接诉即办",
    "业主大会",
    "文明行为",
    "消防安全",
    "生态环境",
    "数据共享",
    "行政处罚",
    "未成年人",
]


# -- running things ---------------------------------------------------------------------------


def run(cmd: list[str], env: dict) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS (MB), stdout and CPU seconds (user + system, the processes it
    forked included) of one command in a new process.

    Peak RSS comes from GNU time (``%M``, the command's largest process) when it is installed,
    else from ``wait4`` (which, for a child forked from this process, may report this process's
    size). CPU time tells what wall time would be on an idle machine: on a shared one, wall time
    far above CPU time means the command waited for a core."""
    with tempfile.TemporaryFile() as errf:
        full = [TIME, "-f", "\n%M %U %S", *cmd] if TIME else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, env=env, stdout=subprocess.PIPE, stderr=errf)
        out = p.stdout.read()
        p.stdout.close()
        _pid, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read().decode(errors="replace")
        if p.returncode:
            raise SystemExit(f"{' '.join(cmd)[:300]} failed ({p.returncode}): {err[-1500:]}")
    if TIME:
        rss_kib, user, system = err.strip().rsplit("\n", 1)[-1].split()
        rss_kib, cpu = int(rss_kib), float(user) + float(system)
    else:
        rss_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    return wall, rss_kib / 1024, out.decode(), cpu


def py(code: str, env: dict, *args: str) -> tuple[float, float, str]:
    return run([PY, "-c", code, *args], env)


def median_of(samples: list[tuple]) -> dict:
    return {
        "median": statistics.median(s[0] for s in samples),
        "cpu": statistics.median(s[3] for s in samples),
        "rss_mb": max(s[1] for s in samples),
        "out": samples[-1][2],
        "runs": len(samples),
    }


def p95(values: list[float]) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(0.95 * len(v)) - 1))]


# -- the corpora ------------------------------------------------------------------------------


@dataclass
class Corpus:
    """A corpus as the workers see it: Python code that returns it (run in each worker)."""

    name: str
    load: str  # a Python expression giving the parsed corpus
    folder: Path | None  # raw files, for grep
    target: str = ""  # what the index functions are given (default: the corpus itself)
    articles: int = 0


@dataclass
class Ctx:
    env: dict
    tmp: Path
    repeat: int
    corpora: dict[str, Corpus] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)


PRELUDE = """
import sys, time, json, pickle
sys.path.insert(0, {here!r})
def load():
    return {load}
def target():
    return {target}
"""


def loader_code(c: Corpus, ctx: Ctx) -> str:
    return PRELUDE.format(here=str(HERE), load=c.load, target=c.target or c.load)


def make_corpora(args, ctx: Ctx) -> None:
    ctx.corpora["bundled"] = Corpus(
        "bundled", "__import__('jdcorpus').load_corpus(user=False)", _bundled_folder(), "None"
    )
    if args.quick:
        return
    archive = Path(args.collection)
    if not archive.exists():
        print(f"no collection at {archive}: bundled corpus only", file=sys.stderr)
        return
    if archive.is_dir():  # already extracted
        folder = archive
    else:
        folder = ctx.tmp / "collection"
        folder.mkdir()
        with tarfile.open(archive) as tf:
            tf.extractall(folder, filter="data")
    ctx.corpora["collection"] = Corpus(
        "collection", f"__import__('jdcorpus').load_corpus({str(folder)!r})", folder
    )
    if args.scale:
        pickled = ctx.tmp / "synthetic.pickle"
        code = loader_code(ctx.corpora["collection"], ctx) + (
            "from bench_compare import synthetic_corpus\n"
            "from jdcorpus.corpus import Corpus\n"
            f"s = synthetic_corpus(load(), {args.scale})\n"
            f"s = Corpus(list(s.documents), name='synthetic-{args.scale}x')\n"
            f"open({str(pickled)!r}, 'wb').write(pickle.dumps(s, protocol=5))\n"
        )
        py(code, ctx.env)
        ctx.corpora["synthetic"] = Corpus(
            f"synthetic {args.scale}x", f"pickle.loads(open({str(pickled)!r}, 'rb').read())", None
        )


def _bundled_folder() -> Path:
    from jdcorpus._data import bundled_root

    return Path(str(bundled_root()))


# -- rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    step: str
    target: str
    func: Callable
    corpora: tuple[str, ...]
    check: Callable[[dict], bool] | None = None


ROWS: list[Row] = []


def row(step: str, target: str = "", corpora=("bundled", "collection", "synthetic"), check=None):
    """Register a measured step (see the module docstring)."""

    def deco(func):
        ROWS.append(Row(step, target, func, tuple(corpora), check))
        return func

    return deco


def _index_env(ctx: Ctx, c: Corpus, fresh: bool = False) -> dict:
    """The environment of a worker: a cache directory per corpus (``fresh``: a new one)."""
    cache = ctx.tmp / ("cache-" + c.name.replace(" ", "-"))
    if fresh and cache.exists():
        shutil.rmtree(cache)
    return dict(ctx.env, JDCORPUS_CACHE_DIR=str(cache))


def _ensure_parsed(ctx: Ctx, c: Corpus) -> None:
    key = ("parsed", c.name)
    if key not in ctx.cache:
        env = _index_env(ctx, c)
        py(loader_code(c, ctx) + "load()", env)
        if c.name != "bundled":
            _writer_done(Path(env["JDCORPUS_CACHE_DIR"]))
        ctx.cache[key] = True


@row("parse + load", "first <= 10 s", corpora=("bundled", "collection"))
def parse_first(ctx: Ctx, c: Corpus) -> dict:
    code = loader_code(c, ctx) + "x = load(); print(sum(len(d.articles) for d in x.documents))"
    samples = []
    for _ in range(max(1, min(ctx.repeat, 2))):
        env = dict(ctx.env, JDCORPUS_CACHE_DIR=str(ctx.tmp / "cache-parse-first"))
        shutil.rmtree(env["JDCORPUS_CACHE_DIR"], ignore_errors=True)
        samples.append(py(code, env))
        if c.name != "bundled":
            _writer_done(Path(env["JDCORPUS_CACHE_DIR"]))
    r = median_of(samples)
    c.articles = int(r["out"])
    r["note"] = f"{c.articles} articles"
    if c.name != "bundled":
        r["note"] += "; the whole-load cache is written after, by a detached process (not timed)"
    return r


def _writer_done(cache: Path, seconds: float = 120) -> None:
    """Wait for the detached process that writes a large first load's whole-load cache
    (``store._remember_detached``), so that it does not run beside the next measurement."""
    end = time.monotonic() + seconds
    while not list((cache / "parsed").glob("all-*.pickle")) and time.monotonic() < end:
        time.sleep(0.1)
    while list((cache / "parsed").glob(".all-*")) and time.monotonic() < end:
        time.sleep(0.1)


@row("parse + load, cached", "<= 2 s", corpora=("bundled", "collection"))
def parse_cached(ctx: Ctx, c: Corpus) -> dict:
    _ensure_parsed(ctx, c)
    code = loader_code(c, ctx) + "load()"
    env = _index_env(ctx, c)
    py(code, env)
    return median_of([py(code, env) for _ in range(ctx.repeat)])


BUILD = """
from jdcorpus import index
t = time.perf_counter()
c = target()
t1 = time.perf_counter()
st = index.build_index(c, force=True)
print(json.dumps({"load": t1 - t, "build": time.perf_counter() - t1, "size": st.size_bytes,
                  "articles": st.articles}))
"""


@row("build the search index", "<= 90 s, <= 200 MB")
def build(ctx: Ctx, c: Corpus) -> dict:
    _ensure_parsed(ctx, c)
    env = _index_env(ctx, c)
    samples = [py(loader_code(c, ctx) + BUILD, env) for _ in range(max(1, min(ctx.repeat, 3)))]
    info = [json.loads(s[2]) for s in samples]
    size = info[-1]["size"] / 1e6
    r = {
        "median": statistics.median(i["build"] for i in info),
        "cpu": statistics.median(s[3] for s in samples),
        "rss_mb": max(s[1] for s in samples),
        "size_mb": size,
        "note": f"{info[-1]['articles']} articles, {size:.1f} MB on disk",
    }
    if c.name == "bundled":
        return r
    r["peer"], r["peer_median"], r["peer_size_mb"] = _fts(ctx, c)["build"]
    r["note"] += f"; FTS5 {r['peer_size_mb']:.1f} MB"
    return r


ADD_ONE = """
from jdcorpus import index
from jdcorpus.corpus import Corpus
docs = list(load().documents)
new = docs[-1]
base = Corpus(docs[:-1], name="bench-add-one")
index.update_index(base)  # the first run builds it; later runs find it (restored below)
now = Corpus(docs, name="bench-add-one")
now.fingerprint  # the corpus's own hash, not the update's cost
t, c0 = time.perf_counter(), time.process_time()
index.update_index(now, added=[new])
dt, cpu = time.perf_counter() - t, time.process_time() - c0
assert index.search(now, "条例", limit=None).total >= 0
index.update_index(base, removed=[new.id])  # back to the base for the next run (not timed)
print(json.dumps({"seconds": dt, "cpu": cpu, "articles": len(new.articles)}))
"""


@row("add 1 regulation to the indexed corpus", "<= 3 s", corpora=("bundled", "collection"))
def add_one(ctx: Ctx, c: Corpus) -> dict:
    _ensure_parsed(ctx, c)
    samples = []
    for _ in range(max(1, min(ctx.repeat, 3))):
        samples.append(py(loader_code(c, ctx) + ADD_ONE, _index_env(ctx, c)))
    info = [json.loads(s[2]) for s in samples]
    return {
        "median": statistics.median(i["seconds"] for i in info),
        "cpu": statistics.median(i["cpu"] for i in info),
        "rss_mb": max(s[1] for s in samples),
        "note": f"{info[-1]['articles']} articles added (update_index)",
    }


WARM = """
from jdcorpus import index
c = target()
queries = json.loads(sys.argv[1])
index.build_index(c)
for q in queries:  # warm-up: open the index, touch every query's postings once
    index.search(c, q)
times, cpus, totals = {}, {}, {}
for q in queries:
    ts, cs = [], []
    for _ in range(int(sys.argv[2])):
        t, c0 = time.perf_counter(), time.process_time()
        res = index.search(c, q)
        ts.append(time.perf_counter() - t)
        cs.append(time.process_time() - c0)
        assert all(h.snippet for h in res)
    times[q], totals[q] = sorted(ts)[len(ts) // 2], res.total
    cpus[q] = sorted(cs)[len(cs) // 2]
print(json.dumps({"times": times, "cpus": cpus, "totals": totals}))
"""


@row("warm search, snippets + total (20 queries)", "median <= 20 ms, p95 <= 80 ms")
def warm_search(ctx: Ctx, c: Corpus) -> dict:
    _ensure_parsed(ctx, c)
    _w, rss, out, _cpu = py(
        loader_code(c, ctx) + WARM, _index_env(ctx, c), json.dumps(QUERIES), str(ctx.repeat)
    )
    info = json.loads(out)
    per = list(info["times"].values())
    cpus = list(info["cpus"].values())
    r = {
        "median": statistics.median(per),
        "p95": p95(per),
        "cpu": statistics.median(cpus),
        "cpu_p95": p95(cpus),
        "rss_mb": rss,
        "per_query": info["times"],
        "totals": info["totals"],
    }
    fts = _fts(ctx, c)
    r["peer"], r["peer_median"] = "SQLite FTS5 trigram (in process)", fts["warm"]
    r["note"] = f"FTS5 cannot use its index for {fts['short']} two-character queries (scans)"
    return r


def _user_corpus(ctx: Ctx, c: Corpus, env: dict) -> Path:
    """The collection as a user corpus: ``jdcorpus add`` of the extracted folder (parsed, stored
    and indexed once; the index is the one ``add`` keeps up to date)."""
    key = ("home", c.name)
    if key not in ctx.cache:
        home = ctx.tmp / f"home-{c.name.replace(' ', '-')}"
        subprocess.run(
            [*_jdcorpus_cmd(), "--corpus", str(home), "add", str(c.folder)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # exit code 1 when some files are skipped (no articles): expected
        ctx.cache[key] = home
    return ctx.cache[key]


def _forget_queries(env: dict) -> None:
    """Remove the remembered normalized queries: the next search normalizes its query anew."""
    stamps = Path(env["JDCORPUS_CACHE_DIR"]) / "stamps"
    for p in stamps.glob("queries-*.json") if stamps.is_dir() else ():
        p.unlink()


@row(
    "cold `jdcorpus search 网格`",
    "bundled <= 1.5x floor, collection <= 3x",
    corpora=("bundled", "collection"),
)
def cold_search(ctx: Ctx, c: Corpus) -> dict:
    """A new process per search, the index built. On the collection: the user corpus of
    ``jdcorpus add`` (bundled + collection, as a user has it). ``first query``: the query's
    normalization not remembered (OpenCC loaded), as for a query never searched before."""
    jd = _jdcorpus_cmd()
    env = _index_env(ctx, c)
    if c.name == "bundled":
        args = ["search", "网格"]
    else:
        args = ["--corpus", str(_user_corpus(ctx, c, env)), "search", "网格"]
    run([*jd, *args], env)  # builds the index if needed
    floor_cmd = [PY, "-c", "import click, whoosh.index"]
    for _ in range(1 if ctx.repeat == 1 else 2):  # warm-up: bytecode, page cache
        run([*jd, *args], env), run(floor_cmd, env)
    n = 1 if ctx.repeat == 1 else max(ctx.repeat, 7)
    cold, floor, first = [], [], []
    for _ in range(n):
        cold.append(run([*jd, *args], env))
        floor.append(run(floor_cmd, env))
        _forget_queries(env)
        first.append(run([*jd, *args], env))
    r, f, q = median_of(cold), median_of(floor), median_of(first)
    return {
        "median": r["median"],
        "cpu": r["cpu"],
        "peer_cpu": f["cpu"],
        "first_query_median": q["median"],
        "first_query_cpu": q["cpu"],
        "rss_mb": r["rss_mb"],
        "peer": "python -c 'import click, whoosh.index'",
        "peer_median": f["median"],
        "note": (r["out"].splitlines()[0] if r["out"] else "")
        + f"; a query never searched before: {q['median'] / f['median']:.2f}x",
    }


@row("grep -c 网格 over the raw files (peer)", corpora=("bundled", "collection"))
def grep_row(ctx: Ctx, c: Corpus) -> dict:
    files = sorted(str(p) for p in c.folder.rglob("*") if p.suffix in (".txt", ".md"))
    r = median_of([run(["grep", "-c", "网格", *files], ctx.env) for _ in range(ctx.repeat)])
    lines = sum(int(x.rsplit(":", 1)[1]) for x in r["out"].split() if ":" in x)
    r["note"] = f"{lines} lines"
    rg = shutil.which("rg")
    if rg:
        g = median_of([run([rg, "-c", "网格", str(c.folder)], ctx.env) for _ in range(ctx.repeat)])
        r["peer"], r["peer_median"] = "rg -c", g["median"]
    return r


# -- comparison rows (issue 10): align, similar, families + coverage ---------------------------

#: Two documents to align and an article to ask ``similar`` about: the first pair of these titles
#: the corpus holds (the collection has several cities' 物业管理条例), else its first two documents.
COMPARE_TITLES = [
    ("长春市街道办事处工作条例", "呼和浩特市街道办事处工作条例"),
    ("北京市物业管理条例", "青岛市物业管理条例"),
]

PICK = """
c = load()
titles = json.loads(sys.argv[1])
by_title = {d.title: d for d in c.documents}
pair = next(([by_title[a], by_title[b]] for a, b in titles if a in by_title and b in by_title),
            list(c.documents)[:2])
arts = [a for a in pair[0].articles][:20]
print(json.dumps({"docs": [d.id for d in pair], "titles": [d.title for d in pair],
                  "articles": [f"{a.doc_id}:{a.no}" for a in arts],
                  "titled": [f"{pair[0].title}:{a.no}" for a in arts],
                  "n": sum(len(d.articles) for d in c.documents)}))
"""


def _compare_env(ctx: Ctx, c: Corpus) -> dict:
    """The worker environment of the comparison rows: the corpus's cache (its parse kept)."""
    return _index_env(ctx, c)


def _cli_corpus(ctx: Ctx, c: Corpus) -> list[str] | None:
    """How the CLI names the corpus: the collection as a user corpus (``jdcorpus add`` of the
    extracted folder, once; its parse comes from the cache the folder's parse filled)."""
    if c.name == "bundled":
        return []
    if c.folder is None:
        return None
    home = ctx.tmp / f"home-{c.name.replace(' ', '-')}"
    if not home.exists():
        env = dict(_compare_env(ctx, c), JDCORPUS_HOME=str(home))
        t = time.perf_counter()
        # exit status 1 when some files hold no articles (skipped): not a failure here
        subprocess.run([*_jdcorpus_cmd(), "add", str(c.folder)], env=env, capture_output=True)
        ctx.cache[("add", c.name)] = time.perf_counter() - t
    return ["--corpus", str(home), "--no-bundled"]


def _picked(ctx: Ctx, c: Corpus) -> dict:
    key = ("picked", c.name)
    if key not in ctx.cache:
        _ensure_parsed(ctx, c)
        out = py(loader_code(c, ctx) + PICK, _compare_env(ctx, c), json.dumps(COMPARE_TITLES))[2]
        ctx.cache[key] = json.loads(out)
    return ctx.cache[key]


def _cold_cli(ctx: Ctx, c: Corpus, args: list[str]) -> dict:
    """A CLI command on a corpus whose similarity space is stored, against the import floor;
    the first run (which fits and stores the space when it is not stored yet) in the note."""
    base = _cli_corpus(ctx, c)
    if base is None:
        return {"median": None, "note": "no CLI corpus for an in-memory corpus"}
    jd, env = _jdcorpus_cmd(), _compare_env(ctx, c)
    first = run([*jd, *base, *args], env)
    floor_cmd = [PY, "-c", "import click, whoosh.index"]
    run([*jd, *base, *args], env), run(floor_cmd, env)  # warm-up: bytecode, page cache
    cold, floor = [], []
    for _ in range(max(1, min(ctx.repeat, 5))):
        cold.append(run([*jd, *base, *args], env))
        floor.append(run(floor_cmd, env))
    r, f = median_of(cold), median_of(floor)
    return {
        "median": r["median"],
        "cpu": r["cpu"],
        "peer_cpu": f["cpu"],
        "rss_mb": r["rss_mb"],
        "peer": "python -c 'import click, whoosh.index'",
        "peer_median": f["median"],
        "first_run": first[0],
        "first_run_rss_mb": first[1],
        "note": f"first run {fmt_time(first[0])}, {first[1]:.0f} MB (fits and stores the space "
        "when it is not stored)"
        + (
            f"; user corpus made by jdcorpus add in {ctx.cache[('add', c.name)]:.0f} s"
            if ("add", c.name) in ctx.cache
            else ""
        ),
    }


@row("align two documents, cold CLI (space stored)", "<= 3 s", corpora=("bundled", "collection"))
def align_cold(ctx: Ctx, c: Corpus) -> dict:
    p = _picked(ctx, c)
    r = _cold_cli(ctx, c, ["align", *p["titles"], "--format", "json"])
    r["note"] = f"{p['titles'][0]} ⟷ {p['titles'][1]}; " + r.get("note", "")
    return r


@row("similar DOC:ARTICLE, cold CLI (space stored)", "<= 3 s", corpora=("bundled", "collection"))
def similar_cold(ctx: Ctx, c: Corpus) -> dict:
    p = _picked(ctx, c)
    r = _cold_cli(ctx, c, ["similar", p["titled"][0], "--format", "json"])
    r["note"] = f"{p['titled'][0]} among {p['n']} articles; " + r.get("note", "")
    return r


SIMILAR_WARM = """
import numpy as np
from jdcorpus import compare
from jdcorpus.compare import vectors
c = load()
refs = json.loads(sys.argv[1])
compare.similar(c, refs[0])  # warm-up: space and links loaded (or fitted)
ts, cs = [], []
for ref in refs:
    t, c0 = time.perf_counter(), time.process_time()
    compare.similar(c, ref, limit=10)
    ts.append(time.perf_counter() - t); cs.append(time.process_time() - c0)
# the peer: scikit-learn's brute-force cosine neighbours over the same vectors
from sklearn.neighbors import NearestNeighbors
sp = vectors.space(c)
nn = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(sp.X)
nn.kneighbors(sp.X[0])
ps = []
for ref in refs:
    i = sp.index[tuple(ref.rsplit(":", 1)[0:1]) + (int(ref.rsplit(":", 1)[1]),)]
    t = time.perf_counter()
    nn.kneighbors(sp.X[i])
    ps.append(time.perf_counter() - t)
print(json.dumps({"times": ts, "cpus": cs, "peer": ps}))
"""


@row(
    "similar, warm in process (space stored, 20 articles)",
    "<= 1 s",
    corpora=("bundled", "collection"),
)
def similar_warm(ctx: Ctx, c: Corpus) -> dict:
    p = _picked(ctx, c)
    _w, rss, out, _cpu = py(
        loader_code(c, ctx) + SIMILAR_WARM, _compare_env(ctx, c), json.dumps(p["articles"])
    )
    info = json.loads(out)
    return {
        "median": statistics.median(info["times"]),
        "p95": p95(info["times"]),
        "cpu": statistics.median(info["cpus"]),
        "rss_mb": rss,
        "peer": "sklearn NearestNeighbors brute cosine (kneighbors, 10)",
        "peer_median": statistics.median(info["peer"]),
        "note": f"{len(info['times'])} articles, limit 10, among {p['n']}",
    }


def _space_folders(env: dict) -> set[Path]:
    root = Path(env["JDCORPUS_CACHE_DIR"]) / "space"
    return set(root.iterdir()) if root.is_dir() else set()


@row(
    "similar after adding 1 regulation, cold CLI (space refitted)",
    "a few seconds",
    corpora=("collection",),
)
def similar_after_add(ctx: Ctx, c: Corpus) -> dict:
    """The first ``similar`` after ``jdcorpus add`` of one regulation to the collection's user
    corpus (a copy, so that the other rows keep theirs): the space of the collection is stored,
    the new one is fitted taking what it can from it; each run forgets the new space. The peer,
    in the same run: the same command with nothing to take (the earlier stores hidden)."""
    p, base = _picked(ctx, c), _cli_corpus(ctx, c)
    if not base or c.folder is None:
        return {"median": None, "note": "needs the collection as a user corpus"}
    jd, env = _jdcorpus_cmd(), _compare_env(ctx, c)
    home = Path(base[1])
    added_home = ctx.tmp / f"home-added-{c.name.replace(' ', '-')}"
    if not added_home.exists():
        shutil.copytree(home, added_home)
    cmd = [*jd, "--corpus", str(added_home), "--no-bundled"]
    args = ["similar", p["titled"][0], "--format", "json"]
    run([*cmd, *args], env)  # the collection's space stored (fitted if no row did)
    # one regulation more: a file of the collection with one more article (new content)
    src = sorted(c.folder.rglob("*.md"))[0]
    extra = ctx.tmp / "added" / src.name
    extra.parent.mkdir(exist_ok=True)
    extra.write_text(
        src.read_text(encoding="utf-8") + "\n第九百九十九条 本条例自公布之日起施行。\n",
        encoding="utf-8",
    )
    t = time.perf_counter()
    subprocess.run([*cmd, "add", str(extra)], env=env, capture_output=True, check=True)
    add_s = time.perf_counter() - t
    kept = _space_folders(env)
    samples = []
    for _ in range(max(1, min(ctx.repeat, 2))):
        samples.append(run([*cmd, *args], env))
        for f in _space_folders(env) - kept:
            shutil.rmtree(f)
    # the peer: the same fit with no earlier store to take from
    hidden = [f / "texts.json" for f in kept if (f / "texts.json").exists()]
    for h in hidden:
        h.rename(h.with_suffix(".hidden"))
    try:
        peer = run([*cmd, *args], env)
    finally:
        for h in hidden:
            h.with_suffix(".hidden").rename(h)
        for f in _space_folders(env) - kept:
            shutil.rmtree(f)
    r = median_of(samples)
    return {
        "median": r["median"],
        "cpu": r["cpu"],
        "rss_mb": r["rss_mb"],
        "peer": "the same fit taking nothing from the stored space",
        "peer_median": peer[0],
        "peer_cpu": peer[3],
        "note": f"jdcorpus add of the file {add_s:.1f} s; peer peak {peer[1]:.0f} MB",
    }


FAMILIES = """
import shutil, os
from pathlib import Path
from jdcorpus import compare
from jdcorpus.compare import links, vectors
c = load()
shutil.rmtree(Path(os.environ["JDCORPUS_CACHE_DIR"]) / "space", ignore_errors=True)
t = time.perf_counter(); laps = {}
sp = vectors.space(c); sp.X; laps["fit"] = time.perf_counter() - t
links.link_arrays(sp); laps["links"] = time.perf_counter() - t - laps["fit"]
fams = compare.families(c); laps["families"] = time.perf_counter() - t - laps["fit"] - laps["links"]
cells = compare.coverage(c)
total = time.perf_counter() - t
print(json.dumps({"seconds": total, "laps": laps, "families": len(fams), "cells": len(cells)}))
"""

TFIDF_PEER = """
from sklearn.feature_extraction.text import TfidfVectorizer
c = load()
texts = [a.text for a in c.iter_articles()]
t = time.perf_counter()
TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype="float32").fit_transform(texts)
print(json.dumps(time.perf_counter() - t))
"""


@row(
    "families + coverage, whole corpus (space fitted from scratch)",
    "<= 120 s",
    corpora=("bundled", "collection"),
)
def families_row(ctx: Ctx, c: Corpus) -> dict:
    n = _picked(ctx, c)["n"]  # one run at scale: a fit from scratch takes minutes
    env = _compare_env(ctx, c)
    samples = [
        py(loader_code(c, ctx) + FAMILIES, env)
        for _ in range(1 if n > 5000 or ctx.repeat == 1 else 3)
    ]
    info = [json.loads(s[2]) for s in samples]
    peer = [json.loads(py(loader_code(c, ctx) + TFIDF_PEER, env)[2]) for _ in range(len(samples))]
    laps = info[-1]["laps"]
    return {
        "median": statistics.median(i["seconds"] for i in info),
        "cpu": statistics.median(s[3] for s in samples),
        "rss_mb": max(s[1] for s in samples),
        "peer": "sklearn TfidfVectorizer char 1-3 fit (raw texts)",
        "peer_median": statistics.median(peer),
        "note": f"{info[-1]['families']} families, {info[-1]['cells']} cells; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in laps.items()),
    }


# -- SQLite FTS5 trigram, the peer ------------------------------------------------------------

FTS_BUILD = """
import json, sqlite3, sys
db, rows = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.execute("create virtual table a using fts5(doc unindexed, no unindexed, text, tokenize='trigram')")
with open(rows, encoding="utf-8") as f:
    con.executemany("insert into a values (?, ?, ?)", (json.loads(line) for line in f))
con.commit()
"""

FTS_WARM = """
import json, sqlite3, statistics, sys, time
con = sqlite3.connect(sys.argv[1])
queries = json.loads(sys.argv[2])
def q(term):
    # a trigram index answers terms of 3+ characters; a shorter one is a scan with instr()
    if len(term) >= 3:
        sql = "select doc, no, snippet(a, 2, '[', ']', '…', 12) from a where a match ?"
        return con.execute(sql, ('"' + term + '"',)).fetchall()
    return con.execute("select doc, no, text from a where instr(text, ?) > 0", (term,)).fetchall()
for t in queries: q(t)
times = []
for t in queries:
    ts = []
    for _ in range(int(sys.argv[3])):
        s = time.perf_counter(); q(t); ts.append(time.perf_counter() - s)
    times.append(sorted(ts)[len(ts) // 2])
print(json.dumps(statistics.median(times)))
"""


def _fts(ctx: Ctx, c: Corpus) -> dict:
    key = ("fts", c.name)
    if key in ctx.cache:
        return ctx.cache[key]
    rows = ctx.tmp / f"articles-{c.name.replace(' ', '-')}.jsonl"
    py(
        loader_code(c, ctx)
        + "x = load()\n"
        + f"f = open({str(rows)!r}, 'w', encoding='utf-8')\n"
        + "for a in x.iter_articles(): f.write(json.dumps([a.doc_id, a.no, a.text], ensure_ascii=False) + '\\n')\n",
        _index_env(ctx, c),
    )
    db = ctx.tmp / f"fts-{c.name.replace(' ', '-')}.db"
    builds = []
    for _ in range(max(1, min(ctx.repeat, 3))):
        db.unlink(missing_ok=True)
        builds.append(py(FTS_BUILD, ctx.env, str(db), str(rows)))
    warm = py(FTS_WARM, ctx.env, str(db), json.dumps(QUERIES), str(ctx.repeat))
    ctx.cache[key] = {
        "build": ("SQLite FTS5 trigram", median_of(builds)["median"], db.stat().st_size / 1e6),
        "warm": json.loads(warm[2]),
        "short": sum(len(q) < 3 for q in QUERIES),
    }
    return ctx.cache[key]


def _jdcorpus_cmd() -> list[str]:
    exe = Path(PY).with_name("jdcorpus")
    if exe.exists():
        return [str(exe)]
    return [PY, "-m", "jdcorpus"]


# -- output -----------------------------------------------------------------------------------


def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def render(results: list[dict]) -> str:
    from jdcorpus.render.text import pad

    head = [
        "step",
        "corpus",
        "median",
        "p95",
        "cpu",
        "peak RSS",
        "peer",
        "peer median",
        "ratio",
        "note",
    ]
    rows = []
    for r in results:
        ratio = (
            f"{r['median'] / r['peer_median']:.2f}x"
            if r.get("median") and r.get("peer_median")
            else ""
        )
        if ratio and r.get("cpu") and r.get("peer_cpu"):
            ratio += f" (cpu {r['cpu'] / r['peer_cpu']:.2f}x)"
        rows.append(
            [
                r["step"],
                r["corpus"],
                fmt_time(r.get("median")),
                fmt_time(r.get("p95")) if r.get("p95") is not None else "",
                fmt_time(r.get("cpu")) if r.get("cpu") is not None else "",
                f"{r['rss_mb']:.0f} MB" if r.get("rss_mb") else "",
                r.get("peer", ""),
                fmt_time(r.get("peer_median")) if r.get("peer_median") else "",
                ratio,
                r.get("note", ""),
            ]
        )
    from jdcorpus.render.text import display_width

    widths = [max(display_width(x[i]) for x in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(v, w) for v, w in zip(x, widths, strict=True)).rstrip() for x in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="bundled corpus only, one run each")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measure (default 5)")
    ap.add_argument("--scale", type=int, default=10, help="synthetic multiple (0: none)")
    ap.add_argument("--only", default="", help="rows whose step contains this text")
    ap.add_argument("--json", dest="json_file", help="also write the results as JSON")
    # the shared folder beside the checkout (or beside the worktrees' folder)
    found = [
        up / "shared" / "collections" / "lawrefbook-local.tar.xz"
        for up in (HERE.parent.parent, HERE.parent.parent.parent)
    ]
    default = next((p for p in found if p.exists()), found[0])
    ap.add_argument("--collection", default=str(default))
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat = 1

    tmp = Path(tempfile.mkdtemp(prefix="jdcorpus-bench-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(PYTHONPYCACHEPREFIX=str(tmp / "pycache"), NO_COLOR="1")
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), *filter(None, [env.get("PYTHONPATH")])])
    ctx = Ctx(env=env, tmp=tmp, repeat=args.repeat)
    results = []
    try:
        make_corpora(args, ctx)
        for r in ROWS:
            if args.only and args.only not in r.step:
                continue
            for cname in r.corpora:
                c = ctx.corpora.get(cname)
                if c is None:
                    continue
                t0 = time.perf_counter()
                out = r.func(ctx, c)
                out.pop("out", None)
                out.update(step=r.step, corpus=c.name, target=r.target)
                out["seconds_measuring"] = round(time.perf_counter() - t0, 1)
                results.append(out)
                print(f"  {r.step} [{c.name}]: {fmt_time(out.get('median'))}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"jdcorpus bench, {time.strftime('%Y-%m-%d')}: {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} runs\n"
    )
    print(render(results))
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
