"""The application-wide look: readable base type and a style that draws our icons, never Qt's stock ones.

Qt's standard pixmaps (a red ✗ on Cancel, a green tick on OK, the message box's bitmaps, the line edit's
clear button) come from the platform theme and clash with the rest of the client; ChatStyle answers them
with the Phosphor set (views/symbols.py) tinted from the palette, and keeps dialog buttons text-only, as
Telegram and Signal do."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QIcon, QPainter, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from desktop.views import palette_colors
from desktop.views.symbols import symbol

BASE_POINT_SIZE = 10.5  # Telegram and Signal set body text at about 13–14 px; Qt's default is ~9 pt

SP = QStyle.StandardPixmap
STANDARD_SYMBOLS: dict[QStyle.StandardPixmap, str] = {
    SP.SP_MessageBoxWarning: "warning",
    SP.SP_MessageBoxCritical: "error",
    SP.SP_MessageBoxQuestion: "question",
    SP.SP_MessageBoxInformation: "info",
    SP.SP_DialogOkButton: "ok",
    SP.SP_DialogApplyButton: "ok",
    SP.SP_DialogYesButton: "ok",
    SP.SP_DialogSaveButton: "download",
    SP.SP_DialogCancelButton: "close",
    SP.SP_DialogCloseButton: "close",
    SP.SP_DialogNoButton: "close",
    SP.SP_DialogDiscardButton: "trash",
    SP.SP_DialogResetButton: "retry",
    SP.SP_LineEditClearButton: "clear",
    SP.SP_TitleBarCloseButton: "close",
    SP.SP_DockWidgetCloseButton: "close",
    SP.SP_TabCloseButton: "close",
    SP.SP_ArrowBack: "back",
    SP.SP_ArrowLeft: "back",
    SP.SP_ArrowForward: "forward",
    SP.SP_ArrowRight: "forward",
    SP.SP_ArrowUp: "up",
    SP.SP_FileDialogToParent: "up",
    SP.SP_ArrowDown: "down",
    SP.SP_FileIcon: "file",
    SP.SP_FileLinkIcon: "file",
    SP.SP_DirIcon: "folder",
    SP.SP_DirOpenIcon: "folder",
    SP.SP_DirClosedIcon: "folder",
    SP.SP_DirLinkIcon: "folder",
    SP.SP_DirHomeIcon: "home",
    SP.SP_DriveHDIcon: "drive",
    SP.SP_ComputerIcon: "computer",
    SP.SP_TrashIcon: "trash",
    SP.SP_BrowserReload: "retry",
    SP.SP_MediaPlay: "play",
}
MESSAGE_BOX_SIZE = 36


class ChatStyle(QProxyStyle):
    """The platform's style with our icons and without icons on dialog buttons."""

    def styleHint(self, hint, option=None, widget=None, returnData=None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def standardIcon(
        self,
        standardIcon: QStyle.StandardPixmap,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> QIcon:
        name = STANDARD_SYMBOLS.get(standardIcon)
        if name is None:
            return super().standardIcon(standardIcon, option, widget)
        palette = widget.palette() if widget is not None else QApplication.palette()
        return symbol(name, palette)

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        """Check boxes and radio buttons (the mute list's too) get an outline that shows in dark palettes:
        Fusion draws it a shade darker than the window, invisible on a dark one."""
        super().drawPrimitive(element, option, painter, widget)
        pe = QStyle.PrimitiveElement
        if element not in (
            pe.PE_IndicatorCheckBox,
            pe.PE_IndicatorItemViewItemCheck,
            pe.PE_IndicatorRadioButton,
        ):
            return
        if option is None or painter is None or not palette_colors.is_dark(option.palette):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(palette_colors.secondary_text(option.palette), 1))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == pe.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 2, 2)
        painter.restore()

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        if metric == QStyle.PixelMetric.PM_MessageBoxIconSize:
            return MESSAGE_BOX_SIZE
        return super().pixelMetric(metric, option, widget)


def apply_app_style(app: QApplication) -> ChatStyle:
    """Installs ChatStyle over the current style and lifts the base font to a readable size."""
    style = ChatStyle(app.style().name())
    app.setStyle(style)
    font = QFont(app.font())
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
        app.setFont(font)
    return style
