"""The main window: conversation list with filter on the left, the open conversation on the right."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.roles import ConversationRole
from desktop.views.chat_panel import ChatPanel
from desktop.views.conversation_delegate import ConversationDelegate
from desktop.views.shortcuts import add_shortcut


class MainWindow(QMainWindow):
    """Signals: conversation_selected(int), new_chat_requested(), jump_requested(), rename_self_requested(),
    visibility_toggled(bool), log_out_requested(), delete_account_requested(), active_changed(bool),
    closing(), and the security items' email_requested(), change_password_requested(), devices_requested(),
    blocked_requested(), hide_last_seen_toggled(bool), export_requested()."""

    conversation_selected = Signal(int)
    new_chat_requested = Signal()
    jump_requested = Signal()
    rename_self_requested = Signal()
    visibility_toggled = Signal(bool)
    log_out_requested = Signal()
    delete_account_requested = Signal()
    email_requested = Signal()
    change_password_requested = Signal()
    devices_requested = Signal()
    blocked_requested = Signal()
    hide_last_seen_toggled = Signal(bool)
    export_requested = Signal()
    active_changed = Signal(bool)
    closing = Signal()

    def __init__(self, conversation_model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ChatIDK")
        self.resize(1000, 680)
        self.conversation_model = conversation_model

        self.account_button = QToolButton(self)
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.account_button.setAutoRaise(True)
        self.account_button.setAccessibleName("Account")
        self.account_menu = QMenu(self)
        self.account_header = self.account_menu.addAction("")
        self.account_header.setEnabled(False)
        self.account_menu.addSeparator()
        self.account_menu.addAction("Change display name…").triggered.connect(self.rename_self_requested)
        self.visible_action = QAction("Visible to others in search", self, checkable=True)
        self.visible_action.toggled.connect(self._on_visible_toggled)
        self.account_menu.addAction(self.visible_action)
        self.hide_last_seen_action = QAction("Hide my last seen", self, checkable=True)
        self.hide_last_seen_action.setToolTip(
            "Others don't see when you were last online, and you don't see theirs"
        )
        self.hide_last_seen_action.toggled.connect(self._on_hide_last_seen_toggled)
        self.account_menu.addAction(self.hide_last_seen_action)
        self.account_menu.addSeparator()
        self.account_menu.addAction("Email…").triggered.connect(self.email_requested)
        self.account_menu.addAction("Change password…").triggered.connect(self.change_password_requested)
        self.account_menu.addAction("Devices…").triggered.connect(self.devices_requested)
        self.account_menu.addAction("Blocked people…").triggered.connect(self.blocked_requested)
        self.account_menu.addAction("Export my data…").triggered.connect(self.export_requested)
        self.account_menu.addSeparator()
        self.account_menu.addAction("Log out").triggered.connect(self.log_out_requested)
        self.account_menu.addAction("Delete account…").triggered.connect(self.delete_account_requested)
        self.account_button.setMenu(self.account_menu)

        self.new_chat_button = QToolButton(self)
        self.new_chat_button.setText("New chat")
        self.new_chat_button.setToolTip("Start a conversation or a group (Ctrl+N)")
        self.new_chat_button.clicked.connect(self.new_chat_requested)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Search conversations")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(conversation_model.set_filter_text)

        self.conversation_view = QListView(self)
        self.conversation_view.setModel(conversation_model)
        self.conversation_delegate = ConversationDelegate(self.conversation_view)
        self.conversation_view.setItemDelegate(self.conversation_delegate)
        self.conversation_view.setMouseTracking(True)
        self.conversation_view.setFrameShape(QListView.Shape.NoFrame)
        self.conversation_view.setAccessibleName("Conversations")
        self.conversation_view.selectionModel().currentChanged.connect(self._on_current_changed)

        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setEnabled(False)
        self.status_label.setContentsMargins(12, 4, 12, 6)
        self.status_label.hide()

        left = QWidget(self)
        top_row = QHBoxLayout()
        top_row.setContentsMargins(8, 8, 8, 0)
        top_row.addWidget(self.account_button, 1, Qt.AlignmentFlag.AlignLeft)
        top_row.addWidget(self.new_chat_button)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addLayout(top_row)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(8, 0, 8, 0)
        filter_row.addWidget(self.filter_edit)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.conversation_view, 1)
        left_layout.addWidget(self.status_label)

        self.chat_panel = ChatPanel(self)
        self.placeholder = QLabel("Pick a conversation, or start one with “New chat”.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.chat_panel)

        self.splitter = QSplitter(self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 700])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        add_shortcut(QKeySequence("Ctrl+K"), self, self.jump_requested.emit)
        add_shortcut(QKeySequence.StandardKey.New, self, self.new_chat_requested.emit)
        add_shortcut(QKeySequence("Ctrl+F"), self, self.focus_filter)
        add_shortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_escape)
        self.setTabOrder(self.filter_edit, self.conversation_view)
        self.setTabOrder(self.conversation_view, self.chat_panel.composer.edit)
        self._selecting = False

    # account
    def set_profile(self, user: dict) -> None:
        name = user.get("display_name") or user.get("username") or ""
        self.account_button.setText(name)
        self.account_header.setText(f"Signed in as {name} (@{user.get('username', '')})")
        self.visible_action.blockSignals(True)
        self.visible_action.setChecked(bool(user.get("visible", True)))
        self.visible_action.blockSignals(False)
        self.hide_last_seen_action.blockSignals(True)
        self.hide_last_seen_action.setChecked(bool(user.get("hide_last_seen", False)))
        self.hide_last_seen_action.blockSignals(False)

    def _on_hide_last_seen_toggled(self, checked: bool) -> None:
        self.hide_last_seen_toggled.emit(checked)

    def _on_visible_toggled(self, checked: bool) -> None:
        self.visibility_toggled.emit(checked)

    # conversations
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and not self._selecting:
            self.conversation_selected.emit(int(current.data(ConversationRole.ID)))

    def select_conversation(self, conversation_id: int) -> None:
        """Reflect the open conversation in the list without re-emitting the selection."""
        model = self.conversation_view.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(ConversationRole.ID) == conversation_id:
                self._selecting = True
                self.conversation_view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                self._selecting = False
                self.conversation_view.scrollTo(index)
                break
        self.stack.setCurrentWidget(self.chat_panel)

    def show_placeholder(self) -> None:
        self.conversation_view.clearSelection()
        self.stack.setCurrentWidget(self.placeholder)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _on_escape(self) -> None:
        if self.filter_edit.hasFocus() and self.filter_edit.text():
            self.filter_edit.clear()
        elif self.stack.currentWidget() is self.chat_panel:
            self.chat_panel.composer.focus()

    def set_connection_text(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    # window state
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            self.active_changed.emit(self.isActiveWindow())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
