"""Fit the events' confidence weights (data/confidence.json) on the PLOVER gold records.

The PLOVER gold-standard records (shared/bench/plover-gsr-dev, CC BY-SA 4.0) are read in
place; each predicted event is labelled right when its type is the sentence's gold type
(bench/calibration.py, the same recipe it cross-validates). Only the "events" entry is
rewritten: the statements' weights are typed by hand (see enrich/confidence.py).

    python scripts/fit_confidence.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    from _shared import shared_dir  # bench/_shared.py
    from calibration import event_rows
    from newsdesk.enrich.confidence import EVENT_FEATURES, fit_logistic

    shared = shared_dir()
    if shared is None or not (shared / "bench" / "plover-gsr-dev").is_dir():
        print("shared/bench/plover-gsr-dev absent: nothing to fit on")
        return 1
    rows = event_rows(shared)
    w = fit_logistic([r["x"] for r in rows], [r["y"] for r in rows])
    path = ROOT / "src" / "newsdesk" / "data" / "confidence.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"] = {
        "source": (f"fitted by scripts/fit_confidence.py on {len(rows)} events predicted on the "
                   "PLOVER gold-standard records (plover-gsr-dev, CC BY-SA 4.0): right = the "
                   "event's type is the sentence's gold type; L2 = 1"),
        "weights": dict(zip(EVENT_FEATURES, w)),
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} events, {sum(r['y'] for r in rows)} right; weights: {data['events']['weights']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
