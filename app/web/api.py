"""The JSON API of API.md. Each route reads the request, calls one service, picks a response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app.engine import Analyzer
from app.services import rehearsals as use_cases
from app.services.analysis import analyze_text
from app.services.dialogue import DialogueEngine
from app.services.errors import Unavailable
from app.services.rehearsals import Rehearsals
from app.settings import Settings
from app.store.database import ping
from app.web.schemas import (
    AnalysisOut,
    ErrorOut,
    HealthOut,
    RehearsalCreatedOut,
    RehearsalIn,
    RehearsalOut,
    ScenarioOut,
    TextIn,
    TurnOut,
)

TOKEN_HEADER = "X-Rehearsal-Token"
TOKEN_COOKIE = "wf_token"

router = APIRouter()


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


TOO_LARGE = _error("Text over 5,000 characters, or a request body over the size limit.")
INVALID = _error("Empty text, a malformed JSON body, or a field of the wrong type.")
NOT_FOUND = _error("No such rehearsal, or a missing or wrong token (the same answer for all).")
CONFLICT = _error("The rehearsal is over, or another turn was written first.")
CROSS_SITE = _error("A browser sent this from another site (Sec-Fetch-Site or Origin).")


def _retry_later(description: str) -> dict[str, Any]:
    retry_after = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
    return {**_error(description), "headers": {"Retry-After": retry_after}}


RATE_LIMITED = _retry_later("Too many requests from this client in a short time.")
BUSY = _retry_later("The database is busy or unavailable.")
_OWNED = {"rehearsal_id": "$response.body#/id", "header.X-Rehearsal-Token": "$response.body#/token"}
REHEARSAL_LINKS = {
    name: {"operationId": name, "parameters": _OWNED}
    for name in ("post_turn", "read_rehearsal", "delete_rehearsal")
}


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


def get_rehearsals(request: Request) -> Rehearsals:
    rehearsals: Rehearsals = request.app.state.rehearsals
    return rehearsals


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_token(
    request: Request,
    x_rehearsal_token: Annotated[
        str | None, Header(description="The token returned when the rehearsal was created.")
    ] = None,
) -> str | None:
    """The header wins; the chat page's HttpOnly cookie is the fallback."""
    if x_rehearsal_token is not None:
        return x_rehearsal_token
    return request.cookies.get(TOKEN_COOKIE)


