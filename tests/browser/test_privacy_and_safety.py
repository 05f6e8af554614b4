"""Items 4 and 5 in the browser: no user text in URLs or browser storage; after a disclosure the
page pushes no therapy and no persuasion, the contacts stay on screen, and "I'm fine" changes
nothing; the "Get help" link is always visible and opens the contacts without a history entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from web.rehearsing import WARM_LINES

from browser.conftest import Server

pytestmark = pytest.mark.browser

SENTINEL = "QUOKKA-7731-sentinel"
DISCLOSURE = "I'm afraid of him. He choked me last month."
PITCH = re.compile(
    r"therap|counsel|session|persuad|convinc|one try|openness|start rehearsal|start another|practise with",
    re.IGNORECASE,
)
BROWSER_STATE = """async () => {
    const dump = (store) => Object.keys(store).map((k) => k + '=' + store.getItem(k)).join('\\n');
    const databases = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    const cacheNames = self.caches ? await caches.keys() : [];
    return {
        local: dump(localStorage), session: dump(sessionStorage), cookie: document.cookie,
        databases: databases.join(','), caches: cacheNames.join(','), url: location.href,
        resources: performance.getEntriesByType('resource').map((e) => e.name).join('\\n'),
        navigation: performance.getEntriesByType('navigation').map((e) => e.name).join('\\n'),
    };
}"""


def _send(page: Any, text: str) -> None:
    page.locator("#text").fill(text)
    page.locator("#text").press("Enter")


def _count(page: Any, selector: str) -> int:
    return int(page.locator(selector).count())


def _say_in_rehearsal(page: Any, text: str) -> None:
    before = _count(page, "#log-rehearse li.user")
    _send(page, text)
    page.wait_for_function("(n) => document.querySelectorAll('#log-rehearse li.user').length > n", arg=before)


def test_no_user_text_in_urls_or_browser_storage(page: Any) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto("/")
    _send(page, f"You never listen to me. {SENTINEL}")
    page.locator("#log-check > li").first.wait_for()
    page.get_by_role("tab", name="Rewrite a draft").click()
    _send(page, f"You always forget the kids. {SENTINEL}")
    page.locator("#log-rewrite > li").first.wait_for()
    page.get_by_role("tab", name="Rehearse").click()
    page.get_by_role("button", name="Start rehearsal").click()
    page.locator("#log-rehearse li.spouse").first.wait_for()
    for line in WARM_LINES[:2]:
        _say_in_rehearsal(page, f"{line} {SENTINEL}")
    page.goto(page.locator("#resume-link").get_attribute("href"))  # resume: history from the server
    page.locator("#log-rehearse li.user").nth(1).wait_for()
    assert SENTINEL in page.locator("#log-rehearse").inner_text()  # the text is on screen...
    state = page.evaluate(BROWSER_STATE)
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == ["wf_token"] and cookies[0]["httpOnly"]
    places = {**state, "cookies": repr(cookies), "requested urls": "\n".join(urls)}
    assert len(urls) > 5
    for place, value in places.items():  # ...and nowhere else
        assert SENTINEL not in value, place
        assert "never listen" not in value.lower(), place
    assert state["local"] == state["session"] == state["cookie"] == ""


def test_without_script_the_form_puts_no_text_in_the_url(browser: Any, server: Server) -> None:
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        page.goto("/")
        page.locator("#text").fill(f"You never listen. {SENTINEL}")
        page.locator("#send").click()
        page.wait_for_load_state()
        assert SENTINEL not in page.url and not any(SENTINEL in url for url in urls)
    finally:
        context.close()


def _pitches_on_screen(page: Any, own_words: list[str]) -> list[str]:
    """Pitch words in the visible text, once the safety message, the contacts, the page's own
    "not therapy, not a crisis service" note and the user's words are taken out."""
    text = page.evaluate("document.body.innerText")
    allowed = [page.locator(".scope").inner_text(), *own_words]
    if page.locator("#safety").is_visible():
        allowed.append(page.locator("#safety-message").inner_text())
        allowed += page.locator("#safety-resources li").all_inner_texts()
    allowed += (
        page.locator(".help-resources li").all_inner_texts() if page.locator("#help").is_visible() else []
    )
    for part in sorted(allowed, key=len, reverse=True):
        text = text.replace(part, " ")
    found: list[str] = PITCH.findall(text)
    return found


