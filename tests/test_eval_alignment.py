"""Tests of scripts/eval_alignment.py and the hand-made gold fixtures it scores ``align`` against."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTRA = REPO / "tests" / "fixtures" / "alignment_extra.json"  # the method was tuned on it
BLIND = REPO / "tests" / "fixtures" / "alignment_blind.json"  # built without seeing the method
# issue 13: on the default output of align, over near-verbatim and same-provision gold pairs
ISSUE_13 = {"precision": 0.90, "recall": 0.90}
# what align reached on the blind set when it was first scored (2026-12-02: recall 0.827,
# precision 0.701), a little lowered: a floor that catches a collapse, not a target
BLIND_FLOOR = {"precision": 0.65, "recall": 0.78}
DEV = REPO / "tests" / "fixtures" / "alignment_dev.json"  # a copy of ../shared/gold's; tuned on
SHARED_DEV = REPO.parent / "shared" / "gold" / "alignment_dev.json"


@pytest.fixture(scope="module")
def ev(script):
    """The evaluation script, imported as a module."""
    return script("eval_alignment")


@pytest.fixture(scope="module")
def extra():
    return json.loads(EXTRA.read_text("utf-8"))


@pytest.fixture(scope="module")
def blind():
    return json.loads(BLIND.read_text("utf-8"))


@pytest.fixture(scope="module")
def blind_report(ev, bundled, blind):
    return ev.evaluate(blind, bundled)


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


def test_blind_gold_is_well_formed(ev, bundled, blind, extra):
    """The blind set names existing articles, labels each pair of a topic's documents exactly
    once, and repeats no topic of the extra set."""
    docs = list(blind["documents"])
    ids_of = ev.resolve_ids(blind, bundled)
    ids = [t["id"] for t in blind["topics"]]
    assert len(ids) == len(set(ids)) >= 30
    assert not set(ids) & {t["id"] for t in extra["topics"]}
    for t in blind["topics"]:
        present = [d for d in docs if d in t["articles"]]
        for d, nos in t["articles"].items():
            assert nos and all(bundled.article(ids_of[d], n) for n in nos), (t["id"], d)
        pairs = {f"{x}-{y}" for x, y in itertools.combinations(present, 2)}
        assert set(t["strength"]) == pairs, t["id"]
        assert set(t["strength"].values()) <= set(blind["strength_labels"]), t["id"]


def test_reuse_finds_the_copied_pairs_of_the_extra_set(ev, bundled, extra):
    """reuse reports every copied pair of the extra set (its align figures are training figures:
    the targets are asserted on the blind set below)."""
    rep = ev.evaluate(extra, bundled)
    assert rep["copied_total"] >= 3
    assert rep["copied_found"] == rep["copied_total"]


@pytest.mark.xfail(
    reason="issue 13: on the blind set align reaches recall 0.81, precision 0.79 (0.91 judged "
    "against every set's topics; 2026-12-02, after the learned check; 0.83 / 0.75 before it, "
    "0.83 / 0.73 before the triangle and neighbour-contrast evidence, 0.80 / 0.73 before the "
    "mutual-best rule, 0.83 / 0.70 before issue 13); a tuning set since the third round",
    strict=True,
)
def test_align_meets_the_issue_13_targets_on_the_blind_set(blind_report):
    """On the set built blind, align's default output reaches precision ≥ 0.90 and recall ≥ 0.90
    over near-verbatim and same-provision pairs (issue 13)."""
    rep = blind_report
    assert rep["recall"] >= ISSUE_13["recall"], (rep["recall"], rep["misses"])
    assert rep["precision"] >= ISSUE_13["precision"], (rep["precision"], rep["wrong"])


def test_align_stays_above_its_first_blind_figures(blind_report):
    """Whatever the method becomes, it does not fall below what it first reached on the blind set
    (a floor against a collapse, not the target)."""
    rep = blind_report
    assert rep["gold_entries"] >= 50 and rep["judged_links"] >= 50, "too little to judge"
    assert rep["recall"] >= BLIND_FLOOR["recall"], (rep["recall"], rep["misses"])
    assert rep["precision"] >= BLIND_FLOOR["precision"], (rep["precision"], rep["wrong"])


#: what align reached on the third blind set when it was first scored (2026-12-02, the method of
#: the sixth round: recall 0.880, precision 0.791; with the learned check 0.876 / 0.818), a
#: little lowered: a floor, not the target
BLIND3_FLOOR = {"precision": 0.74, "recall": 0.83}
BLIND3 = REPO / "tests" / "fixtures" / "alignment_blind3.json"


@pytest.fixture(scope="module")
def blind3_report(ev, bundled):
    return ev.evaluate(json.loads(BLIND3.read_text("utf-8")), bundled)


@pytest.mark.xfail(
    reason="issue 13: on blind3 (a confirmation set) align reaches recall 0.88, precision 0.82 "
    "(0.87 judged against every set's topics; 2026-12-02, with the learned check; 0.88 / 0.79 "
    "when first scored, with the sixth-round method); the other helper sets' links reach "
    "0.90-1.00 by its topics, the development set's annotator's 0.85",
    strict=True,
)
def test_align_meets_the_issue_13_targets_on_blind3(blind3_report):
    """On the third set built blind, never tuned on, align's default output reaches precision
    ≥ 0.90 and recall ≥ 0.90 over near-verbatim and same-provision pairs (issue 13)."""
    rep = blind3_report
    assert rep["recall"] >= ISSUE_13["recall"], (rep["recall"], rep["misses"])
    assert rep["precision"] >= ISSUE_13["precision"], (rep["precision"], rep["wrong"])


def test_align_stays_above_its_first_blind3_figures(blind3_report):
    """A floor against a collapse on the confirmation set blind3, not the target."""
    rep = blind3_report
    assert rep["gold_entries"] >= 200 and rep["judged_links"] >= 200, "too little to judge"
    assert rep["recall"] >= BLIND3_FLOOR["recall"], (rep["recall"], rep["misses"])
    assert rep["precision"] >= BLIND3_FLOOR["precision"], (rep["precision"], rep["wrong"])
    assert rep["label_precision"]["near-verbatim"]["precision"] >= 0.97


def test_align_meets_the_targets_on_dev(ev, bundled):
    """The development set meets the script's targets (tuned on: a regression check)."""
    if not DEV.exists():
        pytest.skip("the shared dev gold file is not available")
    rep = ev.evaluate_files([DEV], bundled)[str(DEV)]
    assert ev.meets(rep), (rep["recall"], rep["precision"])


