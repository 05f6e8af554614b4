"""Whole-text rewrites: from blaming "you" to "I feel ... when ..." and "could we ...".

Sentences with findings are rewritten; the rest are kept. Each rewritten sentence is
tried against the engine again, and a rewrite that would still be flagged is replaced by
the topic's plain template, so what we offer never comes back flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.patterns import PatternError, compile_pattern
from app.loader import DataError, Field, Table, read_toml, require_unique


@dataclass(frozen=True)
class Topic:
    id: str
    regex: Any
    template: str


class Rewriter:
    """Rewrites flagged sentences by topic templates (data/rewrites.toml)."""

    def __init__(self, topics: list[Topic], fallback: str) -> None:
        self.topics = tuple(topics)
        self.fallback = fallback

    def topic_of(self, sentence: str) -> Topic | None:
        for topic in self.topics:
            if topic.regex.search(sentence):
                return topic
        return None

    def rewrite_sentence(self, sentence: str) -> str:
        topic = self.topic_of(sentence)
        return topic.template if topic is not None else self.fallback

    def rewrite(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        flagged: set[int],
        is_clean: Callable[[str], bool],
    ) -> str:
        """The whole text with every sentence in `flagged` (indexes) rewritten."""
        out: list[str] = []
        used: set[str] = set()
        for index, (start, end) in enumerate(sentences):
            sentence = text[start:end]
            if index not in flagged:
                out.append(sentence)
                continue
            candidate = self.rewrite_sentence(sentence)
            if not is_clean(candidate):
                candidate = self.fallback
            if candidate in used:
                continue
            used.add(candidate)
            out.append(candidate)
        result = " ".join(part for part in out if part)
        return result if is_clean(result) else self.fallback


def load_rewriter(path: Path) -> Rewriter:
    data = Table(path, "", {"fallback": Field(str), "topic": Field(list, item=dict)}).check(read_toml(path))
    topics, seen = [], set()
    for index, raw in enumerate(data["topic"]):
        where = f"topic[{index}]"
        Table(path, where, {"id": Field(str), "pattern": Field(str), "template": Field(str)}).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        try:
            regex = compile_pattern(raw["pattern"])
        except PatternError as exc:
            raise DataError(path, f"{where}.pattern", f"not a valid RE2 pattern: {exc}") from exc
        topics.append(Topic(raw["id"], regex, raw["template"]))
    return Rewriter(topics, data["fallback"])
