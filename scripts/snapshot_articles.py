"""Snapshot the pipeline's output, to show that a performance change changes nothing else.

Runs the full pipeline on the sample corpus (examples/corpus, with site templates as
``newsdesk ingest`` learns them), on the GeoWebNews texts and on the AEB pages (read in place
from ../shared or $NEWSDESK_SHARED, skipped when absent) and writes one JSON line per
Article (or PageError) to OUT. Compare two snapshots with ``--diff``:

    python scripts/snapshot_articles.py /tmp/before.jsonl          # on the old code
    python scripts/snapshot_articles.py /tmp/after.jsonl           # on the new code
    python scripts/snapshot_articles.py --diff /tmp/before.jsonl /tmp/after.jsonl

``--diff`` prints the first differing field of each changed record and exits 1 if any.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _records(limit: int | None):
    from _shared import shared_dir
    from newsdesk.extract.templates import TemplateBook
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline
    from newsdesk.sources import read_pages

    pipe = Pipeline(templates=TemplateBook())
    yield from (("corpus", x) for x in pipe.process(read_pages([str(ROOT / "examples" / "corpus")])))
    shared = shared_dir()
    if shared is None:
        return
    import throughput
    texts = throughput.geowebnews_texts(shared)[:limit]
    pipe = Pipeline()
    pages = (RawPage(content=t, source=f"gwn-{i}", format="clean") for i, t in enumerate(texts))
    yield from (("gwn", x) for x in pipe.process(pages))
    aeb = throughput.aeb_pages(shared)[:limit]
    pages = (RawPage(content=data, source=pid, format="html", url=url) for pid, url, data in aeb)
    yield from (("aeb", x) for x in pipe.process(pages))


def _as_dict(item) -> dict:
    return item.to_dict() if hasattr(item, "to_dict") else dataclasses.asdict(item)


def snapshot(out: Path, limit: int | None) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for where, item in _records(limit):
            fh.write(json.dumps({"set": where, "record": _as_dict(item)}, sort_keys=True,
                                ensure_ascii=False, default=str) + "\n")
            n += 1
    print(f"{n} records -> {out}")
    return 0


def _first_difference(a, b, path="") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            d = _first_difference(a.get(k), b.get(k), f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None if len(a) == len(b) else f"{path}: {len(a)} items != {len(b)}"
    return None if a == b else f"{path}: {a!r} != {b!r}"


def diff(before: Path, after: Path) -> int:
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    changed = 0
    if len(old) != len(new):
        print(f"record count differs: {len(old)} != {len(new)}")
        changed += 1
    for i, (x, y) in enumerate(zip(old, new)):
        if x != y:
            changed += 1
            a, b = json.loads(x), json.loads(y)
            src = a["record"].get("source")
            print(f"#{i} {a['set']} {src}: {_first_difference(a, b)}")
    print(f"{min(len(old), len(new))} records compared, {changed} differ")
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="OUT, or BEFORE AFTER with --diff")
    ap.add_argument("--diff", action="store_true", help="compare two snapshots")
    ap.add_argument("--limit", type=int, help="at most this many GeoWebNews and AEB pages each")
    args = ap.parse_args(argv)
    if args.diff:
        if len(args.paths) != 2:
            ap.error("--diff takes BEFORE and AFTER")
        return diff(*args.paths)
    return snapshot(args.paths[0], args.limit)


if __name__ == "__main__":
    sys.exit(main())
