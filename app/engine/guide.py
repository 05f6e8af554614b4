"""The guide as data: principle ids, finding categories and the alternatives to therapy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.loader import DataError, Field, Table, read_toml, require_unique

PRINCIPLE_IDS = ("we-not-you", "explain-why", "acknowledge-concerns", "suggest-trial", "no-pressure")
ALTERNATIVE_IDS = ("own-part", "individual-therapy", "resources-at-home", "small-acts", "patience")


@dataclass(frozen=True)
class Principle:
    id: str
    title: str
    explanation: str
    met: str
    missed: str


@dataclass(frozen=True)
class Alternative:
    id: str
    title: str
    advice: str


@dataclass(frozen=True)
class Guide:
    principles: tuple[Principle, ...]
    categories: dict[str, str]
    alternatives: tuple[Alternative, ...]

    @property
    def principle_ids(self) -> set[str]:
        return {p.id for p in self.principles}

    def principle(self, principle_id: str) -> Principle:
        for principle in self.principles:
            if principle.id == principle_id:
                return principle
        raise KeyError(principle_id)


def load_guide(path: Path) -> Guide:
    """Load data/guide.toml strictly; the five principle ids and five alternatives must all be there."""
    data = Table(
        path,
        "",
        {
            "principle": Field(list, item=dict),
            "category": Field(list, item=dict),
            "alternative": Field(list, item=dict),
        },
    ).check(read_toml(path))
    principles, alternatives = [], []
    seen: set[str] = set()
    for index, raw in enumerate(data["principle"]):
        where = f"principle[{index}]"
        schema = {k: Field(str) for k in ("id", "title", "explanation", "met", "missed")}
        Table(path, where, schema).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        principles.append(Principle(**raw))
    if sorted(seen) != sorted(PRINCIPLE_IDS):
        raise DataError(path, "principle", f"the principle ids must be exactly {', '.join(PRINCIPLE_IDS)}")
    categories: dict[str, str] = {}
    for index, raw in enumerate(data["category"]):
        Table(path, f"category[{index}]", {"id": Field(str), "title": Field(str)}).check(raw)
        categories[raw["id"]] = raw["title"]
    seen = set()
    for index, raw in enumerate(data["alternative"]):
        where = f"alternative[{index}]"
        Table(path, where, {"id": Field(str), "title": Field(str), "advice": Field(str)}).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        alternatives.append(Alternative(**raw))
    if sorted(seen) != sorted(ALTERNATIVE_IDS):
        raise DataError(
            path, "alternative", f"the alternative ids must be exactly {', '.join(ALTERNATIVE_IDS)}"
        )
    return Guide(tuple(principles), categories, tuple(alternatives))
