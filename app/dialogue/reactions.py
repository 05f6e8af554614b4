"""How the spouse can react to a line: the reply banks every scenario must have.

A turn's moves pick one reaction (the strongest); the reply comes from that bank, or
from the next bank in its fallback chain once every line there has been said.
"""

from __future__ import annotations

REACTIONS = (
    "guarded",  # nothing moved, and the spouse is still wary
    "unsure",  # nothing moved, but the spouse is listening now
    "included",  # only team talk ("we", "us"): the spouse is listening
    "warming",  # a loving reason
    "understood",  # the worry was acknowledged
    "eased",  # the spouse's particular concern was answered
    "soothed",  # an apology after an earlier hurt
    "too-soon",  # one session was offered before the worry was answered
    "nearly",  # one session was offered after it, but the spouse is not there yet
    "relieved",  # given space and time
    "hurt",  # blamed, criticised, mocked
    "pushed",  # pressured, given an ultimatum
    "brushed-off",  # feelings dismissed, or a vague alarm
    "reminded",  # brings back an earlier hurtful remark ({hurt})
    "agree",  # outcome: agreed to try one session
    "think",  # outcome: will think about it
    "refuse",  # outcome: refused
)
OUTCOME_REACTION = {
    "agreed-to-try": "agree",
    "will-think-about-it": "think",
    "refused": "refuse",
}
MOVE_REACTION = {
    "address-concern": "eased",
    "acknowledge-concerns": "understood",
    "explain-why": "warming",
    "we-framing": "included",
    "suggest-trial": "too-soon",
    "give-space": "relieved",
    "blame": "hurt",
    "criticism": "hurt",
    "contempt": "hurt",
    "absolute": "hurt",
    "stigma": "hurt",
    "pressure": "pushed",
    "dismissive": "brushed-off",
    "defensive": "brushed-off",
    "vague": "brushed-off",
}
FALLBACKS = {
    "guarded": ("unsure",),
    "unsure": ("guarded",),
    "included": ("unsure", "guarded"),
    "warming": ("understood", "unsure"),
    "understood": ("warming", "unsure"),
    "eased": ("warming", "unsure"),
    "soothed": ("understood", "warming"),
    "too-soon": ("unsure", "guarded"),
    "nearly": ("unsure", "warming"),
    "relieved": ("warming", "unsure"),
    "hurt": ("brushed-off", "guarded"),
    "pushed": ("hurt", "guarded"),
    "brushed-off": ("hurt", "guarded"),
    "reminded": ("hurt", "guarded"),
    "agree": ("think",),
    "think": ("unsure",),
    "refuse": ("hurt",),
}
# Placeholders a reply line may use: {topic} (what the user talked about) anywhere but in
# the outcome and memory banks; {hurt} (an earlier remark, "called me stubborn") only, and
# always, in `reminded`.
TOPIC_BANKS = frozenset(REACTIONS) - {"reminded", "agree", "think", "refuse"}