AnalyzerDep = Annotated[Analyzer, Depends(get_analyzer)]
RehearsalsDep = Annotated[Rehearsals, Depends(get_rehearsals)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenDep = Annotated[str | None, Depends(get_token)]


@router.get(
    "/healthz",
    operation_id="read_health",
    response_model=HealthOut,
    responses={503: _error("The database does not answer.")},
    tags=["health"],
)
def read_health(rehearsals: RehearsalsDep) -> Any:
    """200 once the database answers."""
    try:
        ping(rehearsals.engine)
    except SQLAlchemyError:
        raise Unavailable("The database does not answer.") from None
    return {"status": "ok"}


@router.post(
    "/api/analyze",
    operation_id="analyze",
    response_model=AnalysisOut,
    responses={403: CROSS_SITE, 413: TOO_LARGE, 422: INVALID, 429: RATE_LIMITED},
    tags=["analysis"],
)
def analyze(body: TextIn, analyzer: AnalyzerDep) -> Any:
    """Check a line or a draft. Nothing is stored."""
    return JSONResponse(analyze_text(analyzer, body.text))


@router.get(
    "/api/scenarios",
    operation_id="list_scenarios",
    response_model=list[ScenarioOut],
    responses={429: RATE_LIMITED},
    tags=["rehearsals"],
)
def list_scenarios(rehearsals: RehearsalsDep) -> Any:
    """The rehearsal scenarios: one per reason a spouse may resist therapy."""
    return JSONResponse(scenario_list(rehearsals.dialogue))


@router.post(
    "/api/rehearsals",
    operation_id="create_rehearsal",
    status_code=201,
    response_model=RehearsalCreatedOut,
    responses={
        201: {"links": REHEARSAL_LINKS},
        403: CROSS_SITE,
        413: TOO_LARGE,
        422: _error("Unknown scenario, or a malformed body."),
        429: RATE_LIMITED,
        503: BUSY,
    },
    tags=["rehearsals"],
)
def create_rehearsal(
    body: RehearsalIn, request: Request, rehearsals: RehearsalsDep, settings: SettingsDep
) -> Any:
    """Start a rehearsal. The answer holds the token that every later call on it needs."""
    created = use_cases.create_rehearsal(rehearsals, scenario=body.scenario, seed=body.seed)
    response = JSONResponse(
        {
            "id": created.id,
            "token": created.token,
            "scenario": created.scenario,
            "state": created.state,
            "messages": created.messages,
        },
        status_code=201,
    )
    response.set_cookie(
        TOKEN_COOKIE,
        created.token,
        max_age=settings.retention_days * 86400,
        path=f"/api/rehearsals/{created.id}",
        secure=_secure_cookie(request, settings),
        httponly=True,
        samesite="strict",
    )
    return response


@router.post(
    "/api/rehearsals/{rehearsal_id}/turns",
    operation_id="post_turn",
    response_model=TurnOut,
    responses={
        403: CROSS_SITE,
        404: NOT_FOUND,
        409: CONFLICT,
        413: TOO_LARGE,
        422: INVALID,
        429: RATE_LIMITED,
        503: BUSY,
    },
    tags=["rehearsals"],
)
def post_turn(rehearsal_id: str, body: TextIn, rehearsals: RehearsalsDep, token: TokenDep) -> Any:
    """Say one line to the simulated spouse; get the reply, the coach's comments and the new state."""
    result = use_cases.post_turn(rehearsals, rehearsal_id=rehearsal_id, token=token, text=body.text)
    return JSONResponse(
        {"reply": result.reply, "coach": result.coach, "state": result.state, "report": result.report}
    )


@router.get(
    "/api/rehearsals/{rehearsal_id}",
    operation_id="read_rehearsal",
    response_model=RehearsalOut,
    responses={404: NOT_FOUND, 429: RATE_LIMITED, 503: BUSY},
    tags=["rehearsals"],
)
def read_rehearsal(rehearsal_id: str, rehearsals: RehearsalsDep, token: TokenDep) -> Any:
    """The rehearsal so far: state, every message oldest first, and the report once there are turns."""
    view = use_cases.read_rehearsal(rehearsals, rehearsal_id=rehearsal_id, token=token)
    return JSONResponse(
        {
            "id": view.id,
            "scenario": view.scenario,
            "state": view.state,
            "messages": view.messages,
            "report": view.report,
            "safety": view.safety,
        }
    )


@router.delete(
    "/api/rehearsals/{rehearsal_id}",
    operation_id="delete_rehearsal",
    status_code=204,
    response_class=Response,
    responses={403: CROSS_SITE, 404: NOT_FOUND, 429: RATE_LIMITED, 503: BUSY},
    tags=["rehearsals"],
)
def delete_rehearsal(
    rehearsal_id: str, request: Request, rehearsals: RehearsalsDep, settings: SettingsDep, token: TokenDep
) -> Response:
    """Delete the rehearsal and everything in it. Afterwards every call on it answers 404."""
    use_cases.delete_rehearsal(rehearsals, rehearsal_id=rehearsal_id, token=token)
    response = Response(status_code=204)
    response.delete_cookie(
        TOKEN_COOKIE,
        path=f"/api/rehearsals/{rehearsal_id}",
        secure=_secure_cookie(request, settings),
        httponly=True,
        samesite="strict",
    )
    return response


def scenario_list(dialogue: DialogueEngine) -> list[dict[str, Any]]:
    return [
        {
            "id": info.id,
            "title": info.title,
            "description": info.description,
            "persona": use_cases.jsonable(info.persona),
        }
        for info in dialogue.list_scenarios()
    ]


def _secure_cookie(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure == "always":
        return True
    if settings.cookie_secure == "never":
        return False
    return request.url.scheme == "https"
