"""Experiment: fine-tune MiniLM's top layers for event mentions, judged by nested CV by topic.

The incident scorer's ``trigger_cos`` feature compares trigger-span vectors of the frozen
all-MiniLM-L6-v2 (link.embed ``encode_words``). Here only the top ``--layers`` transformer
layers are trained (the lower ones stay frozen: their token states are computed once with
the shipped numpy encoder, ``Encoder._forward(..., states=[])``), on the ECB+ training
topics' mentions, with a pairwise loss inside each topic: binary cross-entropy on the
scaled cosine of two mentions' span vectors, coreferent pairs pulled together, the
topic's other pairs pushed apart, same-lemma negatives and other-lemma positives weighted
up (the scorer's two largest error classes).

Nested CV, the same 5 folds of topics as scripts/train_incident_scorer.py: for each fold
the layers are tuned on the other folds' topics, every mention's span vector recomputed
with them, the pair scorer retrained on the training folds' pairs with those vectors and
the linker replayed on the held-out fold (bench/linking.py ``link_mentions``), over the
same grid of cuts; the frozen vectors are scored the same way in the same run. With
``--fit-vectors oof`` the scorer's training vectors are themselves out-of-fold (the
training folds split in two, each half's vectors from layers tuned on the other half), so
the scorer is not fitted to in-sample cosines it will not see at run time.

torch is needed here only (``pip install torch==2.13.0``, the CPU build); nothing at run
time imports it. ``--out FILE`` also writes the layers tuned on every training topic as
float16 safetensors, dense weights (in, out) as the encoder keeps them: at
src/newsdesk/data/event_top.safetensors link.embed reads them for the trigger vectors
(``--folds 0 --out FILE`` skips the CV). ECB+ annotation is CC BY 3.0.

    nice -n 10 python scripts/train_mention_encoder.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))
# tuned from the frozen model: its vectors are the baseline, whatever top layers ship
os.environ["NEWSDESK_EVENT_TOP"] = "off"

import coref_metrics as cm  # noqa: E402
import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
from linking import incident_groups, link_mentions, place_mentions, story_index  # noqa: E402
from train_incident_scorer import CUTS, DOC_CUTS, FOLDS, grouped, pairs  # noqa: E402

from newsdesk.link.embed import encoder  # noqa: E402
from newsdesk.link.incidents import train  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# --- frozen lower layers ---------------------------------------------------------------

@dataclasses.dataclass
class Sent:
    topic: int
    states: np.ndarray          # (T, 384): the input of the first tuned layer
    keys: list                  # mention keys in this sentence
    positions: list             # per mention: its word pieces' token positions


def lower_states(docs, n_top: int) -> list[Sent]:
    """Every mention sentence's token states below the tuned layers (numpy, one sentence
    at a time, as ``encode_words`` runs them) and its mentions' word-piece positions."""
    enc = encoder()
    rows = []
    for d in docs:
        by_sent: dict[int, list] = {}
        for m in d.mentions:
            by_sent.setdefault(m.sentence, []).append(m)
        for s, ms in sorted(by_sent.items()):
            rows.append((d, d.sentences[s], ms))
    encs = enc.tok.encode_batch([r[1] for r in rows], is_pretokenized=True)
    out = []
    for (d, _, ms), e in zip(rows, encs):
        ids = np.asarray(e.ids or [0], dtype=np.int64)[None]
        states: list = []
        enc._forward(ids, np.ones(ids.shape, dtype=np.float32), states=states)
        x = states[enc.layers - n_top][0].astype(np.float32)
        pos = [[p for p, w in enumerate(e.word_ids) if w is not None and m.start <= w < m.end]
               for m in ms]
        out.append(Sent(d.topic, np.ascontiguousarray(x), [(m.doc, m.m_id) for m in ms], pos))
    return out


# --- the tuned top -------------------------------------------------------------------------

