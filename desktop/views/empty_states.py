"""What a view says when it has nothing to show: a welcome with the two ways to start, "Nothing found for …"
under the conversation filter, and an empty conversation's invitation to say hi."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.views.quiet_text import make_quiet

WELCOME_TITLE = "Welcome to ChatIDK"
WELCOME_TEXT = "No conversations yet. Find someone to talk to, or start a group."
EMPTY_CONVERSATION = "No messages yet, say hi 👋"


def nothing_found(needle: str) -> str:
    return f"Nothing found for “{needle.strip()}”"


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a filter text is the user's, never markup
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class EmptyListPane(QWidget):
    """In place of the conversation list when it shows nothing: the welcome (no conversations yet) or
    "Nothing found for …" (the filter matched none). Signals: find_people_requested(),
    new_group_requested()."""

    find_people_requested = Signal()
    new_group_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the list's own background, as if it were empty
        self.setAutoFillBackground(True)
        self.title = _plain(WELCOME_TITLE, self)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        self.text = _plain(WELCOME_TEXT, self)
        make_quiet(self.text)
        self.find_button = QPushButton("Find people", self)
        self.find_button.setDefault(False)
        self.find_button.setToolTip("Search people by name or @username and open a chat")
        self.find_button.clicked.connect(self.find_people_requested)
        self.group_button = QPushButton("New group", self)
        self.group_button.setToolTip("Pick people and name the group")
        self.group_button.clicked.connect(self.new_group_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(6)
        for button in (self.find_button, self.group_button):
            button.setMinimumSize(160, 34)  # generous targets, as the anchors' welcome buttons are
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setTabOrder(self.find_button, self.group_button)

    def show_welcome(self) -> None:
        self.title.setVisible(True)
        self.text.setText(WELCOME_TEXT)
        self.find_button.setVisible(True)
        self.group_button.setVisible(True)

    def show_nothing_found(self, needle: str) -> None:
        self.title.setVisible(False)
        self.text.setText(nothing_found(needle))
        self.find_button.setVisible(False)
        self.group_button.setVisible(False)

    @property
    def welcoming(self) -> bool:
        return self.find_button.isVisibleTo(self)


class EmptyViewHint(QObject):
    """A quiet line centred over a scroll area's viewport (the message list), shown while ``wanted`` and
    its model has no rows; it never takes focus or clicks."""

    def __init__(self, view: QAbstractScrollArea, text: str) -> None:
        super().__init__(view)
        self.view = view
        self.label = _plain(text, view.viewport())
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        make_quiet(self.label)
        self.label.hide()
        self.wanted = False
        view.viewport().installEventFilter(self)

    def update(self, rows: int) -> None:
        shown = self.wanted and rows == 0
        self.label.setVisible(shown)
        if shown:
            self._place()

    def _place(self) -> None:
        area = self.view.viewport().rect().adjusted(16, 0, -16, 0)
        height = self.label.heightForWidth(area.width())
        self.label.setGeometry(area.left(), area.center().y() - height // 2, area.width(), max(height, 1))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.label.isVisible():
            self._place()
        return False
