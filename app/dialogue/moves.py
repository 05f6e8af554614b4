"""What a user line does in the conversation: its moves (API.md `moves`).

Positive moves come from the dialogue's own recognisers (shared ones in
data/dialogue/moves.toml, the concern-specific ones in each scenario) and from the
engine's strength cues. Negative moves are finding categories: the engine's findings
first, then the dialogue's own harm cues for what the spouse is sure to feel even when
the engine stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.engine import Analysis
from app.engine.findings import SEVERITY_RANK
from app.engine.normalize import Normalized
from app.engine.rules import CATEGORIES
from app.engine.sentences import split_sentences
from app.engine.weighted import TONE_PREFIX

if TYPE_CHECKING:
    from app.dialogue.catalog import Catalog
    from app.dialogue.scenarios import Scenario

POSITIVE_MOVES = (
    "address-concern",
    "acknowledge-concerns",
    "explain-why",
    "suggest-trial",
    "give-space",
    "we-framing",
)
NEGATIVE_MOVES = CATEGORIES
MOVE_PRINCIPLE = {
    "we-framing": "we-not-you",
    "explain-why": "explain-why",
    "acknowledge-concerns": "acknowledge-concerns",
    "address-concern": "acknowledge-concerns",
    "suggest-trial": "suggest-trial",
    "give-space": "no-pressure",
}
_STRENGTH_MOVE = {
    "we-not-you": "we-framing",
    "explain-why": "explain-why",
    "acknowledge-concerns": "acknowledge-concerns",
    "suggest-trial": "suggest-trial",
    "no-pressure": "give-space",
}
# When a recogniser that understood a negation ("you don't have to answer right now") covers
# the very words a finding flagged ("right now"), the line is the antidote, not the poison.
_ANTIDOTE = {
    "pressure": "give-space",
    "dismissive": "acknowledge-concerns",
    "stigma": "address-concern",
    "vague": "explain-why",
}
# Finding categories that speak about the partner; "we" in such a line is no team talk.
_ACCUSING = frozenset({"blame", "criticism", "contempt", "absolute"})


@dataclass(frozen=True)
class Hit:
    """One move found in a line: where (offsets into the text as sent) and by what."""

    move: str
    start: int
    end: int
    excerpt: str
    source: str
    severity: str = ""
    principle: str = ""
    message: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class LineMoves:
    """Everything the rehearsal needs to know about one user line."""

    positives: tuple[Hit, ...]
    negatives: tuple[Hit, ...]
    topic: str | None
    apology: bool

    @property
    def names(self) -> list[str]:
        found = {hit.move for hit in self.positives + self.negatives}
        return [m for m in (*POSITIVE_MOVES, *NEGATIVE_MOVES) if m in found]

    def positive(self, move: str) -> Hit | None:
        return next((hit for hit in self.positives if hit.move == move), None)

    def has(self, move: str) -> bool:
        return any(hit.move == move for hit in self.positives + self.negatives)


def detect_moves(analysis: Analysis, norm: Normalized, scenario: Scenario, catalog: Catalog) -> LineMoves:
    """Name the moves of one analysed line (norm: the engine's normalisation of the same text)."""
    text, original = norm.text, norm.original
    sentences = split_sentences(text)

    def hit(move: str, start: int, end: int, source: str) -> Hit:
        o_start, o_end = norm.to_original(start, end)
        return Hit(move, o_start, o_end, original[o_start:o_end], source)

    positives: dict[str, Hit] = {}
    apology = False
    for cue in catalog.apologies:
        for start, end in cue.spans(text, sentences)[:1]:
            apology = True
            positives.setdefault("acknowledge-concerns", hit("acknowledge-concerns", start, end, cue.id))
    for move, cue in (*scenario.recognisers, *catalog.recognisers):
        spans = cue.spans(text, sentences)
        if not spans:
            continue
        found, current = hit(move, *spans[0], cue.id), positives.get(move)
        if current is None or found.start < current.start:
            positives[move] = found
    for strength in analysis.strengths:
        mapped = _STRENGTH_MOVE.get(strength.principle)
        if mapped is not None and mapped not in positives:
            positives[mapped] = Hit(mapped, strength.start, strength.end, strength.excerpt, strength.rule)

    negatives: dict[str, Hit] = {}
    for finding in analysis.findings:
        if positives and finding.rule.startswith(TONE_PREFIX):
            continue  # the weighted lexicon's guess does not outweigh a move the line makes
        antidote = positives.get(_ANTIDOTE.get(finding.category, ""))
        if antidote is not None and antidote.start <= finding.start and finding.end <= antidote.end:
            continue
        current = negatives.get(finding.category)
        if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current.severity]:
            negatives[finding.category] = Hit(
                finding.category,
                finding.start,
                finding.end,
                finding.excerpt,
                finding.rule,
                finding.severity,
                finding.principle,
                finding.message,
                finding.suggestion,
            )
    for harm in catalog.harms:
        current = negatives.get(harm.category)
        if current is not None and not current.source.startswith(TONE_PREFIX):
            continue  # the engine's own rule named it; a harm cue is surer than a lexicon's guess
        for start, end in harm.cue.spans(text, sentences)[:1]:
            found = hit(harm.category, start, end, harm.cue.id)
            negatives[harm.category] = Hit(
                found.move,
                found.start,
                found.end,
                found.excerpt,
                found.source,
                harm.severity,
                harm.principle,
                harm.note,
                harm.suggestion,
            )
    if _ACCUSING & negatives.keys():
        positives.pop("we-framing", None)

    topic = None
    first = len(text) + 1
    for topic_id, cue in catalog.topics:
        spans = cue.spans(text, sentences)
        if spans and spans[0][0] < first:
            topic, first = topic_id, spans[0][0]
    ordered_pos = tuple(positives[m] for m in POSITIVE_MOVES if m in positives)
    ordered_neg = tuple(negatives[c] for c in NEGATIVE_MOVES if c in negatives)
    return LineMoves(ordered_pos, ordered_neg, topic, apology)
