"""`weframe serve`: check the data and the database first, then run uvicorn.

A bad data file or an unreachable database stops here with one clear line, before any worker
starts. Migrations are applied here too (and again, harmlessly, by each worker).
"""

from __future__ import annotations

import copy
import logging
import sys
from typing import Any

import uvicorn
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.logging import AccessFormatter

from app.engine import load_analyzer
from app.loader import DataError
from app.paths import DATA_DIR
from app.services.dialogue import load_dialogue
from app.settings import Settings, get_settings
from app.store.database import make_engine, ping
from app.store.migrations import upgrade_to_head
from app.web.http_protocol import PROTOCOL_PATH

EXIT_USAGE = 2


class PathOnlyAccessFormatter(AccessFormatter):
    """uvicorn's access line without the query string.

    weframe never puts user text in a URL, but a client might; the path is enough to operate on.
    """

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, full_path, version, status = record.args
            path, query, _ = str(full_path).partition("?")
            record = copy.copy(record)
            record.args = (client, method, path + ("?..." if query else ""), version, status)
        return super().format(record)


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging with a query-free access line, plus weframe's own logger."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["access"]["()"] = f"{__name__}.PathOnlyAccessFormatter"
    config["loggers"]["weframe"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def preflight(settings: Settings) -> None:
    """Load every data file and bring the database schema up to date (raises on failure)."""
    load_analyzer(DATA_DIR, settings.extra_resources)
    load_dialogue()
    engine = make_engine(settings.effective_database_url(), busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        ping(engine)
        upgrade_to_head(engine)
    finally:
        engine.dispose()


def serve(host: str, port: int) -> int:
    settings = get_settings()
    try:
        preflight(settings)
    except DataError as exc:
        sys.stderr.write(f"weframe: bad data file: {exc}\n")
        return EXIT_USAGE
    except SQLAlchemyError as exc:
        sys.stderr.write(f"weframe: cannot open the database: {type(exc).__name__}: {exc}\n")
        return EXIT_USAGE
    uvicorn.run(
        "app.web.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        # only a configured proxy may set the client address and scheme (rate limits, HSTS, cookies)
        proxy_headers=bool(settings.forwarded_allow_ips.strip()),
        forwarded_allow_ips=settings.forwarded_allow_ips.strip() or None,
        server_header=False,
        http=PROTOCOL_PATH,  # TCP_NODELAY with several workers too
    )
    return 0