#: similar top-5 on the tuning sets (issue 13) since links are followed by the articles joined
#: through a third document (0.882, 0.804, 0.800 before): a floor, not the target (0.90)
SIMILAR_FLOOR = {"dev": 0.91, "extra": 0.83, "blind": 0.80}


@pytest.mark.parametrize("name", list(SIMILAR_FLOOR))
def test_similar_top5_stays_above_its_figures_on_the_tuning_sets(ev, bundled, name):
    """For each gold article, an equivalent of each strongly related document is in its
    ``similar`` top 5 at least as often as when the ranking was last changed."""
    gold = json.loads((REPO / "tests" / "fixtures" / f"alignment_{name}.json").read_text("utf-8"))
    sim = ev.similar_top(gold, bundled, ev.resolve_ids(gold, bundled))
    assert sim["total"] >= 150, "too little to judge"
    assert sim["share"] >= SIMILAR_FLOOR[name], (sim["share"], sim["misses"])


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


def test_the_shipped_dev_set_is_the_shared_one():
    """tests/fixtures/alignment_dev.json is the shared development set, so the script runs on it
    in a fresh clone."""
    if not SHARED_DEV.exists():
        pytest.skip("the shared dev gold file is not available")
    assert json.loads(DEV.read_text("utf-8")) == json.loads(SHARED_DEV.read_text("utf-8"))


def test_default_gold_sets_are_the_shipped_ones(ev, capsys, tmp_path):
    """Without --gold the script scores each set shipped in tests/fixtures on its own, and says
    when a set on the shared collection cannot be scored; near-verbatim precision is reported."""
    assert ev.main(["--json", "--collection", str(tmp_path / "none")]) == 0
    reps = json.loads(capsys.readouterr().out)
    names = {Path(k).name for k in reps}
    assert {"alignment_dev.json", "alignment_extra.json", "alignment_blind.json"} <= names
    wuye = next(v for k, v in reps.items() if k.endswith("alignment_wuye.json"))
    assert "skipped" in wuye
    dev = next(v for k, v in reps.items() if k.endswith("alignment_dev.json"))
    assert dev["label_precision"]["near-verbatim"]["precision"] >= ev.TARGETS["near-verbatim"]
    roles = {Path(k).stem: v.get("role") for k, v in reps.items()}
    assert roles["alignment_dev"] == roles["alignment_blind"] == "tuning"
    assert roles["alignment_wuye"] == roles["alignment_blind3"] == "confirmation"
    assert roles["alignment_quan"] == "confirmation"  # since the eighth round
    assert roles["alignment_blind2"] == "tuning"  # since the seventh round of issue 13


def test_precision_over_every_sets_topics(ev, bundled, extra, blind):
    """Links are also judged against the topics of every set on the corpus: a link wrong in one
    set alone is right when another set's topic holds both articles, never the other way."""
    links = ev.align_all(bundled, ev.resolve_ids(ev.merge([extra, blind]), bundled).values())
    rep = ev.evaluate(blind, bundled, links, ev.merge([extra, blind]))
    alone = ev.evaluate(blind, bundled, links)
    assert "precision_all_topics" not in alone
    assert rep["precision"] == alone["precision"]
    assert rep["precision_all_topics"] >= rep["precision"]