def _assert_help_link_on_screen(page: Any) -> None:
    box = page.locator("#help-link").bounding_box()
    assert page.locator("#help-link").is_visible() and box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= page.viewport_size["height"], "visible without scrolling"


def test_after_a_disclosure_the_page_pushes_no_therapy_and_keeps_the_contacts(page: Any, shots: Path) -> None:
    page.goto("/")
    _assert_help_link_on_screen(page)
    page.get_by_role("tab", name="Rehearse").click()
    page.get_by_role("button", name="Start rehearsal").click()
    page.locator("#log-rehearse li.spouse").first.wait_for()
    said = [WARM_LINES[2], WARM_LINES[0]]
    for line in said:
        _say_in_rehearsal(page, line)
    assert _pitches_on_screen(page, said), "before a disclosure the page does coach the pitch"

    _say_in_rehearsal(page, DISCLOSURE)
    said.append(DISCLOSURE)
    page.locator('#log-rehearse .outcome[data-outcome="paused-for-safety"]').wait_for()
    assert page.locator("#safety").is_visible() and _count(page, "#safety-resources li") >= 1
    assert not _pitches_on_screen(page, said)
    assert not page.locator("#log-rehearse li.spouse").first.is_visible()
    page.screenshot(path=str(shots / "safety-mode-rehearse.png"), full_page=True, animations="disabled")

    # a later "I'm fine", and a return to the pitch, in the other modes: nothing is cleared
    for tab, log in (("Check a line", "log-check"), ("Rewrite a draft", "log-rewrite")):
        page.get_by_role("tab", name=tab).click()
        for line in ("I'm fine, really. Forget what I said.", "You never listen. We need couples therapy."):
            before = _count(page, f"#{log} > li")
            _send(page, line)
            page.wait_for_function(
                "([id, n]) => document.querySelectorAll('#' + id + ' > li').length > n", arg=[log, before]
            )
            said.append(line)
        assert page.locator("#safety").is_visible() and _count(page, "#safety-resources li") >= 1
        assert "paused" in page.locator(f"#{log} > li").last.inner_text()
        assert _count(page, f"#{log} mark") == 0 and _count(page, f"#{log} .rewrite") == 0
        assert not _pitches_on_screen(page, said)
    page.get_by_role("tab", name="Rehearse").click()
    assert page.locator("#safety-paused").is_visible()
    assert not page.get_by_role("button", name="Start rehearsal").is_visible()
    assert not _pitches_on_screen(page, said)
    _assert_help_link_on_screen(page)
    page.screenshot(path=str(shots / "safety-mode-check.png"), full_page=True, animations="disabled")

    # coming back to the rehearsal later: still paused, still the contacts, still no pitch
    page.goto(page.locator("#resume-link").get_attribute("href"))
    page.locator("#safety").wait_for(state="visible")
    page.locator("#log-rehearse li.user").nth(2).wait_for()
    assert not _pitches_on_screen(page, said)
    assert page.locator("#text").is_disabled() or not page.locator("#text").is_visible()


def test_get_help_opens_the_contacts_without_a_history_entry(page: Any, server: Server) -> None:
    page.goto("/")
    _send(page, "I feel alone lately.")
    page.locator("#log-check > li").first.wait_for()
    length, url = page.evaluate("history.length"), page.url
    page.get_by_role("link", name="Get help").click()
    help_box = page.locator("#help")
    help_box.wait_for(state="visible")
    assert _count(page, "#help .help-resources li") >= 1
    assert "emergency" in help_box.inner_text().lower()
    assert page.evaluate("history.length") == length and page.url == url
    assert _count(page, "#log-check > li") == 1  # what was typed is still there
    # the link also works on its own (no script, new tab): a page with the same contacts
    other = page.context.new_page()
    other.goto(f"{server.url}/help")
    assert other.locator(".help-resources li").count() == _count(page, "#help .help-resources li")
    other.close()
