"""Shared fixtures: the engine over the shipped data, loaded once per session."""

from __future__ import annotations

import pytest

from app.engine import Analyzer, get_analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return get_analyzer()
