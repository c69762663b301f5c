"""Files in one signed-in session: wires the upload and file-access controllers to the chat window (drop,
attach, paste, clicks on files, viewer, player, save and open) and the profile pictures."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import QFileDialog

from desktop.controller.chat import ChatController
from desktop.controller.file_access import FileAccess
from desktop.controller.older_media import OlderMedia
from desktop.controller.uploads import UploadController
from desktop.domain import safe_open
from desktop.domain.attachments import AUDIO, IMAGE, VIDEO, Attachment
from desktop.domain.gallery import gallery_of, position_of
from desktop.net.transfers import TransferService
from desktop.session.older_gallery import OlderGallery
from desktop.views.audio_player import InlineAudioPlayer
from desktop.views.avatars import avatar_pixmap
from desktop.views.file_drop import FileDropTarget
from desktop.views.main_window import MainWindow
from desktop.views.media_viewer import MediaItem, MediaViewer, VideoPlayer
from desktop.views.multimedia import video_widgets_available
from desktop.views.open_file_prompt import confirm_open

log = logging.getLogger(__name__)
PASTED_IMAGE_NAME = "Photo.png"


def files_dir_for(cache_file: Path) -> Path:
    """Beside the account's cache file, and erased with it."""
    return cache_file.with_name(cache_file.stem + "-files")


