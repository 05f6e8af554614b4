"""A rewritten draft as pieces, one per sentence, and how they are joined into one message.

A piece is a sentence kept as the user wrote it, or a rewrite (and where it came from).
Joining keeps the writer's own spacing between kept sentences, leaves out general lines
when a specific one says more, says no sentence twice and no stance twice, and tidies the
seams: a full stop after a kept fragment, a capital after a rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[.!?]\s+")  # where one sentence of a rewrite ends and the next begins
_TERMINAL = ".!?\u2026"


@dataclass(slots=True)
class Piece:
    """One sentence of the answer: kept as written, or a rewrite and where it came from.
    (Several are made for every rewrite: its __init__ is written out, which compiles to a
    native constructor; a dataclass's generated one, or a named tuple's, stays Python.)"""

    kind: str  # kept | transform | stance | topic | category | fallback
    text: str
    gap: str = ""  # the original text between the previous sentence and this one
    droppable: bool = False  # a general line, left out when another line says it better
    last: bool = False  # a kept sentence that ended the original message

    def __init__(
        self, kind: str, text: str, gap: str = "", droppable: bool = False, last: bool = False
    ) -> None:
        self.kind = kind
        self.text = text
        self.gap = gap
        self.droppable = droppable
        self.last = last


def assemble(pieces: list[Piece]) -> str:
    """Join pieces into one message (see module docstring)."""
    specific = any(piece.kind != "kept" and not piece.droppable for piece in pieces)
    rewritten = sum(piece.kind != "kept" for piece in pieces)
    said: set[str] = set()
    out: list[str] = []
    previous: Piece | None = None
    general_said = stance_said = False
    for piece in pieces:
        text = piece.text
        if piece.kind == "kept":
            if piece.droppable and rewritten:
                continue
        else:
            if piece.droppable and (specific or general_said) or piece.kind == "stance" and stance_said:
                continue
            if rewritten > 1:  # say no sentence twice
                fresh = [part for part in _sentences(text) if part.lower() not in said]
                said.update(part.lower() for part in fresh)
                text = " ".join(fresh)
                if not text:
                    continue
            general_said = general_said or piece.droppable
            stance_said = stance_said or piece.kind == "stance"
        if previous is not None:
            seam = _seam(previous, piece, out)
            if seam == " " and piece.kind == "kept" and previous.kind != "kept":
                text = text[:1].upper() + text[1:]
            out.append(seam)
        out.append(text)
        previous = piece if text or piece.kind != "kept" else previous
    if previous is not None and previous.kind == "kept" and not previous.last:
        _end_sentence(out)
    return "".join(out).strip()


def _sentences(text: str) -> list[str]:
    """text cut after each end mark that spaces follow (the spaces dropped). Written out
    rather than as a split on (?<=[.!?])\\s+, which Python's re tries at every position."""
    parts = []
    last = 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[last : match.start() + 1])
        last = match.end()
    parts.append(text[last:])
    return parts


def _seam(previous: Piece, piece: Piece, out: list[str]) -> str:
    """The text between two pieces: the writer's own gap between kept sentences."""
    if previous.kind == "kept" and piece.kind == "kept":
        return piece.gap
    if "\n" in piece.gap:
        return "\n"
    if previous.kind == "kept":
        _end_sentence(out)
    return " "


def _end_sentence(out: list[str]) -> None:
    """Give the last kept sentence a full stop if it has no end mark (a fragment cut short)."""
    for index in range(len(out) - 1, -1, -1):
        if out[index].strip():
            if out[index].rstrip()[-1] not in _TERMINAL:
                out[index] = out[index].rstrip() + "."
            return
