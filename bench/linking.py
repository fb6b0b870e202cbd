"""Linking bench: stories and cross-document event coreference on ECB+, duplicate families
on generated wire copies of the AEB pages.

    python bench/linking.py --data ../shared/bench/ecbplus --topics dev --predictions out.jsonl
    python bench/linking.py --data DIR --topics train --tune-stories   # how stories.py was tuned
    python bench/linking.py --families ../shared/bench/aeb
    python bench/linking.py --overhead ../shared/bench/aeb --stored 1000 [--db URL]

ECB+ part: the system clusters the documents into stories itself (no gold topic or
subtopic), then clusters the gold event mentions (ACTION_* / NEG_ACTION_* in the validated
sentences) as the linker does (``link_mentions``: articles in arrival order, each
article's events grouped within the article first, each group joining the incident of its
story or of a story it nearly joined with the best mean chance) with the learned incident
scorer; offline average linkage inside each story neighbourhood is printed beside. Story
merges (link.story_merge) and splits (link.story_split) run as in the linker; the
figures without splits are printed beside (``--no-story-splits``: none). Prints
CoNLL F1 (mean of MUC, B3, CEAF-e, singletons included) for the mentions and B3 F1 of the
stories against the gold subtopics, beside the same-head-lemma baseline given the gold subtopics, measured
in the same run. ``--gold-stories`` (on by default) also clusters the mentions inside the
gold subtopics, which measures the incident scorer apart from the story clustering. Runs
on any directory of the ECB+ layout (whatever topics it holds).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import coref_metrics as cm  # noqa: E402
import ecbplus_data as ecb  # noqa: E402


def story_index(docs, vecs, keys, merges: bool = True, splits: bool = True, **params):
    """Online story clustering in a fixed shuffled arrival order (ECB+ has no dates); with
    ``merges`` (as link.Linker), the learned merge step after each article
    (link.story_merge), then with ``splits`` the split step (link.story_split). Kept per
    document for ``link_mentions``: its story once its steps are done (``story_at``),
    that and the stories it passed (``near``, merged-away ones by their survivor) and
    what its steps did (``steps``: ("merge", gone, survivor) and ("split", story, new
    story, moved documents))."""
    from newsdesk.link.stories import StoryIndex
    from newsdesk.link.story_merge import merge_step
    from newsdesk.link.story_split import split_step
    index = StoryIndex(**params)
    order = list(range(len(docs)))
    random.Random(14).shuffle(order)
    index.near, index.story_at, index.steps = {}, {}, {}

    def survivor(s):
        while s in index.merged:
            s = index.merged[s]
        return s

    for i in order:
        name = docs[i].name
        sid = index.add(name, vecs[i], keys[i])
        passed = set(index.passed)
        before = len(index.merged)
        if merges:
            sid = merge_step(index, sid, keys[i])
        index.steps[name] = [("merge", g, k) for g, k in list(index.merged.items())[before:]]
        if splits:
            index.steps[name] += [("split",) + s for s in split_step(index, sid)]
            sid = index.of[name]
        index.story_at[name] = sid
        index.near[name] = {sid} | {survivor(s) for s in passed}
    return index


def cluster_stories(docs, vecs, keys, **params) -> dict[str, str]:
    return story_index(docs, vecs, keys, **params).assignments()


def incident_groups(docs, vecs, keys, index) -> dict[str, str]:
    """Document -> the story neighbourhood its mentions are clustered in."""
    from newsdesk.link.incidents import neighbourhoods
    return neighbourhoods(index, [(d.name, v, k, None) for d, v, k in zip(docs, vecs, keys)])


def place_mentions(mentions, docs, vecs, story_of: dict[str, str]) -> None:
    """Give each mention its article's lead vector and story (two of the pair features)."""
    lead = {d.name: v for d, v in zip(docs, vecs)}
    for m in mentions:
        m.doc_vec, m.story = lead[m.doc], story_of[m.doc]


def cluster_mentions(mentions, group_of: dict[str, str], threshold=None, model=None) -> dict:
    """Incidents within each group of documents: mention key -> "group/cluster"."""
    from newsdesk.link.incidents import cluster
    groups = defaultdict(list)
    for m in mentions:
        groups[group_of[m.doc]].append(m)
    out = {}
    for sid, ms in groups.items():
        for m, lab in zip(ms, cluster(ms, model=model, threshold=threshold)):
            out[m.key] = f"{sid}/{lab}"
    return out


