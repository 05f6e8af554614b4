"""The result types: one analysis object, rendered as JSON, CLI lines and HTML marks.

Analysis, Finding and Strength are made afresh for every text analysed: they are not frozen,
and spell out their __init__. A dataclass's generated __init__ is Python code even in the
compiled engine (a frozen one also sets each field through object.__setattr__, which cost
~7% of an analysis; a plain one still costs about twice a native constructor); one written
out compiles. The shared ones (PrincipleStatus, Safety, Resource) stay frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(slots=True)
class Finding:
    """A span of the text that is likely to land badly, and what to say instead."""

    rule: str
    category: str
    severity: str
    start: int
    end: int
    excerpt: str
    principle: str
    message: str
    suggestion: str
    alternatives: tuple[str, ...] = ()

    def __init__(
        self,
        rule: str,
        category: str,
        severity: str,
        start: int,
        end: int,
        excerpt: str,
        principle: str,
        message: str,
        suggestion: str,
        alternatives: tuple[str, ...] = (),
    ) -> None:
        self.rule = rule
        self.category = category
        self.severity = severity
        self.start = start
        self.end = end
        self.excerpt = excerpt
        self.principle = principle
        self.message = message
        self.suggestion = suggestion
        self.alternatives = alternatives

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "principle": self.principle,
            "message": self.message,
            "suggestion": self.suggestion,
            "alternatives": list(self.alternatives),
        }


@dataclass(slots=True)
class Strength:
    """A span that follows the guide, and why it works."""

    principle: str
    start: int
    end: int
    excerpt: str
    message: str
    rule: str = ""

    def __init__(
        self, principle: str, start: int, end: int, excerpt: str, message: str, rule: str = ""
    ) -> None:
        self.principle = principle
        self.start = start
        self.end = end
        self.excerpt = excerpt
        self.message = message
        self.rule = rule

    def to_dict(self) -> dict[str, Any]:
        return {
            "principle": self.principle,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class PrincipleStatus:
    id: str
    title: str
    status: str  # met | missed | not-applicable
    note: str
    # Its JSON form, built once: the engine shares each status between every analysis.
    _as_dict: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        as_dict = {"id": self.id, "title": self.title, "status": self.status, "note": self.note}
        object.__setattr__(self, "_as_dict", as_dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self._as_dict)  # a copy: the caller may change it


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    contact: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact}


@dataclass(frozen=True, slots=True)
class Safety:
    """A disclosure of danger or crisis: a kind message and where to get help."""

    level: str  # urgent | concern
    message: str
    resources: tuple[Resource, ...]
    kinds: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "message": self.message,
            "resources": [r.to_dict() for r in self.resources],
            "kinds": list(self.kinds),
        }


@dataclass(slots=True)
class Analysis:
    """The whole answer for one text (API.md, "The analysis object")."""

    text: str
    tone: str
    score: int
    findings: tuple[Finding, ...]
    strengths: tuple[Strength, ...]
    principles: tuple[PrincipleStatus, ...]
    rewrite: str | None
    safety: Safety | None

    def __init__(
        self,
        text: str,
        tone: str,
        score: int,
        findings: tuple[Finding, ...],
        strengths: tuple[Strength, ...],
        principles: tuple[PrincipleStatus, ...],
        rewrite: str | None,
        safety: Safety | None,
    ) -> None:
        self.text = text
        self.tone = tone
        self.score = score
        self.findings = findings
        self.strengths = strengths
        self.principles = principles
        self.rewrite = rewrite
        self.safety = safety

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "tone": self.tone,
            "score": self.score,
            "findings": [f.to_dict() for f in self.findings],
            "strengths": [s.to_dict() for s in self.strengths],
            "principles": [p.to_dict() for p in self.principles],
            "rewrite": self.rewrite,
            "safety": None if self.safety is None else self.safety.to_dict(),
        }
