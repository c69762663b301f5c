"""Nothing lost, nothing twice: concurrency, retries, reconnect catch-up and several server processes."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest


def test_concurrent_senders_get_gapless_unique_seqs(users):
    owner = users("owner")
    senders = [users(f"sender{i}") for i in range(20)]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Load", "member_ids": [s.id for s in senders]}
    ).json()["conversation"]["id"]
    per_sender = 10
    barrier = threading.Barrier(len(senders))

    def send_all(sender):
        barrier.wait()
        return [
            sender.send(group, f"{sender.username} #{n}").json()["message"]["seq"] for n in range(per_sender)
        ]

    with ThreadPoolExecutor(len(senders)) as pool:
        seqs = [seq for result in pool.map(send_all, senders) for seq in result]
    total = len(senders) * per_sender
    assert sorted(seqs) == list(range(1, total + 1))
    stored = owner.messages_after(group)
    assert [m["seq"] for m in stored] == list(range(1, total + 1))
    assert owner.get(f"/conversations/{group}").json()["conversation"]["last_seq"] == total


def test_simultaneous_retries_of_one_send_store_it_once(users):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    client_id = str(uuid.uuid4())
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        r = alice.send(conversation, "only once", client_id=client_id)
        return r.status_code, r.json()["message"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: send(), range(8)))
    assert sorted(status for status, _ in results) == [200] * 7 + [201]
    assert len({m["id"] for _, m in results}) == 1
    assert [m["text"] for m in alice.messages_after(conversation)] == ["only once"]


def _catch_up(client, stream, conversation_id: int, held: int) -> list[dict]:
    """The client's reconnect rule: socket first (hello seen), then fetch after the held seq, merge by seq."""
    fetched = client.messages_after(conversation_id, held)
    merged = {m["seq"]: m for m in fetched}
    for m in stream.messages(conversation_id):
        merged.setdefault(m["seq"], m)
    return [merged[seq] for seq in sorted(merged)]


def test_reconnecting_client_gets_every_missed_message_exactly_once(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    first = streams(bob)
    for n in range(5):
        alice.send(conversation, f"online {n}")
    seen = first.wait_for(lambda ev: len([e for e in ev if e["type"] == "message.created"]) == 5)
    held = max(e["seq"] for e in seen if e["type"] == "message.created")
    first.close()

    for n in range(7):
        alice.send(conversation, f"while away {n}")

    # Alice keeps sending while Bob reconnects, so some messages land in the gap between socket and fetch.
    stop = threading.Event()

    def keep_sending():
        n = 0
        while not stop.is_set() and n < 200:
            alice.send(conversation, f"during reconnect {n}")
            n += 1

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        second = streams(bob)
        caught_up = _catch_up(bob, second, conversation, held)
    finally:
        stop.set()
        sender.join()
    last = alice.get(f"/conversations/{conversation}").json()["conversation"]["last_seq"]
    second.wait_for(lambda ev: any(e.get("seq") == last for e in ev))
    final = _catch_up(bob, second, conversation, held)
    assert [m["seq"] for m in final] == list(range(held + 1, last + 1))
    assert len({m["id"] for m in final}) == len(final)
    assert [m["seq"] for m in caught_up] == list(range(held + 1, held + 1 + len(caught_up)))


@pytest.mark.slow
def test_two_server_processes_deliver_each_others_messages_live(server_factory, users, streams, live_server):
    other = server_factory()
    alice = users("alice")  # on the first process
    bob = users("bob", server=other)  # on the second
    conversation = alice.direct_with(bob)
    alice_stream = streams(alice)
    bob_stream = streams(bob, server=other)
    alice.send(conversation, "from process one")
    bob_stream.wait_for(lambda ev: [m["text"] for m in bob_stream.messages()] == ["from process one"])
    bob.send(conversation, "from process two")
    alice_stream.wait_for(
        lambda ev: [m["text"] for m in alice_stream.messages()] == ["from process one", "from process two"]
    )
