"""Turning words captured from a "you" sentence into words that fit an "I"/"we" sentence.

A rewrite template such as "I'd love it if we could {vp|reflect} more often." fills its
slots through filters defined here (data/rewrites/words.toml holds the word lists):

    np       an object noun phrase: "your laundry" -> "the laundry", "your kids" -> "our kids"
    bare     a noun phrase as a subject: "your socks" -> "socks"
    reflect  a verb phrase said by "we": "call me" -> "call each other", "with me" -> "together"
    task     a job to share ("do the dishes"): like reflect, but no "me" and nothing vague
    ing      the -ing form of the phrase's verb: "take out the trash" -> "taking out the trash"
    pronoun  it / them for a noun phrase;  be  is / are;  s  "s" when singular ("pile{x|s} up")
    keep     the words as they are (lower-cased when shouted)

A filter answers None when it cannot do its job well (an unknown verb, a pronoun it cannot
reflect, a vague "anything"); the caller then drops that transform and tries the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.loader import DataError, Field, Table, read_toml

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")
FILTERS = ("np", "bare", "reflect", "task", "ing", "pronoun", "be", "s", "keep")
_I_FORMS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})


@dataclass(frozen=True)
class Wording:
    """Word lists for the filters (see module docstring)."""

    ing: dict[str, str]
    reflect: dict[tuple[str, ...], tuple[str, ...]]
    refuse: frozenset[str]
    vague: frozenset[str]
    shared: frozenset[str]
    personal: frozenset[str]
    plural: frozenset[str]
    singular: frozenset[str]

    def apply(self, name: str, phrase: str) -> str | None:
        """Run filter `name` on phrase; None when the result would not read well."""
        words = _words(phrase)
        if name == "keep":
            return " ".join(words)
        if not words:
            return None
        if name == "pronoun":
            return "them" if self._plural(words) else "it"
        if name == "be":
            return "are" if self._plural(words) else "is"
        if name == "s":
            return "" if self._plural(words) else "s"
        method: Callable[[list[str]], str | None] = getattr(self, f"_{name}")
        return method(words)

    # -- noun phrases ---------------------------------------------------------------------
    def _owner(self, words: list[str], index: int) -> str:
        """Whose the thing after a possessive at words[index] is: shared, personal or other."""
        head = words[index + 1].lower() if index + 1 < len(words) else ""
        return "shared" if head in self.shared else "personal" if head in self.personal else "other"

    def _possessive(self, words: list[str], index: int, *, bare: bool) -> list[str]:
        """'your': 'our' for what a couple shares, kept for the partner's own, else 'the'."""
        owner = self._owner(words, index)
        if owner == "shared":
            return ["our"]
        if owner == "personal":
            return ["your"]
        # As a subject, "your socks" -> "socks are left", but "your towel" -> "the towel is
        # left": a singular noun cannot go without its article.
        return [] if bare and self._plural(words) else ["the"]

    def _noun_phrase(self, words: list[str], *, bare: bool) -> str | None:
        if any(word.lower() in self.refuse or word.lower() in self.vague for word in words):
            return None
        words = [
            w
            for i, w in enumerate(words)
            if not (w.lower() == "own" and i and words[i - 1].lower() == "your")
        ]
        out: list[str] = []
        for index, word in enumerate(words):
            out.extend(self._possessive(words, index, bare=bare) if word.lower() == "your" else [word])
        return " ".join(out) or None

    def _np(self, words: list[str]) -> str | None:
        return self._noun_phrase(words, bare=False)

    def _bare(self, words: list[str]) -> str | None:
        return self._noun_phrase(words, bare=True)

    def _plural(self, words: list[str]) -> bool:
        head = words[-1].lower()
        if head in self.plural:
            return True
        if head in self.singular:
            return False
        return head.endswith("s") and not head.endswith(("ss", "us", "is", "'s"))

    # -- verb phrases ---------------------------------------------------------------------
    def _reflect(self, words: list[str]) -> str | None:
        out: list[str] = []
        index = 0
        reciprocal = "me" in words
        while index < len(words):
            for size in (3, 2, 1):
                key = tuple(word.lower() for word in words[index : index + size])
                if len(key) == size and key in self.reflect:
                    out.extend(self.reflect[key])
                    index += size
                    break
            else:
                word = words[index]
                if word.lower() in self.refuse:
                    return None
                if word.lower() == "your":
                    out.extend(self._possessive(words, index, bare=False))
                elif word.lower() == "my" and reciprocal and self._owner(words, index) != "personal":
                    out.append("our")
                else:
                    out.append(word)
                index += 1
        return " ".join(out) or None

    def _task(self, words: list[str]) -> str | None:
        if any(word.lower() in self.vague or word.lower() in ("me", "us") for word in words):
            return None
        return self._reflect(words)

    def _ing(self, words: list[str]) -> str | None:
        form = self.ing.get(words[0].lower())
        return None if form is None else " ".join([form, *words[1:]])


def _words(phrase: str) -> list[str]:
    """Tokens of phrase: shouted or sentence-initial words lower-cased, "I" kept upper."""
    out = []
    for index, token in enumerate(_TOKEN.findall(phrase)):
        lower = token.lower()
        if lower in _I_FORMS:
            out.append("I" + lower[1:])
        elif (len(token) > 1 and token.isupper()) or (index == 0 and token[1:] == token[1:].lower()):
            out.append(lower)
        else:
            out.append(token)
    return out


def load_wording(path: Path) -> Wording:
    """Load data/rewrites/words.toml strictly."""
    lists = ("refuse", "vague", "shared", "personal", "plural", "singular")
    schema = {"ing": Field(dict), "reflect": Field(dict)} | {name: Field(list, item=str) for name in lists}
    data = Table(path, "", schema).check(read_toml(path))
    for table in ("ing", "reflect"):
        for key, value in data[table].items():
            if not isinstance(value, str):
                raise DataError(path, f"{table}.{key}", "expected a string")
    reflect = {tuple(key.lower().split()): tuple(value.split()) for key, value in data["reflect"].items()}
    for key in reflect:
        if not 1 <= len(key) <= 3:
            raise DataError(path, f"reflect.{' '.join(key)}", "a reflected phrase has one to three words")
    words = {name: frozenset(word.lower() for word in data[name]) for name in lists}
    return Wording(
        ing={key.lower(): value for key, value in data["ing"].items()},
        reflect=reflect,
        refuse=words["refuse"],
        vague=words["vague"],
        shared=words["shared"],
        personal=words["personal"],
        plural=words["plural"],
        singular=words["singular"],
    )
