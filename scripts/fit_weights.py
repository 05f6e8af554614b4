#!/usr/bin/env python3
"""Fit the weighted lexicons (data/weighted/harsh.toml, data/weighted/safety.toml).

Usage: python scripts/fit_weights.py [--check]

Each lexicon is a logistic regression over the words and word pairs of a line
(app.engine.weighted.features), fitted in plain Python with a fixed seed, so the same
examples always give the same file. The lines are the project's own, all written for it:

- harsh: every rule's flagged examples, the harsh phrases, the golden rewrites' harsh lines
  and the harsh groups of data/weighted/lines_harsh.toml (positive; none of a category in
  HARSH_LEFT_TO_RULES), against every rule's clean examples, the strength cues' examples,
  the safety cues' clean lines and look-alikes, the warm phrases, the golden rewrites, the
  rehearsal's guide-following lines and the clean groups of lines_harsh.toml;
- safety: every cue's flagged examples, the disclosure table's positives and the disclosure
  groups of data/weighted/lines_safety.toml, against the cues' clean lines, the table's
  negatives, the clean groups of both lines files, every rule example, the phrases, the
  rewrites and the guide-following lines.

The lines_*.toml files hold lines written for the fit alone ([[group]] label, lines).
The eval sets in ../shared/eval are never read. --check exits 1 when the files are stale.
"""

from __future__ import annotations

import argparse
import math
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.dialogue.moves import POSITIVE_MOVES  # noqa: E402
from app.engine.lexicon import load_lexicon  # noqa: E402
from app.engine.normalize import Normalizer  # noqa: E402
from app.engine.rules import CATEGORIES, strip_marks  # noqa: E402
from app.engine.safety import KINDS  # noqa: E402
from app.engine.weighted import FUNCTION_WORDS, PERSON_WORDS, features  # noqa: E402
from app.loader import DataError, read_toml  # noqa: E402

EPOCHS = 12
AVERAGED = 8  # the last epochs whose weights are averaged (see fit)
RATE = 0.2  # the first epoch's step; each later one takes 0.7 of the one before
DECAY = 0.7
L2 = 1e-3
KEEP = 0.5  # smaller weights are left out: they change few answers and cost load time
SEED = 1  # mixed into each line's place in an epoch's order (_order)
# Then, round after round, every line fitted on as clean that the kept weights would still
# flag (within MARGIN of the threshold) takes a step of FIX_RATE down, so that none does.
MARGIN = 0.25
FIX_RATE = 0.05
ROUNDS = 60

# Categories the harsh lexicon is not fitted on. A vague alarm is a handful of set phrases
# ("we need to talk") that the rules name; fitted on them, the lexicon learnt that "talk" is
# harsh and flagged gentle asks ("Do you have time to talk later?").
HARSH_LEFT_TO_RULES = ("vague",)

# (text, target, label of a positive or ""); target 1: positive, 0: clean, GUARDED: clean and
# a line the tests hold clean, which the fit must leave under the threshold.
Example = tuple[str, int, str]
GUARDED = -1


def _rule_examples(data_dir: Path) -> tuple[list[Example], list[str]]:
    """Rules' flagged examples (with their categories) and their clean ones."""
    flagged: list[Example] = []
    clean: list[str] = []
    for path in sorted((data_dir / "rules").glob("*.toml")):
        for rule in read_toml(path).get("rule", []):
            flagged += [(strip_marks(text)[0], 1, rule["category"]) for text in rule["flagged"]]
            clean += rule["clean"]
    return flagged, clean


def _safety_examples(data_dir: Path) -> tuple[list[Example], list[str]]:
    """Cues' flagged examples and the disclosure table's positives (with kinds), and the
    cues' clean lines and the table's negatives."""
    flagged: list[Example] = []
    clean: list[str] = []
    for path in sorted((data_dir / "safety").glob("*.toml")):
        for cue in read_toml(path).get("cue", []):
            flagged += [(text, 1, cue["kind"]) for text in cue["flagged"]]
            clean += cue["clean"]
    cases = read_toml(data_dir / "safety_cases.toml")
    for group in cases.get("positive", []):
        flagged += [(text, 1, group["kind"]) for text in group["texts"]]
    for group in cases.get("negative", []):
        clean += group["texts"]
    return flagged, clean


