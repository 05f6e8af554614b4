"""Item 2: schemathesis fuzzes the API from /openapi.json against a real uvicorn server.

Bounded and repeatable: a fixed number of examples per operation, a fixed seed, no example
database; every check must pass. Run it by hand the same way with a larger --max-examples.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.web.local_server import local_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 25
SEED = 20260301


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    env = {"WEFRAME_DATA_DIR": str(tmp_path), "WEFRAME_RATE_LIMIT_PER_MINUTE": "0", "WEFRAME_DOCS": "true"}
    with local_server(env, tmp_path / "server.log") as server:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                str(SEED),
                "--generation-database",
                "none",
                "--request-timeout",
                "10",
                "--workers",
                "2",
                "--no-color",
            ],
            cwd=tmp_path,  # its .hypothesis/ and .schemathesis/ folders stay out of the checkout
            capture_output=True,
            text=True,
            timeout=300,
        )
        log = server.log_text()
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "No issues found" in report, report
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
