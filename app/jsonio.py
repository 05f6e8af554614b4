"""JSON in and out for the command line: orjson, with the standard library behind it.

orjson writes an analysis about five times faster than the json module (~2 us instead of
~11 us, most of the cost of a `check --format jsonl` line after the analysis itself). It
refuses a few values the json module writes: lone surrogates (a JSON input may hold
"\\ud800"), integers beyond 64 bits. For those, and only those, we fall back to the json
module, so every input is still answered, with the same JSON value. Reading: see loads.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(rb"[0-9]{19}")  # any integer orjson might not hold exactly


def dumps(value: Any) -> bytes:
    """value as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        # Lone surrogates cannot be UTF-8: escape them as the json module does (\\ud800).
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()


def dumps_str(value: Any) -> str:
    """value as JSON text, for printing."""
    return dumps(value).decode()


def loads(raw: bytes) -> Any:
    """The JSON value of raw (UTF-8); raises ValueError (UnicodeDecodeError for bad UTF-8).

    orjson reads a line ~4x faster, and gives the same value as the json module except for
    an integer beyond 64 bits (a float) and what it refuses (NaN, 1e400, "\\ud800"). A line
    with a run of 19 or more digits, or that orjson refuses, is read by the json module, so
    an input's other keys ("id") always come back exactly as sent."""
    if _LONG_DIGITS.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw.decode("utf-8"))
