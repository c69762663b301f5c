"""The main window: conversation list with filter on the left, the open conversation on the right."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.records import Conversation
from desktop.models.roles import ConversationRole
from desktop.views import shortcuts
from desktop.views.account_button import AccountButton
from desktop.views.chat_panel import ChatPanel
from desktop.views.connection_banner import ConnectionBanner
from desktop.views.conversation_delegate import ConversationDelegate
from desktop.views.conversation_list_view import ConversationListView
from desktop.views.conversation_menu import ConversationMenu
from desktop.views.empty_states import EmptyListPane
from desktop.views.quiet_text import make_quiet
from desktop.views.responsive import WIDE_LIST_WIDTH, PaneMode, PaneSwitcher
from desktop.views.search_results_view import SearchPanel
from desktop.views.shortcut_sheet import ShortcutSheet
from desktop.views.shortcuts import add_shortcut
from desktop.views.side_splitter import SideSplitter
from desktop.views.symbols import IconButton, symbol
from desktop.views.toast import DEFAULT_MS as DEFAULT_TOAST_MS
from desktop.views.toast import Toast

# The window's minimum never depends on what it shows (names, titles, staged files): content elides instead.
# As narrow as a phone: below responsive.SINGLE_BELOW one pane shows at a time.
MIN_WIDTH, MIN_HEIGHT = 360, 360
LIST_MIN_WIDTH = 160


class MainWindow(QMainWindow):
    """Signals: conversation_selected(int), filter_submitted() — Enter in the search field,
    new_chat_requested(), jump_requested(), rename_self_requested(),
    log_out_requested(), delete_account_requested(), active_changed(bool), closing(), quit_requested() —
    Ctrl+Q, new_group_requested() — the welcome's "New group", back_requested() — the one-pane layout's back
    button, Esc or Alt+←, email_requested(), and settings_requested() — the account menu's Settings or Ctrl+,
    (everything that is not the account itself lives in the Settings window)."""

    conversation_selected = Signal(int)
    filter_submitted = Signal()
    new_chat_requested = Signal()
    new_group_requested = Signal()
    back_requested = Signal()
    jump_requested = Signal()
    rename_self_requested = Signal()
    log_out_requested = Signal()
    delete_account_requested = Signal()
    email_requested = Signal()
    settings_requested = Signal()
    active_changed = Signal(bool)
    closing = Signal()
    quit_requested = Signal()
    _filtering = False  # Ctrl+F until the filter loses the focus: the list keeps its names meanwhile

    def __init__(self, conversation_model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ChatIDK")
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.resize(1000, 680)
        self.conversation_model = conversation_model

        self.account_button = AccountButton(self)
        self.account_menu = QMenu(self)
        self.account_header = self.account_menu.addAction("")
        self.account_header.setEnabled(False)
        self.account_menu.addSeparator()
        self.account_menu.addAction("Change display name…").triggered.connect(self.rename_self_requested)
        self.account_menu.addAction("Email…").triggered.connect(self.email_requested)
        self.account_menu.addSeparator()
        # the keys after a tab are shown as the item's shortcut; the window's own QShortcut answers them
        self.settings_action = self.account_menu.addAction(
            f"Settings…\t{shortcuts.shown_keys(shortcuts.SETTINGS)}"
        )
        self.settings_action.triggered.connect(self.settings_requested)
        self._tint_menu()
        self.account_menu.addAction("Log out").triggered.connect(self.log_out_requested)
        self.account_menu.addAction("Delete account…").triggered.connect(self.delete_account_requested)
        self.account_button.setMenu(self.account_menu)

        self.new_chat_button = IconButton(
            "new_chat", "New chat: a conversation or a group (Ctrl+N)", "New chat", self
        )
        self.new_chat_button.clicked.connect(self.new_chat_requested)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Search conversations and messages")
        self.filter_edit.returnPressed.connect(self.filter_submitted)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(conversation_model.set_filter_text)

        self.conversation_view = ConversationListView(self)
        # A row that goes (left, deleted for me) moves the current row to a neighbour: that opens nothing.
        # Connected before the view's selection model exists, so that these run before it moves the row.
        self._selecting = False
        conversation_model.rowsAboutToBeRemoved.connect(lambda *_: setattr(self, "_selecting", True))
        conversation_model.rowsRemoved.connect(lambda *_: setattr(self, "_selecting", False))
        self.conversation_view.setModel(conversation_model)
        self.conversation_delegate = ConversationDelegate(self.conversation_view)
        self.conversation_view.setItemDelegate(self.conversation_delegate)
        self.conversation_view.setMouseTracking(True)
        self.conversation_view.setFrameShape(ConversationListView.Shape.NoFrame)
        self.conversation_view.setAccessibleName("Conversations")
        self.conversation_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conversation_view.selectionModel().currentChanged.connect(self._on_current_changed)
        # the row still current after going back (or closing) opens again with a click or Enter
        self.conversation_view.clicked.connect(self._on_row_activated)
        self.conversation_view.activated.connect(self._on_row_activated)
        self.conversation_view.menu_requested.connect(self._on_menu_requested)
        self.conversation_menu = ConversationMenu(self)  # its signals go to the conversation controller

        self.connection_banner = ConnectionBanner(self)  # "Connecting…", "Updating…", "Offline" on top

        left = QWidget(self)
        top_row = QHBoxLayout()
        top_row.setContentsMargins(8, 8, 8, 0)
        top_row.addWidget(self.account_button, 1, Qt.AlignmentFlag.AlignLeft)
        top_row.addWidget(self.new_chat_button)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addLayout(top_row)
        left_layout.addWidget(self.connection_banner)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(8, 0, 8, 0)
        filter_row.addWidget(self.filter_edit)
        left_layout.addLayout(filter_row)
        self.empty_pane = EmptyListPane(self)  # the welcome, or "Nothing found for …"
        self.empty_pane.find_people_requested.connect(self.new_chat_requested)
        self.empty_pane.new_group_requested.connect(self.new_group_requested)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.conversation_view)
        self.list_stack.addWidget(self.empty_pane)
        left_layout.addWidget(self.list_stack, 1)
        self.list_pane = left
        self.search_panel: SearchPanel | None = None  # messages found, under the conversations
        self._left_layout = left_layout

        self.chat_panel = ChatPanel(self)
        self.placeholder = QLabel("Pick a conversation, or start one with “New chat”.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        make_quiet(self.placeholder)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.chat_panel)

        # notices float over the right-hand side, just above the composer: no status bar moves it
        self.toast = Toast(self.stack, self._composer_height)

        self.splitter = SideSplitter(left, self.stack, WIDE_LIST_WIDTH, self)
        self.setCentralWidget(self.splitter)
        self.panes = PaneSwitcher(
            self.splitter,
            left,
            self.stack,
            self.conversation_delegate,
            [self.filter_edit, self.new_chat_button],
            self.chat_panel.back_button,
        )
        self.chat_panel.back_button.clicked.connect(self.go_back)
        for signal in (
            conversation_model.rowsInserted,
            conversation_model.rowsRemoved,
            conversation_model.modelReset,
            conversation_model.layoutChanged,
        ):
            signal.connect(self._update_empty_state)
        self.filter_edit.textChanged.connect(self._update_empty_state)
        self.filter_edit.installEventFilter(self)
        self._update_empty_state()

        add_shortcut(shortcuts.JUMP, self, self.jump_requested.emit)
        add_shortcut(shortcuts.NEW_CHAT, self, self.new_chat_requested.emit)
        add_shortcut(shortcuts.FILTER, self, self.focus_filter)
        add_shortcut(shortcuts.FIND, self, self.find_in_conversation)
        add_shortcut(shortcuts.ESCAPE, self, self._on_escape)
        add_shortcut(shortcuts.BACK, self, self.go_back)
        add_shortcut(shortcuts.QUIT, self, self.quit_requested.emit)
        add_shortcut(shortcuts.SHEET, self, self.show_shortcuts)
        add_shortcut(shortcuts.SETTINGS, self, self.settings_requested.emit)
        for keys in shortcuts.NEXT_CONVERSATION:
            add_shortcut(keys, self, lambda: self.move_conversation(1))
        for keys in shortcuts.PREVIOUS_CONVERSATION:
            add_shortcut(keys, self, lambda: self.move_conversation(-1))
        self.shortcut_sheet: ShortcutSheet | None = None
        self.setTabOrder(self.filter_edit, self.empty_pane.find_button)  # hidden ones are skipped
        self.setTabOrder(self.empty_pane.find_button, self.empty_pane.group_button)
        self.setTabOrder(self.empty_pane.group_button, self.conversation_view)
        self.setTabOrder(self.conversation_view, self.chat_panel.composer.edit)
        self._selecting = False
        self._user: dict = {}
        self._server_host: str | None = None

    # account
    def set_profile(self, user: dict) -> None:
        self._user = user
        self.account_button.set_user(user)
        self._label_account()

    def set_server_shown(self, host: str | None) -> None:
        """The server's address in "Signed in as …" when the accounts are on more than one (None: not)."""
        self._server_host = host
        self._label_account()

    def _label_account(self) -> None:
        user = self._user
        name = user.get("display_name") or user.get("username") or ""
        header = f"Signed in as {name} (@{user.get('username', '')})"
        if self._server_host:
            header += f" on {self._server_host}"
        self.account_header.setText(header.replace("&", "&&"))

    def set_account_picture(self, picture: QPixmap | None) -> None:
        self.account_button.set_picture(picture)

    def _tint_menu(self) -> None:
        self.settings_action.setIcon(symbol("settings", self.palette()))

    def set_text_size(self, points: float) -> None:
        """Settings → Appearance: the type of the bubbles, of the lists (conversations, messages found) and of
        the text being written, as Telegram's and Signal's text size settings do."""
        edit = self.chat_panel.composer.edit
        if edit.font().pointSizeF() != points:
            font = QFont(edit.font())
            font.setPointSizeF(points)
            edit.setFont(font)
        views = [self.conversation_view, self.chat_panel.messages]
        if self.search_panel is not None:
            views.append(self.search_panel.results_view)
        for view in views:
            font = QFont(view.font())
            if font.pointSizeF() != points:
                font.setPointSizeF(points)
                view.setFont(font)  # the message list drops its size cache on the FontChange
                view.doItemsLayout()

    # conversations
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid() and not self._selecting:
            self.conversation_selected.emit(int(current.data(ConversationRole.ID)))

    def _on_row_activated(self, index: QModelIndex) -> None:
        chat_shown = self.stack.currentWidget() is self.chat_panel and self.chat_panel.isVisible()
        if index.isValid() and not chat_shown and not self._selecting:
            self.conversation_selected.emit(int(index.data(ConversationRole.ID)))

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
        self.panes.show_chat()

    def move_conversation(self, step: int) -> None:
        """Ctrl+Tab, Alt+↓, Ctrl+PgDn (step 1) and their opposites: the next or previous conversation in the
        list opens; the keyboard focus stays where it is (writing goes on in the composer)."""
        view = self.conversation_view
        model = view.model()
        count = model.rowCount()
        if count == 0:
            return
        current = view.currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else count - 1)
        if 0 <= row < count:
            view.selectionModel().setCurrentIndex(
                model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            view.scrollTo(model.index(row, 0))

    def show_shortcuts(self) -> ShortcutSheet:
        if self.shortcut_sheet is None:
            self.shortcut_sheet = ShortcutSheet(self)
        self.shortcut_sheet.open()
        return self.shortcut_sheet

    def show_toast(self, text: str, milliseconds: int = DEFAULT_TOAST_MS) -> None:
        """A transient notice (an error or a confirmation) over the content, gone after ``milliseconds``."""
        self.toast.show_text(text, milliseconds)

    def _composer_height(self) -> int:
        if self.stack.currentWidget() is self.chat_panel:
            return self.chat_panel.composer.height()
        return 0

    def show_placeholder(self) -> None:
        self.conversation_view.clearSelection()
        self.stack.setCurrentWidget(self.placeholder)
        self.panes.show_list()

    # panes
    @property
    def single_pane(self) -> bool:
        return self.panes.mode is PaneMode.SINGLE

    def go_back(self) -> None:
        """One pane at a time: the chat gives way to the list (the conversation closes, as on a phone)."""
        if self.single_pane and self.panes.chat_in_front:
            self.panes.show_list()
            self.back_requested.emit()
            self.conversation_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_panes()

    def _apply_panes(self) -> None:
        compact_before = self.panes.mode is PaneMode.COMPACT
        # names are needed to read the welcome, and while filtering (typing, or a filter left in the box)
        needs_names = (
            self.conversation_model.rowCount() == 0 or self._filtering or bool(self.filter_edit.text())
        )
        self.panes.apply(self.width(), has_conversations=not needs_names)
        compact = self.panes.mode is PaneMode.COMPACT
        self.account_button.set_compact(compact)
        if compact != compact_before:
            self.conversation_view.doItemsLayout()  # row sizes and painting change with the mode

    def _update_empty_state(self) -> None:
        """The list, or in its place the welcome (no conversations yet) or "Nothing found for …"."""
        needle = self.filter_edit.text().strip()
        if self.conversation_model.rowCount() > 0:
            self.list_stack.setCurrentWidget(self.conversation_view)
        else:
            if needle:
                self.empty_pane.show_nothing_found(needle)
            else:
                self.empty_pane.show_welcome()
            self.list_stack.setCurrentWidget(self.empty_pane)
        self._apply_panes()

    def focus_filter(self) -> None:
        self._filtering = True  # an avatar-only list widens to show the names it filters
        self._apply_panes()
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.FocusOut:
            self._filtering = False
            self._apply_panes()  # back to avatars when the filter is left empty
        return super().eventFilter(watched, event)

    def set_search_results(self, model) -> SearchPanel:
        """The messages found for what the search field holds, shown under the matching conversations."""
        self.search_panel = SearchPanel(model, self)
        self.search_panel.hide()
        for changed in (self.conversation_model.rowsInserted, self.conversation_model.rowsRemoved):
            changed.connect(lambda *_: self._fit_conversations())
        self.conversation_model.modelReset.connect(self._fit_conversations)
        self.conversation_model.layoutChanged.connect(lambda *_: self._fit_conversations())
        self._left_layout.addWidget(self.search_panel, 2)
        self.setTabOrder(self.conversation_view, self.search_panel.results_view)
        return self.search_panel

    def show_search_results(self, shown: bool) -> None:
        if self.search_panel is not None:
            self.search_panel.setVisible(shown)
        self._fit_conversations()

    def _fit_conversations(self) -> None:
        """While messages are shown, a list of conversations that holds no match gives them its room."""
        searching = self.search_panel is not None and self.search_panel.isVisibleTo(self)
        self.list_stack.setVisible(not searching or self.conversation_view.model().rowCount() > 0)

    def find_in_conversation(self) -> None:
        """Ctrl+F: the find bar of the open conversation; with none open, the search field."""
        if self.stack.currentWidget() is self.chat_panel:
            self.chat_panel.find_bar.open_bar()
        else:
            self.focus_filter()

    def _on_escape(self) -> None:
        find_bar = self.chat_panel.find_bar
        if find_bar.isVisible() and find_bar.isAncestorOf(self.focusWidget()):
            find_bar.close_bar()
            self.chat_panel.composer.focus()
        elif self.chat_panel.composer.editing:
            self.chat_panel.composer.cancel_edit()
        elif self.filter_edit.hasFocus() and self.filter_edit.text():
            self.filter_edit.clear()
        elif self.single_pane and self.panes.chat_in_front:
            self.go_back()
        elif self.stack.currentWidget() is self.chat_panel:
            self.chat_panel.composer.focus()

    def set_connection_state(self, state: str) -> None:
        """``online`` hides the banner; ``connecting``, ``updating`` and ``offline`` show it."""
        self.connection_banner.set_state(state)

    def _on_menu_requested(self, index: QModelIndex, at: QPoint) -> None:
        conversation = index.data(ConversationRole.CONVERSATION)
        if isinstance(conversation, Conversation):
            self.conversation_menu.popup(conversation, str(index.data(Qt.ItemDataRole.DisplayRole) or ""), at)

    # window state
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            self.active_changed.emit(self.isActiveWindow())
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint_menu()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
