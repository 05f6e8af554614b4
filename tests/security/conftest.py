"""The security tests use the web tests' fixtures: an app per test on its own database."""

from __future__ import annotations

from web.conftest import any_client, client, client_factory, clock, settings

__all__ = ["any_client", "client", "client_factory", "clock", "settings"]

# Text no test would type by chance: when it shows up where it must not, the test names the place.
SENTINEL = "QUOKKA-7731-sentinel my husband"
