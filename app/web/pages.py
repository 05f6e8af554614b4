"""The chat page (GET /): server-rendered with Jinja2 (autoescape on), a little external JavaScript."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app.engine import MAX_CHARS, Analyzer
from app.paths import ROOT
from app.services.rehearsals import Rehearsals
from app.settings import Settings
from app.web.api import scenario_list

TEMPLATES_DIR = ROOT / "app" / "web" / "templates"
STATIC_DIR = ROOT / "app" / "web" / "static"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class ScenarioCard:
    id: str
    title: str
    description: str
    persona: str


@dataclass(frozen=True)
class HelpContact:
    name: str
    contact: str


@dataclass(frozen=True)
class HelpPage:
    """Everything help.html (and the header and help parts of every page) may use."""

    resources: list[HelpContact]
    quick_exit_url: str
    asset_version: str


@dataclass(frozen=True)
class ChatPage(HelpPage):
    """Everything chat.html may use."""

    scenarios: list[ScenarioCard]
    max_chars: int
    retention_days: int


def persona_text(persona: Any) -> str:
    """A scenario's persona as one line, whether the dialogue gives a string or a small table."""
    if persona is None:
        return ""
    if isinstance(persona, str):
        return persona
    if isinstance(persona, dict):
        parts = [str(persona.get(key)) for key in ("name", "summary", "description") if persona.get(key)]
        return " — ".join(parts) if parts else ", ".join(str(v) for v in persona.values() if v)
    return str(persona)


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A short hash of the static files, so browsers fetch new ones after an upgrade."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def help_contacts(analyzer: Analyzer) -> list[HelpContact]:
    """The safety resources (data/safety.toml plus WEFRAME_EXTRA_RESOURCES), always on offer."""
    return [HelpContact(r.name, r.contact) for r in analyzer.safety.texts.resources]


@router.get("/", response_class=HTMLResponse)
def show_chat(request: Request) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    rehearsals: Rehearsals = request.app.state.rehearsals
    page = ChatPage(
        resources=help_contacts(request.app.state.analyzer),
        quick_exit_url=settings.quick_exit_url,
        asset_version=asset_version(),
        scenarios=[
            ScenarioCard(s["id"], s["title"], s["description"], persona_text(s["persona"]))
            for s in scenario_list(rehearsals.dialogue)
        ],
        max_chars=MAX_CHARS,
        retention_days=settings.retention_days,
    )
    return templates.TemplateResponse(request, "chat.html", {"page": page})


@router.get("/help", response_class=HTMLResponse)
def show_help(request: Request) -> HTMLResponse:
    """The contacts on a page of their own: the header's "Get help" link works without script."""
    settings: Settings = request.app.state.settings
    page = HelpPage(
        resources=help_contacts(request.app.state.analyzer),
        quick_exit_url=settings.quick_exit_url,
        asset_version=asset_version(),
    )
    return templates.TemplateResponse(request, "help.html", {"page": page})


@router.get("/favicon.ico")
def show_favicon() -> FileResponse:
    """Browsers ask for it on every page, the JSON ones included; a 404 would only add noise."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")
