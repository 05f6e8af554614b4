"""Checks on user text, run before any pattern or any database write."""

from __future__ import annotations

from app.engine import MAX_CHARS, InputError
from app.services.errors import Invalid, ServiceError, TooLarge


def check_text(text: str) -> str:
    """Return text if it can be analysed and stored; raise Invalid or TooLarge otherwise."""
    if len(text) > MAX_CHARS:
        raise TooLarge(f"The text is longer than {MAX_CHARS:,} characters. Please shorten it.")
    if not text.strip():
        raise Invalid("The text is empty. Please type something first.")
    if "\x00" in text:
        raise Invalid("The text contains a NUL character, which cannot be stored.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("The text is not valid Unicode (it contains a lone surrogate).") from None
    return text


def input_error(exc: InputError) -> ServiceError:
    """The engine's InputError as a service error (413 when too long, else 422)."""
    return TooLarge(str(exc)) if exc.too_long else Invalid(str(exc))