def link_mentions(mentions, near: dict[str, set[str]], story_of: dict[str, str],
                  model=None, steps: dict | None = None, merge_cut=..., unit_mentions=None,
                  unit_model=None) -> dict:
    """The linker's incident decisions replayed (link.linker.Linker._link_events): the
    articles in arrival order (``near``'s order: each article's story and the stories it
    passed, as the story index saw them on arrival); each article's events, in units
    (incidents.assign: units, then best_incident), join the likeliest incident of those
    stories holding another article's mention or start one. ``steps`` (story merges and
    splits, see ``story_index``): before an article's events, a merge its story step made
    moves the gone story's incidents and its articles' mentions to the survivor (as
    Linker._merged), a split the incidents the moved articles started and their mentions
    to the new story (as Linker._split); ``story_of`` is each article's story then.
    After an article's units, the incidents they touched may merge with others of those
    stories (link.incident_merge at ``merge_cut``, its shipped CUT unless given; as
    Linker._merge_incidents). Mention key -> incident."""
    from newsdesk.link.incident_merge import merges
    from newsdesk.link.incidents import assign, scorer, unit_scorer, units
    model = model or scorer()
    by_doc = defaultdict(list)
    for m in mentions:
        by_doc[m.doc].append(m)
    members: dict[str, list] = {}
    of_story = defaultdict(list)
    made: dict[str, int] = {}   # incident -> when it started
    founder: dict[str, str] = {}   # incident -> the article that started it
    now: dict[str, str] = {}    # article -> its story now
    out = {}
    seq = {d: n for n, d in enumerate(near)}
    for doc, stories in near.items():
        for step in (steps or {}).get(doc, ()):
            if step[0] == "split":
                _, old, new, moved = step
                moved = set(moved)
                of_story[new] = [i for i in of_story[old] if founder[i] in moved]
                of_story[old] = [i for i in of_story[old] if founder[i] not in moved]
                for d in moved & set(now):
                    now[d] = new
                    for m in by_doc.get(d, ()):
                        m.story = new
                continue
            _, gone, keep = step
            of_story[keep] = sorted(of_story[keep] + of_story.pop(gone, []), key=made.__getitem__)
            for d, s in now.items():
                if s == gone:
                    now[d] = keep
                    for m in by_doc.get(d, ()):
                        m.story = keep
        now[doc] = story_of[doc]
        ms = by_doc.get(doc)
        if not ms:
            continue
        if steps is not None:
            for m in ms:
                m.story = story_of[doc]
        cands = [(iid, [o for o in members[iid] if o.doc != doc])
                 for s in sorted(stories) for iid in of_story[s]]
        touched, fresh = set(), set()
        groups = None
        if unit_mentions is not None:   # the within-document step on the table's vectors
            groups = units([unit_mentions[m.key] for m in ms], unit_model or unit_scorer())
        for u, best in assign(ms, cands, model, groups):
            unit = [ms[i] for i in u]
            if best is None:
                best = f"{doc}:{unit[0].key[1]}"
                made[best] = len(made)
                founder[best] = doc
                members[best] = []
                of_story[story_of[doc]].append(best)
                fresh.add(best)
            members[best] += unit
            touched.add(best)
            out.update((m.key, best) for m in unit)
        if not any(others for _, others in cands):
            continue   # as the linker: nothing compared, nothing to merge
        pool = sorted({i for s in stories for i in of_story[s]}, key=made.__getitem__)
        for gone, keep in merges({i: members[i] for i in pool}, touched & set(pool), fresh,
                                 model, merge_cut):
            members[keep] = sorted(members[keep] + members.pop(gone), key=lambda m: seq[m.doc])
            for s in of_story.values():
                if gone in s:
                    s.remove(gone)
            for m in members[keep]:
                out[m.key] = keep
    return out


def lemma_baseline(mentions, group_of: dict[str, str]) -> dict:
    """Same head lemma inside the same document group: one cluster."""
    return {m.key: f"{group_of[m.doc]}/{m.lemma}" for m in mentions}


