"""Whole-text rewrites: from blaming "you" to "I feel ... when ..." and "could we ...".

Each sentence with findings is said again; the others are kept as the user wrote them.
For a flagged sentence we try, best first:

1. a transform of its own shape ("You never help with the dishes" -> "I'd really appreciate
   some help with the dishes. ..."), see transforms.py;
2. for a sentence that dismisses or defends, that stance's template ("I can see ...");
3. its topic's template (chores, money, the kids, ...), or the message's topic;
4. the template of its finding category; 5. the general fallback.

Every candidate must come back clean from the engine (`is_clean`), and so must the whole
message, or we fall back, so what we offer is never flagged itself. General templates are
dropped when another sentence already says something specific, and no sentence is said
twice, so the result reads as one message. Data: data/rewrites.toml, data/rewrites/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.drafts import Piece, assemble
from app.engine.normalize import Normalized
from app.engine.patterns import PatternSet, data_pattern
from app.engine.pronouns import load_wording
from app.engine.rules import CATEGORIES
from app.engine.transforms import TransformBook, load_transforms, tidy
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique

_ELLIPSIS = ("\u2026", "...")
_TEMPLATE_CACHE_LIMIT = 4096
_FILLER_MAX = 40  # fillers are short; longer kept sentences skip the check
_TEMPLATE_KINDS = frozenset({"stance", "topic", "category", "fallback"})  # our words only


@dataclass(frozen=True)
class Topic:
    """What a sentence is about, and how to raise it well."""

    id: str
    regex: Any
    template: str
    about: str
    variants: dict[str, str] = field(default_factory=dict)  # finding category -> template
    lend: bool = True  # may a sentence about nothing in particular borrow it from the message?


@dataclass(frozen=True)
class Manner:
    """How categories steer a rewrite (data/rewrites.toml, top part)."""

    category_order: tuple[str, ...]  # a sentence is treated as its first category listed here
    stance: frozenset[str]  # categories whose template beats the topic's
    droppable: frozenset[str]  # categories whose general line gives way to a specific one
    stance_cues: dict[str, Any]  # stance -> pattern that shows it whatever the rule's category
    fillers: frozenset[str]  # kept sentences that only carry tone ("Typical.")
    dangling: frozenset[str]  # first words of a clause that trails off into the next sentence
    reasons: frozenset[str] = frozenset()  # first words of a fragment giving the one before it a reason


class Rewriter:
    """Rewrites flagged sentences (see module docstring); safe to share between threads."""

    def __init__(
        self,
        topics: list[Topic],
        categories: dict[str, str],
        fallback: str,
        manner: Manner,
        transforms: TransformBook,
    ) -> None:
        self.topics = tuple(topics)
        self.categories = categories
        self.fallback = fallback
        self.manner = manner
        self.transforms = transforms
        # Topics and stance cues are looked for in the same sentence: one scan for both.
        self._cue_stances = list(manner.stance_cues)
        cues = [manner.stance_cues[stance].pattern for stance in self._cue_stances]
        self._marks = PatternSet([topic.regex.pattern for topic in topics] + cues)
        self._template_clean: dict[str, bool] = {}
        self._owner: Callable[[str], bool] | None = None

    def patterns(self) -> Iterator[Any]:
        """Every pattern of the topics, stance cues and transforms (for Analyzer.warm_up)."""
        for topic in self.topics:
            yield topic.regex
        yield from self.manner.stance_cues.values()
        for transform in self.transforms.transforms:
            yield transform.regex

    # -- one sentence -----------------------------------------------------------------------
    def _marks_of(self, text: str) -> tuple[Topic | None, str | None]:
        """The first topic (in data order) text is about, and the first stance it shows."""
        topic = stance = None
        count = len(self.topics)
        for index in self._marks.matching(text):
            if index < count:
                topic = topic or self.topics[index]
            else:
                stance = self._cue_stances[index - count]
                break  # indexes come in order: topics first
        return topic, stance

    def topic_of(self, text: str) -> Topic | None:
        """The first topic (in data order) that text is about, or None."""
        return self._marks_of(text)[0]

    def topic_to_lend(self, message: str) -> Topic | None:
        """The first topic of a message that a sentence without one may borrow: not therapy,
        say, which the message usually asks for already ("...you never help. I think we need
        a counsellor" must not turn the complaint into a second request for therapy)."""
        count = len(self.topics)
        for index in self._marks.matching(message):
            if index < count and self.topics[index].lend:
                return self.topics[index]
        return None

    def main_category(self, sentence: str, categories: Collection[str]) -> str | None:
        """The category a flagged sentence is treated as; a stance cue in it wins."""
        return self._main_category(self._marks_of(sentence)[1], categories)

    def _main_category(self, stance: str | None, categories: Collection[str]) -> str | None:
        """main_category, given the first stance cue found in the sentence (or None)."""
        if categories and stance is not None:
            return stance
        for category in self.manner.category_order:
            if category in categories:
                return category
        return None

    def rewrite_sentence(
        self,
        sentence: str,
        categories: Collection[str],
        is_clean: Callable[[str], bool],
        context: str = "",
    ) -> Piece:
        """The best clean way to say sentence again; context is the whole message."""
        return self._rewrite_sentence(sentence, categories, is_clean, is_clean, context)

    def _rewrite_sentence(
        self,
        sentence: str,
        categories: Collection[str],
        check: Callable[[str], bool],
        is_clean: Callable[[str], bool],
        context: str | Callable[[], Topic | None],
    ) -> Piece:
        """rewrite_sentence, with `check` for texts holding user words and is_clean for ours;
        context is the whole message, or a function giving its topic (worked out once)."""
        topic, stance = self._marks_of(sentence)
        for _, candidate in self.transforms.candidates(sentence, topic.id if topic else None):
            if check(candidate):
                return Piece("transform", candidate)
        main = self._main_category(stance, categories)
        message_topic = topic
        if message_topic is None and context:
            message_topic = context() if callable(context) else self.topic_to_lend(context)
        if main in self.manner.stance:  # about what this sentence is about: another one's
            candidate = self._category_template(main, topic)  # topic may be what they want
            if self._template_is_clean(candidate, is_clean):
                return Piece("stance", candidate)
        general = main in self.manner.droppable or main is None
        if message_topic is not None:
            candidate = message_topic.variants.get(main or "", message_topic.template)
            if self._template_is_clean(candidate, is_clean):
                return Piece("topic", candidate, droppable=topic is None and general)
        if main is not None and main in self.categories:
            candidate = self._category_template(main, message_topic)
            if self._template_is_clean(candidate, is_clean):
                return Piece("category", candidate, droppable=general)
        return Piece("fallback", self.fallback, droppable=True)

    def _category_template(self, category: str, topic: Topic | None) -> str:
        template = self.categories.get(category, self.fallback)
        return template.replace("{about}", topic.about if topic is not None else "this")

    def _template_is_clean(self, text: str, is_clean: Callable[[str], bool]) -> bool:
        """is_clean for our own templates (no user text), remembered per engine."""
        if self._owner is None:
            self._owner = is_clean
        if is_clean != self._owner:
            return is_clean(text)
        known = self._template_clean.get(text)
        if known is None:
            known = is_clean(text)
            if len(self._template_clean) < _TEMPLATE_CACHE_LIMIT:
                self._template_clean[text] = known
        return known

    # -- the whole message ------------------------------------------------------------------
    def rewrite(
        self,
        norm: Normalized,
        sentences: list[tuple[int, int]],
        flagged: Mapping[int, Collection[str]],
        is_clean: Callable[[str], bool],
        whole: Callable[[str], bool] | None = None,
    ) -> str:
        """The whole text with every flagged sentence (index -> finding categories) rewritten;
        whole, if given, vets a whole rewritten message instead of is_clean (see Analyzer)."""
        checked: dict[str, bool] = {}

        def remembered(vet: Callable[[str], bool]) -> Callable[[str], bool]:
            def run(text: str) -> bool:  # each distinct text goes to the engine once per call
                if text not in checked:
                    checked[text] = vet(text)
                return checked[text]

            return run

        check, check_whole = remembered(is_clean), remembered(whole or is_clean)

        units = self._units(norm.text, sentences, flagged)
        # Optimistic first: transforms nearly always come back clean, so one check of the
        # whole message usually settles it; only when it fails is each candidate vetted.
        for vet in (_trust, check):
            pieces = self._pieces(norm, units, vet, is_clean)
            result = assemble(pieces)
            ours = all(piece.kind in _TEMPLATE_KINDS or not piece.text for piece in pieces)
            if result and (self._template_is_clean(result, is_clean) if ours else check_whole(result)):
                return result
        rewritten = assemble([piece for piece in pieces if piece.kind != "kept"])
        if rewritten and check_whole(rewritten):
            return rewritten
        return self.fallback

    def _units(
        self, text: str, sentences: list[tuple[int, int]], flagged: Mapping[int, Collection[str]]
    ) -> list[tuple[int, int, Collection[str] | None]]:
        """Sentences as (start, end, categories or None when kept); a kept clause that trails
        off into a flagged sentence ("When I get home and see the mess... you just don't care")
        is rewritten with it, since it cannot stand alone; so is a kept fragment that only
        gives the flagged sentence before it its reason ("... anymore? Because it doesn't feel
        like it."), which would dangle after the rewrite."""
        units: list[tuple[int, int, Collection[str] | None]] = []
        for index, (start, end) in enumerate(sentences):
            categories = flagged.get(index)
            if categories is not None and units and units[-1][2] is None:
                before = text[units[-1][0] : units[-1][1]]
                first = before.split(None, 1)[0].lower() if before.strip() else ""
                if before.endswith(_ELLIPSIS) and first in self.manner.dangling:
                    start = units.pop()[0]
            elif categories is None and units and units[-1][2] is not None:
                first = text[start:end].split(None, 1)[0].lower().strip(",")
                if first in self.manner.reasons:
                    units[-1] = (units[-1][0], end, units[-1][2])
                    continue
            units.append((start, end, categories))
        return units

    def _pieces(
        self,
        norm: Normalized,
        units: list[tuple[int, int, Collection[str] | None]],
        check: Callable[[str], bool],
        is_clean: Callable[[str], bool],
    ) -> list[Piece]:
        """Each unit kept (with the writer's gap before it) or rewritten."""
        pieces: list[Piece] = []
        previous_end = 0
        found: list[Topic | None] = []

        def message_topic() -> Topic | None:  # only needed for a sentence without a topic
            if not found:
                found.append(self.topic_to_lend(norm.text))
            return found[0]

        for index, (start, end, categories) in enumerate(units):
            o_start, o_end = norm.to_original(start, end)
            gap = norm.original[previous_end:o_start] if pieces else ""
            previous_end = o_end
            if categories is not None:
                sentence = norm.text[start:end]
                piece = self._rewrite_sentence(sentence, categories, check, is_clean, message_topic)
                pieces.append(Piece(piece.kind, piece.text, gap, piece.droppable))
            else:
                kept = norm.original[o_start:o_end]
                filler = len(kept) <= _FILLER_MAX and _filler_key(kept) in self.manner.fillers
                pieces.append(Piece("kept", kept, gap, droppable=filler, last=index == len(units) - 1))
        if pieces and pieces[-1].kind == "kept":  # what follows the last sentence (an emoji)
            trailing = norm.original[previous_end:].rstrip()
            pieces.append(Piece("kept", "", trailing, droppable=pieces[-1].droppable, last=True))
        return pieces


def _trust(text: str) -> bool:
    return True


def _filler_key(text: str) -> str:
    return " ".join(text.lower().strip(" .!?\u2026").split())


def load_rewriter(path: Path, folder: Path) -> Rewriter:
    """Load data/rewrites.toml (topics, category templates) and data/rewrites/ strictly."""
    schema = {
        "fallback": Field(str),
        "category_order": Field(list, item=str),
        "stance": Field(list, item=str),
        "stance_cues": Field(dict),
        "droppable": Field(list, item=str),
        "fillers": Field(list, item=str),
        "dangling": Field(list, item=str),
        "reasons": Field(list, item=str),
        "category": Field(dict),
        "topic": Field(list, item=dict),
    }
    data = Table(path, "", schema).check(read_toml(path))
    for key in ("category_order", "droppable"):
        for index, category in enumerate(data[key]):
            require_choice(path, f"{key}[{index}]", category, CATEGORIES)
    # A stance is a category ("dismissive") or a name of its own ("withdrawing"), which only
    # its cue can give a sentence and which needs a template of its own.
    for index, stance in enumerate(data["stance"]):
        if stance not in CATEGORIES and not re.fullmatch(r"[a-z][a-z-]*", stance):
            raise DataError(path, f"stance[{index}]", "a category, or a lower-case name of its own")
        if stance not in CATEGORIES and (stance not in data["stance_cues"] or stance not in data["category"]):
            raise DataError(
                path, f"stance[{index}]", f"{stance!r} needs a stance_cues pattern and a template"
            )
    cues = {}
    for stance, pattern in data["stance_cues"].items():
        require_choice(path, f"stance_cues.{stance}", stance, data["stance"])
        cues[stance] = _compile(path, f"stance_cues.{stance}", pattern)
    categories = {}
    for category, template in data["category"].items():
        require_choice(path, f"category.{category}", category, (*CATEGORIES, *data["stance"]))
        categories[category] = _template(path, f"category.{category}", template)
    topics = [_topic(path, index, raw) for index, raw in enumerate(data["topic"])]
    topic_ids: set[str] = set()
    for index, topic in enumerate(topics):
        require_unique(path, f"topic[{index}].id", topic.id, topic_ids)
    manner = Manner(
        category_order=tuple(data["category_order"]),
        stance=frozenset(data["stance"]),
        droppable=frozenset(data["droppable"]),
        stance_cues=cues,
        fillers=frozenset(_filler_key(filler) for filler in data["fillers"]),
        dangling=frozenset(word.lower() for word in data["dangling"]),
        reasons=frozenset(word.lower() for word in data["reasons"]),
    )
    wording = load_wording(folder / "words.toml")
    transforms = load_transforms(folder / "transforms.toml", wording, topic_ids)
    return Rewriter(topics, categories, tidy(data["fallback"]), manner, transforms)


def _compile(path: Path, where: str, pattern: Any) -> Any:
    if not isinstance(pattern, str):
        raise DataError(path, where, "expected a pattern string")
    return data_pattern(path, where, pattern, lazy=True)  # only the set of topics and cues runs it


def _template(path: Path, where: str, template: Any) -> str:
    if not isinstance(template, str) or not template.strip():
        raise DataError(path, where, "expected a template string")
    return template


def _topic(path: Path, index: int, raw: Any) -> Topic:
    where = f"topic[{index}]"
    schema = {
        "id": Field(str),
        "pattern": Field(str),
        "template": Field(str),
        "about": Field(str),
        "variants": Field(dict, required=False),
        "lend": Field(bool, required=False),
    }
    Table(path, where, schema).check(raw)
    regex = _compile(path, f"{where}.pattern", raw["pattern"])
    variants = {}
    for category, template in raw.get("variants", {}).items():
        require_choice(path, f"{where}.variants.{category}", category, CATEGORIES)
        variants[category] = _template(path, f"{where}.variants.{category}", template)
    return Topic(raw["id"], regex, raw["template"], raw["about"], variants, raw.get("lend", True))
