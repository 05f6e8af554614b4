"""Safety: notice disclosures of abuse, danger or self-harm, and answer with care and resources.

Recall comes first here: a missed disclosure is the worst error weframe can make. Cues are
data (data/safety.toml); a negation just before a cue in the same clause ("he has never hit
me") cancels it, but only there, so "he never hit me before, but last night he choked me"
still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.findings import Resource, Safety
from app.engine.patterns import PatternError, PatternSet, compile_pattern, phrases_to_pattern
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique

LEVELS = ("urgent", "concern")
KINDS = (
    "threats",
    "violence",
    "fear",
    "coercive-control",
    "financial-control",
    "digital-control",
    "isolation",
    "sexual-coercion",
    "self-harm",
    "children",
    "weapons",
    "stalking",
)
_NEGATION = re.compile(
    r"\b(?:never|not|no|don't|doesn't|didn't|won't|wouldn't|hasn't|haven't|hadn't|isn't|wasn't|"
    r"aren't|weren't|nobody|no\s+one)\b"
)
_CLAUSE_BREAK = re.compile(r"[,;.!?\n]|\b(?:but|and|then|now|until|except|though|although)\b")


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str
    level: str
    negatable: bool
    flagged: tuple[str, ...]
    clean: tuple[str, ...]
    regex: Any
    source: str
    file: str


@dataclass(frozen=True)
class SafetyTexts:
    urgent: str
    concern: str
    abuse_note: str
    self_harm_note: str
    resources: tuple[Resource, ...]


class SafetyDetector:
    """Finds safety cues in normalised text; thread-safe after construction."""

    def __init__(self, cues: list[Cue], texts: SafetyTexts) -> None:
        self.cues = tuple(cues)
        self.texts = texts
        self._set = PatternSet([cue.source for cue in cues])

    def hits(self, text: str) -> list[tuple[Cue, int, int]]:
        """(cue, start, end) for every cue that fires and is not negated."""
        found: list[tuple[Cue, int, int]] = []
        for index in self._set.matching(text):
            cue = self.cues[index]
            for match in cue.regex.finditer(text):
                if cue.negatable and _negated(text, match.start(), match.end()):
                    continue
                found.append((cue, match.start(), match.end()))
        return found

    def detect(self, text: str) -> Safety | None:
        """The safety answer for text, or None when nothing in it suggests danger."""
        found = self.hits(text)
        if not found:
            return None
        kinds = tuple(sorted({cue.kind for cue, _, _ in found}))
        level = "urgent" if any(cue.level == "urgent" for cue, _, _ in found) else "concern"
        parts = [self.texts.urgent if level == "urgent" else self.texts.concern]
        if "self-harm" in kinds:
            parts.append(self.texts.self_harm_note)
        if any(kind != "self-harm" for kind in kinds):
            parts.append(self.texts.abuse_note)
        return Safety(level=level, message=" ".join(parts), resources=self.texts.resources, kinds=kinds)


def _negated(text: str, start: int, end: int) -> bool:
    """A negation in the cue itself or in the two words before it, within the same clause."""
    before = text[max(0, start - 40) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    window = " ".join(before.split()[-2:]) + " " + text[start:end]
    return _NEGATION.search(window) is not None


def load_resources(path: Path) -> tuple[Resource, ...]:
    """[[resource]] entries (name, contact) from a TOML file."""
    data = read_toml(path)
    entries = data.get("resource", [])
    if not isinstance(entries, list):
        raise DataError(path, "resource", "expected an array of tables")
    resources = []
    for index, raw in enumerate(entries):
        Table(path, f"resource[{index}]", {"name": Field(str), "contact": Field(str)}).check(raw)
        resources.append(Resource(raw["name"], raw["contact"]))
    return tuple(resources)


def load_safety(path: Path, extra_resources: Path | None = None) -> SafetyDetector:
    """Load data/safety.toml; extra_resources (a settings file) adds entries such as local hotlines."""
    schema = {
        "message_urgent": Field(str),
        "message_concern": Field(str),
        "abuse_note": Field(str),
        "self_harm_note": Field(str),
        "resource": Field(list, item=dict),
        "cue": Field(list, item=dict),
    }
    data = Table(path, "", schema).check(read_toml(path))
    resources = load_resources(path)
    if not resources:
        raise DataError(path, "resource", "at least the emergency-services entry is needed")
    if extra_resources is not None:
        resources = resources + load_resources(extra_resources)
    cue_schema = {
        "id": Field(str),
        "kind": Field(str),
        "level": Field(str),
        "pattern": Field(str, required=False),
        "phrases": Field(list, required=False, item=str),
        "negatable": Field(bool, required=False),
        "flagged": Field(list, item=str),
        "clean": Field(list, item=str),
    }
    cues: list[Cue] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["cue"]):
        where = f"cue[{index}]"
        Table(path, where, cue_schema).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        require_choice(path, f"{where}.kind", raw["kind"], KINDS)
        require_choice(path, f"{where}.level", raw["level"], LEVELS)
        if ("pattern" in raw) == ("phrases" in raw):
            raise DataError(path, where, "give exactly one of 'pattern' or 'phrases'")
        if not raw["flagged"]:
            raise DataError(path, f"{where}.flagged", "needs at least one disclosure example")
        source = raw["pattern"] if "pattern" in raw else phrases_to_pattern(raw["phrases"])
        try:
            regex = compile_pattern(source)
        except PatternError as exc:
            raise DataError(path, f"{where}.pattern", f"not a valid RE2 pattern: {exc}") from exc
        cues.append(
            Cue(
                id=raw["id"],
                kind=raw["kind"],
                level=raw["level"],
                negatable=raw.get("negatable", True),
                flagged=tuple(raw["flagged"]),
                clean=tuple(raw["clean"]),
                regex=regex,
                source=source,
                file=str(path),
            )
        )
    texts = SafetyTexts(
        urgent=data["message_urgent"],
        concern=data["message_concern"],
        abuse_note=data["abuse_note"],
        self_harm_note=data["self_harm_note"],
        resources=resources,
    )
    return SafetyDetector(cues, texts)
