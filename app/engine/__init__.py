"""The analysis engine: pure, loads its data once, imports nothing from web or store."""

from __future__ import annotations

from functools import lru_cache

from app.engine.analyzer import Analyzer, load_analyzer
from app.engine.findings import Analysis, Finding, PrincipleStatus, Resource, Safety, Strength
from app.engine.limits import MAX_CHARS, InputError
from app.paths import DATA_DIR

__all__ = [
    "MAX_CHARS",
    "Analysis",
    "Analyzer",
    "Finding",
    "InputError",
    "PrincipleStatus",
    "Resource",
    "Safety",
    "Strength",
    "get_analyzer",
    "load_analyzer",
]


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    """The process-wide analyzer over the shipped data (loaded and compiled once)."""
    return load_analyzer(DATA_DIR)
