"""Build src/newsdesk/data/incident_scorer.npz and unit_scorer.npz: the pairwise
event-coreference scorers, across articles and within one.

Everything is chosen on the ECB+ training topics (every topic on disk except the standard
dev topics, which stay the figure nothing was chosen on). The documents are clustered into
stories as the system does (bench/linking.py), mentions grouped by story neighbourhood
(link.incidents.neighbourhoods), and the logistic regression is trained on the mention
pairs inside each group, so it sees pairs from two neighbouring stories as the linker
does. The within-document step (incidents.units) has a scorer of its own, the same
features on the static table's vectors (embed.table_encoder: no model pass for an
article's own events), learned from the pairs inside each document. The two cuts, the
within-document one ("none" keeps each event apart) and the one an article's unit must
pass to join an incident, are the pair with the best mean CoNLL F1 over a 5-fold
cross-validation by topic (train on four folds' topics, replay the linker's decisions on
the fifth: bench/linking.py ``link_mentions``, incident merges included: bench/README.md
says what that changes).
The mentions carry the time, place and type newsdesk's own enrichment gives them
(bench/linking_features.context), as the run-time events do. ECB+ annotation is CC BY 3.0.

    python scripts/train_incident_scorer.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import coref_metrics as cm  # noqa: E402
import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
from linking import incident_groups, link_mentions, place_mentions, story_index  # noqa: E402
from newsdesk.link.incidents import FEATURES, feature_matrix, train  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "incident_scorer.npz"
UNIT_OUT = ROOT / "src" / "newsdesk" / "data" / "unit_scorer.npz"
CUTS = np.round(np.arange(0.25, 0.451, 0.025), 3)
DOC_CUTS = (None, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85)   # None: no within-document step
FOLDS = 5


def grouped(mentions, group_of):
    groups = defaultdict(list)
    for m in mentions:
        groups[group_of[m.doc]].append(m)
    return groups


def pairs(groups, gold):
    """Features and labels of every mention pair inside each group."""
    X, y = [], []
    for ms in groups:
        if len(ms) < 2:
            continue
        iu = np.triu_indices(len(ms), 1)
        X.append(feature_matrix(ms)[iu])
        labels = np.array([gold[m.key] for m in ms], dtype=object)
        y.append((labels[:, None] == labels[None, :])[iu].astype(np.float32))
    return np.concatenate(X), np.concatenate(y)


def by_document(mentions) -> list[list]:
    docs = defaultdict(list)
    for m in mentions:
        docs[m.doc].append(m)
    return list(docs.values())


def fold_scores(k: int, groups: dict, topic_of: dict, gold: dict, near: dict, story_of: dict,
                unit_mentions: dict | None = None, drop=()) -> dict:
    """CoNLL F1 per (within-document cut, cut) on fold ``k`` of the topics: train on the
    pairs of the groups whose first mention is outside the fold, replay the fold's
    articles (each group belongs to one topic's docs or, when a neighbourhood spans
    topics, to its first mention's). With ``unit_mentions`` (the same mentions with the
    static table's vectors, by key) the within-document step is the unit scorer's,
    trained on the training folds' within-document pairs of those mentions. ``drop``:
    features held constant (the scorer cannot use them)."""
    topics = sorted(set(topic_of.values()))
    held = set(topics[k::FOLDS])
    fit = [ms for ms in groups.values() if topic_of[ms[0].doc] not in held]
    test = [m for ms in groups.values() if topic_of[ms[0].doc] in held for m in ms]
    docs = {m.doc for m in test}
    arrivals = {d: s for d, s in near.items() if d in docs}
    model = train(*masked(pairs(fit, gold), drop))
    unit_model = None
    if unit_mentions is not None:
        unit_model = train(*masked(pairs(by_document(unit_mentions[m.key] for ms in fit for m in ms),
                                         gold), drop))
    g = {m.key: gold[m.key] for m in test}
    out = {}
    for doc_cut in DOC_CUTS:
        for cut in CUTS:
            model.threshold = float(cut)
            if unit_model is None:
                model.doc_threshold = doc_cut
            else:
                unit_model.doc_threshold = doc_cut
            pred = link_mentions(test, arrivals, story_of, model=model,
                                 unit_mentions=unit_mentions, unit_model=unit_model)
            out[doc_cut, float(cut)] = cm.conll_f1(g, pred)["conll"]
    return out


def masked(Xy, drop):
    X, y = Xy
    if drop:
        X = X.copy()
        X[:, [FEATURES.index(f) for f in drop]] = 0.0
    return X, y


def cross_validate(groups: dict, topic_of: dict, gold: dict, near: dict,
                   story_of: dict, unit_mentions: dict | None = None, drop=()) -> dict:
    """Mean CoNLL F1 per (within-document cut, cut) over the folds (``fold_scores``), on
    the stories the shipped story models make of all the training topics."""
    return mean_over_folds(fold_scores(k, groups, topic_of, gold, near, story_of,
                                       unit_mentions, drop) for k in range(FOLDS))


def mean_over_folds(per_fold) -> dict:
    scores: dict = defaultdict(float)
    for fold in per_fold:
        for c, f in fold.items():
            scores[c] += f / FOLDS
    return dict(scores)


def held_out_stories(docs, vecs, keys, mentions, unit_mentions, gold, drop=()) -> dict:
    """``cross_validate`` on stories the scorer has not seen: for each fold, the article-to-
    story scorer is refitted on the other folds' topics (bench/linking_stories.py, the
    shipped cut) and the stories of every training topic rebuilt with it, so the fold
    being scored is clustered as unseen news would be (its story errors, not the
    in-sample ones). The merge and split steps keep the shipped merge scorer (fitted on
    all training topics: a leak this leaves, smaller than the article scorer's)."""
    import dataclasses

    import linking_stories as ls
    from newsdesk.link.stories import scorer as story_scorer
    topic_of = {d.name: d.topic for d in docs}
    topics = sorted(set(topic_of.values()))
    cut = story_scorer().threshold

    def fold(k: int) -> dict:
        held = set(topics[k::FOLDS])
        idx = [i for i, d in enumerate(docs) if d.topic not in held]
        model = ls.fit(*ls.rows([docs[i].name for i in idx], [docs[i].subtopic for i in idx],
                                [vecs[i] for i in idx], [keys[i] for i in idx]), threshold=cut)
        index = story_index(docs, vecs, keys, merges=True, splits=True, model=model,
                            threshold=cut)
        ms = [dataclasses.replace(m) for m in mentions]
        place_mentions(ms, docs, vecs, index.assignments())
        groups = grouped(ms, incident_groups(docs, vecs, keys, index))
        return fold_scores(k, groups, topic_of, gold, index.near, index.assignments(),
                           unit_mentions, drop)
    return mean_over_folds(fold(k) for k in range(FOLDS))


def training_groups(data: Path):
    """The training topics' documents, gold clusters by mention key, the stories the linker
    makes of them, and their mentions grouped by story neighbourhood (the pairs a scorer
    learns from and the linker replays)."""
    docs = ecb.train_docs(data)
    gold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    vecs, keys = feats.story_inputs(docs)
    # the stories the linker makes (merges and splits on): with the event window's vectors
    # this build had the best CV of the four tried (bench/README.md)
    index = story_index(docs, vecs, keys, merges=True, splits=True)
    ms = feats.mentions(docs)
    place_mentions(ms, docs, vecs, index.assignments())
    return docs, gold, index, grouped(ms, incident_groups(docs, vecs, keys, index))


def unit_mentions(docs) -> dict:
    """The mentions with the static table's vectors (embed.table_encoder), by key: what
    the within-document step reads (link.Linker._units)."""
    from newsdesk.link.embed import table_encoder
    return {m.key: m for m in feats.mentions(docs, words=table_encoder().table_words)}


def print_grid(label: str, scores: dict) -> None:
    """One line per within-document cut: each join cut with its score."""
    for doc_cut in DOC_CUTS:
        print(f"{label} within-document cut {doc_cut or 'none'}: "
              + ", ".join(f"{c:.3f} {scores[doc_cut, float(c)]:.4f}" for c in CUTS))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--unit-out", type=Path, default=UNIT_OUT)
    ap.add_argument("--compare", action="store_true",
                    help="also cross-validate the within-document step on the model's vectors "
                         "with the incident scorer (as before the unit scorer), on the same grid")
    ap.add_argument("--no-context", action="store_true",
                    help="mentions without the time, place and type the pipeline gives them "
                         "(bench/linking_features.context): the scorers as before they read them")
    ap.add_argument("--held-out-stories", action="store_true",
                    help="only cross-validate, each fold on stories from an article-to-story "
                         "scorer refitted without its topics (held_out_stories); writes nothing")
    ap.add_argument("--drop", default="",
                    help="comma-separated features held constant (the scorers cannot use them)")
    ap.add_argument("--args", choices=("sentence", "roles"), default=feats.ARGS,
                    help="a mention's arguments: the names in its sentence, or those its "
                         "clause gives as actors and targets (bench/linking_features.ARGS)")
    args = ap.parse_args()
    feats.WITH_CONTEXT = not args.no_context
    feats.ARGS = args.args
    drop = tuple(f for f in args.drop.split(",") if f)
    if set(drop) - set(FEATURES):
        ap.error(f"--drop: unknown feature(s) {sorted(set(drop) - set(FEATURES))}")
    docs, gold, index, groups = training_groups(args.data)
    story_of = index.assignments()
    static = unit_mentions(docs)
    if args.held_out_stories:
        vecs, keys = feats.story_inputs(docs)
        scores = held_out_stories(docs, vecs, keys, [m for ms in groups.values() for m in ms],
                                  static, gold, drop)
        print_grid("held-out stories, CV CoNLL F1,", scores)
        best = max(scores, key=lambda k: (scores[k], k[0] is None))
        print(f"held-out stories: best cuts {best[0]} / {best[1]:.3f}, CV CoNLL F1 {scores[best]:.4f}"
              + (f" (dropped: {', '.join(drop)})" if drop else "") + "; nothing written")
        return 0
    scores = cross_validate(groups, {d.name: d.topic for d in docs}, gold, index.near, story_of,
                            unit_mentions=static, drop=drop)
    best = max(scores, key=lambda k: (scores[k], k[0] is None))
    X, y = masked(pairs(groups.values(), gold), drop)
    print(f"training pairs: {len(y)} ({int(y.sum())} coreferent)")
    model = train(X, y)
    model.doc_threshold, model.threshold = None, best[1]   # the within-document cut: the unit scorer's
    model.save(args.out)
    UX, uy = masked(pairs(by_document(static.values()), gold), drop)
    print(f"within-document pairs: {len(uy)} ({int(uy.sum())} coreferent)")
    unit = train(UX, uy)
    unit.doc_threshold = unit.threshold = best[0]
    unit.save(args.unit_out)
    print_grid("cross-validated CoNLL F1,", scores)
    print(f"cuts: within-document {unit.doc_threshold}, join {model.threshold:.3f} "
          f"(CV CoNLL F1 {scores[best]:.4f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))
    print("unit scorer weights " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, unit.weights)))
    if args.compare:
        before = cross_validate(groups, {d.name: d.topic for d in docs}, gold, index.near, story_of)
        print_grid("model's vectors, incident scorer:", before)
    print(f"wrote {args.out}, {args.unit_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
