"""The spouse's memory of a hurtful remark, told back in the spouse's own words.

"You're so stubborn" becomes "called me stubborn"; "You never listen to me" becomes
"said I never listen to you"; "Just get over it" becomes "told me to get over it".
The phrase fits after "you": "like when you called me stubborn".
"""

from __future__ import annotations

import re

MAX_WORDS = 12
_CLAUSE = re.compile(r"[^,.;:!?\n]+")
_LEAD = re.compile(
    r"^(?:(?:and|but|so|or|because|honestly|seriously|look|listen|well|ok|okay|like|just|frankly)\b[\s,]*)+",
    re.I,
)
_CALLED = re.compile(
    r"^(?:you're|you are|you're being|you are being|you've become)\s+"
    r"(?:so\s+|such\s+|just\s+|really\s+|too\s+|being\s+|always\s+|completely\s+|totally\s+)*"
    r"(?P<what>(?:an?\s+)?[a-z'-]+(?:\s+[a-z'-]+)?)$",
    re.I,
)
_IMPERATIVE = (
    "stop",
    "grow",
    "get",
    "quit",
    "calm",
    "deal",
    "man",
    "toughen",
    "snap",
    "move",
    "drop",
    "lighten",
    "relax",
    "chill",
    "shut",
    "go",
    "think",
    "try",
    "be",
    "don't",
)
# "why are you so ..." -> "asked why I'm so ..."
_QUESTION = re.compile(
    r"^(?P<wh>why|how|what|when|where|how come)\s+(?P<aux>are|were|do|did|would|can't|won't|don't|can|will)"
    r"\s+you\b(?P<rest>.*)$",
    re.I,
)
_ASKED = {
    "are": "I'm",
    "were": "I was",
    "do": "I",
    "did": "I",
    "would": "I'd",
    "can't": "I can't",
    "won't": "I won't",
    "don't": "I don't",
    "can": "I can",
    "will": "I'll",
}
_PAIRS = {
    ("you", "are"): "I'm",
    ("you", "were"): "I was",
    ("i", "am"): "you're",
    ("i", "was"): "you were",
}
_SWAP = {
    "you're": "I'm",
    "you've": "I've",
    "you'll": "I'll",
    "you'd": "I'd",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "i'm": "you're",
    "i've": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
}
# Before these words "you" is an object ("I love you", "tell you"), so it becomes "me".
_OBJECT_AFTER = frozenset(
    (
        "to", "for", "with", "at", "about", "from", "of", "on", "like", "than", "without", "around",
        "after", "behind", "love", "tell", "told", "ask", "asked", "need", "want", "hear", "heard",
        "see", "saw", "know", "help", "trust", "understand", "hate", "blame", "make", "made", "let",
        "give", "gave", "show", "showed", "call", "called",
    )
)  # fmt: skip
# "in denial", "out of line", "over the top" describe a state: "said I'm in denial".
_STATES = frozenset({"in", "out", "over", "on", "at", "off", "not"})
_NOT_LABELS = frozenset({"always", "never", "so", "just", "being"})
_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z'\s]+")


def reflect(clause: str) -> str:
    """Swap the speaker's and the listener's pronouns in a short clause."""
    tokens = _WORD.findall(clause)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        word = tokens[index]
        lower = word.lower()
        following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
        if (lower, following) in _PAIRS:
            out.append(_PAIRS[(lower, following)])
            index += 2
            continue
        if lower == "you":
            previous = out[-1].lower() if out else ""
            out.append("me" if previous in _OBJECT_AFTER or not following else "I")
        elif lower in _SWAP:
            out.append(_SWAP[lower])
        else:
            out.append(word)
        index += 1
    text = " ".join(out)
    text = re.sub(r"\s+([^A-Za-z'\s]+)", r"\1", text)
    if text[:2] != "I " and text[:2] != "I'" and text:
        text = text[0].lower() + text[1:]
    return text


def clause_around(text: str, start: int, end: int) -> str:
    """The comma/sentence-bounded clause of text that holds [start, end)."""
    for match in _CLAUSE.finditer(text):
        if match.start() <= start < match.end() or match.start() < end <= match.end():
            return match.group().strip()
    return text[start:end].strip()


def recall_phrase(text: str, start: int, end: int) -> str:
    """How the spouse would bring the remark at [start, end) of text back later."""
    clause = _LEAD.sub("", clause_around(text, start, end)).strip()
    called = _CALLED.match(clause)
    if called and len(called.group("what").split()) <= 3:
        what = called.group("what").lower()
        if what.split()[0] in _STATES:
            return f"said I'm {what}"
        return f"called me {what}"
    label = " ".join(text[start:end].split()).lower()
    labelled = re.search(rf"\byou(?:'re| are)\b.*\b{re.escape(label)}\b", clause, re.I)
    if labelled and 0 < len(label.split()) <= 2 and label not in _NOT_LABELS and not label.startswith("you"):
        return f"said I'm {label}" if label.split()[0] in _STATES else f"called me {label}"
    question = _QUESTION.match(clause)
    if question and len(clause.split()) <= MAX_WORDS:
        rest = reflect(question.group("rest").strip()) if question.group("rest").strip() else ""
        said = " ".join(part for part in (_ASKED[question.group("aux").lower()], rest) if part)
        return f"asked {question.group('wh').lower()} {said}"
    words = clause.split()
    if words and words[0].lower() in _IMPERATIVE and len(words) <= MAX_WORDS:
        if words[0].lower() == "don't":
            return "told me not to " + reflect(" ".join(words[1:]))
        return "told me to " + reflect(clause)
    if 3 <= len(words) <= MAX_WORDS:
        return "said " + reflect(clause)
    excerpt = text[start:end].strip().strip("\"'")
    return f'said "{excerpt.lower()}"'