def _guide_lines(data_dir: Path) -> list[str]:
    """Lines that follow the guide: the rehearsal recognisers' examples of a positive move
    and the golden conversations' user turns that make only positive moves."""
    lines: list[str] = []
    for path in [data_dir / "dialogue" / "moves.toml", *sorted((data_dir / "scenarios").glob("*.toml"))]:
        for recogniser in read_toml(path).get("recogniser", []):
            if recogniser.get("move") in POSITIVE_MOVES:
                lines += [strip_marks(text)[0] for text in recogniser["flagged"]]
    for path in sorted((data_dir / "conversations").glob("*.toml")):
        for turn in read_toml(path).get("turn", []):
            if turn.get("moves") and all(move in POSITIVE_MOVES for move in turn["moves"]):
                lines.append(turn["user"])
    return lines


def _written(path: Path, labels: tuple[str, ...]) -> tuple[list[Example], list[str]]:
    """data/weighted/lines_*.toml: [[group]] label (one of labels, or "clean") and lines,
    written for the fit alone; an absent file adds nothing."""
    positive: list[Example] = []
    clean: list[str] = []
    if not path.exists():
        return positive, clean
    for index, group in enumerate(read_toml(path).get("group", [])):
        label, lines = group.get("label"), group.get("lines")
        if label != "clean" and label not in labels:
            raise DataError(path, f"group[{index}].label", f"one of: clean, {', '.join(labels)}")
        if not isinstance(lines, list) or not all(isinstance(line, str) and line.strip() for line in lines):
            raise DataError(path, f"group[{index}].lines", "a list of non-empty strings")
        if label == "clean":
            clean += lines
        else:
            positive += [(line, 1, label) for line in lines]
    return positive, clean


def training_sets(data_dir: Path, tests_dir: Path) -> dict[str, list[Example]]:
    """The lines each lexicon is fitted on, in a fixed order."""
    rules_flagged, rules_clean = _rule_examples(data_dir)
    safety_flagged, safety_clean = _safety_examples(data_dir)
    strengths = [
        strip_marks(text)[0]
        for cue in read_toml(data_dir / "strengths.toml")["strength"]
        for text in cue["flagged"]
    ]
    phrases = read_toml(tests_dir / "engine" / "phrases.toml")
    golden = read_toml(tests_dir / "engine" / "golden_rewrites.toml")["case"]
    golden_harsh = [(case["text"], 1, case["flags"][0] if case["flags"] else "") for case in golden]
    rewrites = [case["rewrite"] for case in golden]
    guide = _guide_lines(data_dir)
    harsh_written, harsh_written_clean = _written(data_dir / "weighted" / "lines_harsh.toml", CATEGORIES)
    safety_written, safety_written_clean = _written(data_dir / "weighted" / "lines_safety.toml", KINDS)
    harsh_pos = rules_flagged + [(text, 1, "") for text in phrases["harsh"]] + golden_harsh + harsh_written
    harsh_pos = [example for example in harsh_pos if example[2] not in HARSH_LEFT_TO_RULES]
    harsh_neg = (
        rules_clean + strengths + safety_clean + phrases["warm"] + rewrites + guide + harsh_written_clean
    )
    safety_neg = (
        safety_clean
        + [text for text, _, _ in rules_flagged]
        + rules_clean
        + strengths
        + phrases["harsh"]
        + phrases["warm"]
        + rewrites
        + guide
        + [text for text, _, _ in harsh_written]
        + harsh_written_clean
        + safety_written_clean
    )
    harsh_guarded = rules_clean + phrases["warm"] + rewrites + guide + harsh_written_clean
    return {
        "harsh": harsh_pos + _clean(harsh_neg, harsh_guarded),
        "safety": safety_flagged + safety_written + _clean(safety_neg, safety_clean + safety_written_clean),
    }


def _clean(lines: list[str], guarded: list[str]) -> list[Example]:
    held = set(guarded)
    return [(text, GUARDED if text in held else 0, "") for text in lines]


def _kept(weights: dict[str, float]) -> dict[str, float]:
    return {feature: round(w, 4) for feature, w in weights.items() if abs(w) >= KEEP}


