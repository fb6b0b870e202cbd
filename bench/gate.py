"""Quality gate: run the bench modules and fail when a metric drops below its floor.

Each bench module (bench/<name>.py) exposes ``run(shared: Path) -> dict[str, float]``.
Floors live in bench/floors.json as {"metric_name": floor, ...}. A metric belongs to a
module when the module returns it, or, if the module is missing or broken, when its name
is the module's name or starts with "<module>_" (so "seed_fields" belongs to seed).

    python bench/gate.py                      # all modules; exit 1 if any value < floor
    python bench/gate.py --only seed,extraction
    python bench/gate.py --print-floors       # suggested floors from the current values

A floor whose module is missing, raises, or does not return the metric is a FAIL.
A metric without a floor is printed and not judged. When shared/ is absent the gate
prints "shared/ absent: gate skipped" and exits 0.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLOORS = HERE / "floors.json"
MODULES = ("seed", "extraction", "places", "times", "statements", "events", "factuality", "sources",
           "calibration", "linking", "throughput")

sys.path.insert(0, str(HERE))
from _shared import shared_dir  # noqa: E402  bench/_shared.py


def load_floors(path: Path = FLOORS) -> dict[str, float]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.items() if not k.startswith("_")}


def owner(metric: str, modules: list[str]) -> str | None:
    """The module a metric belongs to by name (longest matching prefix)."""
    best = None
    for m in modules:
        if metric == m or metric.startswith(m + "_"):
            if best is None or len(m) > len(best):
                best = m
    return best


def run_module(name: str, shared: Path) -> tuple[dict[str, float] | None, str, float]:
    """(metrics or None, status, seconds). status: ok, missing, or an error line."""
    t0 = time.perf_counter()
    if not (HERE / f"{name}.py").exists() and not (HERE / name / "__init__.py").exists():
        return None, "missing", 0.0
    try:
        mod = importlib.import_module(name)
        values = mod.run(shared)
    except Exception as exc:  # a broken module must not hide the other results
        traceback.print_exc()
        return None, f"error: {type(exc).__name__}: {exc}", time.perf_counter() - t0
    out = {}
    for k, v in (values or {}).items():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out[str(k)] = float(v)
    return out, "ok", time.perf_counter() - t0


def suggest(value: float) -> float:
    """Suggested floor: the value rounded down to 2 decimals, minus 0.01, never below 0."""
    return max(0.0, round(math.floor(value * 100 + 1e-9) / 100 - 0.01, 2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="newsdesk quality gate")
    ap.add_argument("--only", help="comma-separated bench modules to run (default: all)")
    ap.add_argument("--print-floors", action="store_true",
                    help="print suggested floors (current values rounded down to 2 decimals minus 0.01)")
    ap.add_argument("--floors", type=Path, default=FLOORS, help="floors file (default bench/floors.json)")
    ap.add_argument("--shared", type=Path, help="the shared/ folder (default: NEWSDESK_SHARED or ../shared)")
    args = ap.parse_args(argv)

    shared = args.shared if args.shared else shared_dir()
    if shared is None or not Path(shared).is_dir():
        print("shared/ absent: gate skipped")
        return 0
    shared = Path(shared)

    modules = [m.strip() for m in args.only.split(",") if m.strip()] if args.only else list(MODULES)
    floors = load_floors(args.floors)

    values: dict[str, float] = {}
    produced_by: dict[str, str] = {}
    status: dict[str, str] = {}
    for name in modules:
        vals, st, secs = run_module(name, shared)
        status[name] = st
        print(f"[{name}] {st}" + (f" ({secs:.1f}s)" if secs else ""), file=sys.stderr)
        for k, v in (vals or {}).items():
            values[k] = v
            produced_by[k] = name

    # Which floors are judged: those of the modules we ran. Without --only, every floor.
    judged = {}
    for metric, floor in floors.items():
        mod = produced_by.get(metric) or owner(metric, list(MODULES) + modules)
        if args.only and mod not in modules:
            continue
        judged[metric] = (floor, mod)

    rows = []   # (metric, value, floor, ok-text)
    failed = 0
    for metric in sorted(set(values) | set(judged)):
        value = values.get(metric)
        floor, mod = judged.get(metric, (None, produced_by.get(metric)))
        if floor is None:
            rows.append((metric, value, None, ""))
            continue
        if value is None:
            why = status.get(mod or "", "not run") if mod else "no module"
            if why == "ok":
                why = "not returned"
            rows.append((metric, None, floor, f"FAIL ({mod or '?'}: {why})"))
            failed += 1
        elif value < floor:
            rows.append((metric, value, floor, "FAIL"))
            failed += 1
        else:
            rows.append((metric, value, floor, "ok"))

    w = max([len("metric")] + [len(r[0]) for r in rows])
    print(f"{'metric':<{w}} | {'value':>7} | {'floor':>7} | ok")
    print(f"{'-' * w}-+-{'-' * 7}-+-{'-' * 7}-+---")
    for metric, value, floor, ok in rows:
        v = "-" if value is None else f"{value:.4f}"
        f = "-" if floor is None else f"{floor:.4f}"
        print(f"{metric:<{w}} | {v:>7} | {f:>7} | {ok}")

    if args.print_floors:
        print("\nsuggested floors (value rounded down to 2 decimals, minus 0.01):")
        print(json.dumps({k: suggest(v) for k, v in sorted(values.items())}, indent=2))
        return 0

    print(f"\ngate: {'FAIL' if failed else 'PASS'} ({failed} metric(s) below floor or missing, "
          f"{len(judged)} floor(s) checked)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
