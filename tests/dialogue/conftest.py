"""Fixtures for the rehearsal tests: the shipped dialogue data, loaded once."""

from __future__ import annotations

import pytest

from app.dialogue.catalog import Catalog, get_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return get_catalog()
