"""Weighted words: a second opinion on what the rules' patterns do not name.

The rules and safety cues find harsh lines and disclosures by their shapes, and real lines
come in more shapes than any list of patterns holds. Two weighted lexicons score a text by
the words and word pairs in it, each with a weight, as a sentiment lexicon does:
data/weighted/harsh.toml (how likely the text is to land as blame, criticism, ...) and
data/weighted/safety.toml (how likely it is to disclose abuse, danger or self-harm). A text
that no rule or cue caught gets one low-severity finding on its highest-scoring sentence
when its total passes the harsh threshold (data/weighted.toml), or the safety answer when one
of its sentences passes the safety threshold.

The weights are data: scripts/fit_weights.py fits them (a logistic regression, plain Python)
on the project's own lines only: every rule's and cue's flagged and clean examples, the
disclosure table, the phrases the tests hold and the golden rewrites; never on the eval sets.
A test refits them and fails when the committed files are stale. Each word also names the
category (or safety kind) it mostly comes from, so a finding says what it is likely to be.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.patterns import data_pattern
from app.engine.sentences import split_sentences
from app.loader import DataError, Field, Table, read_toml, require_choice

TONE_PREFIX = "tone-"  # the rule id of a finding from the harsh lexicon: "tone-<category>"
_TOKEN = re.compile(r"[a-z0-9']+|[?!]")
# Words the safety lexicon does not weigh alone, only in pairs ("he hit", "my husband"):
# alone they say whom a line is about, and the examples are unevenly spread over that (most
# disclosures speak of "he" or "she", most other examples to "you"), so alone they would
# weigh that instead of what the line says: "He gets grumpy when he's hungry" would count
# as half a disclosure. (The harsh lexicon keeps "you": a you-statement is what it weighs.)
PERSON_WORDS = frozenset((
    "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "you're", "you've",
    "you'll", "you'd", "he", "him", "his", "himself", "he's", "he'd", "he'll", "she", "her",
    "hers", "herself", "she's", "she'd", "she'll", "we", "us", "our", "ours", "ourselves", "we're",
    "we've", "we'll", "we'd", "they", "them", "their", "theirs", "they're", "i'm", "i've", "i'll",
    "i'd", "husband", "wife", "partner", "boyfriend", "girlfriend", "bf", "gf", "ex", "spouse",
    "fiance", "fiancee",
))  # fmt: skip
# Words the safety lexicon does not weigh alone either: they carry no meaning of their own,
# so whatever weight the fit gives them comes from how the examples happen to be written
# ("or" in "... or I'll hurt you"), and a long complaint with many of them drifted toward a
# disclosure (a complaint about being ordered about "at me ... or ... at the door"). In pairs
# ("or else", "at me") they still count.
FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "so", "if", "of", "to", "in", "on", "at", "for",
    "with", "as", "by", "from", "up", "out", "it", "it's", "is", "was", "be", "this", "that",
    "then", "than", "just", "do", "did",
))  # fmt: skip


def _stem(word: str) -> str:
    """word without a plain ending, a crude cut but the same for the fit and the scoring:
    "wishing" -> "wish", "threats" -> "threat", "grabbed" -> "grab", and a verb's forms meet
    ("strangle", "strangled", "strangling" -> "strangl"), so "wishing I was dead" weighs as
    "wish I was dead" does."""
    stem = word
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        stem = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        stem = word[:-1]
    if stem is not word and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        stem = stem[:-1]  # "hitting" -> "hitt" -> "hit"
    if len(stem) > 4 and stem.endswith("e"):
        stem = stem[:-1]
    return stem


# Each word's stem, worked out once: most of what features() costs was _stem's string tests.
# Bounded, and an answer never changes, so it is safe to share between threads.
_STEMS: dict[str, str] = {}
_STEMS_LIMIT = 200_000


def features(text: str) -> set[str]:
    """The words of text (lowercased, endings cut by _stem; "?" and "!" count as words) and
    each pair of neighbouring words ("you never"): what a lexicon weighs, each once."""
    stems = _STEMS
    words: list[str] = []
    for word in _TOKEN.findall(text.lower()):
        stem = stems.get(word)
        if stem is None:
            stem = _stem(word)
            if len(stems) < _STEMS_LIMIT:
                stems[word] = stem
        words.append(stem)
    found = set(words)
    found.update([f"{first} {second}" for first, second in zip(words, words[1:], strict=False)])
    return found


@dataclass(frozen=True)
class Lexicon:
    """One weighted lexicon: bias + the weights of the features present, against threshold."""

    bias: float
    threshold: float
    weights: dict[str, float]
    labels: dict[str, str]  # feature -> the category or kind it mostly comes from

    def score(self, found: set[str]) -> float:
        weights = self.weights
        total = self.bias
        for feature in found:
            total += weights.get(feature, 0.0)
        return total

    def passes(self, found: set[str]) -> bool:
        return self.score(found) > self.threshold

    def label(self, found: set[str]) -> str:
        """The category or kind whose features add the most weight ("" if none does)."""
        totals: dict[str, float] = {}
        for feature in found:
            weight = self.weights.get(feature, 0.0)
            label = self.labels.get(feature, "")
            if weight > 0 and label:
                totals[label] = totals.get(label, 0.0) + weight
        return max(sorted(totals), key=lambda name: totals[name]) if totals else ""


def load_lexicon_weights(path: Path, threshold: float, labels: tuple[str, ...]) -> Lexicon:
    """A fitted lexicon file: bias, and weights: a line "feature<TAB>weight<TAB>label" for
    each feature (one TOML string, which parses many times faster than a table); strict."""
    data = Table(path, "", {"bias": Field(float), "weights": Field(str)}).check(read_toml(path))
    weights: dict[str, float] = {}
    named: dict[str, str] = {}
    for number, line in enumerate(data["weights"].splitlines(), 1):
        if not line:
            continue
        where = f"weights line {number}"
        fields = line.split("\t")
        if len(fields) != 3:
            raise DataError(path, where, "expected feature, weight and label, separated by tabs")
        feature, weight, label = fields
        words = _TOKEN.findall(feature)
        if not 1 <= len(words) <= 2 or " ".join(words) != feature:
            raise DataError(path, where, "a feature is one or two lowercase words, as features() makes them")
        try:
            value = float(weight)
        except ValueError:
            raise DataError(path, where, f"weight {weight!r} is not a number") from None
        if not math.isfinite(value):
            raise DataError(path, where, f"weight {weight!r} is not a finite number")
        weights[feature] = value
        if label:
            require_choice(path, where, label, labels)
            named[feature] = label
    return Lexicon(data["bias"], threshold, weights, named)


@dataclass(frozen=True)
class ToneFinding:
    """What a finding from the harsh lexicon says, for one category."""

    principle: str
    message: str
    suggestion: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class Weighted:
    """Both lexicons, with what their answers say (data/weighted.toml)."""

    harsh: Lexicon
    safety: Lexicon
    severity: str
    findings: dict[str, ToneFinding]  # category -> its texts
    default_category: str
    urgent_kinds: frozenset[str]
    default_kind: str
    # How far under the safety threshold a whole text may score and still be looked at a
    # sentence at a time (safety_sentence).
    sentence_margin: float
    addressed: frozenset[str]  # the harsh lexicon speaks only of a text with one of these words
    unless: Any  # nor of one this pattern finds (warm words); nor the safety lexicon
    min_words: int  # nor of a text of fewer words: too little to weigh

    def safety_sentence(
        self, text: str, found: set[str], sentences: list[tuple[int, int]] | None = None
    ) -> set[str] | None:
        """The features of the first sentence of text (found: the whole text's; sentences: its
        sentences, split here if not given) whose score passes the safety threshold, or None.
        Judged a sentence at a time: a disclosure is said in a sentence, and a long message
        would otherwise add up faint words scattered over many sentences ("come home", "door",
        "at me") into a disclosure it does not make. A sentence with a word of strong
        affection (unless) is passed over, as by the harsh lexicon: its words are only ever a
        guess, and "I'm so grateful to have you in my life" once passed on "life" (the cues
        still answer "I love him but he hits me")."""
        lexicon = self.safety
        whole = lexicon.score(found)
        if whole <= lexicon.threshold - self.sentence_margin:
            return None  # the usual case: far from a disclosure as a whole
        if sentences is None:
            sentences = split_sentences(text)
        if len(sentences) <= 1:
            return found if whole > lexicon.threshold and self.unless.search(text) is None else None
        for start, end in sentences:
            each = features(text[start:end])
            if lexicon.passes(each) and self.unless.search(text[start:end]) is None:
                return each
        return None

    def harsh_applies(self, found: set[str], text: str) -> bool:
        """The harsh lexicon speaks of a text (found: its features) that addresses the partner,
        has at least min_words words, weighs more than its threshold and holds no warm word."""
        return (
            not self.addressed.isdisjoint(found)
            and len(text.split(None, self.min_words - 1)) >= self.min_words
            and self.harsh.passes(found)
            and self.unless.search(text) is None
        )


_FINDING_SCHEMA = {
    "principle": Field(str),
    "message": Field(str),
    "suggestion": Field(str),
    "alternatives": Field(list, item=str),
}


def load_weighted(
    path: Path,
    folder: Path,
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    principles: set[str],
    classes: dict[str, str],
) -> Weighted:
    """data/weighted.toml (thresholds and texts) and the fitted lexicons in folder; strict."""
    schema = {"harsh": Field(dict), "safety": Field(dict)}
    data = Table(path, "", schema).check(read_toml(path))
    harsh_schema = {
        "threshold": Field(float),
        "severity": Field(str),
        "default_category": Field(str),
        "addressed": Field(list, item=str),
        "min_words": Field(int),
        "unless_class": Field(str),
        "category": Field(dict),
    }
    harsh = Table(path, "harsh", harsh_schema).check(data["harsh"])
    require_choice(path, "harsh.severity", harsh["severity"], ("high", "medium", "low"))
    if harsh["min_words"] < 1:
        raise DataError(path, "harsh.min_words", "a whole number of words, at least 1")
    require_choice(path, "harsh.default_category", harsh["default_category"], categories)
    for index, word in enumerate(harsh["addressed"]):
        if _TOKEN.fullmatch(word) is None or word != word.lower():
            raise DataError(path, f"harsh.addressed[{index}]", "a lowercase word, as features() makes them")
    require_choice(path, "harsh.unless_class", harsh["unless_class"], tuple(sorted(classes)))
    unless = data_pattern(path, "harsh.unless_class", rf"\b(?:{classes[harsh['unless_class']]})\b", lazy=True)
    texts: dict[str, ToneFinding] = {}
    for category in categories:
        where = f"harsh.category.{category}"
        raw: Any = harsh["category"].get(category)
        if raw is None:
            raise DataError(path, where, "every category needs its texts")
        Table(path, where, _FINDING_SCHEMA).check(raw)
        require_choice(path, f"{where}.principle", raw["principle"], principles)
        texts[category] = ToneFinding(
            raw["principle"], raw["message"], raw["suggestion"], tuple(raw["alternatives"])
        )
    for category in harsh["category"]:
        require_choice(path, f"harsh.category.{category}", category, categories)
    safety_schema = {
        "threshold": Field(float),
        "urgent_kinds": Field(list, item=str),
        "default_kind": Field(str),
        "sentence_margin": Field(float),
    }
    safety = Table(path, "safety", safety_schema).check(data["safety"])
    for index, kind in enumerate(safety["urgent_kinds"]):
        require_choice(path, f"safety.urgent_kinds[{index}]", kind, kinds)
    require_choice(path, "safety.default_kind", safety["default_kind"], kinds)
    return Weighted(
        harsh=load_lexicon_weights(folder / "harsh.toml", harsh["threshold"], categories),
        safety=load_lexicon_weights(folder / "safety.toml", safety["threshold"], kinds),
        severity=harsh["severity"],
        findings=texts,
        default_category=harsh["default_category"],
        urgent_kinds=frozenset(safety["urgent_kinds"]),
        default_kind=safety["default_kind"],
        sentence_margin=safety["sentence_margin"],
        # As features() has them: "you're" is the feature "you'r" (_stem cuts a final e).
        addressed=frozenset(_stem(word) for word in harsh["addressed"]),
        unless=unless,
        min_words=harsh["min_words"],
    )
