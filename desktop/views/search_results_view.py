"""Global message search results under the conversation list: a title per conversation, then its hits with
sender, date and a snippet whose matched words are marked (by ranges over plain text, never markup)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models.search_results import SearchResultsModel, SearchRole
from desktop.views import palette_colors

AnyIndex = QModelIndex | QPersistentModelIndex
PAD_H, PAD_V = 12, 5


class SearchResultDelegate(QStyledItemDelegate):
    """Header rows: the conversation's title, small and bold. Hit rows: "Sender · date" over one line of
    snippet, elided at the right, its hits on the palette's search marker."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        line = QFontMetricsF(option.font).height()
        if index.data(SearchRole.IS_HEADER):
            return QSize(option.rect.width(), int(line + 2 * PAD_V + 4))
        return QSize(option.rect.width(), int(2 * line + 2 * PAD_V + 2))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        palette = option.palette
        rect = QRectF(option.rect)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(
                rect,
                palette.color(palette.ColorRole.Highlight).lighter(170)
                if not palette_colors.is_dark(palette)
                else palette.color(palette.ColorRole.Highlight).darker(160),
            )
        text_color = palette.color(palette.ColorRole.Text)
        secondary = palette_colors.secondary_text(palette)
        inner = rect.adjusted(PAD_H, PAD_V, -PAD_H, -PAD_V)
        if index.data(SearchRole.IS_HEADER):
            font = QFont(option.font)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.92)
            painter.setFont(font)
            painter.setPen(secondary)
            title = QFontMetricsF(font).elidedText(
                str(index.data() or ""), Qt.TextElideMode.ElideRight, inner.width()
            )
            painter.drawText(
                inner.adjusted(0, 4, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
            )
            painter.restore()
            return
        metrics = QFontMetricsF(option.font)
        top = QRectF(inner.left(), inner.top(), inner.width(), metrics.height())
        sender = str(index.data(SearchRole.SENDER) or "")
        date = str(index.data(SearchRole.DATE) or "")
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        date_width = metrics.horizontalAdvance(date) + 8
        painter.drawText(
            top.adjusted(0, 0, -date_width, 0),
            Qt.AlignmentFlag.AlignLeft,
            QFontMetricsF(bold).elidedText(sender, Qt.TextElideMode.ElideRight, top.width() - date_width),
        )
        painter.setFont(option.font)
        painter.setPen(secondary)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight, date)
        self._paint_snippet(painter, option, index, QPointF(inner.left(), top.bottom()), inner.width())
        painter.restore()

    @staticmethod
    def _paint_snippet(
        painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex, at: QPointF, width: float
    ) -> None:
        text = str(index.data() or "")
        metrics = QFontMetricsF(option.font)
        if metrics.horizontalAdvance(text) > width:  # elided by hand: the hit ranges must stay where they are
            while text and metrics.horizontalAdvance(text + "…") > width:
                text = text[:-1]
            text += "…"
        layout = QTextLayout(text, option.font)
        layout.beginLayout()
        line = layout.createLine()
        if line.isValid():
            line.setLineWidth(width)
        layout.endLayout()
        marks = []
        limit = len(text.encode("utf-16-le")) // 2
        for start, end in index.data(SearchRole.RANGES) or []:
            if start >= limit:
                continue
            mark = QTextLayout.FormatRange()
            mark.start, mark.length = start, min(end, limit) - start
            fmt = QTextCharFormat()
            fmt.setBackground(palette_colors.search_hit(option.palette))
            fmt.setForeground(QColor("#1a1a1a"))  # dark on the marker in either theme
            mark.format = fmt
            marks.append(mark)
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        layout.draw(painter, at, marks)


class SearchResultsView(QListView):
    """Signals: hit_activated(int conversation_id, int seq) — a click, or Enter on the current hit."""

    hit_activated = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(SearchResultDelegate(self))
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Messages found")
        self.setMouseTracking(True)
        self.clicked.connect(self._activate)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid() and not index.data(SearchRole.IS_HEADER):
            self.hit_activated.emit(
                int(index.data(SearchRole.CONVERSATION_ID)), int(index.data(SearchRole.SEQ))
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentIndex())
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """The results and a line above them: "Messages", "Searching…" or "Nothing found for “…”"."""

    def __init__(self, model: SearchResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.status_label = QLabel(self)
        self.status_label.setContentsMargins(12, 6, 12, 2)
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # the query is the user's, shown as typed
        self.results_view = SearchResultsView(self)
        self.results_view.setModel(model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results_view, 1)

    def show_state(self, query: str, complete: bool) -> None:
        """What the line above the results says for ``query`` now."""
        count = self.model.hit_count
        shown = query if len(query) <= 60 else query[:59] + "…"
        if count:
            more = "" if complete else " (asking the server…)"
            self.status_label.setText(f"Messages: {count}{more}")
        elif complete:
            self.status_label.setText(f"Nothing found for “{shown}”")
        else:
            self.status_label.setText("Searching…")
        self.results_view.setVisible(count > 0)

    def select_first(self) -> bool:
        row = self.model.first_hit_row()
        if row is None:
            return False
        self.results_view.setCurrentIndex(self.model.index(row, 0))
        self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
