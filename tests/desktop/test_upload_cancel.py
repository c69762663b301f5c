"""Cancelling a message with files leaves no message and no upload on the real server, at every moment an
upload can be in: each test stops the transfer thread at one exact point and cancels there, on the UI
thread, as the user's click would (a blocking queued call), then awaits ``cancel_finished`` and the server's
own end state instead of guessing how long either takes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from desktop.net import transfers
from desktop.net.api import ApiClient as DesktopApi
from tests.desktop.test_files import make_blob
from tests.support.api import PASSWORD, ApiClient, register

pytestmark = pytest.mark.slow
MIB = 1024 * 1024
SETTLE_TIMEOUT_MS = 30000


class UiThread(QObject):
    """Runs a function on the UI thread from a transfer thread and waits until it has run."""

    _requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._requested.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    @Slot(object)
    def _run(self, function: Callable[[], None]) -> None:
        function()

    def call(self, function: Callable[[], None]) -> None:
        if QThread.currentThread() is self.thread():
            function()
        else:
            self._requested.emit(function)


class CancelAtProgress(QObject):
    """Cancels the message whose file ``file_index`` has reached ``fraction`` of its bytes (progress comes
    with every chunk here, see ``progress_every_chunk``). The transfer thread waits meanwhile, so the cancel
    lands exactly there; at 1.0 that is just after the last chunk was read from disk, before it is written
    to the socket. Records whether the server was receiving the body at that moment (its staging file)."""

    def __init__(self, client, server, fraction: float, file_index: int = 0) -> None:
        super().__init__()
        self.uploads = client.session.files.uploads
        self.server = server
        self.fraction = fraction
        self.file_index = file_index
        self.cancelled: str | None = None
        self.at: tuple[int, int] | None = None
        self.server_was_receiving = False
        client.session.files.transfers.progress.connect(
            self._on_progress, Qt.ConnectionType.BlockingQueuedConnection
        )

    @Slot(str, int, int)
    def _on_progress(self, key: str, done: int, total: int) -> None:
        _, client_id, index = key.split(":")
        if self.cancelled or int(index) != self.file_index or done < self.fraction * total:
            return
        self.server_was_receiving = staged(self.server.data_dir) != []
        self.at = (done, total)
        assert self.uploads.cancel(client_id)
        self.cancelled = client_id


@pytest.fixture(autouse=True)
def progress_every_chunk(monkeypatch):
    """Progress with every chunk instead of ten times a second: a cancel can land on any chunk."""
    monkeypatch.setattr(transfers, "PROGRESS_INTERVAL", 0.0)


@pytest.fixture
def alice(live_server, desktop_client, qtbot):
    """Alice signed in and online, in a 1:1 with Bob."""
    register(live_server.url, "alice", display_name="Alice")
    bob = register(live_server.url, "bob", display_name="Bob")
    client = desktop_client("alice", live_server.url)
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    client.chat.start_direct(bob["id"])
    qtbot.waitUntil(lambda: client.chat.state.open_conversation_id is not None, timeout=20000)
    return client


def store_objects(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "files").glob("??/*") if p.is_file())


def staged(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "files" / "staging").glob("*") if p.is_file())


def exported_files(live_server) -> list[str]:
    server = ApiClient(live_server.url, "alice", register_first=False)
    try:
        export = server.get("/me/export", timeout=60)
        assert export.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        return sorted(n for n in names if n.startswith("files/") and not n.endswith("/"))
    finally:
        server.session.close()


def messages_on_server(live_server, conversation_id: int) -> list[dict]:
    server = ApiClient(live_server.url, "alice", register_first=False)
    try:
        return server.messages_after(conversation_id)
    finally:
        server.session.close()


def wait_server_done_receiving(qtbot, live_server) -> None:
    """No upload still being received: a body cut short ends in the server's refusal, which removes its
    staging file; only then does the store tell whether anything was kept."""
    qtbot.waitUntil(lambda: staged(live_server.data_dir) == [], timeout=SETTLE_TIMEOUT_MS)


def assert_nothing_left(qtbot, alice, live_server) -> None:
    wait_server_done_receiving(qtbot, live_server)
    assert store_objects(live_server.data_dir) == []
    assert exported_files(live_server) == []
    assert messages_on_server(live_server, alice.chat.state.open_conversation_id) == []
    assert alice.chat.state.outbox.entries() == []
    assert not alice.session.files.uploads.uploading()


@pytest.mark.parametrize("fraction", [0.5, 1.0], ids=["body-streaming", "last-chunk-read"])
def test_a_cancel_while_the_body_is_on_its_way_keeps_nothing(alice, qtbot, tmp_path, live_server, fraction):
    """Half way the body is cut short (the server keeps nothing of it); once the last chunk is read, the
    server will have the whole file, so the answer is awaited and its id taken back."""
    hook = CancelAtProgress(alice, live_server, fraction)
    uploads = alice.session.files.uploads
    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS) as finished:
        [client_id] = alice.session.files.send_files([make_blob(tmp_path / "big.bin", 40 * MIB)])
    assert hook.cancelled == client_id and finished.args == [client_id]
    done, total = hook.at
    assert (done < total) if fraction < 1 else (done == total)
    # 20 MB through the socket is more than loopback buffers hold: the server was reading the body.
    assert hook.server_was_receiving
    assert_nothing_left(qtbot, alice, live_server)


def test_a_cancel_after_the_server_stored_it_but_before_the_answer_was_handled(
    alice, qtbot, tmp_path, live_server, monkeypatch
):
    """The server has kept the file and answered; the cancel comes before the UI thread has the answer, so
    the answer arrives for an entry that is gone, and its file is taken back."""
    ui = UiThread()
    uploads = alice.session.files.uploads
    outbox = alice.chat.state.outbox
    real_upload = DesktopApi.upload_file
    cancelled: list[str] = []

    def upload_then_cancel(api, *args, **kwargs):
        file = real_upload(api, *args, **kwargs)
        assert store_objects(live_server.data_dir) == [file["id"]]  # stored before the answer was read

        def cancel() -> None:
            [entry] = outbox.entries()
            assert uploads.cancel(entry.client_id)
            cancelled.append(entry.client_id)

        ui.call(cancel)
        return file

    monkeypatch.setattr(DesktopApi, "upload_file", upload_then_cancel)
    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS) as finished:
        [client_id] = alice.session.files.send_files([make_blob(tmp_path / "report.bin", 2 * MIB)])
    assert cancelled == [client_id] and finished.args == [client_id]
    assert_nothing_left(qtbot, alice, live_server)


def test_a_cancel_after_the_upload_but_before_the_message_was_sent(alice, qtbot, tmp_path, live_server):
    """Every file has its id, the message waits its turn to be sent: the cancel takes the files back."""
    alice.chat.outbox_sender.stop()  # the message waits, as it would behind others on a slow link
    [client_id] = alice.session.files.send_files(
        [make_blob(tmp_path / "a.bin", 300 * 1024), make_blob(tmp_path / "b.bin", 200 * 1024)]
    )
    qtbot.waitUntil(lambda: alice.chat.state.outbox.get(client_id).ready, timeout=SETTLE_TIMEOUT_MS)
    assert len(store_objects(live_server.data_dir)) == 2
    uploads = alice.session.files.uploads
    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS) as finished:
        assert uploads.cancel(client_id)
    assert finished.args == [client_id]
    assert_nothing_left(qtbot, alice, live_server)


def test_a_cancel_while_the_second_file_streams_takes_back_the_first(alice, qtbot, tmp_path, live_server):
    hook = CancelAtProgress(alice, live_server, 0.5, file_index=1)
    uploads = alice.session.files.uploads
    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS):
        [client_id] = alice.session.files.send_files(
            [make_blob(tmp_path / "small.bin", 100 * 1024), make_blob(tmp_path / "large.bin", 40 * MIB)]
        )
    assert hook.cancelled == client_id
    assert hook.at[0] < hook.at[1] and hook.server_was_receiving
    assert_nothing_left(qtbot, alice, live_server)


def test_a_cancelled_upload_still_queued_never_starts_and_the_one_before_it_is_sent(
    alice, qtbot, tmp_path, live_server
):
    """Two messages: the second's upload waits behind the first's on the upload thread and is cancelled
    there (at the first's first progress report); the first goes on and is sent."""
    uploads = alice.session.files.uploads
    ids: list[str] = []

    class CancelSecond(CancelAtProgress):
        @Slot(str, int, int)
        def _on_progress(self, key: str, done: int, total: int) -> None:
            if not self.cancelled and key.split(":")[1] == ids[0]:
                assert uploads.cancel(ids[1])
                self.cancelled = ids[1]

    hook = CancelSecond(alice, live_server, 0.0)
    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS) as finished:
        ids += alice.session.files.send_files([make_blob(tmp_path / "first.bin", 20 * MIB)])
        ids += alice.session.files.send_files([make_blob(tmp_path / "second.bin", 20 * MIB)])
    assert hook.cancelled == ids[1] and finished.args == [ids[1]]
    qtbot.waitUntil(lambda: alice.chat.state.outbox.entries() == [], timeout=SETTLE_TIMEOUT_MS)
    wait_server_done_receiving(qtbot, live_server)
    [sent] = messages_on_server(live_server, alice.chat.state.open_conversation_id)
    [first] = sent["attachments"]
    assert first["name"] == "first.bin"
    assert exported_files(live_server) == [f"files/{first['id']}-first.bin"]


