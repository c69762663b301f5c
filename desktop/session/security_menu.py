"""The security dialogs (email from the account menu; password, two-factor, devices, blocked people and
export from the Settings window) and blocking from a 1:1's header: opens the dialogs and connects them to
the controllers, as ChatSession does the rest. ``parent``: the window they open over (the Settings window,
else the main window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from desktop.controller.chat import ChatController
from desktop.net.export_download import ExportDownload
from desktop.views.blocking_dialogs import BlockDialog, BlockedPeopleDialog
from desktop.views.devices_dialog import DevicesDialog
from desktop.views.main_window import MainWindow
from desktop.views.security_dialogs import ChangePasswordDialog, EmailDialog
from desktop.views.two_factor_dialog import TwoFactorDialog


class SecurityMenu(QObject):
    """Keeps at most one dialog of each kind open; ``account_dialogs`` holds them by name."""

    def __init__(self, chat: ChatController, window: MainWindow) -> None:
        super().__init__(window)
        self.chat = chat
        self.window = window
        self.account_dialogs: dict[str, QWidget] = {}
        window.email_requested.connect(self.show_email)
        window.chat_panel.block_requested.connect(self.show_block)
        window.chat_panel.unblock_requested.connect(self._unblock_open)

    def close_all(self) -> None:
        for dialog in self.account_dialogs.values():
            dialog.close()

    def _status_error(self, text: str) -> None:
        self.window.show_toast(text, 8000)

    def _keep(self, name: str, dialog):
        old = self.account_dialogs.get(name)
        if old is not None:
            old.close()
        self.account_dialogs[name] = dialog
        dialog.open()
        return dialog

    def show_email(self, parent: QWidget | None = None) -> EmailDialog:
        dialog = EmailDialog(self.chat.user, parent or self.window)
        security = self.chat.security
        dialog.set_requested.connect(
            lambda address: security.set_email(address, dialog.code_sent, dialog.show_error)
        )
        dialog.confirm_requested.connect(
            lambda code: security.confirm_email(code, dialog.confirmed, dialog.show_error)
        )

        def removed(user: dict) -> None:
            dialog.set_user(user)
            dialog.message.info("Your email address was removed.")

        dialog.remove_requested.connect(lambda: security.remove_email(removed, dialog.show_error))
        return self._keep("email", dialog)

    def show_change_password(self, parent: QWidget | None = None) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(parent or self.window)
        dialog.change_requested.connect(
            lambda current, new, repeated: self.chat.security.change_password(
                current, new, repeated, dialog.show_done, dialog.show_error
            )
        )
        return self._keep("password", dialog)

    def show_two_factor(self, parent: QWidget | None = None) -> TwoFactorDialog:
        dialog = TwoFactorDialog(parent or self.window)
        security = self.chat.security

        def reload() -> None:
            security.two_factor_status(dialog.set_status, dialog.show_error)

        def turned_off() -> None:
            reload()
            dialog.message.info("Two-factor sign-in is off. Your password alone signs you in again.")

        dialog.start_requested.connect(
            lambda password: security.start_two_factor(password, dialog.show_setup, dialog.show_error)
        )
        dialog.enable_requested.connect(
            lambda code: security.enable_two_factor(code, dialog.show_recovery_codes, dialog.show_error)
        )
        dialog.new_codes_requested.connect(
            lambda password: security.new_recovery_codes(
                password, lambda codes: dialog.show_recovery_codes(codes, replaced=True), dialog.show_error
            )
        )
        dialog.disable_requested.connect(
            lambda password, code, recovery: security.disable_two_factor(
                password, code, recovery, turned_off, dialog.show_error
            )
        )
        dialog.status_wanted.connect(reload)
        reload()
        return self._keep("two_factor", dialog)

    def show_devices(self, parent: QWidget | None = None) -> DevicesDialog:
        dialog = DevicesDialog(parent or self.window)
        security = self.chat.security

        def reload() -> None:
            security.load_sessions(dialog.set_sessions, dialog.show_error)

        def signed_out_one() -> None:
            dialog.show_info("That device was signed out.")
            reload()

        def signed_out_others(count: int) -> None:
            dialog.show_info(f"Signed out {count} other device{'s' if count != 1 else ''}.")
            reload()

        dialog.sign_out_requested.connect(
            lambda session_id: security.sign_out_device(session_id, signed_out_one, dialog.show_error)
        )
        dialog.sign_out_others_requested.connect(
            lambda: security.sign_out_other_devices(signed_out_others, dialog.show_error)
        )
        dialog.refresh_requested.connect(reload)
        reload()
        return self._keep("devices", dialog)

    def show_blocked(self, parent: QWidget | None = None) -> BlockedPeopleDialog:
        dialog = BlockedPeopleDialog(parent or self.window)
        blocks = self.chat.blocks
        update = lambda: dialog.set_blocks(blocks.people())  # noqa: E731
        connection = blocks.changed.connect(update)
        dialog.finished.connect(lambda _: QObject.disconnect(connection))  # a closed dialog hears no more
        dialog.unblock_requested.connect(lambda user_id: blocks.unblock(user_id, dialog.show_error))
        update()
        blocks.refresh(dialog.show_error)
        return self._keep("blocked", dialog)

    def _open_other(self):
        conversation = self.chat.open_conversation_record()
        if conversation is None or conversation.kind != "direct":
            return None
        return conversation.other_member(self.chat.my_id)

    def show_block(self) -> BlockDialog | None:
        other = self._open_other()
        if other is None:
            return None
        dialog = BlockDialog(other.display_name, self.window)
        dialog.confirmed.connect(lambda hide: self.chat.blocks.block(other.user_id, hide, self._status_error))
        return self._keep("block", dialog)

    def _unblock_open(self) -> None:
        other = self._open_other()
        if other is not None:
            self.chat.blocks.unblock(other.user_id, self._status_error)

    def show_export(self, parent: QWidget | None = None) -> ExportDownload | None:
        username = self.chat.user.get("username") or "me"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            parent or self.window,
            "Export my data",
            str(Path(folder) / f"chatidk-{username}.zip"),
            "Zip archives (*.zip)",
        )
        return self.export_to(Path(path)) if path else None

    def export_to(self, path: Path) -> ExportDownload:
        """Saves the archive off the UI thread, with a progress dialog that can cancel it."""
        progress = QProgressDialog("Exporting your data…", "Cancel", 0, 0, self.window)
        progress.setWindowTitle("Export my data")
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        download = self.chat.security.export_data(path, self._status_error)
        self.account_dialogs["export"] = progress

        def advanced(done: int, total: int) -> None:
            if total:
                progress.setMaximum(100)
                progress.setValue(int(done * 100 / total))
            progress.setLabelText(f"Exporting your data… {done / 1_000_000:.1f} MB")

        def finished(saved: str, size: int) -> None:
            progress.close()
            self.window.show_toast(f"Saved your data to {saved} ({size / 1_000_000:.1f} MB).", 10000)

        download.progress.connect(advanced)
        download.finished.connect(finished)
        download.failed.connect(lambda _: progress.close())
        progress.canceled.connect(download.cancel)
        return download
