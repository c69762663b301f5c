"""Sending files: each becomes an outbox entry first (local paths), its files are uploaded one by one on the
transfer thread, and once every file has its id the OutboxSender sends the message like any other.

An upload that is cut off by the network waits for the next connect; one the server refuses marks the
message failed (retry uploads what is missing). Cancelling removes the entry and takes back what was already
uploaded (DELETE /files/{id}), so no message and no stray file is left behind, whatever the moment:

- an upload not started yet never starts; one whose body is still streaming stops, and the server keeps
  nothing of a body cut short;
- one whose last byte is out goes on to its answer (the server keeps that file whatever we do), and the id
  in the answer is taken back when it arrives, also when that is after the entry is gone;
- files already uploaded are taken back at once; a take-back the network or a busy server refused is
  tried again when the connection is back.

``cancel_finished`` says when all of that is done. Too late is only the message itself in flight."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.cache import OutboxEntry
from desktop.controller.errors import describe_error
from desktop.domain.attachments import Attachment
from desktop.domain.records import SENDING, ReplyTo, utc_now
from desktop.net.events import backoff_delays
from desktop.net.http import ApiError, ServerUnreachable, TransferCancelled
from desktop.net.transfers import TransferService

log = logging.getLogger(__name__)


def _key(client_id: str, file_index: int) -> str:
    return f"up:{client_id}:{file_index}"


class UploadController(QObject):
    """Signals: error(str) — something the user should read (a file that cannot be read, a refusal);
    cancel_finished(str client_id) — a cancelled message's uploads are all stopped or taken back."""

    error = Signal(str)
    cancel_finished = Signal(str)

    def __init__(self, chat, transfers: TransferService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chat = chat
        self.state = chat.state
        self.transfers = transfers
        self._uploading: dict[str, int] = {}  # client_id -> index of the file on its way
        self._waiting_for_network: set[str] = set()
        # A cancel, until cancel_finished: the transfer keys whose answer and the file ids whose take-back
        # it still waits for.
        self._cancelling: dict[str, set[str]] = {}
        self._take_back_later: dict[str, str | None] = {}  # file id -> the cancelled client_id, if any
        self._delays = backoff_delays()
        self._retry_timer = QTimer(self)  # online, yet an upload broke off (say a 503): try again later
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._retry_waiting)
        transfers.progress.connect(self._on_progress)
        chat.connection_state_changed.connect(self._on_connection)

    # starting
    def send_files(self, paths: list[Path], caption: str = "", reply_to: ReplyTo | None = None) -> list[str]:
        """Files into the open conversation, at most ten per message (the caption goes on the first).
        Returns the new messages' client_ids; nothing is read here, the upload streams from disk later."""
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:
            return []
        attachments: list[Attachment] = []
        for path in paths:
            path = Path(path)
            if not path.is_file():
                self.error.emit(f"{path.name} is not a file that can be sent.")
                continue
            try:
                attachments.append(Attachment.from_local_file(path.resolve()))
            except OSError as error:
                self.error.emit(f"Could not read {path.name}: {error.strerror or error}")
        client_ids = []
        per_message = self.chat.limits.max_files_per_message  # GET /limits
        for start in range(0, len(attachments), per_message):
            group = attachments[start : start + per_message]
            text = caption.strip() if start == 0 else ""
            entry = OutboxEntry(
                str(uuid.uuid4()),
                conversation_id,
                self.state.my_id,
                text,
                utc_now(),
                attachments=group,
                reply_to=reply_to if start == 0 else None,  # the reply is the first message, with the caption
            )
            self.state.outbox.add(entry)
            self.state.messages.add_pending(entry.as_message())
            client_ids.append(entry.client_id)
            self._upload_next(entry)
        if client_ids:
            self.chat.message_sent(conversation_id)
        return client_ids

    def resume(self) -> None:
        """After a start of the client: entries whose files were not all uploaded start over (a cut-off
        upload cannot be continued; the server kept nothing of it)."""
        for entry in self.state.outbox.pending():
            if not entry.ready:
                self._upload_next(entry)

    def _upload_next(self, entry: OutboxEntry) -> None:
        if entry.client_id in self._uploading:
            return
        missing = next((i for i, a in enumerate(entry.attachments) if not a.uploaded), None)
        if missing is None:
            self.chat.kick_outbox()
            return
        attachment = entry.attachments[missing]
        client_id = entry.client_id
        self._uploading[client_id] = missing
        self.state.messages.set_upload_progress(client_id, missing, 0.0)
        self.transfers.upload(
            _key(client_id, missing),
            Path(attachment.local_path or ""),
            attachment.name,
            lambda file: self._uploaded(client_id, missing, file),
            lambda error: self._upload_failed(client_id, missing, error),
        )

    @Slot(str, int, int)
    def _on_progress(self, key: str, done: int, total: int) -> None:
        kind, _, rest = key.partition(":")
        client_id, _, index = rest.rpartition(":")
        if kind == "up" and index.isdigit() and self._uploading.get(client_id) == int(index):
            self.state.messages.set_upload_progress(client_id, int(index), done / total if total else 1.0)

    def _uploaded(self, client_id: str, file_index: int, file: dict) -> None:
        self._uploading.pop(client_id, None)
        entry = self.state.outbox.get(client_id)
        if entry is None or client_id in self._cancelling:  # cancelled meanwhile: the server kept it
            self._take_back([file["id"]], client_id)
            self._cancel_step_done(client_id, _key(client_id, file_index))
            return
        uploaded = Attachment.from_json(file)
        uploaded.local_path = entry.attachments[file_index].local_path  # to upload again if need be
        entry.attachments[file_index] = uploaded
        self.state.outbox.set_attachments(client_id, entry.attachments)
        self.state.messages.set_pending_attachments(client_id, entry.attachments)
        self._upload_next(entry)

    def _upload_failed(self, client_id: str, file_index: int, error: Exception) -> None:
        self._uploading.pop(client_id, None)
        if client_id in self._cancelling or self.state.outbox.get(client_id) is None:
            self._cancel_step_done(client_id, _key(client_id, file_index))
            return
        if isinstance(error, TransferCancelled):
            return
        if isinstance(error, ServerUnreachable) or (isinstance(error, ApiError) and error.transient):
            log.info("upload for %s waits for the network: %s", client_id, error)
            self._waiting_for_network.add(client_id)
            if self.chat.connection_state == "online":
                self._retry_timer.start(int(next(self._delays) * 1000))
            return
        message = self._describe(error)
        self.state.outbox.mark_failed(client_id, message)
        self.chat.show_failed(client_id, message)

    @staticmethod
    def _describe(error: Exception) -> str:
        if isinstance(error, FileNotFoundError):
            return "The file is no longer there."
        if isinstance(error, OSError):
            return f"The file could not be read: {error.strerror or error}"
        if isinstance(error, ApiError) and error.status == 413:
            return error.message or "The file is too large."
        return describe_error(error)

    def _on_connection(self, state: str) -> None:
        if state == "online":
            self._delays = backoff_delays()
            self._retry_waiting()

    def _retry_waiting(self) -> None:
        take_back, self._take_back_later = self._take_back_later, {}
        for file_id, client_id in take_back.items():
            self._take_back_one(file_id, client_id)
        waiting, self._waiting_for_network = self._waiting_for_network, set()
        for client_id in waiting:
            entry = self.state.outbox.get(client_id)
            if entry is not None and not entry.failed:
                self._upload_next(entry)

    # the user's choices
    def retry(self, client_id: str) -> None:
        """A failed message: upload what is missing, then send (text-only entries go straight back)."""
        entry = self.state.outbox.get(client_id)
        if entry is None:
            return
        if entry.failed and entry.attachments and entry.ready and self._local_files_remain(entry):
            # The server refused the message itself, perhaps because its uploads expired (unsent for a
            # day): take them back and upload afresh rather than send the same ids to the same refusal.
            self._take_back([a.id for a in entry.attachments if a.id])
            for attachment in entry.attachments:
                attachment.id = None
            self.state.outbox.set_attachments(client_id, entry.attachments)
            self.state.messages.set_pending_attachments(client_id, entry.attachments)
        self.state.outbox.retry(client_id)
        self.state.messages.set_pending_state(client_id, SENDING)
        entry.failed = False
        if entry.ready:
            self.chat.kick_outbox()
        else:
            self._upload_next(entry)

    @staticmethod
    def _local_files_remain(entry: OutboxEntry) -> bool:
        return all(a.local_path and Path(a.local_path).is_file() for a in entry.attachments)

    def cancel(self, client_id: str) -> bool:
        """Stop a message with files before it is sent: no message, no uploaded file left. False once the
        message itself is on its way (it will arrive; delete it then)."""
        entry = self.state.outbox.get(client_id)
        if entry is None or self.chat.is_being_sent(client_id):
            return False
        waiting = self._cancelling.setdefault(client_id, set())
        for index in range(len(entry.attachments)):
            key = _key(client_id, index)
            transfer = self.transfers.running(key)
            if transfer is not None:  # its answer (a file to take back, or the cancel) is still to come
                transfer.cancel()
                waiting.add(key)
        self._uploading.pop(client_id, None)
        self._waiting_for_network.discard(client_id)
        self.state.outbox.remove(client_id)
        self.state.messages.remove_pending(client_id)
        self._take_back([a.id for a in entry.attachments if a.id], client_id)
        self._cancel_step_done(client_id, None)
        return True

    def discard(self, client_id: str) -> None:
        """The failed message's "Discard": like cancel, for text-only entries too."""
        if not self.cancel(client_id):
            self.chat.discard(client_id)

    def _take_back(self, file_ids: list[str], client_id: str | None = None) -> None:
        """DELETE each upload; ``client_id`` names the cancel that waits for it."""
        for file_id in file_ids:
            if client_id is not None:
                self._cancelling.setdefault(client_id, set()).add(file_id)
            self._take_back_one(file_id, client_id)

    def _take_back_one(self, file_id: str, client_id: str | None) -> None:
        self.transfers.call(
            lambda api: api.delete_file(file_id),
            lambda _: self._cancel_step_done(client_id, file_id),
            lambda error: self._take_back_failed(file_id, client_id, error),
        )

    def _take_back_failed(self, file_id: str, client_id: str | None, error: Exception) -> None:
        if isinstance(error, ServerUnreachable) or (isinstance(error, ApiError) and error.transient):
            log.info("taking back upload %s waits for the network: %s", file_id, error)
            self._take_back_later[file_id] = client_id
            if self.chat.connection_state == "online":
                self._retry_timer.start(int(next(self._delays) * 1000))
            return
        log.warning("could not take back upload %s: %s", file_id, error)
        self._cancel_step_done(client_id, file_id)

    def _cancel_step_done(self, client_id: str | None, step: str | None) -> None:
        """One thing a cancel waited for is settled (``step`` None: nothing, just look)."""
        if client_id is None or client_id not in self._cancelling:
            return
        waiting = self._cancelling[client_id]
        if step is not None:
            waiting.discard(step)
        if not waiting:
            del self._cancelling[client_id]
            self.cancel_finished.emit(client_id)

    def uploading(self) -> bool:
        return bool(self._uploading)

    def stop(self) -> None:
        self._retry_timer.stop()
