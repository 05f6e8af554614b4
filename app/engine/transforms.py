"""Sentence transforms: a "you" sentence of a known shape, said again in "I"/"we" form.

data/rewrites/transforms.toml holds, in the order they are tried:

    [macros]      NAME = '''RE2 fragment'''; a pattern writes <<NAME>> to include one
    openers       phrases stripped from the front before matching ("Honestly, ", "I feel like")
    [[transform]]
    id, pattern   an anchored RE2 pattern with named groups: (?P<obj>...)
    topics        optional: only when the sentence's topic is one of these
    template      the new sentence; {group|filter|filter} fills a slot (filters: pronouns.py)
    examples      [["input sentence", "expected rewrite"], ...], replayed by the tests

A transform applies only when every slot's filters succeed, so a shape the filters cannot
say well is left to the next transform, then to the topic templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.patterns import PatternSet, data_pattern, group_names
from app.engine.pronouns import FILTERS, Wording
from app.loader import DataError, Field, Table, read_toml, require_unique

_MACRO = re.compile(r"<<([A-Z_]+)>>")
_SLOT = re.compile(r"\{([a-z_]+)((?:\|[a-z]+)*)\}")
_LONE_I = re.compile(r"\bi\b")
_KEEP_AT_END = frozenset(".!?\"')]")
_SCHEMA = {
    "id": Field(str),
    "pattern": Field(str),
    "template": Field(str),
    "topics": Field(list, required=False, item=str),
    "examples": Field(list, item=list),
}


@dataclass(frozen=True)
class Slot:
    """One {group|filter...} placeholder of a template."""

    text: str
    group: str
    filters: tuple[str, ...]


@dataclass(frozen=True)
class Transform:
    """One sentence shape and the way to say it again."""

    id: str
    regex: Any
    source: str
    template: str
    slots: tuple[Slot, ...]
    topics: frozenset[str]
    examples: tuple[tuple[str, str], ...]

    def apply(self, sentence: str, topic: str | None, wording: Wording) -> str | None:
        """The rewritten sentence, or None when the shape or a filter does not fit."""
        if self.topics and topic not in self.topics:
            return None
        match = self.regex.search(sentence)
        if match is None:
            return None
        out = self.template
        for slot in self.slots:
            value: str | None = match.group(slot.group) or ""
            for name in slot.filters if value else ():
                value = wording.apply(name, value or "")
                if value is None:
                    return None
            out = out.replace(slot.text, value or "")
        return tidy(out)


class TransformBook:
    """Transforms in file order, with one RE2 set pass to skip those that cannot match."""

    def __init__(self, transforms: list[Transform], openers: list[str], wording: Wording) -> None:
        self.transforms = tuple(transforms)
        self.openers: dict[str, list[str]] = {}  # first word -> opener phrases, longest first
        for phrase in sorted({" ".join(p.lower().split()) for p in openers}, key=len, reverse=True):
            self.openers.setdefault(phrase.split()[0], []).append(phrase)
        self.wording = wording
        self._set = PatternSet([t.source for t in transforms])

    def prepare(self, sentence: str) -> str:
        """The sentence as transforms see it: openers and trailing emoji gone, shouting calmed."""
        text = " ".join(sentence.split()).strip(" \"'*~-,")
        end = len(text)
        while end and not (text[end - 1].isalnum() or text[end - 1] in _KEEP_AT_END):
            end -= 1
        text = text[:end]
        if text.isupper() and len(text) > 3:
            text = _LONE_I.sub("I", text.lower())
        return self._strip_openers(text)

    def _strip_openers(self, text: str) -> str:
        """text without the opener phrases it starts with ("Honestly, ugh, you ..." -> "you ...")."""
        while text:
            lower = text.lower()
            first = lower.split(None, 1)[0].rstrip(",.!:")
            for phrase in self.openers.get(first, ()):
                after = lower[len(phrase) : len(phrase) + 1]
                if lower.startswith(phrase) and after in ("", " ", ",", ".", "!", ":"):
                    rest = text[len(phrase) :].lstrip(" ,.!:")
                    if rest:
                        text = rest
                        break
            else:
                return text
        return text

    def candidates(self, sentence: str, topic: str | None) -> Iterator[tuple[str, str]]:
        """(transform id, rewrite) for each transform that fits, best first (lazily)."""
        text = self.prepare(sentence)
        for index in self._set.matching(text):
            transform = self.transforms[index]
            rewritten = transform.apply(text, topic, self.wording)
            if rewritten is not None:
                yield transform.id, rewritten


def tidy(text: str) -> str:
    """One space between words, none before punctuation, a capital first letter."""
    text = " ".join(text.split())  # str.split's whitespace is re's \s
    for mark in ".,!?":
        text = text.replace(" " + mark, mark)
    return text[:1].upper() + text[1:]


def _expand(path: Path, where: str, pattern: str, macros: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise DataError(path, where, f"unknown macro <<{name}>>")
        return macros[name]

    return _MACRO.sub(replace, pattern)


def _slots(path: Path, where: str, template: str, groups: set[str]) -> tuple[Slot, ...]:
    slots = []
    for match in _SLOT.finditer(template):
        group, filters = match.group(1), tuple(f for f in match.group(2).split("|") if f)
        if group not in groups:
            raise DataError(path, where, f"slot {{{group}}} names no group of the pattern")
        for name in filters:
            if name not in FILTERS:
                raise DataError(path, where, f"unknown filter {name!r} (known: {', '.join(FILTERS)})")
        slots.append(Slot(match.group(0), group, filters))
    leftover = _SLOT.sub("", template)
    if "{" in leftover or "}" in leftover:
        raise DataError(path, where, "a brace that is not a {group|filter} slot")
    return tuple(slots)


def load_transforms(path: Path, wording: Wording, topics: set[str]) -> TransformBook:
    """Load data/rewrites/transforms.toml strictly; topics are the known topic ids."""
    schema = {"macros": Field(dict), "openers": Field(list, item=str), "transform": Field(list, item=dict)}
    data = Table(path, "", schema).check(read_toml(path))
    macros: dict[str, str] = {}
    for name, fragment in data["macros"].items():
        if not isinstance(fragment, str) or not re.fullmatch(r"[A-Z_]+", name):
            raise DataError(path, f"macros.{name}", "a macro is an UPPER_CASE name with a string pattern")
        macros[name] = _expand(path, f"macros.{name}", fragment, macros)
        data_pattern(path, f"macros.{name}", macros[name], lazy=True)
    transforms: list[Transform] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["transform"]):
        where = f"transform[{index}]"
        Table(path, where, _SCHEMA).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        source = _expand(path, f"{where}.pattern", raw["pattern"], macros)
        regex = data_pattern(path, f"{where}.pattern", source, lazy=True)
        slots = _slots(path, f"{where}.template", raw["template"], set(group_names(source)))
        for topic in raw.get("topics", []):
            if topic not in topics:
                raise DataError(path, f"{where}.topics", f"unknown topic {topic!r}")
        examples = []
        for number, example in enumerate(raw["examples"]):
            if len(example) != 2 or not all(isinstance(part, str) for part in example):
                raise DataError(path, f"{where}.examples[{number}]", "expected [input, expected rewrite]")
            examples.append((example[0], example[1]))
        if not examples:
            raise DataError(path, f"{where}.examples", "give at least one example")
        transform = Transform(
            raw["id"],
            regex,
            source,
            raw["template"],
            slots,
            frozenset(raw.get("topics", [])),
            tuple(examples),
        )
        transforms.append(transform)
    return TransformBook(transforms, data["openers"], wording)
