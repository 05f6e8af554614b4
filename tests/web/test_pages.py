"""The chat page as HTML: what it promises before any JavaScript runs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from starlette.testclient import TestClient

from app.web.pages import ChatPage


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if any(name.startswith("on") for name, _ in attrs):
            self.inline_script = True

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def _page(client: TestClient) -> tuple[str, _Collector]:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    collector = _Collector()
    collector.feed(response.text)
    return response.text, collector


def test_the_page_renders_its_view_model(client: TestClient) -> None:
    response = client.get("/")
    assert response.template.name == "chat.html"  # type: ignore[attr-defined]
    assert isinstance(response.context["page"], ChatPage)  # type: ignore[attr-defined]


def test_the_page_has_the_three_jobs_one_textarea_and_a_send_button(client: TestClient) -> None:
    html, page = _page(client)
    tabs = [attrs.get("data-mode") for tag, attrs in page.tags if attrs.get("role") == "tab"]
    assert tabs == ["check", "rewrite", "rehearse"]
    assert [tag for tag, _ in page.tags].count("textarea") == 1
    textarea = next(attrs for tag, attrs in page.tags if tag == "textarea")
    assert any(tag == "label" and attrs.get("for") == textarea["id"] for tag, attrs in page.tags)
    assert any(tag == "button" and attrs.get("id") == "send" for tag, attrs in page.tags)
    assert "Check a line" in html and "Rewrite a draft" in html and "Rehearse" in html


def test_the_page_is_discreet_and_says_what_it_is_not(client: TestClient) -> None:
    html, page = _page(client)
    assert re.search(r"<title>\s*Notes\s*</title>", html), "a neutral tab title"
    assert "not therapy and not a crisis service" in html
    assert "emergency" in html
    assert any(attrs.get("id") == "quick-exit" for _, attrs in page.tags)
    assert any(attrs.get("aria-live") == "polite" for _, attrs in page.tags)


def test_the_page_lists_every_scenario_with_its_persona(client: TestClient) -> None:
    html, page = _page(client)
    scenarios = client.get("/api/scenarios").json()
    radios = [
        attrs.get("value") for tag, attrs in page.tags if tag == "input" and attrs.get("name") == "scenario"
    ]
    assert radios == [s["id"] for s in scenarios]
    for scenario in scenarios:
        assert scenario["title"] in html.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_no_inline_script_no_style_attribute_and_no_cdn(client: TestClient) -> None:
    html, page = _page(client)
    assert not page.inline_script
    scripts = [attrs.get("src") for tag, attrs in page.tags if tag == "script"]
    assert scripts and all(src and src.startswith("/static/") for src in scripts)
    assert not any("style" in attrs for _, attrs in page.tags)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert not re.search(r"(src|href)=\"https?://", html)


def test_static_files_are_served(client: TestClient) -> None:
    for name, kind in (("app.js", "javascript"), ("app.css", "css"), ("favicon.svg", "svg")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert kind in response.headers["content-type"]


def test_the_script_never_uses_inner_html() -> None:
    from app.web.pages import STATIC_DIR

    source = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert unsafe not in source, unsafe


def test_templates_never_mark_text_safe() -> None:
    from app.web.pages import TEMPLATES_DIR

    for template in TEMPLATES_DIR.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, template.name