def test_a_take_back_the_network_refused_is_done_once_the_server_is_back(alice, qtbot, tmp_path, live_server):
    alice.chat.outbox_sender.stop()
    [client_id] = alice.session.files.send_files([make_blob(tmp_path / "kept.bin", 100 * 1024)])
    qtbot.waitUntil(lambda: alice.chat.state.outbox.get(client_id).ready, timeout=SETTLE_TIMEOUT_MS)
    live_server.kill()
    qtbot.waitUntil(lambda: alice.chat.connection_state == "reconnecting", timeout=SETTLE_TIMEOUT_MS)
    uploads = alice.session.files.uploads
    finished: list[str] = []
    uploads.cancel_finished.connect(finished.append)
    assert uploads.cancel(client_id)
    qtbot.waitUntil(lambda: alice.session.files.transfers.idle, timeout=SETTLE_TIMEOUT_MS)
    assert finished == []  # the take-back failed for now, and waits

    with qtbot.waitSignal(uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS) as done:
        live_server.start()
    assert done.args == [client_id]
    assert_nothing_left(qtbot, alice, live_server)


def test_a_cancel_while_the_upload_waits_for_the_network_uploads_nothing_later(
    alice, qtbot, tmp_path, live_server
):
    live_server.kill()
    qtbot.waitUntil(lambda: alice.chat.connection_state == "reconnecting", timeout=SETTLE_TIMEOUT_MS)
    [client_id] = alice.session.files.send_files([make_blob(tmp_path / "offline.bin", 100 * 1024)])
    files = alice.session.files
    qtbot.waitUntil(lambda: files.transfers.idle and not files.uploads.uploading(), timeout=SETTLE_TIMEOUT_MS)
    with qtbot.waitSignal(files.uploads.cancel_finished, timeout=SETTLE_TIMEOUT_MS):
        assert files.uploads.cancel(client_id)

    live_server.start()
    alice.wait_online()
    assert not files.uploads.uploading() and files.transfers.idle  # going online started nothing
    assert_nothing_left(qtbot, alice, live_server)
