"""Word lists the normaliser uses: text-speak, words it must never "correct", typo targets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.engine.patterns import class_to_pattern
from app.loader import DataError, Field, Table, read_toml


@dataclass(frozen=True)
class Lexicon:
    text_speak: dict[str, str]
    ur_means_you_are: frozenset[str]
    known: frozenset[str]
    typo_targets: frozenset[str]
    classes: dict[str, str] = field(default_factory=dict)  # name -> RE2 alternation, for {{name}}
    # Text-speak read as such only where a clause starts, and the words that may open one.
    speak_at_clause_start: frozenset[str] = frozenset()
    speak_openers: tuple[str, ...] = ()


def load_lexicon(path: Path) -> Lexicon:
    """Load data/lexicon.toml strictly."""
    raw = Table(
        path,
        "lexicon",
        {
            "text_speak": Field(dict),
            "ur_means_you_are": Field(list, item=str),
            "known": Field(list, item=str),
            "typo_targets": Field(list, item=str),
            "classes": Field(dict, required=False),
            "speak_at_clause_start": Field(list, item=str, required=False),
            "speak_openers": Field(list, item=str, required=False),
        },
    ).check(read_toml(path))
    speak: dict[str, str] = {}
    for key, value in raw["text_speak"].items():
        if not isinstance(value, str) or not value:
            raise DataError(path, f"text_speak.{key}", "expected a non-empty string")
        speak[key.lower()] = value
    targets = frozenset(w.lower() for w in raw["typo_targets"])
    known = frozenset(w.lower() for w in raw["known"]) | targets
    for word in targets:
        if len(word) < 5:
            raise DataError(
                path, "typo_targets", f"{word!r} is shorter than 5 letters; too risky to correct to"
            )
    classes: dict[str, str] = {}
    for name, words in raw.get("classes", {}).items():
        if not re.fullmatch(r"[a-z_]+", name):
            raise DataError(path, f"classes.{name}", "class names are lower-case letters and _")
        if (
            not isinstance(words, list)
            or not all(isinstance(w, str) and w.strip() for w in words)
            or not words
        ):
            raise DataError(path, f"classes.{name}", "expected a non-empty list of words or phrases")
        classes[name] = class_to_pattern(words)
    ur_means = frozenset(w.lower() for w in raw["ur_means_you_are"])
    at_start = frozenset(w.lower() for w in raw.get("speak_at_clause_start", []))
    for word in sorted(word for word in at_start if word not in speak):
        raise DataError(path, "speak_at_clause_start", f"{word!r} is not in [text_speak]")
    openers = tuple(" ".join(w.lower().split()) for w in raw.get("speak_openers", []))
    return Lexicon(speak, ur_means, known, targets, classes, at_start, openers)
