"""uvicorn's HTTP protocol, with TCP_NODELAY set on every connection it accepts.

With ``--workers N`` uvicorn binds the listening socket itself as ``socket.socket(AF_INET)``,
whose ``proto`` is 0; asyncio sets TCP_NODELAY only on sockets whose ``proto`` is IPPROTO_TCP,
so every accepted connection keeps Nagle's algorithm. uvicorn writes an answer's head and body
separately, and Nagle holds the body until the client acknowledges the head, which a client
delays by up to 40 ms: measured here, every request after the first on a keep-alive connection
took 44 ms with two workers against 1 ms with one. ``weframe serve`` and the test servers use
this protocol (``--http app.web.http_protocol:NoDelayHTTPProtocol``); it is otherwise uvicorn's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PROTOCOL_PATH = f"{__name__}:NoDelayHTTPProtocol"


def _connection_made(self: asyncio.Protocol, transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    AutoHTTPProtocol.connection_made(self, transport)


# built with type(): uvicorn picks its protocol class at import time (httptools if installed, else h11)
NoDelayHTTPProtocol: type[asyncio.Protocol] = type(
    "NoDelayHTTPProtocol", (AutoHTTPProtocol,), {"connection_made": _connection_made}
)
