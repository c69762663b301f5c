"""Windows for a file opened from its bubble: an image viewer with zoom and save, and a video player."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImageReader, QKeySequence, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.models.file_labels import duration_label
from desktop.views.quiet_text import make_quiet
from desktop.views.shortcuts import add_shortcut
from desktop.views.symbols import IconButton

MAX_VIEW_PIXELS = 100_000_000  # the server makes no preview over 50 MP; the viewer shows up to 100 MP
ZOOM_STEP = 1.25


class _ZoomView(QGraphicsView):
    def __init__(self, scene: QGraphicsScene, parent: QWidget) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.fitting = True

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier or event.angleDelta().x() == 0:
            self.zoom(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
        else:
            super().wheelEvent(event)

    def zoom(self, factor: float) -> None:
        self.fitting = False
        self.scale(factor, factor)

    def fit(self) -> None:
        self.fitting = True
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()


class ImageViewer(QDialog):
    """Shows the preview at once and the whole image once downloaded. Signals: save_requested()."""

    save_requested = Signal()

    def __init__(self, name: str, preview: QPixmap | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        self.resize(900, 680)
        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = _ZoomView(self.scene, self)
        self.status = QLabel("Loading the full image…", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        make_quiet(self.status)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        buttons = QHBoxLayout()
        for name, tip, label, handler in (
            ("zoom_out", "Zoom out (Ctrl+-)", "Zoom out", lambda: self.view.zoom(1 / ZOOM_STEP)),
            ("fit", "Fit to window", "Fit to window", self.view.fit),
            ("actual_size", "Actual size", "Actual size", self.actual_size),
            ("zoom_in", "Zoom in (Ctrl++)", "Zoom in", lambda: self.view.zoom(ZOOM_STEP)),
        ):
            button = IconButton(name, tip, label, self, size=18)
            button.clicked.connect(handler)
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        self.save_button = QPushButton("Save as…", self)
        self.save_button.clicked.connect(self.save_requested)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.view, 1)
        buttons.setContentsMargins(8, 0, 8, 0)
        layout.addLayout(buttons)
        add_shortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.view.zoom(ZOOM_STEP))
        add_shortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.view.zoom(1 / ZOOM_STEP))
        add_shortcut(QKeySequence.StandardKey.Save, self, self.save_requested.emit)
        self.full_size: QSize | None = None
        if preview is not None and not preview.isNull():
            self._show(preview)

    def _show(self, pixmap: QPixmap) -> None:
        self.item.setPixmap(pixmap)
        self.scene.setSceneRect(self.item.boundingRect())
        self.view.fit()

    def actual_size(self) -> None:
        self.view.fitting = False
        self.view.resetTransform()
        if self.full_size is None and not self.item.pixmap().isNull():
            self.view.fit()

    def show_file(self, path: Path) -> bool:
        """The whole image, read only if its header says it is of a sane size (no decompression bomb)."""
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        size = reader.size()
        if not size.isValid() or size.width() * size.height() > MAX_VIEW_PIXELS:
            self.status.setText("This image is too large to show here; save it to open it elsewhere.")
            return False
        image = reader.read()
        if image.isNull():
            self.status.setText(f"This image could not be shown: {reader.errorString()}")
            return False
        self.full_size = image.size()
        self.status.setText(f"{image.width()} × {image.height()}")
        self._show(QPixmap.fromImage(image))
        return True

    def show_error(self, message: str) -> None:
        self.status.setText(message)


class VideoPlayer(QWidget):
    """A window that plays one video (QtMultimedia); Esc closes it, Space pauses, and a finished video
    keeps showing its last frame (not black) until played again. Signals: failed(str) — no backend."""

    failed = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.setWindowTitle(name)
        self.resize(860, 540)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.video = QVideoWidget(self)
        self.last_frame = QLabel(self)  # the final frame, shown once the video has ended
        self.last_frame.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.last_frame.setStyleSheet("background: black;")
        self.last_frame.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.screen_stack = QStackedWidget(self)
        self.screen_stack.addWidget(self.video)
        self.screen_stack.addWidget(self.last_frame)
        self._frame = None  # the latest QVideoFrame (shared, not copied), turned into a picture at the end
        self.finished = False
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)
        self.play_button = IconButton("pause", "Pause (Space)", "Play or pause", self, size=18)
        self.play_button.setText("⏸")  # text() says the state to tests and screen readers; the icon shows it
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.time_label = QLabel("0:00", self)
        controls = QHBoxLayout()
        controls.setContentsMargins(8, 0, 8, 0)
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.screen_stack, 1)
        layout.addLayout(controls)
        self.player.durationChanged.connect(lambda ms: self.slider.setRange(0, int(ms)))
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(self._on_media_status)
        self.video.videoSink().videoFrameChanged.connect(self._keep_frame)
        self.player.errorOccurred.connect(lambda _error, message: self.failed.emit(message or "cannot play"))
        add_shortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle)
        add_shortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def play(self, path: Path) -> None:
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self._resume()

    def _resume(self) -> None:
        if self.finished:
            self.finished = False
            self.player.setPosition(0)
        self.screen_stack.setCurrentWidget(self.video)
        self.player.play()

    def toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self._resume()

    def _keep_frame(self, frame) -> None:
        if frame.isValid():
            self._frame = frame

    def _on_media_status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status != QMediaPlayer.MediaStatus.EndOfMedia:
            return
        self.finished = True
        self.play_button.setText("↻")
        self.play_button.set_symbol("retry")
        self.play_button.setToolTip("Play again")
        image = self._frame.toImage() if self._frame is not None else None
        if image is not None and not image.isNull():
            self.last_frame.setPixmap(
                QPixmap.fromImage(image).scaled(
                    self.screen_stack.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.screen_stack.setCurrentWidget(self.last_frame)

    def _on_position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(int(ms))
        self.time_label.setText(f"{duration_label(ms)} / {duration_label(self.player.duration())}")

    def _on_state(self, state) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state == QMediaPlayer.PlaybackState.PlayingState or not self.finished:
            playing = state == QMediaPlayer.PlaybackState.PlayingState
            self.play_button.setText("⏸" if playing else "▶")
            self.play_button.set_symbol("pause" if playing else "play")
            self.play_button.setToolTip("Pause" if playing else "Play")

    def closeEvent(self, event) -> None:
        self.player.stop()
        super().closeEvent(event)
