"""Sign in or create an account: server address, name, password, "keep me signed in", clear errors.

The product's icon and name on top; the form is anchored there and the window keeps one size, so switching
between signing in and creating an account leaves every field where it was (the extra field comes after the
password), and an error goes into a line kept free for it, so nothing jumps when one appears.

Creating an account asks for what the server will accept before it is sent (a password of at least
MIN_PASSWORD_CHARS, docs/protocol.md), so "Create account" only enables once it would succeed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.config import APP_NAME
from desktop.domain.server_address import sends_in_clear
from desktop.views.code_step import CodeStep
from desktop.views.icons import app_icon
from desktop.views.palette_colors import error_color, link_color
from desktop.views.quiet_text import make_quiet

LOGO_PX = 64
WINDOW_WIDTH = 420
ERROR_LINES = 2  # room kept for an error, so that one appearing moves nothing
MIN_PASSWORD_CHARS = 8  # the server's limit for a new password (docs/protocol.md, POST /accounts)
# Link-style buttons: drawn as links (in a colour that reads on light and dark windows), with a focus ring
# the keyboard user can see.
LINK_BUTTON_STYLE = (
    "QPushButton {{ border: 2px solid transparent; border-radius: 4px; padding: 2px 6px;"
    " color: {link}; background: transparent; }}"
    "QPushButton:hover {{ text-decoration: underline; }}"
    "QPushButton:focus {{ border-color: {focus}; }}"
)
INSECURE_WARNING = (
    "⚠ Not encrypted: this is a plain http:// address on another machine, so your password and messages "
    "can be read by anyone on the network between you and the server. Use the server's https:// address."
)


class LoginWindow(QWidget):
    """Signals: sign_in_requested(url, username, password, keep), register_requested(url, username, password,
    display_name, keep), forgot_password_requested(url, username)."""

    sign_in_requested = Signal(str, str, str, bool)
    register_requested = Signal(str, str, str, str, bool)
    forgot_password_requested = Signal(str, str)

    def __init__(self, server_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in")  # the system adds " — ChatIDK" (the application's display name)
        self.setWindowIcon(app_icon())
        self.registering = False

        self.logo = QLabel(self)
        self.logo.setPixmap(app_icon().pixmap(LOGO_PX, LOGO_PX))
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setAccessibleName(APP_NAME)
        self.product_name = QLabel(APP_NAME, self)
        self.product_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name_font = QFont(self.product_name.font())
        name_font.setPointSizeF(name_font.pointSizeF() * 1.6)
        name_font.setBold(True)
        self.product_name.setFont(name_font)
        self.heading = QLabel("Sign in", self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.server_edit = QLineEdit(server_url, self)
        self.server_edit.setPlaceholderText("http://127.0.0.1:8000")
        self.username_edit = QLineEdit(self)
        self.username_edit.setPlaceholderText("3–32 letters, digits, _ . -")
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setPlaceholderText("How others see you (optional)")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"At least {MIN_PASSWORD_CHARS} characters")
        self.password_hint = QLabel(self)  # while creating an account: how many characters are still needed
        self.password_hint.setTextFormat(Qt.TextFormat.PlainText)
        make_quiet(self.password_hint)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.password_hint.hide()
        self.keep_check = QCheckBox("Keep me signed in", self)
        self.keep_check.setChecked(True)

        self.error_label = QLabel(self)  # hidden without an error, but its room is kept
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error_label.setMinimumHeight(ERROR_LINES * self.error_label.fontMetrics().lineSpacing())
        self.error_label.setAccessibleName("Error")
        retained = self.error_label.sizePolicy()
        retained.setRetainSizeWhenHidden(True)
        self.error_label.setSizePolicy(retained)
        self.error_label.hide()

        # A plain http:// address of another machine: say so where the address is typed, before the
        # password goes out readable by anyone on the way.
        self.insecure_warning = QLabel(INSECURE_WARNING, self)
        self.insecure_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.hide()

        self.submit_button = QPushButton("Sign in", self)
        self.submit_button.setDefault(True)
        self.switch_button = QPushButton("Create an account instead", self)
        self.forgot_button = QPushButton("Forgot password?", self)
        for link in (self.switch_button, self.forgot_button):
            link.setFlat(True)
            link.setAutoDefault(False)
            link.setCursor(Qt.CursorShape.PointingHandCursor)
            link.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        form = QFormLayout()
        form.addRow("Server", self.server_edit)
        form.addRow("Username", self.username_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.password_hint)
        form.addRow("Display name", self.display_name_edit)  # after the fields both modes share
        form.addRow("", self.keep_check)
        self._form = form
        # The label column as wide in both modes (its widest label is shown only when creating an account),
        # so the fields never move sideways.
        labels = [
            form.labelForField(field)
            for field in (self.server_edit, self.username_edit, self.password_edit, self.display_name_edit)
        ]
        widest = max(label.sizeHint().width() for label in labels if label is not None)
        for label in labels:
            if label is not None:
                label.setMinimumWidth(widest)

        # Two steps: the password, then (with two-factor sign-in on) the code.
        self.password_page = QWidget(self)
        page = QVBoxLayout(self.password_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(12)
        page.addLayout(form)
        page.addWidget(self.insecure_warning)
        page.addWidget(self.error_label)
        page.addWidget(self.submit_button)
        page.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignHCenter)
        page.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignHCenter)
        page.addStretch(1)
        self.code_step = CodeStep(self)
        self.code_step.back_requested.connect(lambda: self.show_password_step())
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self.password_page)
        self.steps.addWidget(self.code_step)
        self._style_links()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(4)
        layout.addWidget(self.logo)
        layout.addWidget(self.product_name)
        layout.addWidget(self.heading)
        layout.addSpacing(14)
        layout.addWidget(self.steps, 1)

        self.submit_button.clicked.connect(self._submit)
        self.switch_button.clicked.connect(lambda: self.set_registering(not self.registering))
        self.forgot_button.clicked.connect(
            lambda: self.forgot_password_requested.emit(
                self.server_edit.text().strip(), self.username_edit.text().strip()
            )
        )
        for edit in (self.server_edit, self.username_edit, self.display_name_edit, self.password_edit):
            edit.returnPressed.connect(self._submit)
            edit.textChanged.connect(self._update_enabled)
        self.server_edit.textChanged.connect(self._update_insecure_warning)
        self._update_insecure_warning()
        self.set_registering(False)
        self.setTabOrder(self.server_edit, self.username_edit)
        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.display_name_edit)
        self.setTabOrder(self.display_name_edit, self.keep_check)
        self.setTabOrder(self.keep_check, self.submit_button)
        self.setTabOrder(self.submit_button, self.switch_button)
        self.setTabOrder(self.switch_button, self.forgot_button)
        self._fit_both_modes()

    def _fit_both_modes(self) -> None:
        """One size that holds the longer form (creating an account), kept in both modes."""
        self.set_registering(True)
        height = self.sizeHint().height()
        self.set_registering(False)
        self.resize(WINDOW_WIDTH, height)
        self.setMinimumHeight(height)

    def _style_links(self) -> None:
        palette = self.palette()
        style = LINK_BUTTON_STYLE.format(
            link=link_color(palette, False).name(), focus=palette.color(palette.ColorRole.Highlight).name()
        )
        for link in (self.switch_button, self.forgot_button, *self.code_step.links):
            link.setStyleSheet(style)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._style_links()  # light ↔ dark: the link colour follows

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        """The name first (the server's address is usually right already), the password once it is known."""
        if self.in_code_step():
            self.code_step.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.username_edit.text().strip() and not self.registering:
            self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.username_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_registering(self, registering: bool) -> None:
        self.registering = registering
        self.heading.setText("Create your account" if registering else "Sign in")
        self.setWindowTitle("Sign up" if registering else "Sign in")
        self.submit_button.setText("Create account" if registering else "Sign in")
        self.switch_button.setText(
            "I already have an account" if registering else "Create an account instead"
        )
        self._form.setRowVisible(self.display_name_edit, registering)
        self._form.setRowVisible(self.password_hint, registering)
        self.forgot_button.setVisible(not registering)
        self.error_label.hide()
        self._update_enabled()

    def _update_insecure_warning(self) -> None:
        insecure = sends_in_clear(self.server_edit.text())
        if insecure:
            color = error_color(self.palette()).name()
            self.insecure_warning.setStyleSheet(f"color: {color}; border: 1px solid {color}; padding: 6px;")
        self.insecure_warning.setVisible(insecure)

    def _update_enabled(self) -> None:
        password = self.password_edit.text()
        missing = max(0, MIN_PASSWORD_CHARS - len(password)) if self.registering else 0
        ready = all(e.text().strip() for e in (self.server_edit, self.username_edit)) and bool(password)
        self.submit_button.setEnabled(ready and not missing and not self._busy)
        if self.registering:
            self.password_hint.setText(
                f"At least {MIN_PASSWORD_CHARS} characters · {missing} more to go"
                if missing
                else "✓ Long enough"
            )

    _busy = False

    def in_code_step(self) -> bool:
        return self.steps.currentWidget() is self.code_step

    def show_code_step(self) -> None:
        """The password was right and the account has two-factor sign-in on: ask for the code."""
        self.heading.setText("Two-factor sign-in")
        self.steps.setCurrentWidget(self.code_step)
        self.code_step.start()

    def show_password_step(self, error: str = "") -> None:
        """Back from the code step (asked, or the challenge expired): the password typed again."""
        self.steps.setCurrentWidget(self.password_page)
        self.set_registering(False)
        self.password_edit.clear()
        self.show_error(error)
        self.focus_first_empty()

    def show_code_error(self, message: str, back_to_password: bool) -> None:
        if back_to_password:
            self.show_password_step(message)
        else:
            self.code_step.show_error(message)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.code_step.set_busy(busy)
        self.submit_button.setText(
            "Please wait…" if busy else ("Create account" if self.registering else "Sign in")
        )
        self._update_enabled()

    def show_error(self, message: str) -> None:
        self.error_label.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_notice(self, message: str) -> None:
        """Good news (a password was reset): in the normal text colour, where errors go."""
        self.error_label.setStyleSheet("")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def reset_for(self, reason: str = "") -> None:
        """Back to the form after signing out: keep server and name, clear the password."""
        self.password_edit.clear()
        if self.in_code_step():
            self.show_password_step()
        self.set_busy(False)
        self.show_error(reason)
        (self.password_edit if self.username_edit.text() else self.username_edit).setFocus()

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        self.error_label.hide()
        url = self.server_edit.text().strip()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        keep = self.keep_check.isChecked()
        if self.registering:
            self.register_requested.emit(url, username, password, self.display_name_edit.text().strip(), keep)
        else:
            self.sign_in_requested.emit(url, username, password, keep)