def evaluate(data: Path, topics: list[int], predictions: Path | None = None,
             log=print, gold_stories: bool = True, merges: bool = True,
             splits: bool = True, gold_topics: bool = False) -> dict[str, float]:
    """Scores with the system's own stories and, with ``gold_stories``, also clustering
    the mentions inside the gold subtopics (the incident scorer alone, as the published
    lemma baseline is measured); with ``gold_topics``, inside the gold topics too (both
    subtopics of a topic as one story: how much the incidents owe the story split)."""
    import linking_features as feats
    t0 = time.perf_counter()
    docs = ecb.read(data, topics)
    if not docs:
        raise SystemExit(f"{data}: no documents for topics {topics}")
    vecs, keys = feats.story_inputs(docs)
    gold_story = {d.name: d.subtopic for d in docs}
    mentions = feats.mentions(docs)
    # what the within-document step reads: the same mentions on the static table's vectors
    from newsdesk.link.embed import table_encoder
    static = {m.key: m for m in feats.mentions(docs, words=table_encoder().table_words)}
    gold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    anchor = None
    if splits:   # the anchor: the same inputs, stories without splits (cheap: no encoding)
        index = story_index(docs, vecs, keys, merges=merges, splits=False)
        place_mentions(mentions, docs, vecs, index.assignments())
        pred0 = link_mentions(mentions, index.near, index.story_at, steps=index.steps,
                              unit_mentions=static)
        anchor = (cm.b_cubed(gold_story, index.assignments()), cm.conll_f1(gold, pred0))
    index = story_index(docs, vecs, keys, merges=merges, splits=splits)
    story_of = index.assignments()
    place_mentions(mentions, docs, vecs, story_of)
    # the stories as the linker saw them: each article's on arrival, merges and splits
    # as they came
    pred = link_mentions(mentions, index.near, index.story_at, steps=index.steps,
                         unit_mentions=static)
    # for comparison: offline average linkage in each story neighbourhood (not shipped)
    pred_avg = cluster_mentions(mentions, incident_groups(docs, vecs, keys, index))

    def linked_in(scope: dict[str, str]) -> dict:
        """The linker replayed with ``scope`` (article -> group) as the stories, and no
        neighbourhoods."""
        place_mentions(mentions, docs, vecs, scope)
        return link_mentions(mentions, {d: {scope[d]} for d in index.near}, scope,
                             unit_mentions=static)

    pred_gold = linked_in(gold_story) if gold_stories else None
    pred_topic = base_topic = None
    if gold_topics:
        gold_topic = {d.name: str(d.topic) for d in docs}
        pred_topic, base_topic = linked_in(gold_topic), lemma_baseline(mentions, gold_topic)
    base_gold = lemma_baseline(mentions, gold_story)
    base_pred = lemma_baseline(mentions, story_of)
    seconds = time.perf_counter() - t0
    if predictions:
        with open(predictions, "w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps({"doc": d.name, "story": story_of[d.name]}) + "\n")
            for (doc, mid), c in sorted(pred.items()):
                f.write(json.dumps({"doc": doc, "m_id": mid, "cluster": c}) + "\n")
    s = cm.b_cubed(gold_story, story_of)
    ours, lem, lem_pred = cm.conll_f1(gold, pred), cm.conll_f1(gold, base_gold), cm.conll_f1(gold, base_pred)
    avg = cm.conll_f1(gold, pred_avg)
    rows = [("newsdesk (own stories)", ours)]
    if pred_gold is not None:
        ours_gold = cm.conll_f1(gold, pred_gold)
        rows.append(("newsdesk | gold subtopics", ours_gold))
    if pred_topic is not None:
        rows.append(("newsdesk | gold topics", cm.conll_f1(gold, pred_topic)))
    rows.append(("offline avg-link (own)", avg))
    rows += [("lemma | gold subtopics", lem), ("lemma | own stories", lem_pred)]
    if base_topic is not None:
        rows.append(("lemma | gold topics", cm.conll_f1(gold, base_topic)))
    log(f"ECB+ topics {','.join(map(str, topics))}: {len(docs)} documents, {len(gold)} event mentions"
        f" ({seconds:.0f} s)")
    log(f"  stories vs gold subtopics   B3 P {s[0]:.3f} R {s[1]:.3f} F1 {s[2]:.3f}"
        f"  ({len(set(story_of.values()))} stories, {len(set(gold_story.values()))} gold)")
    if anchor is not None:
        (p0, r0, f0), ev0 = anchor
        log(f"  without story splits        B3 P {p0:.3f} R {r0:.3f} F1 {f0:.3f}"
            f"  (events CoNLL {ev0['conll']:.3f})")
    log(f"  {'events':<28}{'MUC':>7}{'B3':>7}{'CEAF-e':>8}{'CoNLL':>8}")
    for name, r in rows:
        log(f"  {name:<28}{r['muc']:>7.3f}{r['b3']:>7.3f}{r['ceafe']:>8.3f}{r['conll']:>8.3f}")
    out = {"event_conll": ours["conll"], "event_muc": ours["muc"], "event_b3": ours["b3"],
           "event_ceafe": ours["ceafe"], "story_b3": s[2], "lemma_conll": lem["conll"],
           "lemma_own_stories_conll": lem_pred["conll"], "offline_average_conll": avg["conll"]}
    if pred_gold is not None:
        out["event_gold_stories_conll"] = ours_gold["conll"]
    if anchor is not None:
        out["story_b3_no_splits"], out["event_conll_no_splits"] = anchor[0][2], anchor[1]["conll"]
    return out


def tune_stories(data: Path, topics: list[int], log=print) -> None:
    """The story scorer's threshold curve, cross-validated over the given (training) topics
    (bench/linking_stories.py; scripts/train_story_scorer.py ships the best cut)."""
    import linking_features as feats
    import linking_stories
    docs = ecb.read(data, topics)
    vecs, keys = feats.story_inputs(docs)
    for cut, (p, r, f) in linking_stories.cross_validate(docs, vecs, keys).items():
        log(f"  threshold {cut:.2f}: story B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")


def run(shared: Path) -> dict[str, float]:
    """Gate figures: ECB+ dev topics and the wire-copy families (linking_* keys)."""
    import linking_families
    out = {}
    data = shared / "bench" / "ecbplus"
    if data.is_dir():
        topics = ecb.parse_topics("dev", ecb.available_topics(data))
        out.update(evaluate(data, topics, log=lambda *a: None))
    aeb = shared / "bench" / "aeb"
    if aeb.is_dir():
        fam = linking_families.measure(aeb)
        out.update({"family_f1": fam["family_f1"], "family_exact_f1": fam["exact_f1"]})
    return {f"linking_{k}": v for k, v in out.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a directory in the ECB+ layout")
    ap.add_argument("--topics", default="dev", help="dev, train, all, or a list like 1-5,12")
    ap.add_argument("--predictions", type=Path, help="write the JSON-lines predictions here")
    ap.add_argument("--gold-stories", action=argparse.BooleanOptionalAction, default=True,
                    help="also cluster the mentions inside the gold subtopics and report that "
                         "figure (default on; --no-gold-stories skips it)")
    ap.add_argument("--gold-topics", action="store_true",
                    help="also cluster the mentions inside the gold topics (both subtopics of "
                         "a topic as one story) and report that figure beside")
    ap.add_argument("--story-merges", action=argparse.BooleanOptionalAction, default=True,
                    help="merge stories with the learned story-to-story scorer as the linker "
                         "does (link.story_merge; default on; --no-story-merges: never)")
    ap.add_argument("--story-splits", action=argparse.BooleanOptionalAction, default=True,
                    help="split over-merged stories as the linker does (link.story_split; "
                         "default on, the figures without splits printed beside; "
                         "--no-story-splits: never)")
    ap.add_argument("--incident-merges", action=argparse.BooleanOptionalAction, default=True,
                    help="merge incidents as the linker does (link.incident_merge; default "
                         "on; --no-incident-merges: never, the anchor)")
    ap.add_argument("--tune-stories", action="store_true", help="grid-search the story parameters")
    ap.add_argument("--families", type=Path, help="AEB directory: score duplicate families")
    ap.add_argument("--overhead", type=Path, metavar="AEB",
                    help="AEB directory: time linking against the pipeline per article, with "
                         "--stored articles in the store (bench/linking_overhead.py)")
    ap.add_argument("--stored", type=int, default=1000, help="with --overhead (default 1000)")
    ap.add_argument("--db", help="with --overhead: this store (a SQLite path or a PostgreSQL "
                                 "URL; default a fresh SQLite file)")
    args = ap.parse_args()
    if not args.incident_merges:
        from newsdesk.link import incident_merge
        incident_merge.CUT = None
    if not args.data and not args.families and not args.overhead:
        ap.error("give --data, --families and/or --overhead")
    if args.overhead:
        import linking_overhead
        print(f"Linking overhead ({args.db or 'SQLite'}, {args.stored} stored articles)")
        linking_overhead.measure(args.overhead, stored=args.stored, db=args.db)
    if args.data:
        if not (args.data / "ECB+").is_dir():
            print(f"{args.data}: no ECB+ directory; skipped")
        else:
            topics = ecb.parse_topics(args.topics, ecb.available_topics(args.data))
            if args.tune_stories:
                tune_stories(args.data, topics)
            else:
                evaluate(args.data, topics, args.predictions, gold_stories=args.gold_stories,
                         merges=args.story_merges, splits=args.story_splits,
                         gold_topics=args.gold_topics)
    if args.families:
        import linking_families
        t0 = time.perf_counter()
        r = linking_families.measure(args.families)
        print(f"Duplicate families on {r['pages']} AEB originals and generated copies"
              f" ({time.perf_counter() - t0:.0f} s)")
        print(f"  {'':<22}{'P':>7}{'R':>7}{'F1':>7}")
        print(f"  {'newsdesk MinHash/LSH':<22}{r['family_p']:>7.3f}{r['family_r']:>7.3f}{r['family_f1']:>7.3f}")
        print(f"  {'exact-hash dedup':<22}{r['exact_p']:>7.3f}{r['exact_r']:>7.3f}{r['exact_f1']:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
