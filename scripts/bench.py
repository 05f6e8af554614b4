#!/usr/bin/env python3
"""Benchmark the analysis engine: throughput, latency, memory, load time, hostile inputs.

Prints figures; it is not a test. Usage: python scripts/bench.py [--messages N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import app.engine  # noqa: E402
from app import jsonio  # noqa: E402
from app.engine import MAX_CHARS, load_analyzer  # noqa: E402
from app.engine.rules import strip_marks  # noqa: E402
from app.native import compiled_status  # noqa: E402
from app.paths import DATA_DIR  # noqa: E402

OPENERS = ["", "Honestly, ", "Look, ", "Hey, ", "So ", "Babe, ", "Okay, "]
SUBJECTS = ["you", "u", "we", "I", "my mom", "the kids", "our neighbours", "your brother"]
VERBS = [
    "never listen to me", "always leave the dishes", "forgot the trash again", "love going to the lake",
    "need to talk about money", "spend hours on the phone", "made dinner tonight", "could try one session",
    "feel lonely lately", "are overreacting", "keep working late", "think therapy is for crazy people",
    "want us to be a good team", "had a long day", "left your socks everywhere", "are so lazy",
]  # fmt: skip
ENDINGS = [".", "!", "?", "", " 😡", " ❤️", "...", "!!"]


def generate(count: int, seed: int) -> list[str]:
    """Messages of 1 to 5 sentences stitched from everyday and harsh fragments."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 5)):
            sentence = f"{rng.choice(OPENERS)}{rng.choice(SUBJECTS)} {rng.choice(VERBS)}{rng.choice(ENDINGS)}"
            parts.append(sentence[0].upper() + sentence[1:])
        messages.append(" ".join(parts))
    return messages


def varied(analyzer: Any, count: int, seed: int) -> list[str]:
    """Messages of 1 to 3 lines drawn from the data's own example lines (every rule's and
    cue's flagged and clean examples, ~3,500 distinct): far more varied than generate()'s
    few fragments, so RE2's lazily built DFAs meet new states all along, as with real
    traffic; and mostly flagged, so nearly every message is rewritten or answered."""
    lines = sorted(
        {strip_marks(example)[0] for rule in analyzer.rules.rules for example in rule.flagged}
        | {example for rule in analyzer.rules.rules for example in rule.clean}
        | {example for cue in analyzer.safety.cues for example in (*cue.flagged, *cue.clean)}
    )
    rng = random.Random(seed)
    return [" ".join(rng.choice(lines) for _ in range(rng.randint(1, 3))) for _ in range(count)]


