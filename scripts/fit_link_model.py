#!/usr/bin/env python
"""Fit ``jdcorpus.compare.links.LINK_MODEL``: the learned check on ``align``'s links (issue 13).

    python scripts/fit_link_model.py                       # on the second blind gold set
    python scripts/fit_link_model.py --gold other.json     # on another gold set of the corpus

The links are decided as ``align`` decides them without the model (:func:`links._decide`); each
link whose two articles both appear in the gold file is an example, right when they share a
topic. Logistic regression (scikit-learn, C = 1) on the standardised evidence of
:func:`links.link_evidence`; the standardisation is folded into the weights, which are printed
as the Python table to paste into ``links.py``, with the held-in accuracy. The model was fitted
on ``alignment_blind2.json`` only, so that the other sets can judge it: dev, extra and blind
(tuning sets) held out, 物业 and blind3 (confirmation) never looked at while fitting.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "fixtures" / "alignment_blind2.json"


def _eval_module():
    """``scripts/eval_alignment.py``, whose gold-file helpers the fit uses."""
    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    import eval_alignment

    return eval_alignment


def examples(corpus, gold: dict):
    """``(evidence, right)`` for the links of ``corpus`` that ``gold`` judges."""
    from jdcorpus.compare import links
    from jdcorpus.compare.vectors import Space

    ev = _eval_module()
    sp = Space(corpus, stored=False)
    ii, jj, vv, joined, demoted = links._decide(sp, links.ALPHA, links.MIN_MARGIN)
    E = links.link_evidence(sp, ii, jj, vv, joined, demoted, links._verbatim(sp, ii, jj))
    topics = ev.topic_index(gold, ev.resolve_ids(gold, corpus))
    keep, right = [], []
    for k, (i, j) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
        a, b = sp.articles[i], sp.articles[j]
        ta, tb = topics.get((a.doc_id, a.no)), topics.get((b.doc_id, b.no))
        if ta is not None and tb is not None:
            keep.append(k)
            right.append(bool(ta & tb))
    return E[keep], np.array(right)


def fit(E, y) -> dict[str, float]:
    """The weights per kind of evidence and the intercept, standardisation folded in."""
    from sklearn.linear_model import LogisticRegression

    from jdcorpus.compare.links import EVIDENCE

    mean, scale = E.mean(axis=0), E.std(axis=0)
    scale[scale == 0] = 1
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit((E - mean) / scale, y)
    w = model.coef_[0] / scale
    b = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return {"intercept": round(b, 4)} | {
        n: round(float(x), 4) for n, x in zip(EVIDENCE, w, strict=True)
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD, help="the gold set to fit on")
    args = ap.parse_args(argv)
    if not args.gold.is_file():
        ap.error(f"no gold file {args.gold}")
    from jdcorpus.corpus import load_corpus

    E, y = examples(load_corpus(), json.loads(args.gold.read_text("utf-8")))
    table = fit(E, y)
    from jdcorpus.compare.links import model_probability

    p = model_probability(E, table)
    print(
        f"# fitted on {args.gold.name}: {len(y)} judged links, {int((~y).sum())} wrong; "
        f"held-in accuracy {((p >= 0.5) == y).mean():.3f}"
    )
    print("LINK_MODEL = {")
    for name, value in table.items():
        print(f'    "{name}": {value},')
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
