"""The chat page in headless Chromium, as a person would use it: keyboard, marks, copy, rehearsal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from web.rehearsing import WARM_LINES

from browser.conftest import Server, Watch

pytestmark = pytest.mark.browser

HARSH = "You never listen to me \U0001f61e and you always ignore the chores."
DISCLOSURE = "He hit me last night and I'm scared of him."
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script> you never listen",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">click</a> I feel alone',
    "\u202eevil\u202c & <b>bold</b> &amp; {{ 7*7 }}",
]


def _send(page: Any, text: str, *, with_button: bool = False) -> None:
    box = page.locator("#text")
    box.fill(text)
    if with_button:
        page.locator("#send").click()
    else:
        box.press("Enter")


def _entries(page: Any, log: str) -> Any:
    return page.locator(f"#{log} > li")


def test_check_a_line_shows_marks_with_explanations(page: Any, server: Server, shots: Path) -> None:
    page.goto("/")
    assert page.title() == "Notes"
    page.locator("#text").focus()
    _send(page, HARSH)
    entry = _entries(page, "log-check").last
    marks = entry.locator("mark")
    marks.first.wait_for()
    assert marks.count() >= 2
    analysis = httpx.post(f"{server.url}/api/analyze", json={"text": HARSH})
    expected = [(f["excerpt"], f["category"]) for f in analysis.json()["findings"]]
    shown = [
        (marks.nth(i).text_content(), marks.nth(i).get_attribute("data-category"))
        for i in range(marks.count())
    ]
    assert shown == expected  # offsets line up even after an emoji
    assert all(marks.nth(i).get_attribute("title") for i in range(marks.count()))
    assert "(" in entry.locator(".marked .sr-only").first.text_content()  # explanation for screen readers
    assert _visible_texts(page, "#log-check .marked") == [HARSH]
    page.screenshot(path=str(shots / "check.png"), full_page=True, animations="disabled")
    # the advice is shown as a tip; each offered phrasing is a whole alternative, and the one
    # chosen lands in the box, ready to edit
    first = analysis.json()["findings"][0]
    assert entry.locator(".finding-tip").first.text_content() == first["suggestion"]
    entry.locator("button.use").first.click()
    assert page.locator("#text").input_value() == first["alternatives"][0]
    assert page.evaluate("document.activeElement.id") == "text"


def test_rewrite_a_draft_and_copy_it(page: Any, shots: Path) -> None:
    page.goto("/")
    page.get_by_role("tab", name="Rewrite a draft").click()
    assert page.locator("#text-label").text_content() == "Your draft"
    _send(page, "You never help with the kids. You always make me do everything.", with_button=True)
    rewrite = _entries(page, "log-rewrite").last.locator(".rewrite-text")
    rewrite.wait_for()
    text = rewrite.text_content()
    assert text and "never" not in text.lower()
    _entries(page, "log-rewrite").last.locator("button.copy").click()
    page.wait_for_function(
        "() => document.querySelector('#log-rewrite button.copy').textContent === 'Copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.screenshot(path=str(shots / "rewrite.png"), full_page=True, animations="disabled")


def test_a_full_rehearsal_to_an_outcome_then_resume_and_delete(
    page: Any, server: Server, shots: Path
) -> None:
    page.goto("/")
    # keyboard only: focus the first tab, move with the arrow keys
    page.locator("#tab-check").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-rehearse").get_attribute("aria-selected") == "true"
    assert page.locator("#panel-rehearse").is_visible()
    assert page.locator("#text").is_disabled()
    page.screenshot(path=str(shots / "rehearse-pick.png"), full_page=True, animations="disabled")
    page.locator('input[name="scenario"][value="misunderstanding"]').check()
    page.get_by_role("button", name="Start rehearsal").click()
    log = page.locator("#log-rehearse")
    log.locator("li.spouse").first.wait_for()
    assert page.locator("#openness").get_attribute("value") is not None
    for index in range(12):
        before = log.locator("li.coach").count()
        _send(page, WARM_LINES[index % len(WARM_LINES)])
        page.wait_for_function(
            "(n) => document.querySelectorAll('#log-rehearse li.coach').length > n", arg=before
        )
        if log.locator(".outcome").count():
            break
    assert log.locator(".outcome").count() == 1
    assert page.locator("#text").is_disabled()
    assert int(page.locator("#openness").get_attribute("value") or 0) > 0
    report = page.locator("#report")
    assert report.is_visible() and "How it went" in report.text_content()
    assert log.locator("li.user").count() >= 1 and log.locator("li.coach .moves").count() >= 1
    page.screenshot(path=str(shots / "rehearse.png"), full_page=True, animations="disabled")

    # resume: the link brings the same conversation back (the token rides in an HttpOnly cookie)
    link = page.locator("#resume-link").get_attribute("href")
    rehearsal_id = link.split("r=")[1]
    assert "token" not in link
    messages = log.locator("li.bubble").count()
    page.goto(link)
    page.locator("#log-rehearse li.bubble").nth(messages - 1).wait_for()
    assert page.locator("#log-rehearse li.bubble").count() == messages
    assert page.locator("#report").is_visible()
    assert page.evaluate("document.cookie") == ""  # nothing readable by scripts

    # delete, with a confirmation step
    cookie = next(c for c in page.context.cookies() if c["name"] == "wf_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Delete this rehearsal").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.locator("#scenario-form").wait_for(state="visible")
    assert "deleted" in page.locator("#status").text_content()
    gone = httpx.get(
        f"{server.url}/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": cookie["value"]}
    )
    assert gone.status_code == 404


def test_a_safety_disclosure_is_shown_prominently(page: Any, shots: Path, watch: Watch) -> None:
    page.goto("/")
    _send(page, DISCLOSURE)
    safety = page.locator("#safety")
    safety.wait_for(state="visible")
    assert safety.get_attribute("role") == "alert"
    assert page.locator("#safety-resources li").count() >= 1
    assert "emergency" in safety.text_content().lower()
    entry = _entries(page, "log-check").last
    assert "safety note" in entry.text_content() and entry.locator(".findings").count() == 0
    page.screenshot(path=str(shots / "safety.png"), full_page=True, animations="disabled")
    # after a disclosure this page offers no rehearsal of persuading the partner
    page.get_by_role("tab", name="Rehearse").click()
    assert page.locator("#safety-paused").is_visible()
    assert not page.get_by_role("button", name="Start rehearsal").is_visible()
    # in a rehearsal the role-play pauses (a fresh page, as a new visit)
    page.reload()
    page.get_by_role("tab", name="Rehearse").click()
    page.get_by_role("button", name="Start rehearsal").click()
    page.locator("#log-rehearse li.spouse").first.wait_for()
    _send(page, "Honestly, I'm afraid of him. He choked me last month.")
    page.locator('#log-rehearse .outcome[data-outcome="paused-for-safety"]').wait_for()
    assert page.locator("#text").is_disabled()
    assert safety.is_visible()
    page.screenshot(path=str(shots / "rehearse-safety.png"), full_page=True, animations="disabled")


def test_hostile_markup_runs_no_script_and_shows_as_text(page: Any, watch: Watch) -> None:
    page.goto("/")
    for text in HOSTILE:
        _send(page, text)
        _entries(page, "log-check").nth(HOSTILE.index(text)).wait_for()
    page.get_by_role("tab", name="Rewrite a draft").click()
    for text in HOSTILE:
        _send(page, text)
        _entries(page, "log-rewrite").nth(HOSTILE.index(text)).wait_for()
    page.get_by_role("tab", name="Rehearse").click()
    page.get_by_role("button", name="Start rehearsal").click()
    page.locator("#log-rehearse li.spouse").first.wait_for()
    for text in HOSTILE[:3]:
        before = page.locator("#log-rehearse li.user").count()
        _send(page, text)
        page.wait_for_function(
            "(n) => document.querySelectorAll('#log-rehearse li.user').length > n", arg=before
        )
    assert _visible_texts(page, "#log-check .marked") == HOSTILE
    assert _visible_texts(page, "#log-rewrite .marked") == HOSTILE
    assert _visible_texts(page, "#log-rehearse li.user .line") == HOSTILE[:3]
    # reload: history comes back from the database, still as text
    page.reload()
    page.locator("#log-rehearse li.user").first.wait_for()
    assert _visible_texts(page, "#log-rehearse li.user .line") == HOSTILE[:3]
    counts = page.evaluate(
        "(sels) => sels.map(s => document.querySelectorAll('main ' + s).length)",
        ["img", "script", "svg", "b", 'a[href^="javascript"]'],
    )
    assert counts == [0, 0, 0, 0, 0]
    assert page.evaluate("window.__pwned === undefined")
    assert not watch.dialogs


def _visible_texts(page: Any, selector: str) -> list[str]:
    """The text of each node, without the screen-reader-only notes added beside marks."""
    texts: list[str] = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map(node => {
            const copy = node.cloneNode(true);
            copy.querySelectorAll('.sr-only').forEach(n => n.remove());
            return copy.textContent;
        })""",
        selector,
    )
    return texts


def test_quick_exit_leaves_no_history_entry(page: Any, server: Server) -> None:
    page.goto("/healthz")
    page.goto("/")
    length = page.evaluate("history.length")
    _send(page, "I feel alone lately.")
    _entries(page, "log-check").first.wait_for()
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(f"{server.url}/healthz")
    assert page.evaluate("history.length") == length  # replaced, not pushed
    page.go_back()
    assert "/healthz" in page.url or page.url == "about:blank"
    assert page.locator("#log-check").count() == 0


def test_phone_width_is_readable(browser: Any, server: Server, shots: Path) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto("/")
        _send(phone, HARSH)
        phone.locator("#log-check mark").first.wait_for()
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        phone.screenshot(path=str(shots / "phone-check.png"), full_page=True, animations="disabled")
        phone.get_by_role("tab", name="Rehearse").click()
        phone.screenshot(path=str(shots / "phone-rehearse.png"), full_page=True, animations="disabled")
    finally:
        context.close()
