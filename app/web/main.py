"""create_app(): load the data, open the database, apply migrations, wire routes and middleware.

Everything heavy happens here, once per process: a bad data file or an unreachable database
stops start-up with a message. uvicorn imports this as a factory
(``uvicorn --factory app.web.main:create_app``), so each worker builds its own app.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from app.engine import Analyzer, get_analyzer, load_analyzer
from app.paths import DATA_DIR
from app.services.dialogue import DialogueEngine, load_dialogue
from app.services.rehearsals import Clock, Rehearsals, utc_now
from app.services.retention import purge_expired
from app.settings import Settings, get_settings
from app.store.database import make_engine
from app.store.migrations import upgrade_to_head
from app.web import api, pages
from app.web.errors import ErrorFunnelMiddleware, install_error_handlers
from app.web.middleware import BodyLimitMiddleware, SameOriginMiddleware, SecurityHeadersMiddleware
from app.web.pages import STATIC_DIR
from app.web.rate_limit import RateLimitMiddleware, TokenBuckets

log = logging.getLogger("weframe.web")


def create_app(
    settings: Settings | None = None,
    *,
    analyzer: Analyzer | None = None,
    dialogue: DialogueEngine | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    if analyzer is None:
        # without extra resources, the one the dialogue uses too: the rules are compiled once
        extra = settings.extra_resources
        analyzer = get_analyzer() if extra is None else load_analyzer(DATA_DIR, extra)
    dialogue = dialogue or load_dialogue(analyzer)
    engine = make_engine(settings.effective_database_url(), busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    upgrade_to_head(engine)
    rehearsals = Rehearsals(
        engine=engine,
        dialogue=dialogue,
        retention=timedelta(days=settings.retention_days),
        clock=clock or utc_now,
    )
    purged = purge_expired(rehearsals)
    if purged:
        log.info("purged %d expired rehearsals", purged)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # As many patterns compiled before the first request as stay compiled, not by it (a
        # fraction of a second, once per process: the analyzer is shared).
        await asyncio.to_thread(analyzer.warm_up)
        task = None
        if settings.purge_interval_seconds > 0:
            task = asyncio.create_task(_purge_forever(rehearsals, settings.purge_interval_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    app = FastAPI(
        title="weframe",
        version="1",
        summary="Say it so it can be heard: phrasing checks, I/we rewrites and rehearsal.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs else None,
    )
    app.state.settings = settings
    app.state.analyzer = analyzer
    app.state.rehearsals = rehearsals
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.state.method_routes = [*api.router.routes, *pages.router.routes]  # for the Allow header of a 405
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    if settings.docs:
        _add_docs(app)
        _list_scenarios_in_schema(app, [info.id for info in dialogue.list_scenarios()])
    # the last added runs first: headers on every answer, then the cheap refusals, then the app
    app.add_middleware(ErrorFunnelMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SameOriginMiddleware)
    if settings.rate_limit_per_minute > 0:
        buckets = TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst)
        app.add_middleware(RateLimitMiddleware, buckets=buckets)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


async def _purge_forever(rehearsals: Rehearsals, interval: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            purged = await run_in_threadpool(purge_expired, rehearsals)
        except Exception as exc:  # keep serving; the next round tries again
            log.warning("retention purge failed: %s", type(exc).__name__)
        else:
            if purged:
                log.info("purged %d expired rehearsals", purged)


def _list_scenarios_in_schema(app: FastAPI, scenario_ids: list[str]) -> None:
    """The scenario ids come from data, so the OpenAPI enum is added when the app is built."""
    build_default = app.openapi

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build_default()
            field = schema["components"]["schemas"]["RehearsalIn"]["properties"]["scenario"]
            field["enum"] = scenario_ids
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /docs, with a CSP that allows its CDN files and only its own inline script."""

    @app.get("/docs", include_in_schema=False)
    def show_docs(_request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="weframe API")
        body = bytes(page.body).decode("utf-8")
        hashes = " ".join(
            _script_hash(script) for script in re.findall(r"<script>(.*?)</script>", body, re.S)
        )
        page.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' https://cdn.jsdelivr.net {hashes}; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        return page


def _script_hash(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"
