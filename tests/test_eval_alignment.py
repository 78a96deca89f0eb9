"""Tests of scripts/eval_alignment.py and the hand-made gold fixtures it scores ``align`` against."""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTRA = REPO / "tests" / "fixtures" / "alignment_extra.json"
DEV = REPO.parent / "shared" / "gold" / "alignment_dev.json"


@pytest.fixture(scope="module")
def ev():
    """The evaluation script, imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "eval_alignment", REPO / "scripts" / "eval_alignment.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def extra():
    return json.loads(EXTRA.read_text("utf-8"))


def test_extra_gold_is_well_formed(ev, bundled, extra):
    """Every topic names existing articles and labels each pair of its documents exactly once."""
    docs = list(extra["documents"])
    ids_of = ev.resolve_ids(extra, bundled)
    labels = set(extra["strength_labels"])
    ids = [t["id"] for t in extra["topics"]]
    assert len(ids) == len(set(ids)) and 20 <= len(ids) <= 30
    for t in extra["topics"]:
        present = [d for d in docs if d in t["articles"]]
        assert set(t["articles"]) == set(present), t["id"]
        for d, nos in t["articles"].items():
            assert nos and all(bundled.article(ids_of[d], n) for n in nos), (t["id"], d)
        pairs = [f"{x}-{y}" for x, y in itertools.combinations(present, 2)]
        assert list(t["strength"]) == pairs, t["id"]
        assert set(t["strength"].values()) <= labels, t["id"]
        assert t["note"].strip(), t["id"]
    for pair in extra["reuse_pairs"]:
        for side in ("a", "b"):
            assert bundled.article(ids_of[pair[side]["doc"]], pair[side]["article"])


def test_extra_gold_holds_new_provisions_only(extra):
    """The extended set adds provisions: none of its topics repeats one of the dev set's."""
    if not DEV.exists():
        pytest.skip("the shared dev gold file is not available")
    dev = json.loads(DEV.read_text("utf-8"))
    assert not {t["id"] for t in dev["topics"]} & {t["id"] for t in extra["topics"]}
    assert dev["documents"] == extra["documents"]


def test_align_meets_the_targets_on_the_extra_gold_set(ev, bundled, extra):
    """align reaches recall ≥ 0.90 and precision ≥ 0.85 on the extended hand-made set, and reuse
    finds its copied pairs."""
    rep = ev.evaluate(extra, bundled)
    assert rep["recall"] >= ev.TARGETS["recall"], rep["misses"]
    assert rep["precision"] >= ev.TARGETS["precision"], rep["wrong"]
    assert rep["copied_found"] == rep["copied_total"]


def test_align_meets_the_targets_on_dev_and_combined(ev, bundled):
    """The development set, and dev + extra scored as one gold set, meet the targets too."""
    if not DEV.exists():
        pytest.skip("the shared dev gold file is not available")
    reps = ev.evaluate_files([DEV, EXTRA], bundled)
    for name, rep in reps.items():
        assert ev.meets(rep), (name, rep["recall"], rep["precision"])


def test_several_gold_files_are_scored_each_and_as_one(ev, extra, tmp_path, capsys):
    """--gold A --gold B reports each file and their union; the union of two halves of a gold set
    scores exactly as the whole set."""
    half = len(extra["topics"]) // 2
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(dict(extra, topics=extra["topics"][:half]), ensure_ascii=False))
    b.write_text(json.dumps(dict(extra, topics=extra["topics"][half:]), ensure_ascii=False))
    assert ev.main(["--gold", str(a), "--gold", str(b), "--json"]) == 0
    reps = json.loads(capsys.readouterr().out)
    assert list(reps) == [str(a), str(b), "combined"]
    ev.main(["--gold", str(EXTRA), "--json"])
    whole = json.loads(capsys.readouterr().out)
    for key in ("recall", "precision", "gold_entries", "judged_links", "links"):
        assert reps["combined"][key] == whole[key], key
    assert reps[str(a)]["gold_entries"] + reps[str(b)]["gold_entries"] == whole["gold_entries"]


def test_default_gold_without_shared_is_the_repositorys(ev, capsys, monkeypatch, tmp_path):
    """In a fresh clone without ../shared, the script scores the gold file shipped in the
    repository and says so (it used to die with a FileNotFoundError traceback)."""
    monkeypatch.setattr(ev, "DEFAULT_GOLD", tmp_path / "shared" / "gold" / "alignment_dev.json")
    assert ev.main(["--json"]) == 0
    captured = capsys.readouterr()
    assert "alignment_extra.json" in captured.err and "not found" in captured.err
    assert json.loads(captured.out)["gold_entries"] > 0


def test_missing_gold_file_is_a_usage_error(ev, capsys, tmp_path):
    """A --gold file that does not exist: exit 2 with a one-line message naming it."""
    with pytest.raises(SystemExit) as e:
        ev.main(["--gold", str(tmp_path / "nope.json")])
    assert e.value.code == 2
    assert "nope.json" in capsys.readouterr().err