def test_missing_gold_file_is_a_usage_error(ev, capsys, tmp_path):
    """A --gold file that does not exist: exit 2 with a one-line message naming it."""
    with pytest.raises(SystemExit) as e:
        ev.main(["--gold", str(tmp_path / "nope.json")])
    assert e.value.code == 2
    assert "nope.json" in capsys.readouterr().err


def test_a_gold_set_agrees_with_itself_and_its_halves(ev, bundled, extra):
    """An annotator's own strong links (``gold_links``) score recall 1 and precision 1 against
    the set itself; a second annotator who states only half of the topics is right on every
    link and covers at least that half's entries."""
    own = ev.agreement(extra, {"self": extra}, bundled)["self"]
    assert own["recall"] == 1.0 and own["precision"] == 1.0
    links = ev.gold_links(extra, bundled)
    strong = sum(s in ev.STRONG for t in extra["topics"] for s in t["strength"].values())
    assert len({(x.a_doc, x.a_article, x.b_doc, x.b_article) for x in links}) == len(links)
    # one link per strong entry at least (more where a topic lists several articles)
    assert len(links) >= strong
    half = dict(extra, topics=extra["topics"][: len(extra["topics"]) // 2])
    part = ev.agreement(extra, {"half": half}, bundled)["half"]
    mine = sum(s in ev.STRONG for t in half["topics"] for s in t["strength"].values())
    assert part["precision"] == 1.0
    assert mine / strong - 0.01 <= part["recall"] < 1.0


def test_agreement_counts_a_second_annotators_wrong_links(ev, bundled, extra):
    """A second annotator who moves one article of a topic to a neighbouring article: the links
    through the moved article are judged wrong when the neighbour is listed elsewhere, and the
    entries only it carried are missed."""
    topic = next(
        t
        for t in extra["topics"]
        if any(len(v) == 1 for v in t["articles"].values())
        and any(s in ev.STRONG for s in t["strength"].values())
    )
    idx = extra["topics"].index(topic)
    doc = next(d for d, v in topic["articles"].items() if len(v) == 1)
    listed = {(d, n) for t in extra["topics"] for d, v in t["articles"].items() for n in v}
    other = next(
        (doc, n)
        for t in extra["topics"]
        if t is not topic
        for d, v in t["articles"].items()
        if d == doc
        for n in v
        if n not in topic["articles"][doc]
    )
    assert other in listed
    moved = json.loads(json.dumps(extra))
    moved["topics"][idx]["articles"][doc] = [other[1]]
    rep = ev.agreement(extra, {"moved": moved}, bundled)["moved"]
    assert rep["precision"] < 1.0
    assert rep["recall"] < 1.0


def test_the_report_prints_another_annotators_figures(ev, capsys):
    """Scoring the shipped sets prints, for each set on the bundled corpus, the precision the
    strong links of every other such set reach by its topics."""
    assert ev.main([str(EXTRA), str(BLIND)]) == 0
    out = capsys.readouterr().out
    assert "another annotator: the strong links of blind (" in out
    assert "another annotator: the strong links of extra (" in out


def test_beside_scores_a_set_inside_a_larger_corpus(ev, bundled, extra, capsys):
    """--beside FOLDER scores the set with those regulations beside its documents: the report
    says how many documents, and its figures are evaluate's on that larger corpus (which differ
    from the bundled corpus's: third documents change what the rule links)."""
    folder = REPO / "tests" / "fixtures" / "lawrefbook"
    assert ev.main(["--gold", str(EXTRA), "--beside", str(folder), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    larger = ev.beside(bundled, [folder])
    assert rep["documents"] == len(larger.documents) >= len(bundled.documents) + 10
    assert rep["beside"] == [str(folder)]
    direct = ev.evaluate(extra, larger)
    assert (rep["recall"], rep["precision"]) == (direct["recall"], direct["precision"])
    alone = ev.evaluate(extra, bundled)
    assert (rep["judged_links"], rep["links"]) != (alone["judged_links"], alone["links"])
    assert {d.id for d in bundled.documents} <= {d.id for d in larger.documents}


def test_beside_a_missing_path_is_a_usage_error(ev, capsys, tmp_path):
    """--beside a path that does not exist: exit 2 with a one-line message naming it."""
    with pytest.raises(SystemExit) as e:
        ev.main(["--gold", str(EXTRA), "--beside", str(tmp_path / "nowhere")])
    assert e.value.code == 2
    assert "nowhere" in capsys.readouterr().err
