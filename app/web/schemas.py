"""Request and response models of the JSON API (API.md); they also make the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StrictStr

from app.engine import MAX_CHARS

# Something besides white space (as Python's str.strip() sees it), and no NUL.
TEXT_PATTERN = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"


class TextIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: StrictStr = Field(
        description=f"What the user typed; up to {MAX_CHARS:,} characters (longer answers 413, empty 422).",
        # documented, not enforced here: the service answers 413 (too long) and 422 (empty, NUL)
        json_schema_extra={"minLength": 1, "maxLength": MAX_CHARS, "pattern": TEXT_PATTERN},
    )


def _whole_float_as_int(value: Any) -> Any:
    """JSON Schema's integer includes 3.0; JSON libraries may write a whole number that way."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# 0..2**53-1 (exact in every JSON library), also written as 3.0; never a string or a boolean
Seed = Annotated[StrictInt, Field(ge=0, le=2**53 - 1), BeforeValidator(_whole_float_as_int)]


class RehearsalIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scenario: StrictStr = Field(max_length=200, description="A scenario id from GET /api/scenarios.")
    seed: Seed | None = Field(default=None, description="Makes the simulated spouse's choices repeatable.")


class FindingOut(BaseModel):
    rule: str
    category: Literal[
        "blame", "criticism", "contempt", "absolute", "pressure", "dismissive", "defensive", "vague", "stigma"
    ]
    severity: Literal["high", "medium", "low"]
    start: int
    end: int
    excerpt: str
    principle: str
    message: str
    suggestion: str
    alternatives: list[str]


class StrengthOut(BaseModel):
    principle: str
    start: int
    end: int
    excerpt: str
    message: str


class PrincipleOut(BaseModel):
    id: str
    title: str
    status: Literal["met", "missed", "not-applicable"]
    note: str


class ResourceOut(BaseModel):
    name: str
    contact: str


class SafetyOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    level: Literal["urgent", "concern"]
    message: str
    resources: list[ResourceOut]


class AnalysisOut(BaseModel):
    text: str
    tone: Literal["harsh", "mixed", "soft", "neutral"]
    score: int = Field(ge=0, le=100)
    findings: list[FindingOut]
    strengths: list[StrengthOut]
    principles: list[PrincipleOut]
    rewrite: str | None
    safety: SafetyOut | None


class ScenarioOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    description: str
    persona: Any = None


class StateOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    turn: int
    openness: int = Field(ge=0, le=100)
    stage: str
    outcome: Literal["agreed-to-try", "will-think-about-it", "refused", "paused-for-safety"] | None


class MessageOut(BaseModel):
    role: Literal["spouse", "user", "coach"]
    text: str


class CoachOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    analysis: AnalysisOut
    moves: list[str]
    notes: list[str]
    rewrite: str | None


class RehearsalCreatedOut(BaseModel):
    id: str
    token: str = Field(description="Send it back as X-Rehearsal-Token; it is shown only once.")
    scenario: str
    state: StateOut
    messages: list[MessageOut]


class TurnOut(BaseModel):
    reply: MessageOut | None
    coach: CoachOut
    state: StateOut
    report: dict[str, Any] | None = Field(default=None, description="Present once the outcome is set.")


class RehearsalOut(BaseModel):
    id: str
    scenario: str
    state: StateOut
    messages: list[MessageOut]
    report: dict[str, Any] | None
    safety: SafetyOut | None = Field(default=None, description="The latest safety message of this rehearsal.")


class HealthOut(BaseModel):
    status: Literal["ok"]


class ErrorOut(BaseModel):
    detail: str = Field(description="What went wrong, in plain words.")
