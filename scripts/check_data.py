#!/usr/bin/env python3
"""Load every data file through the strict loaders the app uses; print OK or the DataError.

Usage: python scripts/check_data.py [--data DIR]

Exit 0 when everything loads (with a short summary of what was loaded), 1 with the
DataError (naming the file and the key) when something doesn't.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.engine import load_analyzer  # noqa: E402
from app.engine.rules import CATEGORIES  # noqa: E402
from app.loader import DataError  # noqa: E402
from app.paths import DATA_DIR  # noqa: E402


def check(data_dir: Path) -> list[str]:
    """Load engine and dialogue data from data_dir; a summary line per part, or DataError."""
    from app.dialogue.catalog import load_catalog
    from app.dialogue.conversations import load_conversations

    analyzer = load_analyzer(data_dir)
    per_category = Counter(rule.category for rule in analyzer.rules.rules)
    empty = [category for category in CATEGORIES if not per_category[category]]
    if empty:
        raise DataError(data_dir / "rules", "", f"no rules for categories: {', '.join(empty)}")
    cues = Counter(cue.principle for cue in analyzer.strengths.rules)
    missing = sorted(analyzer.guide.principle_ids - set(cues))
    if missing:
        raise DataError(data_dir / "strengths.toml", "", f"no strength cues for: {', '.join(missing)}")
    catalog = load_catalog(data_dir)
    conversations = load_conversations(data_dir / "conversations")
    return [
        f"rules: {len(analyzer.rules.rules)} ("
        + ", ".join(f"{category} {per_category[category]}" for category in CATEGORIES)
        + ")",
        f"strength cues: {len(analyzer.strengths.rules)} ("
        + ", ".join(f"{principle} {count}" for principle, count in sorted(cues.items()))
        + ")",
        f"safety cues: {len(analyzer.safety.cues)}",
        f"scenarios: {len(catalog.scenarios)}, golden conversations: {len(conversations)}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="data directory (default: shipped)")
    args = parser.parse_args()
    try:
        summary = check(args.data)
    except DataError as exc:
        print(f"ERROR {exc}")
        return 1
    for line in summary:
        print(f"  {line}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
