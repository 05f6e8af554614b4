"""Check a line or a draft: the analysis object, nothing stored (after a disclosure, safety only)."""

from __future__ import annotations

from typing import Any

from app.engine import Analyzer, InputError
from app.services.safety import safety_only_analysis
from app.services.texts import check_text, input_error


def analyze_text(analyzer: Analyzer, text: str) -> dict[str, Any]:
    check_text(text)
    try:
        return safety_only_analysis(analyzer.analyze(text).to_dict())
    except InputError as exc:
        raise input_error(exc) from None
