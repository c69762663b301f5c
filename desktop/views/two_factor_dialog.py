"""Account menu → Two-factor sign-in: set it up (QR code and key, then a first code), keep the recovery
codes (shown once: copy or save to a file), make new ones, turn it off. Emits what the user asked; the owner
answers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.views.code_step import CODE_DIGITS, code_digits
from desktop.views.qr_code import qr_pixmap
from desktop.views.security_dialogs import MessageLine, plain_label

OFF_TEXT = (
    "Two-factor sign-in is off. With it on, signing in on a new device also asks for a six-digit code "
    "from an authenticator app on your phone, so a stolen password alone is not enough."
)
SETUP_TEXT = (
    "Scan this code with your authenticator app (or type the key below into it), then type the six "
    "digits the app shows."
)
CODES_TEXT = (
    "Two-factor sign-in is on. Keep these recovery codes somewhere safe: each one signs you in once "
    "without your phone. They are shown only now."
)


DIALOG_WIDTH = 480


def grouped_key(secret: str) -> str:
    """The key as people type it: groups of four ("JBSW Y3DP …")."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def on_since(status: dict) -> str:
    left = int(status.get("recovery_codes_left") or 0)
    when = QDateTime.fromString(str(status.get("enabled_at") or ""), Qt.DateFormat.ISODate)
    since = f" since {when.toLocalTime().toString('d MMM yyyy')}" if when.isValid() else ""
    return f"Two-factor sign-in is on{since}. {left} recovery code{'s' if left != 1 else ''} left." + (
        " Make new ones before they run out." if left <= 2 else ""
    )