def fit(
    examples: list[Example], normalize: Any, threshold: float, ignored: frozenset[str] = frozenset()
) -> tuple[float, dict[str, float], dict[str, str]]:
    """Bias, weights and each feature's label (the label of most positives holding it);
    features in ignored get no weight."""
    rows = [(sorted(features(normalize(text)) - ignored), target) for text, target, _ in examples]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (found, target), (_, _, label) in zip(rows, examples, strict=True):
        if target == 1 and label:
            for feature in found:
                counts[feature][label] += 1
    texts = [text for text, _, _ in examples]
    weights: dict[str, float] = defaultdict(float)
    bias = 0.0
    rate = RATE
    # The weights kept are the average of those after each of the last AVERAGED epochs: one
    # epoch's weights depend on the order it met the lines in; their average holds steady.
    total: dict[str, float] = defaultdict(float)
    total_bias = 0.0
    for epoch in range(EPOCHS):
        for index in _order(texts, epoch):
            found, target = rows[index]
            target = max(target, 0)
            z = bias + sum(weights[feature] for feature in found)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            step = p - target
            bias -= rate * step
            for feature in found:
                weights[feature] -= rate * (step + L2 * weights[feature])
        rate *= DECAY
        if epoch >= EPOCHS - AVERAGED:
            total_bias += bias
            for feature, weight in weights.items():
                total[feature] += weight
    bias = round(total_bias / AVERAGED, 4)
    weights = defaultdict(float, {feature: weight / AVERAGED for feature, weight in total.items()})
    kept = _kept(weights)
    for _ in range(ROUNDS):
        wrong = [
            found
            for found, target in rows
            if target == GUARDED
            and bias + sum(kept.get(feature, 0.0) for feature in found) > threshold - MARGIN
        ]
        if not wrong:
            break
        # The feature that speaks most for each wrongly flagged line steps down, once a round
        # however many such lines it leads: the least change that clears them.
        for feature in {max(found, key=lambda name: (kept.get(name, 0.0), name)) for found in wrong}:
            weights[feature] -= FIX_RATE
        kept = _kept(weights)
    labels = {}
    for feature in kept:
        if feature in counts and kept[feature] > 0:
            labels[feature] = min(counts[feature].items(), key=lambda item: (-item[1], item[0]))[0]
    return bias, kept, labels


def _order(texts: list[str], epoch: int) -> list[int]:
    """The order an epoch meets the lines in: shuffled, each line's place set by a hash of its
    own text (and the epoch), not by a shuffle of all of them. A line added or removed then
    leaves the others in the same order, so the weights move a little, where a new shuffle
    of everything moved every borderline answer (one example more churned half the file)."""
    salt = f"{SEED}:{epoch}:".encode()
    keys = [(zlib.crc32(salt + text.encode("utf-8")), index) for index, text in enumerate(texts)]
    keys.sort()
    return [index for _, index in keys]


def render(name: str, bias: float, weights: dict[str, float], labels: dict[str, str]) -> str:
    """The lexicon file's text (deterministic: features in sorted order)."""
    what = "category" if name == "harsh" else "safety kind"
    lines = [
        f"# The {name} lexicon: made by scripts/fit_weights.py (`make weights`) from the project's own",
        "# examples; do not edit by hand. Change the examples, refit, and commit both.",
        f"# One feature a line: the word or word pair, its weight, and the {what} it mostly",
        "# comes from (empty for a word that speaks against), separated by tabs.",
        f"bias = {bias!r}",
        "weights = '''",
    ]
    for feature in sorted(weights):
        lines.append(f"{feature}\t{weights[feature]!r}\t{labels.get(feature, '')}")
    lines.append("'''")
    return "\n".join(lines) + "\n"


def fitted_files(data_dir: Path, tests_dir: Path) -> dict[Path, str]:
    """Each lexicon file's path and the text it should have."""
    normalizer = Normalizer(load_lexicon(data_dir / "lexicon.toml"))

    def normalize(text: str) -> str:
        return normalizer.normalize(text).text

    settings = read_toml(data_dir / "weighted.toml")
    out = {}
    for name, examples in training_sets(data_dir, tests_dir).items():
        ignored = PERSON_WORDS | FUNCTION_WORDS if name == "safety" else frozenset()
        bias, weights, labels = fit(examples, normalize, float(settings[name]["threshold"]), ignored)
        out[data_dir / "weighted" / f"{name}.toml"] = render(name, bias, weights, labels)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are not as fitted")
    args = parser.parse_args()
    files = fitted_files(ROOT / "data", ROOT / "tests")
    stale = [
        path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run `make weights`", file=sys.stderr)
        sys.exit(1 if stale else 0)
    for path, text in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({text.count(chr(9)) // 2} features)")


if __name__ == "__main__":
    main()
