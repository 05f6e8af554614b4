"""The analysis engine: pure, loads its data once, imports nothing from web or store."""

from __future__ import annotations

import sys
from functools import lru_cache

from app.native import use_compiled
from app.paths import DATA_DIR

# Before any module of the package is imported: its compiled build, if it matches (app/native.py).
COMPILED = use_compiled(sys.modules[__name__])

from app.engine.analyzer import Analyzer, load_analyzer  # noqa: E402
from app.engine.findings import Analysis, Finding, PrincipleStatus, Resource, Safety, Strength  # noqa: E402
from app.engine.limits import MAX_CHARS, InputError  # noqa: E402

__all__ = [
    "COMPILED",
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
