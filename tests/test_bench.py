"""scripts/bench.py --quick runs (issue 10): every row of the table on the bundled corpus, as
JSON; no time is asserted (the machine is shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench.py"


def test_bench_quick_measures_every_row_on_the_bundled_corpus(tmp_path):
    """The smoke run gives a median for each row, with the peers beside the search rows."""
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    r = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    rows = json.loads(out.read_text("utf-8"))
    steps = {row["step"] for row in rows}
    assert {"build the search index", "add 1 regulation to the indexed corpus"} <= steps
    assert all(row["corpus"] == "bundled" for row in rows)
    assert all(row["median"] is not None and row["median"] > 0 for row in rows)
    warm = next(row for row in rows if row["step"].startswith("warm search"))
    assert warm["peer_median"] > 0 and warm["p95"] >= min(warm["per_query"].values())
    assert set(warm["totals"]) and all(v >= 0 for v in warm["totals"].values())
    cold = next(row for row in rows if row["step"].startswith("cold"))
    assert cold["peer"].startswith("python -c")
    assert "step" in r.stdout and "bundled" in r.stdout  # the table