class FileSharing(QObject):
    """The session's file controllers and file windows; ``transfers`` (the session's) carries the bytes."""

    def __init__(
        self, chat: ChatController, window: MainWindow, transfers: TransferService, files_dir: Path
    ) -> None:
        super().__init__()
        self.chat = chat
        self.window = window
        self.panel = window.chat_panel
        self.transfers = transfers
        self.access = FileAccess(self.transfers, files_dir, self)
        self.uploads = UploadController(self.chat, self.transfers, self)
        self.outgoing_dir = Path(files_dir) / "outgoing"
        self.audio = InlineAudioPlayer(self.access.media, self)
        self.viewer: MediaViewer | None = None
        self.gallery: list[Attachment] = []  # what the viewer steps through (extended in place: older media)
        self.older = OlderGallery(OlderMedia(chat.state.history, chat.rest, self), self.gallery, self._item)
        self.player: VideoPlayer | None = None  # the one playing in the viewer, or in a window of its own
        self.drop_target = FileDropTarget(self)
        self._wire()

    def _wire(self) -> None:
        panel, messages = self.panel, self.panel.messages
        messages.bubble_delegate.media = self.access.media
        self.access.media.changed.connect(messages.viewport().update)
        self.drop_target.watch(panel)
        self.drop_target.files_dropped.connect(panel.composer.stage_files)
        panel.composer.send_files_requested.connect(self.send_files)
        panel.composer.image_pasted.connect(self.stage_image)
        messages.attachment_activated.connect(self.on_attachment)
        self.uploads.error.connect(self._status)
        self.access.failed.connect(self._status)
        self.access.saved.connect(lambda path: self._status(f"Saved {Path(path).name}"))
        self.audio.failed.connect(self._audio_failed)
        # profile pictures
        self.window.conversation_delegate.avatar_source = self._conversation_picture
        messages.bubble_delegate.avatar_source = self._member_picture
        self.access.avatars.ready.connect(self._on_picture_ready)
        self.chat.conversation_opened.connect(lambda _: self.refresh_header_avatar())
        self.chat.conversation_changed.connect(self._on_conversation_changed)
        self.chat.profile_changed.connect(lambda _: self.refresh_account_avatar())
        self.refresh_account_avatar()
        menu = self.window.account_menu
        anchor = next((a for a in menu.actions() if a.isSeparator()), None)
        anchor = menu.actions()[menu.actions().index(anchor) + 1] if anchor in menu.actions() else None
        self.set_picture_action = QAction("Set profile picture…", menu)
        self.set_picture_action.triggered.connect(self.pick_profile_picture)
        self.remove_picture_action = QAction("Remove profile picture", menu)
        self.remove_picture_action.triggered.connect(self.remove_profile_picture)
        if anchor is None:
            menu.addActions([self.set_picture_action, self.remove_picture_action])
        else:
            menu.insertActions(anchor, [self.set_picture_action, self.remove_picture_action])
        menu.aboutToShow.connect(
            lambda: self.remove_picture_action.setEnabled(bool(self.chat.user.get("avatar")))
        )

    def start(self, keep: Iterable[str] = ()) -> None:
        """``keep``: paths still staged in a draft, kept like those in the outbox."""
        self._clear_unused_outgoing(set(keep))
        self.uploads.resume()

    def shutdown(self) -> None:
        """Playback and uploads stop and the file windows close; the session then stops the transfers."""
        self.audio.stop()
        self.uploads.stop()
        if self.viewer is not None:
            self.viewer.close()  # and the video playing in it

    def _status(self, text: str) -> None:
        self.window.show_toast(text, 8000)

    # sending
    def send_files(self, paths: list, caption: str = "") -> list[str]:
        reply_to = self.panel.composer.reply_to  # still set: the composer clears it once this returns
        client_ids = self.uploads.send_files([Path(p) for p in paths], caption, reply_to)
        if client_ids:
            self.panel.messages.scroll_to_end()
        return client_ids

    def stage_image(self, image: QImage) -> Path | None:
        """A pasted image becomes a PNG file of its own, "Photo.png" (in a folder of its own, so pastes never
        collide), then waits above the composer like any file."""
        folder = self.outgoing_dir / f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**9}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / PASTED_IMAGE_NAME
        if not image.save(str(path)):  # PNG, by the suffix (PySide6 refuses a bytes format at run time)
            self._status("The pasted image could not be kept.")
            return None
        self.panel.composer.stage_files([path])
        return path

    def _clear_unused_outgoing(self, keep: set[str]) -> None:
        if not self.outgoing_dir.is_dir():
            return
        in_use = self.chat.local_files_in_outbox() | keep
        for entry in self.outgoing_dir.iterdir():
            for path in entry.iterdir() if entry.is_dir() else [entry]:  # a paste's folder, or an older file
                if str(path) not in in_use and str(path.resolve()) not in in_use:
                    path.unlink(missing_ok=True)
            if entry.is_dir() and not any(entry.iterdir()):
                entry.rmdir()

    # clicks on files
    def on_attachment(self, row: int, file_index: int, part: str) -> None:
        message = self.chat.messages.message_at(row)
        if message is None or not 0 <= file_index < len(message.attachments):
            return
        attachment = message.attachments[file_index]
        if part == "cancel":
            if not self.uploads.cancel(message.client_id):
                self._status("Too late to cancel: the message is being sent.")
            return
        if not attachment.uploaded:
            return
        if part == "save":
            self.save_with_dialog(attachment)
        elif part == "open":
            self.open_with_system(attachment)
        elif attachment.kind == AUDIO:
            self.toggle_audio(attachment)
        elif attachment.kind == IMAGE:
            self.view_image(attachment)
        elif attachment.kind == VIDEO:
            self.play_video(attachment)
        else:  # a PDF, a document: opened (asking first unless safe_open allows), never "Save as"
            self.open_with_system(attachment)

    def save_with_dialog(self, attachment: Attachment) -> None:
        suggested = Path.home() / "Downloads" / attachment.name
        if not suggested.parent.is_dir():
            suggested = Path.home() / attachment.name
        name, _ = QFileDialog.getSaveFileName(self.window, "Save as", str(suggested))
        if name:
            self.access.save_as(attachment, Path(name))

    def open_with_system(self, attachment: Attachment) -> None:
        """Asks first unless the sniffed type and the extension it is opened by agree on a harmless kind."""
        opened_as = self.access.media_path(attachment).name
        if safe_open.needs_warning(opened_as, attachment.content_type) and not confirm_open(
            self.window, attachment.name
        ):
            return
        self.access.local_copy(attachment, self._open_path)

    @staticmethod
    def _open_path(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def view_image(self, attachment: Attachment) -> MediaViewer:
        return self.view_media(attachment)

    def play_video(self, attachment: Attachment) -> None:
        if video_widgets_available():
            self.view_media(attachment)
        else:  # no video output here: the system's player, as before the viewer played videos
            self.access.local_copy(attachment, self._open_path)

    def view_media(self, attachment: Attachment) -> MediaViewer:
        """The viewer over the app window at this picture or video, with ← / → through every other one of
        the conversation, oldest first: the loaded history's at once, older ones paged in (OlderGallery)."""
        model = self.chat.messages
        messages = [m for m in (model.message_at(row) for row in range(model.rowCount())) if m is not None]
        self.gallery[:] = gallery_of(messages) or [attachment]
        more_before = self.older.start(model.conversation_id, model.oldest_seq()) and model.has_older()
        items = [self._item(a) for a in self.gallery]
        if self.viewer is None:
            self.viewer = MediaViewer(self.window)
            self.viewer.current_changed.connect(self._bring_media)
            self.access.thumbnails.ready.connect(self._preview_arrived)
            self.viewer.save_requested.connect(lambda i: self.save_with_dialog(self.gallery[i]))
            self.older.attach(self.viewer)
        index = position_of(self.gallery, attachment.file_id)
        self.viewer.open_at(items, index, self.window, more_before=more_before)
        return self.viewer

    def _item(self, attachment: Attachment) -> MediaItem:
        preview = self.access.thumbnails.cached(attachment.file_id)
        return MediaItem(attachment.name, attachment.kind == VIDEO, preview)

    def _bring_media(self, index: int) -> None:
        """The file of the item now shown, from the local copy or downloaded; shown if still in front."""
        viewer, attachment = self.viewer, self.gallery[index]
        if viewer is None:
            return
        self.player = None
        if viewer.items[index].preview is None:  # paged in from older history: none fetched yet
            preview = self.access.thumbnails.pixmap(attachment.file_id)  # else asked for: ready() brings it
            if preview is not None:
                viewer.show_preview(index, preview)

        def ready(path: Path) -> None:
            if not viewer.isVisible() or viewer.index != index:
                return  # closed, or stepped on meanwhile
            if attachment.kind != VIDEO:
                viewer.show_image_file(index, path)
            elif video_widgets_available():
                player = viewer.play_video_file(index, path)
                if player is not None:
                    player.failed.connect(lambda message: self._video_failed(path, message))
                    player.destroyed.connect(lambda: setattr(self, "player", None))
                self.player = player
            else:
                viewer.show_error(
                    "This video plays in your system's player: save it, or open it from the chat."
                )

        self.access.local_copy(attachment, ready)

    def _preview_arrived(self, file_id: str) -> None:
        """A preview came: the viewer's items of that file get it (shown if in front, full file not yet)."""
        viewer = self.viewer
        if viewer is None or not viewer.isVisible():
            return
        preview = self.access.thumbnails.cached(file_id)
        if preview is None:
            return
        for index, attachment in enumerate(self.gallery):
            if attachment.file_id == file_id:
                viewer.show_preview(index, preview)  # which checks the index against its items

    def _video_failed(self, path: Path, message: str) -> None:
        """No backend plays it here (the viewer says why): the system's player gets it instead."""
        log.info("the video player failed (%s); opening with the system player", message)
        self._open_path(path)

    def toggle_audio(self, attachment: Attachment) -> None:
        file_id = attachment.file_id
        if self.audio.file_id == file_id:
            self.audio.toggle(file_id, self.access.media_path(attachment))
            return
        self.access.local_copy(attachment, lambda path: self.audio.toggle(file_id, path))

    def _audio_failed(self, file_id: str, message: str) -> None:
        log.info("audio playback failed (%s): %s", file_id, message)
        for path in self.access.media_dir.glob(f"{file_id}*"):
            self._open_path(path)
            return

    # profile pictures
    def _conversation_picture(self, conversation) -> QPixmap | None:
        if conversation is None or conversation.kind != "direct":
            return None
        other = conversation.other_member(self.chat.my_id)
        return self.access.avatar(other.user_id, other.avatar) if other is not None else None

    def _member_picture(self, user_id: int) -> QPixmap | None:
        conversation = self.chat.open_conversation_record()
        if conversation is None:
            return None
        member = next((m for m in conversation.members if m.user_id == user_id), None)
        return self.access.avatar(user_id, member.avatar) if member is not None else None

    def _on_picture_ready(self, _key: str) -> None:
        self.window.conversation_view.viewport().update()
        self.panel.messages.viewport().update()
        self.refresh_header_avatar()
        self.refresh_account_avatar()

    def refresh_account_avatar(self) -> None:
        """My own picture on the account button (my initials until it is here, or when I have none)."""
        user = self.chat.user
        self.window.set_account_picture(self.access.avatar(self.chat.my_id, user.get("avatar")))

    def _on_conversation_changed(self, conversation_id: int) -> None:
        if conversation_id == self.chat.open_conversation_id:
            self.refresh_header_avatar()

    def refresh_header_avatar(self) -> None:
        conversation = self.chat.open_conversation_record()
        if conversation is None:
            self.panel.set_avatar(None)
            return
        size = 36
        picture = self._conversation_picture(conversation)
        title = conversation.display_title(self.chat.my_id)
        self.panel.set_avatar(
            avatar_pixmap(
                size,
                picture,
                title,
                conversation.avatar_key(self.chat.my_id),
                self.panel.font(),
                self.panel.devicePixelRatioF(),
            )
        )

    def pick_profile_picture(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Profile picture", str(Path.home()), "Images (*.jpg *.jpeg *.png *.gif *.webp)"
        )
        if name:
            self.set_profile_picture(Path(name))

    def set_profile_picture(self, path: Path) -> None:
        self.chat.profile.set_picture(path)

    def remove_profile_picture(self) -> None:
        self.chat.profile.remove_picture()
