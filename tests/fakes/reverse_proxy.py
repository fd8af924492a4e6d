"""A small reverse proxy on loopback (aiohttp) for browser tests: forwards HTTP and websockets to an upstream
server on this machine and, like nginx's usual `proxy_set_header` lines, adds X-Forwarded-For, X-Forwarded-Host
and X-Forwarded-Proto. It lets a test reach a loopback-bound Streamlit the way a client on the network would.

    with run_reverse_proxy("http://127.0.0.1:8501") as proxy_url:
        page.goto(proxy_url)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
from aiohttp import web

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "host",
}
WS_HANDSHAKE = {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"}


def _forward_headers(request: web.Request, client_ip: str) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | WS_HANDSHAKE}
    headers["X-Forwarded-For"] = client_ip
    headers["X-Forwarded-Host"] = request.host
    headers["X-Forwarded-Proto"] = "http"
    return headers


def make_app(upstream: str, client_ip: str) -> web.Application:
    session_holder: dict[str, aiohttp.ClientSession] = {}

    async def on_startup(app: web.Application) -> None:
        session_holder["s"] = aiohttp.ClientSession(auto_decompress=False)

    async def on_cleanup(app: web.Application) -> None:
        await session_holder["s"].close()

    async def handle(request: web.Request) -> web.StreamResponse:
        session = session_holder["s"]
        target = upstream + request.rel_url.path_qs
        headers = _forward_headers(request, client_ip)
        if request.headers.get("upgrade", "").lower() == "websocket":
            protocols = [p.strip() for p in request.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
            headers.pop("Sec-WebSocket-Protocol", None)
            async with session.ws_connect(target, headers=headers, protocols=protocols) as upstream_ws:
                downstream = web.WebSocketResponse(protocols=protocols)
                await downstream.prepare(request)

                async def pump(source, sink) -> None:
                    async for message in source:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            await sink.send_bytes(message.data)
                        elif message.type == aiohttp.WSMsgType.TEXT:
                            await sink.send_str(message.data)
                        else:
                            break
                    await sink.close()

                await asyncio.gather(pump(downstream, upstream_ws), pump(upstream_ws, downstream))
                return downstream
        body = await request.read()
        async with session.request(
            request.method, target, headers=headers, data=body or None, allow_redirects=False
        ) as response:
            payload = await response.read()
            out_headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
            if "Content-Encoding" in response.headers:
                out_headers["Content-Encoding"] = response.headers["Content-Encoding"]
            return web.Response(status=response.status, body=payload, headers=out_headers)

    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@contextmanager
def run_reverse_proxy(upstream: str, *, client_ip: str = "203.0.113.7") -> Iterator[str]:
    """Serve the proxy on a free loopback port in a thread; yields its base URL."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(make_app(upstream.rstrip("/"), client_ip), shutdown_timeout=1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = site._server.sockets[0].getsockname()[1]

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="reverse-proxy", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the reverse proxy did not start")
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