def hostile_inputs(analyzer: object) -> dict[str, str]:
    """5,000-character inputs built to stress every pattern."""
    n = MAX_CHARS
    cases = {
        "one letter": "a" * n,
        "you you": ("you " * n)[:n],
        "punctuation": ("!?." * n)[:n],
        "emoji": ("😡" * n)[:n],
        "apostrophes": ("'" * n)[:n],
        "spaces": "a" + " " * (n - 2) + "b",
        "never always": ("you never always " * n)[:n],
        "stretched": ("neverrrrrrr" * n)[:n],
        "text speak": ("u r ur ure " * n)[:n],
        "no punctuation words": ("i feel like you " * n)[:n],
        "mixed unicode": ("\u200bé\u202eX\ufeff" * n)[:n],
    }
    rules = list(analyzer.rules.rules) + list(analyzer.strengths.rules)  # type: ignore[attr-defined]
    for rule in rules:
        for example in rule.flagged[:1]:
            text, start, end = strip_marks(example)
            near = text[:start] + text[end:]  # the example without its marked span
            if near.strip():  # an example that is all span ("[[Pathetic.]]") has no near-miss
                cases[f"near-miss {rule.id}"] = ((near + " ") * n)[:n]
            cases[f"repeat {rule.id}"] = ((text + " ") * n)[:n]
    for cue in analyzer.safety.cues:  # type: ignore[attr-defined]
        example = cue.flagged[0]
        cases[f"repeat safety {cue.id}"] = ((example + " ") * n)[:n]
        cases[f"near-miss safety {cue.id}"] = ((example[: len(example) // 2] + " ") * n)[:n]
    return cases


def worst_hostile(analyzer: Any) -> tuple[str, float]:
    """The hostile input that took longest, and its time in seconds (each run once)."""
    worst_name, worst = "", 0.0
    for name, text in hostile_inputs(analyzer).items():
        t0 = time.perf_counter()
        analyzer.analyze(text)
        elapsed = time.perf_counter() - t0
        if elapsed > worst:
            worst_name, worst = name, elapsed
    return worst_name, worst


def process_rate(command: list[str], messages: list[str]) -> float:
    """Messages per second for command as a whole process, fed messages as JSON lines."""
    payload = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(messages)).encode()
    started = time.perf_counter()
    done = subprocess.run(command, input=payload, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"jsonl run failed ({done.returncode}): {done.stderr.decode()[-300:]}")
    return len(messages) / elapsed


def jsonl_process_rate(messages: list[str]) -> float:
    """Messages per second for `weframe check --format jsonl -` as a whole process."""
    exe = ROOT / ".venv" / "bin" / "weframe"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "app"]
    return process_rate([*command, "check", "--format", "jsonl", "-"], messages)


_VADER_JSONL = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
analyzer = SentimentIntensityAnalyzer()
for line in sys.stdin:
    item = json.loads(line)
    sys.stdout.write(json.dumps({"id": item["id"], **analyzer.polarity_scores(item["text"])}) + "\\n")
"""


def vader_rates(messages: list[str]) -> tuple[float, float] | None:
    """VADER (the yardstick of issue 2) on the same messages, just now: messages per second
    in process (scores + json.dumps) and as a JSON-lines process. None when it is not
    installed (`.venv/bin/pip install vaderSentiment`): this machine's speed varies by
    tens of percent from hour to hour, so only a same-time comparison says much."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    vader = SentimentIntensityAnalyzer()
    for text in messages[:2000]:
        vader.polarity_scores(text)
    started = time.perf_counter()
    for text in messages:
        json.dumps(vader.polarity_scores(text))
    in_process = len(messages) / (time.perf_counter() - started)
    return in_process, process_rate([sys.executable, "-c", _VADER_JSONL], messages[:10000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    analyzer = load_analyzer(DATA_DIR)
    load_ms = (time.perf_counter() - started) * 1000
    messages = generate(max(args.messages, 5000), args.seed)

    # Cold: a fresh engine's first messages, before RE2 has built its DFA states and the
    # word caches have filled (what a short batch run sees).
    cold_count = 2000
    started = time.perf_counter()
    for text in messages[:cold_count]:
        jsonio.dumps(analyzer.analyze(text).to_dict())
    cold_rate = cold_count / (time.perf_counter() - started)
    # Warm: the caches as a long-running server has them, filled by other messages (another
    # seed), never by the ones timed.
    others = generate(5000, args.seed + 1)
    for text in others:
        analyzer.analyze(text)
    timings = []
    flagged = 0
    total_started = time.perf_counter()
    for text in messages:
        t0 = time.perf_counter()
        result = analyzer.analyze(text)
        jsonio.dumps(result.to_dict())  # the encoder `weframe check --format jsonl` uses
        timings.append(time.perf_counter() - t0)
        flagged += bool(result.findings)
    total = time.perf_counter() - total_started
    timings.sort()

    worst_name, worst = worst_hostile(analyzer)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before a second engine loads
    # Varied text after the peak is read: its new DFA states are memory the generated
    # messages never need, reported on their own line.
    mixed = varied(analyzer, 5000, args.seed)
    started = time.perf_counter()
    for text in mixed:
        jsonio.dumps(analyzer.analyze(text).to_dict())
    varied_rate = len(mixed) / (time.perf_counter() - started)
    varied_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The same on a server's engine: warmed by other messages and by warm_up() at start-up,
    # so an input pays only for what it is, not for compiling the patterns it first needs.
    server = load_analyzer(DATA_DIR)
    for text in others:
        server.analyze(text)
    server.warm_up()
    server_name, server_worst = worst_hostile(server)
    del server

    jsonl_rate = jsonl_process_rate(messages[:10000])
    rules = len(analyzer.rules.rules)
    status = compiled_status(app.engine)
    print("engine: " + ("compiled (make native)" if status == "ok" else f"plain Python ({status})"))
    print(f"rules: {rules} findings rules, {len(analyzer.strengths.rules)} strength cues, "
          f"{len(analyzer.safety.cues)} safety cues; loaded and compiled in {load_ms:.0f} ms")  # fmt: skip
    print(f"messages: {len(messages)} (1-5 sentences, {flagged / len(messages):.0%} flagged)")
    print(f"throughput (full analysis object + JSON, one core): {len(messages) / total:,.0f} messages/s")
    print(f"  cold (fresh engine, first {cold_count:,} messages): {cold_rate:,.0f} messages/s")
    print(f"  varied (5,000 messages of 1-3 of the data's example lines): {varied_rate:,.0f} messages/s")
    p50, p99 = statistics.median(timings), timings[int(len(timings) * 0.99)]
    print(
        f"latency per message: p50 {p50 * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, max {timings[-1] * 1e3:.3f} ms"
    )
    print(f"worst hostile {MAX_CHARS}-char input: {worst * 1e3:.1f} ms ({worst_name}), the first input")
    warmed = f"{server_worst * 1e3:.1f} ms ({server_name})"
    print(f"  to need its patterns compiled; on a server's warmed-up engine: {warmed}")
    print(f"weframe check --format jsonl - (whole process, 10,000 lines): {jsonl_rate:,.0f} messages/s")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB; {varied_mb:.0f} MB after the varied messages too")
    vader = vader_rates(messages)
    if vader is None:
        print("VADER: not installed (.venv/bin/pip install vaderSentiment to compare at the same time)")
    else:
        rate = len(messages) / total
        print(
            f"VADER, same messages, just now: {vader[0]:,.0f}/s in process "
            f"(weframe {rate / vader[0]:.2f}x), {vader[1]:,.0f}/s as a jsonl process "
            f"(weframe {jsonl_rate / vader[1]:.2f}x)"
        )


if __name__ == "__main__":
    main()