def top_layers(n_top: int):
    """A torch module holding MiniLM's top ``n_top`` layers, initialised from the packaged
    weights (the same operations as ``Encoder._forward``)."""
    import torch
    import torch.nn.functional as F

    enc = encoder()
    first = enc.layers - n_top

    class Top(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.names = []
            for i in range(first, enc.layers):
                p = f"encoder.layer.{i}."
                for k, v in enc.w.items():
                    if k.startswith(p):
                        name = k.replace(".", "__")
                        self.register_parameter(name, torch.nn.Parameter(torch.tensor(v)))
                        self.names.append(k)
            self.h, self.eps = enc.heads, enc.eps

        def p(self, k):
            return getattr(self, k.replace(".", "__"))

        def forward(self, x, mask):   # x (n, T, dim), mask (n, T) 1 for real tokens
            n, t, dim = x.shape
            h, d = self.h, dim // self.h
            bias = ((1.0 - mask) * -1e9)[:, None, None, :]
            for i in range(first, enc.layers):
                P = lambda s: self.p(f"encoder.layer.{i}.{s}")  # noqa: E731
                def proj(s):
                    # the encoder keeps dense weights as (in, out)
                    return (x @ P(f"attention.self.{s}.weight") + P(f"attention.self.{s}.bias")
                            ).view(n, t, h, d).transpose(1, 2)
                q, k, v = proj("query"), proj("key"), proj("value")
                a = torch.softmax(q @ k.transpose(-1, -2) / d ** 0.5 + bias, -1) @ v
                a = a.transpose(1, 2).reshape(n, t, dim)
                o = a @ P("attention.output.dense.weight") + P("attention.output.dense.bias") + x
                x1 = F.layer_norm(o, (dim,), P("attention.output.LayerNorm.weight"),
                                  P("attention.output.LayerNorm.bias"), self.eps)
                f = F.gelu(x1 @ P("intermediate.dense.weight") + P("intermediate.dense.bias"))
                f = f @ P("output.dense.weight") + P("output.dense.bias") + x1
                x = F.layer_norm(f, (dim,), P("output.LayerNorm.weight"),
                                 P("output.LayerNorm.bias"), self.eps)
            return x

    return Top()


def batch(sents: list[Sent]):
    import torch
    T = max(s.states.shape[0] for s in sents)
    x = np.zeros((len(sents), T, sents[0].states.shape[1]), dtype=np.float32)
    mask = np.zeros((len(sents), T), dtype=np.float32)
    for i, s in enumerate(sents):
        x[i, :len(s.states)] = s.states
        mask[i, :len(s.states)] = 1.0
    return torch.from_numpy(x), torch.from_numpy(mask)


def span_vectors(model, sents: list[Sent]):
    """Each mention's span vector (mean of its word pieces' top states, unit length) as a
    torch (m, dim) tensor, with the mention keys in the same order."""
    import torch
    x, mask = batch(sents)
    y = model(x, mask)
    vecs, keys = [], []
    for i, s in enumerate(sents):
        for key, pos in zip(s.keys, s.positions):
            v = y[i, pos].mean(0) if pos else torch.zeros(y.shape[-1])
            vecs.append(v)
            keys.append(key)
    V = torch.stack(vecs)
    return V / V.norm(dim=-1, keepdim=True).clamp_min(1e-12), keys


def encode_all(model, sents: list[Sent], chunk: int = 64) -> dict:
    """Mention key -> tuned span vector (numpy, unit length)."""
    import torch
    out = {}
    with torch.no_grad():
        order = sorted(range(len(sents)), key=lambda i: sents[i].states.shape[0])
        for a in range(0, len(order), chunk):
            V, keys = span_vectors(model, [sents[i] for i in order[a:a + chunk]])
            out.update(zip(keys, V.numpy().astype(np.float32)))
    return out


def fine_tune(sents: list[Sent], gold: dict, lemma: dict, args, seed: int = 0):
    """The top layers tuned on these sentences' mentions (pairs inside a topic only)."""
    import torch
    import torch.nn.functional as F
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = top_layers(args.layers)
    scale = torch.nn.Parameter(torch.tensor(10.0))
    shift = torch.nn.Parameter(torch.tensor(0.5))
    opt = torch.optim.AdamW([*model.parameters(), scale, shift], lr=args.lr, weight_decay=0.01)
    by_topic = defaultdict(list)
    for s in sents:
        by_topic[s.topic].append(s)
    for epoch in range(args.epochs):
        steps = []
        for ss in by_topic.values():
            idx = rng.permutation(len(ss))
            for a in range(0, len(idx), args.batch):
                steps.append([ss[i] for i in idx[a:a + args.batch]])
        rng.shuffle(steps)
        total = 0.0
        for chunk in steps:
            V, keys = span_vectors(model, chunk)
            if len(keys) < 2:
                continue
            g = np.array([gold[k] for k in keys], dtype=object)
            lem = np.array([lemma[k] for k in keys], dtype=object)
            Y = g[:, None] == g[None, :]
            L = lem[:, None] == lem[None, :]
            iu = np.triu_indices(len(keys), 1)
            y, same = Y[iu], L[iu]
            # balanced classes, the hard ones (other-lemma positives, same-lemma negatives) up
            w = np.where(y, 0.5 / max(y.sum(), 1), 0.5 / max((~y).sum(), 1))
            w *= np.where(y != same, args.hard, 1.0)
            w *= len(w) / w.sum()
            C = (V @ V.T)[iu]
            loss = F.binary_cross_entropy_with_logits(
                scale * (C - shift), torch.from_numpy(y.astype(np.float32)),
                weight=torch.from_numpy(w.astype(np.float32)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        log(f"    epoch {epoch + 1}: loss {total / max(len(steps), 1):.4f}")
    return model


# --- nested CV ------------------------------------------------------------------------------

def with_vectors(groups: dict, vec: dict) -> dict:
    return {gid: [dataclasses.replace(m, vec=vec[m.key]) for m in ms] for gid, ms in groups.items()}


def fold_scores(groups: dict, held: set, topic_of: dict, gold: dict, near: dict, story_of: dict,
                fit_groups: dict | None = None, doc_cuts=DOC_CUTS) -> dict:
    """CoNLL F1 per (within-document cut, cut) on one held-out fold, exactly as
    train_incident_scorer.cross_validate scores a fold; ``fit_groups`` (default
    ``groups``) holds the vectors the scorer is trained on."""
    fit_groups = groups if fit_groups is None else fit_groups
    fit = [ms for ms in fit_groups.values() if topic_of[ms[0].doc] not in held]
    test = [m for ms in groups.values() if topic_of[ms[0].doc] in held for m in ms]
    docs = {m.doc for m in test}
    arrivals = {d: s for d, s in near.items() if d in docs}
    model = train(*pairs(fit, gold))
    g = {m.key: gold[m.key] for m in test}
    out = {}
    for doc_cut in doc_cuts:
        for cut in CUTS:
            model.doc_threshold, model.threshold = doc_cut, float(cut)
            pred = link_mentions(test, arrivals, story_of, model=model)
            out[doc_cut, float(cut)] = cm.conll_f1(g, pred)["conll"]
    return out


def report(name: str, per_fold: list[dict]) -> tuple:
    mean = {k: float(np.mean([f[k] for f in per_fold])) for k in per_fold[0]}
    best = max(mean, key=lambda k: (mean[k], k[0] is None))
    log(f"{name}: CV CoNLL F1 {mean[best]:.4f} at cuts {best} (folds "
        + ", ".join(f"{f[best]:.3f}" for f in per_fold) + ")")
    return mean[best], best


def prepare(data: Path, n_top: int, cache: Path | None):
    """The training topics as train_incident_scorer sees them (stories, neighbourhoods,
    mentions with the shipped vectors) and the sentences' frozen lower states; kept in
    ``cache`` (a pickle) when given, since the spaCy and encoder passes take minutes."""
    import pickle
    if cache and cache.is_file():
        with open(cache, "rb") as f:
            return pickle.load(f)
    docs = ecb.train_docs(data)
    gold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    topic_of = {d.name: d.topic for d in docs}
    vecs, keys = feats.story_inputs(docs)
    index = story_index(docs, vecs, keys)
    ms = feats.mentions(docs)
    story_of = index.assignments()
    place_mentions(ms, docs, vecs, story_of)
    groups = grouped(ms, incident_groups(docs, vecs, keys, index))
    out = (docs, gold, topic_of, index.near, story_of, ms, groups, lower_states(docs, n_top))
    if cache:
        with open(cache, "wb") as f:
            pickle.dump(out, f)
    return out


def dev(args, sents, groups, gold, lemma, cuts) -> None:
    """The dev topics once, as bench/linking.py scores them (own stories and gold
    subtopics), with the shipped scorer and frozen vectors beside."""
    from newsdesk.link.incidents import scorer
    model = fine_tune(sents, gold, lemma, args, seed=99)
    fit = with_vectors(groups, encode_all(model, sents))
    pair_model = train(*pairs(fit.values(), gold))
    pair_model.doc_threshold, pair_model.threshold = cuts
    data = args.data
    docs = ecb.read(data, ecb.parse_topics("dev", ecb.available_topics(data)))
    dgold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    vecs, keys = feats.story_inputs(docs)
    index = story_index(docs, vecs, keys)
    story_of = index.assignments()
    ms = feats.mentions(docs)
    vec = encode_all(model, lower_states(docs, args.layers))
    tms = [dataclasses.replace(m, vec=vec[m.key]) for m in ms]
    gold_story = {d.name: d.subtopic for d in docs}
    for name, stories in (("own stories", story_of), ("gold subtopics", gold_story)):
        near = index.near if stories is story_of else {d: {gold_story[d]} for d in index.near}
        place_mentions(ms, docs, vecs, stories)
        place_mentions(tms, docs, vecs, stories)
        f = cm.conll_f1(dgold, link_mentions(ms, near, stories, model=scorer()))["conll"]
        t = cm.conll_f1(dgold, link_mentions(tms, near, stories, model=pair_model))["conll"]
        log(f"dev, {name}: CoNLL F1 shipped {f:.4f}, tuned top layers {t:.4f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--layers", type=int, default=1, help="top layers tuned (1 or 2)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch", type=int, default=48, help="sentences per step (one topic)")
    ap.add_argument("--hard", type=float, default=2.0, help="weight of the hard pairs")
    ap.add_argument("--fit-vectors", choices=("tuned", "oof"), default="tuned",
                    help="the scorer's training vectors: from the fold's tuned layers, or "
                         "out-of-fold inside the training folds (two more tunings per fold)")
    ap.add_argument("--doc-cuts", default="all",
                    help="within-document cuts searched: all (train_incident_scorer's grid) "
                         "or a list like 0.45,0.5,0.55 (cheaper; the same for both sides)")
    ap.add_argument("--folds", type=int, default=FOLDS, help="how many of the folds to run")
    ap.add_argument("--cuts", default="0.45,0.25",
                    help="with --folds 0 --dev: the within-document and join cuts (a CV run's)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", type=Path, help="keep the prepared topics in this pickle "
                                              "(per --layers; the mentions' groups key it)")
    ap.add_argument("--dev", action="store_true",
                    help="after the CV: tune on every training topic, retrain the scorer with "
                         "the tuned vectors at the CV's cuts and score the dev topics once, "
                         "beside the shipped linker in the same run")
    ap.add_argument("--out", type=Path, help="also tune on every training topic and write "
                                            "the layers here (float16 safetensors)")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    docs, gold, topic_of, near, story_of, ms, groups, sents = prepare(args.data, args.layers, args.cache)
    lemma = {m.key: m.lemma for m in ms}
    log(f"{len(docs)} documents, {len(ms)} mentions, {len(sents)} sentences "
        f"({time.perf_counter() - t0:.0f} s)")

    # the frozen top reproduces the shipped vectors (the check that the torch layers are the
    # encoder's)
    frozen = encode_all(top_layers(args.layers), sents)
    err = max(float(np.abs(frozen[m.key] - m.vec).max()) for m in ms)
    log(f"frozen torch top vs shipped span vectors: max abs difference {err:.2e}")

    doc_cuts = DOC_CUTS if args.doc_cuts == "all" else tuple(
        None if c == "none" else float(c) for c in args.doc_cuts.split(","))
    topics = sorted(set(topic_of.values()))
    base, tuned = [], []
    for k in range(min(args.folds, FOLDS)):
        held = set(topics[k::FOLDS])
        fit_topics = [t for t in topics if t not in held]
        t1 = time.perf_counter()
        base.append(fold_scores(groups, held, topic_of, gold, near, story_of, doc_cuts=doc_cuts))
        log(f"fold {k + 1}: held topics {sorted(held)}; frozen scored "
            f"({time.perf_counter() - t1:.0f} s)")
        model = fine_tune([s for s in sents if s.topic not in held], gold, lemma, args, seed=k)
        vec = encode_all(model, sents)
        fit_groups = None
        if args.fit_vectors == "oof":
            oof = {}
            halves = (set(fit_topics[0::2]), set(fit_topics[1::2]))
            for a, b in (halves, halves[::-1]):
                m_half = fine_tune([s for s in sents if s.topic in a], gold, lemma, args, seed=k)
                v_half = encode_all(m_half, [s for s in sents if s.topic in b])
                oof.update(v_half)
            fit_groups = with_vectors(groups, {**vec, **oof})
        tg = with_vectors(groups, vec)
        tuned.append(fold_scores(tg, held, topic_of, gold, near, story_of, fit_groups, doc_cuts))
        b_best = max(base[-1].values())
        t_best = max(tuned[-1].values())
        log(f"fold {k + 1}: best-cut CoNLL frozen {b_best:.4f} tuned {t_best:.4f} "
            f"({time.perf_counter() - t1:.0f} s)")
    log(f"settings: layers {args.layers}, epochs {args.epochs}, lr {args.lr}, batch {args.batch}, "
        f"hard {args.hard}, fit vectors {args.fit_vectors}, "
        f"within-document cuts {doc_cuts}")
    if base:
        b, _ = report("frozen MiniLM (shipped)", base)
        t, best_cuts = report("tuned top layers", tuned)
        log(f"gain {t - b:+.4f} ({time.perf_counter() - t0:.0f} s)")
    else:   # --folds 0: the cuts a previous run's CV chose
        a, c = args.cuts.split(",")
        best_cuts = (None if a == "none" else float(a), float(c))

    if args.dev:
        dev(args, sents, groups, gold, lemma, best_cuts)
    if args.out:
        from safetensors.numpy import save_file
        model = fine_tune(sents, gold, lemma, args, seed=99)
        save_file({k: model.p(k).detach().numpy().astype(np.float16) for k in model.names},
                  str(args.out))
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