def fixed_font(widget: QWidget, scale: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(widget.font().pointSizeF() * scale)
    return font


class TwoFactorDialog(QDialog):
    """Signals: start_requested(str password), enable_requested(str code), new_codes_requested(str
    password), disable_requested(str password, str code, bool recovery), status_wanted() (after "I saved
    them": the owner loads the status again)."""

    start_requested = Signal(str)
    enable_requested = Signal(str)
    new_codes_requested = Signal(str)
    disable_requested = Signal(str, str, bool)
    status_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Two-factor sign-in")
        self.recovery_codes: list[str] = []
        self.recovery = False
        self._busy = False
        self.pages = QStackedWidget(self)
        self._build_off_page()
        self._build_setup_page()
        self._build_codes_page()
        self._build_on_page()
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.loading = plain_label("Loading…", self)
        self.pages.addWidget(self.loading)
        self.setMinimumWidth(DIALOG_WIDTH)
        self._show_page(self.loading)

    # pages
    def _build_off_page(self) -> None:
        self.off_page = QWidget(self)
        self.off_password_edit = QLineEdit(self.off_page)
        self.off_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.off_password_edit.setAccessibleName("Password")
        self.set_up_button = QPushButton("Set up…", self.off_page)
        form = QFormLayout()
        form.addRow("Your password", self.off_password_edit)
        layout = QVBoxLayout(self.off_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(OFF_TEXT, self.off_page))
        layout.addLayout(form)
        layout.addWidget(self.set_up_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.off_password_edit.textChanged.connect(self._update_enabled)
        self.off_password_edit.returnPressed.connect(self._start)
        self.set_up_button.clicked.connect(self._start)
        self.pages.addWidget(self.off_page)

    def _build_setup_page(self) -> None:
        self.setup_page = QWidget(self)
        self.qr_label = QLabel(self.setup_page)
        self.qr_label.setAccessibleName("QR code for the authenticator app")
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label = QLabel(self.setup_page)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.key_label.setFont(fixed_font(self))
        self.key_label.setWordWrap(True)
        self.copy_key_button = QPushButton("Copy key", self.setup_page)
        self.copy_key_button.setAutoDefault(False)
        self.setup_code_edit = QLineEdit(self.setup_page)
        self.setup_code_edit.setPlaceholderText("123456")
        self.setup_code_edit.setAccessibleName("Code from the app")
        self.setup_code_edit.setFont(fixed_font(self, 1.3))
        self.turn_on_button = QPushButton("Turn on", self.setup_page)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.copy_key_button)
        code_row = QHBoxLayout()
        code_row.addWidget(self.setup_code_edit, 1)
        code_row.addWidget(self.turn_on_button)
        form = QFormLayout()
        form.addRow("Key", key_row)
        form.addRow("Code", code_row)
        layout = QVBoxLayout(self.setup_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(SETUP_TEXT, self.setup_page))
        layout.addWidget(self.qr_label)
        layout.addLayout(form)
        self.copy_key_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.key_label.text().replace(" ", ""))
        )
        self.setup_code_edit.textEdited.connect(self._setup_code_edited)
        self.setup_code_edit.textChanged.connect(self._update_enabled)
        self.setup_code_edit.returnPressed.connect(self._enable)
        self.turn_on_button.clicked.connect(self._enable)
        self.pages.addWidget(self.setup_page)

    def _build_codes_page(self) -> None:
        self.codes_page = QWidget(self)
        self.codes_label = QLabel(self.codes_page)
        self.codes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.codes_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.codes_label.setFont(fixed_font(self, 1.15))
        self.codes_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_codes_button = QPushButton("Copy", self.codes_page)
        self.save_codes_button = QPushButton("Save to file…", self.codes_page)
        self.codes_done_button = QPushButton("I saved them", self.codes_page)
        self.codes_done_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.copy_codes_button)
        row.addWidget(self.save_codes_button)
        row.addStretch(1)
        row.addWidget(self.codes_done_button)
        layout = QVBoxLayout(self.codes_page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.codes_text = plain_label(CODES_TEXT, self.codes_page)
        layout.addWidget(self.codes_text)
        layout.addWidget(self.codes_label)
        layout.addLayout(row)
        self.copy_codes_button.clicked.connect(self._copy_codes)
        self.save_codes_button.clicked.connect(self._ask_where_to_save)
        self.codes_done_button.clicked.connect(lambda: self.requested_status())
        self.pages.addWidget(self.codes_page)

    def _build_on_page(self) -> None:
        self.on_page = QWidget(self)
        self.on_status = plain_label("", self.on_page)
        self.on_password_edit = QLineEdit(self.on_page)
        self.on_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.on_password_edit.setAccessibleName("Password")
        self.off_code_edit = QLineEdit(self.on_page)
        self.off_code_edit.setFont(fixed_font(self))
        self.use_recovery_button = QPushButton(self.on_page)
        self.use_recovery_button.setFlat(True)
        self.use_recovery_button.setAutoDefault(False)
        self.new_codes_button = QPushButton("New recovery codes", self.on_page)
        self.turn_off_button = QPushButton("Turn off", self.on_page)
        for button in (self.new_codes_button, self.turn_off_button):
            button.setAutoDefault(False)
        form = QFormLayout()
        form.addRow("Your password", self.on_password_edit)
        form.addRow("Code", self.off_code_edit)
        form.addRow("", self.use_recovery_button)
        row = QHBoxLayout()
        row.addWidget(self.new_codes_button)
        row.addStretch(1)
        row.addWidget(self.turn_off_button)
        layout = QVBoxLayout(self.on_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.on_status)
        layout.addWidget(
            plain_label(
                "New recovery codes (the old ones stop working) need your password; turning two-factor "
                "sign-in off needs your password and a code.",
                self.on_page,
            )
        )
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addStretch(1)
        for edit in (self.on_password_edit, self.off_code_edit):
            edit.textChanged.connect(self._update_enabled)
        self.off_code_edit.returnPressed.connect(self._disable)
        self.on_password_edit.returnPressed.connect(
            lambda: self._disable() if self.off_code_edit.text().strip() else self.off_code_edit.setFocus()
        )
        self.use_recovery_button.clicked.connect(lambda: self._set_recovery(not self.recovery))
        self.new_codes_button.clicked.connect(self._new_codes)
        self.turn_off_button.clicked.connect(self._disable)
        self._set_recovery(False)
        self.pages.addWidget(self.on_page)

    def requested_status(self) -> None:
        self.recovery_codes = []
        self.codes_label.clear()  # shown once: gone from the window too
        self.status_wanted.emit()

    def _show_page(self, page: QWidget) -> None:
        """Only the current page counts for the dialog's size (the QR code's page is much taller)."""
        for index in range(self.pages.count()):
            other = self.pages.widget(index)
            if other is None:
                continue
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)
        layout = self.layout()
        if layout is None:  # still being built
            return
        layout.invalidate()
        layout.activate()
        width = max(self.width(), DIALOG_WIDTH)
        page_height = page.heightForWidth(width) if page.hasHeightForWidth() else page.sizeHint().height()
        self.pages.setFixedHeight(max(page_height, page.minimumSizeHint().height()))
        self.resize(width, layout.totalMinimumSize().height())
        # once the new page's layout has settled (a shown window takes the new minimum a turn later)
        QTimer.singleShot(0, lambda: self.resize(self.width(), self.minimumSizeHint().height()))

    # user actions
    def _set_recovery(self, recovery: bool) -> None:
        self.recovery = recovery
        self.off_code_edit.clear()
        self.off_code_edit.setPlaceholderText("xxxxx-xxxxx" if recovery else "123456 from your app")
        self.off_code_edit.setAccessibleName("Recovery code" if recovery else "Code from the app")
        self.use_recovery_button.setText(
            "Use the code from your app instead" if recovery else "Use a recovery code instead"
        )
        self.off_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _setup_code_edited(self, text: str) -> None:
        digits = code_digits(text)
        if digits != text:
            self.setup_code_edit.setText(digits)
        if len(digits) == CODE_DIGITS:
            self._enable()

    def _update_enabled(self) -> None:
        idle = not self._busy
        self.set_up_button.setEnabled(idle and bool(self.off_password_edit.text()))
        self.turn_on_button.setEnabled(idle and len(code_digits(self.setup_code_edit.text())) == CODE_DIGITS)
        password = bool(self.on_password_edit.text())
        self.new_codes_button.setEnabled(idle and password)
        self.turn_off_button.setEnabled(idle and password and bool(self.off_code_edit.text().strip()))

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def _ask(self, signal, *args) -> None:
        self.message.hide()
        self.set_busy(True)
        signal.emit(*args)

    def _start(self) -> None:
        if self.set_up_button.isEnabled():
            self._ask(self.start_requested, self.off_password_edit.text())

    def _enable(self) -> None:
        if not self._busy and len(code_digits(self.setup_code_edit.text())) == CODE_DIGITS:
            self._ask(self.enable_requested, code_digits(self.setup_code_edit.text()))

    def _new_codes(self) -> None:
        if self.new_codes_button.isEnabled():
            self._ask(self.new_codes_requested, self.on_password_edit.text())

    def _disable(self) -> None:
        if self.turn_off_button.isEnabled():
            self._ask(
                self.disable_requested, self.on_password_edit.text(), self.off_code_edit.text(), self.recovery
            )

    def _copy_codes(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.recovery_codes) + "\n")
        self.message.info("Copied the recovery codes.")

    def _ask_where_to_save(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save recovery codes",
            str(Path(folder) / "chatidk-recovery-codes.txt"),
            "Text files (*.txt)",
        )
        if path:
            self.save_codes_to(Path(path))

    def save_codes_to(self, path: Path) -> None:
        text = "ChatIDK recovery codes: each signs in once without your phone.\n\n"
        try:
            path.write_text(text + "\n".join(self.recovery_codes) + "\n", encoding="utf-8")
            path.chmod(0o600)
        except OSError as error:
            self.message.error(f"Could not save the codes: {error.strerror or error}.")
            return
        self.message.info(f"Saved the recovery codes to {path}.")

    # answers
    def set_status(self, status: dict) -> None:
        self.set_busy(False)
        self.on_password_edit.clear()
        self.off_password_edit.clear()
        self._set_recovery(False)
        if status.get("enabled"):
            self.on_status.setText(on_since(status))
            self._show_page(self.on_page)
            self.on_password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._show_page(self.off_page)
            self.off_password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_setup(self, setup: dict) -> None:
        self.set_busy(False)
        self.off_password_edit.clear()
        self.qr_label.setPixmap(qr_pixmap(str(setup["otpauth_uri"])))
        self.key_label.setText(grouped_key(str(setup["secret"])))
        self.setup_code_edit.clear()
        self._show_page(self.setup_page)
        self.setup_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_recovery_codes(self, codes: list[str], *, replaced: bool = False) -> None:
        self.set_busy(False)
        self.on_password_edit.clear()
        self.recovery_codes = [str(code) for code in codes]
        self.codes_text.setText(
            "Your earlier recovery codes no longer work. Keep these new ones somewhere safe: each signs you "
            "in once without your phone. They are shown only now."
            if replaced
            else CODES_TEXT
        )
        half = (len(self.recovery_codes) + 1) // 2
        right = self.recovery_codes[half:] + [""] * (half - len(self.recovery_codes[half:]))
        lines = ["   ".join(pair) for pair in zip(self.recovery_codes[:half], right, strict=True)]
        self.codes_label.setText("\n".join(line.rstrip() for line in lines))
        self._show_page(self.codes_page)
        self.codes_done_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.message.error(text)
        page = self.pages.currentWidget()
        if page is self.setup_page:
            self.setup_code_edit.clear()
            self.setup_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif page is self.on_page and "password" in text:
            self.on_password_edit.selectAll()
            self.on_password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif page is self.on_page:
            self.off_code_edit.clear()
            self.off_code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
