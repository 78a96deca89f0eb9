#!/usr/bin/env python
"""Mutation check: does the test suite notice when the parser's structure rules or the comparison's
link rule are broken?

    python scripts/mutation_check.py                 # every mutant, the focused tests
    python scripts/mutation_check.py --list          # the mutants, without running them
    python scripts/mutation_check.py --only P03 C02  # some of them
    python scripts/mutation_check.py --thorough      # parser mutants also against the metamorphic tests
    python scripts/mutation_check.py --json out.json

Each mutant is one hand-made change to one rule — a condition dropped or inverted, a constant
moved, a step skipped — of ``jdcorpus/parse/structure.py`` (how lines become articles, 款, 项,
chapters and instruments) or ``jdcorpus/compare/links.py`` (when two articles link, and how the
link is labelled). The repository is copied once to a temporary directory; each mutant is applied
to the copy, the tests that cover its module run there (``pytest -x``, in a fresh process that
imports the copy), and the file is put back. A mutant is *killed* when a test fails (or the run
exceeds ``--timeout``), *survives* when every test passes, and is *stale* when its text is no
longer in the module (the code moved on: update the mutant). The kill rate is killed / (killed +
survived). A survivor names a rule the tests do not pin down: add a test with independent
evidence for it (a hand count, a fixture), not one that restates the code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PARSE_TESTS = ("tests/test_parse.py", "tests/test_parse_fixtures.py")
PARSE_THOROUGH = (
    *PARSE_TESTS,
    "tests/test_parse_metamorphic.py",
    "tests/test_parse_metamorphic_combined.py",
)
COMPARE_TESTS = (
    "tests/test_compare.py",
    "tests/test_eval_alignment.py",
    "tests/test_cli_compare.py",
)

STRUCTURE = "jdcorpus/parse/structure.py"
LINKS = "jdcorpus/compare/links.py"


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str  # file inside the repository
    old: str  # exact text, found exactly once
    new: str
    what: str  # the rule it breaks
    equivalent: str = ""  # why no test can tell it from the original, for a known equivalent


MUTANTS = (
    # -- parser structure ------------------------------------------------------------------------
    Mutant(
        "P01", STRUCTURE,
        "if segs[b].num == 1 and segs[a].num != 1",
        "if False and segs[b].num == 1 and segs[a].num != 1",
        "numbering that restarts at 第一条 no longer opens a new instrument",
    ),
    Mutant(
        "P02", STRUCTURE,
        '        if s.kind == "noise" and not ends_sentence(prev_text):\n            continue',
        '        if False:\n            continue',
        "a page break inside the last article's sentence ends the instrument",
    ),
    Mutant(
        "P03", STRUCTURE,
        "and s.key in BARE_HEADINGS",
        "and s.key in ()",
        "a bare 附则 heading (no 第X章) is read as article text",
    ),
    Mutant(
        "P04", STRUCTURE,
        "            if s.kind == \"article\":\n                return True\n            if s.kind in stop:\n                return False\n        return False",
        "            if s.kind == \"article\":\n                return True\n            if s.kind in stop:\n                return True\n        return True",
        "a table-of-contents entry (a heading with no article before the next) becomes a chapter",
    ),
    Mutant(
        "P05", STRUCTURE,
        "if m and not RE_ITEM.match(rest):",
        "if m:",
        "an item marker （一） right after the label is taken for a heading",
    ),
    Mutant(
        "P06", STRUCTURE,
        'if not cur.paras and cur.heading is None and s.kind == "text":',
        'if False and not cur.paras and cur.heading is None and s.kind == "text":',
        "a （heading） on the line after a bare label is not recognised",
    ),
    Mutant(
        "P07", STRUCTURE,
        'elif s.kind == "subitem" and cur.in_item and cur.paras[-1].style == "cn":',
        'elif s.kind == "subitem" and cur.in_item and cur.paras[-1].style == "num":',
        "a 目 (1. / （1）) inside a （一） item becomes an item of its own",
    ),
    Mutant(
        "P08", STRUCTURE,
        "and not ends_paragraph(cur.last_text) and not _unpunctuated_list(text, cur):",
        "and not ends_paragraph(cur.last_text):",
        "a line after an unpunctuated item list continues the last item",
    ),
    Mutant(
        "P09", STRUCTURE,
        "if not a.paras or (a.paras[-1].style and a.paras[-1].style != style):",
        "if not a.paras:",
        "items of another style (1. after （一）) stay in the same 款",
    ),
    Mutant(
        "P10", STRUCTURE,
        "        elif a.no != prev + 1:",
        "        elif a.no > prev + 2:",
        "a jump of one article number (第三条 after 第一条) raises no warning",
    ),
    Mutant(
        "P11", STRUCTURE,
        '(f"之{_cn(s.sub)}" if s.sub else "")',
        '""',
        "an inserted article 第十条之一 is labelled 第十条",
    ),
    Mutant(
        "P12", STRUCTURE,
        'return ord(m.group(2)) - ord("㈠") + 1',
        'return ord(m.group(2)) - ord("㈠")',
        "items written ㈠㈡ are numbered from 0",
    ),
    Mutant(
        "P13", STRUCTURE,
        "lines[-1].append(RE_EDGE_END.sub(\"\", text[st:en][RE_EDGE.match(text[st:en]).end() :]))",
        "lines[-1].append(text[st:en][RE_EDGE.match(text[st:en]).end() :])",
        "white space and invisible characters at the end of a source line stay in the text",
        "normalization removes the same white space and invisible characters between Chinese "
        "characters; only a wrap between two Latin words would keep a space (arguably better)",
    ),
    Mutant(
        "P14", STRUCTURE,
        "and len(body[j].key) <= 20\n            ):\n                title_raw, end = body[j].raw, body[j].end",
        "and len(body[j].key) <= 0\n            ):\n                title_raw, end = body[j].raw, body[j].end",
        "a chapter title on the line after its 第X章 label is lost",
    ),
    # -- comparison link rule ----------------------------------------------------------------------
    Mutant(
        "C01", LINKS,
        "        (vv >= MIN_SCORE)\n        & (margin >= min_margin)",
        "        (margin >= min_margin)",
        "the link rule no longer needs a plain cosine of MIN_SCORE",
    ),
    Mutant(
        "C02", LINKS,
        "        & (margin >= alpha * best_j)\n",
        "",
        "the soft mutual-best rule holds on one side only",
    ),
    Mutant(
        "C03", LINKS,
        "margin = vv - (hub[at_i] + hub[at_j]) / 2",
        "margin = vv - 0 * (hub[at_i] + hub[at_j]) / 2",
        "no hubness correction: the margin is the plain cosine",
    ),
    Mutant(
        "C04", LINKS,
        "keep = (marg >= STRONG_MARGIN) | (own >= 1)",
        "keep = (marg >= STRONG_MARGIN) | (own >= 0)",
        "weak links are kept without a third document joining them",
    ),
    Mutant(
        "C05", LINKS,
        "back = other >= RECOVER_SUPPORT",
        "back = other >= RECOVER_SUPPORT + 100",
        "pairs that several other documents join are not recovered",
    ),
    Mutant(
        "C06", LINKS,
        "same = (vv >= SAME_PROVISION) | joined",
        "same = vv >= SAME_PROVISION",
        "a recovered (joined) pair with a low cosine is labelled related",
    ),
    Mutant(
        "C07", LINKS,
        "verbatim = (shared >= NEAR_VERBATIM_SHINGLES) & (shared >= NEAR_VERBATIM * shorter)",
        "verbatim = shared >= NEAR_VERBATIM_SHINGLES",
        "near-verbatim no longer needs most of the shorter article's wording",
    ),
    Mutant(
        "C08", LINKS,
        "LIABILITY_APART = True",
        "LIABILITY_APART = False",
        "liability articles link to the duties they sanction",
    ),
    Mutant(
        "C09", LINKS,
        "    if not related:\n        sel = sel[labels[sel] != \"related\"]",
        "    if False:\n        sel = sel[labels[sel] != \"related\"]",
        "align prints related links by default",
    ),
    Mutant(
        "C10", LINKS,
        "ok = (ui < uj) & new & _passes(uv, margin, bi, bj, PARA_ALPHA, PARA_MARGIN)",
        "ok = (ui < uj) & new & _passes(uv, margin, bi, bj, PARA_ALPHA, PARA_MARGIN) & False",
        "the paragraphs (款) of multi-provision articles are not matched",
    ),
    Mutant(
        "C11", LINKS,
        "return np.maximum(HUB_MIN, np.rint(HUB_FRACTION * sizes)).astype(np.int64)",
        "return np.maximum(1, np.rint(HUB_FRACTION * sizes)).astype(np.int64)",
        "a short document's neighbourhood is its best match alone (HUB_MIN ignored)",
    ),
    Mutant(
        "C12", LINKS,
        "if pa > pb:\n        links = [Link(x.b_doc",
        "if pa < pb:\n        links = [Link(x.b_doc",
        "align reports the two documents' sides swapped",
    ),
    Mutant(
        "C13", LINKS,
        "mutual = fwd & (cv >= MIN_SCORE)",
        "mutual = fwd & False & (cv >= MIN_SCORE)",
        "mutual best matches are no longer linked whatever the corroboration says",
    ),
)  # fmt: skip


@dataclass
class Outcome:
    id: str
    what: str
    path: str
    status: str  # killed | survived | stale | timeout
    seconds: float
    by: str  # the first failing test, or why it is stale


def _tests_for(m: Mutant, thorough: bool) -> tuple[str, ...]:
    if m.path == LINKS:
        return COMPARE_TESTS
    return PARSE_THOROUGH if thorough else PARSE_TESTS


def _copy_repo(dest: Path) -> None:
    """The repository's files (tracked, and new ones not ignored; as in the working tree) copied
    to ``dest``."""
    try:
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        names = [f.decode() for f in files if f]
    except (OSError, subprocess.CalledProcessError):
        names = [
            str(p.relative_to(REPO))
            for p in REPO.rglob("*")
            if p.is_file() and not {".git", "__pycache__"} & set(p.parts)
        ]
    for name in names:
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def _pytest(root: Path, tests: tuple[str, ...], timeout: float) -> tuple[int | None, str]:
    """Exit code (None on timeout) and output of pytest on the copy."""
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        r = subprocess.run(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return r.returncode, r.stdout + r.stderr


def _first_failure(output: str) -> str:
    m = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.M)
    return m.group(1) if m else output.strip().splitlines()[-1][:200] if output.strip() else ""


def run(mutants, *, thorough: bool, timeout: float, log=print) -> list[Outcome]:
    out: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="jdcorpus-mutants-") as tmp:
        root = Path(tmp)
        _copy_repo(root)
        for tests in sorted({_tests_for(m, thorough) for m in mutants}):
            code, output = _pytest(root, tests, timeout)
            if code != 0:
                raise SystemExit(
                    f"the unmutated tests fail ({' '.join(tests)}): {_first_failure(output)}"
                )
        for m in mutants:
            f = root / m.path
            original = f.read_text("utf-8")
            count = original.count(m.old)
            if count != 1:
                out.append(Outcome(m.id, m.what, m.path, "stale", 0.0, f"text found {count} times"))
                log(f"{m.id}  stale     {m.what} (text found {count} times)")
                continue
            f.write_text(original.replace(m.old, m.new), "utf-8")
            t0 = time.perf_counter()
            try:
                code, output = _pytest(root, _tests_for(m, thorough), timeout)
            finally:
                f.write_text(original, "utf-8")
            dt = round(time.perf_counter() - t0, 1)
            if code is None:
                status, by = "timeout", f"> {timeout:.0f} s"
            elif code == 0:
                status, by = "survived", m.equivalent and f"equivalent: {m.equivalent}"
            else:
                status, by = "killed", _first_failure(output)
            out.append(Outcome(m.id, m.what, m.path, status, dt, by))
            log(f"{m.id}  {status:9s} {dt:6.1f} s  {m.what}" + (f"\n       by {by}" if by else ""))
    return out


def summary(outcomes: list[Outcome]) -> dict:
    """Kill rate over the judged mutants, and over those not known to be equivalent."""
    killed = sum(o.status in ("killed", "timeout") for o in outcomes)
    survived = [o.id for o in outcomes if o.status == "survived"]
    equivalent = [o.id for o in outcomes if o.status == "survived" and o.by.startswith("equiv")]
    judged = killed + len(survived)
    return {
        "mutants": len(outcomes),
        "killed": killed,
        "survived": survived,
        "equivalent": equivalent,
        "stale": [o.id for o in outcomes if o.status == "stale"],
        "kill_rate": round(killed / judged, 3) if judged else None,
        "kill_rate_without_equivalents": (
            round(killed / (judged - len(equivalent)), 3) if judged > len(equivalent) else None
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="ID", help="run these mutants only")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument(
        "--thorough", action="store_true", help="parser mutants also face the metamorphic tests"
    )
    ap.add_argument("--timeout", type=float, default=900, help="seconds per test run (default 900)")
    ap.add_argument("--json", metavar="FILE", help="also write the outcomes as JSON")
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or m.id in args.only]
    if args.only and len(mutants) != len(set(args.only)):
        ap.error(f"unknown mutant ids: {sorted(set(args.only) - {m.id for m in MUTANTS})}")
    if args.list:
        for m in mutants:
            print(f"{m.id}  {m.path}  {m.what}")
        return 0
    outcomes = run(mutants, thorough=args.thorough, timeout=args.timeout)
    s = summary(outcomes)
    print(
        f"\nkilled {s['killed']} of {s['killed'] + len(s['survived'])} "
        f"(kill rate {s['kill_rate']}; {s['kill_rate_without_equivalents']} without the known "
        f"equivalents {', '.join(s['equivalent']) or 'none'}); "
        f"survived: {', '.join(s['survived']) or 'none'}"
        + (f"; stale: {', '.join(s['stale'])}" if s["stale"] else "")
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"summary": s, "outcomes": [asdict(o) for o in outcomes]}, indent=1),
            "utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
