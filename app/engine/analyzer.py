"""The analysis pipeline: normalise -> sentences -> rules -> findings and strengths ->
principles, tone and score -> safety -> rewrite. Pure and thread-safe after loading."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Mapping
from itertools import chain
from pathlib import Path

from app.engine.findings import SEVERITY_RANK, Analysis, Finding, PrincipleStatus, Safety, Strength
from app.engine.guide import Guide, load_guide
from app.engine.lexicon import load_lexicon
from app.engine.limits import check_text
from app.engine.normalize import Normalized, Normalizer
from app.engine.patterns import pool_room
from app.engine.rewrite import Rewriter, load_rewriter
from app.engine.rules import CATEGORIES, Rule, RuleBook, Scanner, load_rules, load_strengths
from app.engine.safety import KINDS, SafetyDetector, load_safety
from app.engine.sentences import split_sentences
from app.engine.weighted import TONE_PREFIX, Weighted, features, load_weighted

_PENALTY = {"high": 30, "medium": 18, "low": 8}
_BASE_SCORE = 70  # a text with nothing to weigh; findings take off, strengths add


class Analyzer:
    """Holds the compiled data; `analyze(text)` returns the analysis object."""

    def __init__(
        self,
        guide: Guide,
        normalizer: Normalizer,
        rules: RuleBook,
        strengths: RuleBook,
        safety: SafetyDetector,
        rewriter: Rewriter,
        weighted: Weighted,
    ) -> None:
        self.guide = guide
        self.normalizer = normalizer
        self.rules = rules
        self.strengths = strengths
        self.safety = safety
        self.rewriter = rewriter
        self.weighted = weighted
        self.scanner = Scanner(rules, strengths)
        # What a finding of the harsh lexicon says, one for each category, shaped as a rule.
        self._tone_rules = {
            category: Rule(
                id=f"{TONE_PREFIX}{category}",
                category=category,
                severity=weighted.severity,
                principle=texts.principle,
                source="",
                message=texts.message,
                suggestion=texts.suggestion,
                alternatives=texts.alternatives,
                flagged=(),
                clean=(),
                file="data/weighted.toml",
                regex=None,
                unless=None,
            )
            for category, texts in weighted.findings.items()
        }
        # The three statuses each principle can have, built once (they are immutable).
        self._statuses = tuple(
            (
                p.id,
                PrincipleStatus(p.id, p.title, "missed", p.missed),
                PrincipleStatus(p.id, p.title, "met", p.met),
                PrincipleStatus(p.id, p.title, "not-applicable", ""),
            )
            for p in guide.principles
        )
        self._not_applicable = tuple(row[3] for row in self._statuses)

    def warm_up(self) -> int:
        """Compile patterns now instead of when a text first needs them, as many as stay
        compiled at once (patterns.POOL_SIZE: the finding rules first, then the strength and
        safety cues, then the rewrites'); returns how many this call compiled. A long-running
        server calls it once at start-up, so that most requests pay for no compile (up to
        ~10 ms for a big rule); a one-shot command is better off without it, since a short
        batch needs only a few of them."""
        compiled = 0
        every = chain(
            self.rules.patterns(), self.strengths.patterns(), self.safety.patterns(), self.rewriter.patterns()
        )
        for regex in every:
            if pool_room() <= 0:
                break
            if regex.prepare():
                compiled += 1
        return compiled

    # -- the parts, usable on their own -------------------------------------------------
    def findings(
        self, norm: Normalized, sentences: list[tuple[int, int]], candidates: list[int] | None = None
    ) -> list[tuple[Rule, int, int]]:
        """Rule hits on the normalised text, overlaps resolved (the more severe one wins)."""
        hits = self.rules.matches(norm.text, sentences, candidates)
        hits.sort(key=lambda h: (-SEVERITY_RANK[h[0].severity], h[1]))
        kept: list[tuple[Rule, int, int]] = []
        starts: list[int] = []  # kept spans in text order, so an overlap check is a bisect
        for hit in hits:
            index = bisect_right(starts, hit[1])
            if index > 0 and kept[index - 1][2] > hit[1]:
                continue  # overlaps the kept span that starts before it
            if index < len(kept) and kept[index][1] < hit[2]:
                continue  # overlaps the kept span that starts after it
            starts.insert(index, hit[1])
            kept.insert(index, hit)
        return kept

    def is_clean(self, text: str) -> bool:
        """True when text has no findings (used to vet rewrites)."""
        return self._is_clean_normalized(self.normalizer.normalize(text).text)

    def _is_clean_normalized(self, text: str) -> bool:
        """is_clean for a text that normalising would leave as it is."""
        candidates = self.scanner.candidates(text)[0]
        if candidates and self.rules.matches(text, split_sentences(text), candidates):
            return False
        return not self.weighted.harsh_applies(features(text), text)

    def analyze(self, text: str, *, with_rewrite: bool = True) -> Analysis:
        """The analysis object for text (API.md); raises InputError for empty or huge text."""
        check_text(text)
        norm = self.normalizer.normalize(text)
        rule_ids, cue_ids = self.scanner.candidates(norm.text)
        found = features(norm.text)
        safety = self.safety.detect(norm.text)
        sentences = split_sentences(norm.text) if rule_ids else []
        if safety is None:
            passing = self.weighted.safety_sentence(norm.text, found, sentences or None)
            if passing is not None and not self.safety.set_aside(norm.text):
                safety = self._weighted_safety(passing)
        hits = self.findings(norm, sentences, rule_ids) if rule_ids else []
        if not hits and safety is None and self.weighted.harsh_applies(found, norm.text):
            # No rule named anything, but the words weigh as harsh: one finding, low severity.
            # Not where a rule matched and its exceptions put the match aside, nor where a
            # strength cue recognises what the line does well ("It hurt my feelings when ..."
            # is the I-statement we recommend, whatever its words weigh).
            sentences = sentences or split_sentences(norm.text)
            if not (rule_ids and self.rules.set_aside(norm.text, rule_ids)) and not (
                cue_ids and self.strengths.matches(norm.text, sentences, cue_ids)
            ):
                hits = [self._tone_hit(norm.text, sentences, found)]
        if not hits and not cue_ids:  # most everyday texts: nothing to weigh
            return Analysis(text, "neutral", _BASE_SCORE, (), (), self._not_applicable, None, safety)
        sentences = sentences or split_sentences(norm.text)
        findings = tuple([self._finding(norm, rule, start, end) for rule, start, end in hits])
        flagged = _flagged_sentences(sentences, hits) if hits else {}
        strengths = self._strengths(norm, sentences, flagged, cue_ids) if cue_ids else ()
        principles = self._principles(findings, strengths)
        score = self._score(findings, strengths)
        tone = _tone(findings, strengths)
        rewrite = None
        # After a disclosure we offer no rewrite: polishing how to raise couples therapy is
        # the wrong help when there may be abuse or a crisis; the safety answer comes instead.
        if findings and with_rewrite and safety is None:
            # A text normalising left as it was yields a rewrite normalising leaves as it is
            # too: its kept sentences are its own, and our templates and the user's already
            # normalised words come through unchanged (tests check both). So the rewrite
            # is vetted without normalising it again.
            whole = None if norm.stages else self._is_clean_normalized
            rewrite = self.rewriter.rewrite(norm, sentences, flagged, self.is_clean, whole)
        return Analysis(text, tone, score, findings, strengths, principles, rewrite, safety)

    # -- helpers ------------------------------------------------------------------------
    def _tone_hit(
        self, text: str, sentences: list[tuple[int, int]], found: set[str]
    ) -> tuple[Rule, int, int]:
        """The harsh lexicon's finding: on the sentence that weighs most, with the category
        whose words weigh most in the whole text."""
        lexicon = self.weighted.harsh
        category = lexicon.label(found) or self.weighted.default_category
        best, start, end = float("-inf"), 0, len(text)
        for s_start, s_end in sentences or [(0, len(text))]:
            score = lexicon.score(features(text[s_start:s_end]))
            if score > best:
                best, start, end = score, s_start, s_end
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if end <= start:  # a sentence of spaces only cannot be; the whole text then
            start, end = 0, len(text)
        return self._tone_rules[category], start, end

    def _weighted_safety(self, found: set[str]) -> Safety:
        """The safety answer the safety lexicon gives (found: the features of a sentence whose
        score has passed the threshold)."""
        kind = self.weighted.safety.label(found) or self.weighted.default_kind
        level = "urgent" if kind in self.weighted.urgent_kinds else "concern"
        return self.safety.answer(level, (kind,))

    def _finding(self, norm: Normalized, rule: Rule, start: int, end: int) -> Finding:
        o_start, o_end = norm.to_original(start, end)
        return Finding(
            rule=rule.id,
            category=rule.category,
            severity=rule.severity,
            start=o_start,
            end=o_end,
            excerpt=norm.original[o_start:o_end],
            principle=rule.principle,
            message=rule.message,
            suggestion=rule.suggestion,
            alternatives=rule.alternatives,
        )

    def _strengths(
        self,
        norm: Normalized,
        sentences: list[tuple[int, int]],
        flagged: Mapping[int, Collection[str]],
        candidates: list[int] | None = None,
    ) -> tuple[Strength, ...]:
        out: list[Strength] = []
        seen: set[str] = set()
        flagged_sentences = [sentences[i] for i in sorted(flagged)]
        for cue, start, end in self.strengths.matches(norm.text, sentences, candidates):
            if cue.principle == "we-not-you" and any(s <= start < e for s, e in flagged_sentences):
                continue  # "we" inside a blaming sentence is not a strength
            if cue.id in seen:
                continue
            seen.add(cue.id)
            o_start, o_end = norm.to_original(start, end)
            out.append(
                Strength(cue.principle, o_start, o_end, norm.original[o_start:o_end], cue.message, cue.id)
            )
        return tuple(out)

    def _principles(
        self, findings: tuple[Finding, ...], strengths: tuple[Strength, ...]
    ) -> tuple[PrincipleStatus, ...]:
        missed = {f.principle for f in findings}
        met = {s.principle for s in strengths}
        if not missed and not met:
            return self._not_applicable
        statuses = []
        for principle, when_missed, when_met, otherwise in self._statuses:
            if principle in missed:
                statuses.append(when_missed)
            elif principle in met:
                statuses.append(when_met)
            else:
                statuses.append(otherwise)
        return tuple(statuses)

    @staticmethod
    def _score(findings: tuple[Finding, ...], strengths: tuple[Strength, ...]) -> int:
        penalty = sum(_PENALTY[f.severity] for f in findings)
        score = _BASE_SCORE - penalty + 10 * len({s.principle for s in strengths})
        return max(0, min(100, score))


def _flagged_sentences(
    sentences: list[tuple[int, int]], hits: list[tuple[Rule, int, int]]
) -> dict[int, set[str]]:
    """Sentence index -> categories of the findings in it (linear in hits, by bisection)."""
    flagged: dict[int, set[str]] = {}
    starts = [start for start, _ in sentences]
    for rule, a, b in hits:
        index = max(0, bisect_right(starts, a) - 1)
        while index < len(sentences) and sentences[index][0] < b:
            if sentences[index][1] > a:
                flagged.setdefault(index, set()).add(rule.category)
            index += 1
    return flagged


def _tone(findings: tuple[Finding, ...], strengths: tuple[Strength, ...]) -> str:
    if findings:
        if strengths and not any(f.severity == "high" for f in findings):
            return "mixed"
        return "harsh" if any(f.severity == "high" for f in findings) or len(findings) > 1 else "mixed"
    return "soft" if strengths else "neutral"


def load_analyzer(data_dir: Path, extra_resources: Path | None = None) -> Analyzer:
    """Load and compile every engine data file under data_dir; DataError names a bad file."""
    guide = load_guide(data_dir / "guide.toml")
    principles = guide.principle_ids
    lexicon = load_lexicon(data_dir / "lexicon.toml")
    normalizer = Normalizer(lexicon)
    rules = RuleBook(load_rules(data_dir / "rules", principles, lexicon.classes))
    strengths = RuleBook(load_strengths(data_dir / "strengths.toml", principles, lexicon.classes))
    safety = load_safety(data_dir / "safety.toml", extra_resources)
    rewriter = load_rewriter(data_dir / "rewrites.toml", data_dir / "rewrites")
    weighted = load_weighted(
        data_dir / "weighted.toml", data_dir / "weighted", CATEGORIES, KINDS, principles, lexicon.classes
    )
    return Analyzer(guide, normalizer, rules, strengths, safety, rewriter, weighted)
