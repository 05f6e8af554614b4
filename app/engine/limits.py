"""Input limits, checked before any pattern runs."""

MAX_CHARS = 5000


class InputError(ValueError):
    """The text cannot be analysed (empty, too long); the message is safe to show."""

    def __init__(self, message: str, *, too_long: bool = False) -> None:
        super().__init__(message)
        self.too_long = too_long


def check_text(text: str) -> None:
    """Raise InputError for empty or oversized text."""
    if not isinstance(text, str):
        raise InputError("text must be a string")
    if len(text) > MAX_CHARS:
        raise InputError(f"text is longer than {MAX_CHARS} characters", too_long=True)
    if not text.strip():
        raise InputError("text is empty")
