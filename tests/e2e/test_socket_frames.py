"""The socket's frames on a real server: no permessage-deflate unless CHATIDK_WS_DEFLATE, events alike."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import websocket

from tests.support.api import ApiClient


def test_a_deflate_offer_is_declined_and_events_arrive_framed_once(live_server):
    alice, bob = ApiClient(live_server.url, "alice"), ApiClient(live_server.url, "bob")
    chat = alice.direct_with(bob)
    ws = websocket.create_connection(
        live_server.ws_url,
        header=[f"Authorization: Bearer {bob.token}", "Sec-WebSocket-Extensions: permessage-deflate"],
        timeout=30,
    )
    try:
        assert "sec-websocket-extensions" not in {k.lower() for k in ws.getheaders()}
        assert json.loads(ws.recv())["type"] == "hello"
        sent = [alice.send(chat, text).json()["message"] for text in ("short", "ü" * 200, "🙂" * 10_000)]
        got = []
        while len(got) < len(sent):
            event = json.loads(ws.recv())
            if event["type"] == "message.created":
                got.append(event["message"])
        assert got == sent
    finally:
        ws.close()


def test_with_deflate_on_a_client_that_offers_it_gets_it(server_factory):
    server = server_factory(extra_env={"CHATIDK_WS_DEFLATE": "1"})
    alice, bob = ApiClient(server.url, "alice"), ApiClient(server.url, "bob")
    chat = alice.direct_with(bob)

    async def listen() -> tuple[int, dict]:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(
                server.ws_url, headers={"Authorization": f"Bearer {bob.token}"}, compress=15
            ) as ws,
        ):
            assert (await ws.receive_json(timeout=30))["type"] == "hello"
            sent = await asyncio.to_thread(lambda: alice.send(chat, "compressed").json()["message"])
            while True:
                event = await ws.receive_json(timeout=30)
                if event["type"] == "message.created":
                    assert event["message"] == sent
                    return ws.compress, event

    compress, _ = asyncio.run(listen())
    assert compress > 0  # permessage-deflate negotiated
