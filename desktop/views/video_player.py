"""A video player (QtMultimedia): a window of its own, or embedded as a page of the media viewer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QStackedWidget, QVBoxLayout, QWidget

from desktop.models.file_labels import duration_label
from desktop.views.shortcuts import add_shortcut
from desktop.views.symbols import IconButton


class VideoPlayer(QWidget):
    """A window that plays one video (QtMultimedia); Esc closes it, Space pauses, and a finished video
    keeps showing its last frame (not black) until played again. Signals: failed(str) — no backend."""

    failed = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__(parent, Qt.WindowType.Widget if embedded else Qt.WindowType.Window)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.setWindowTitle(name)
        self.resize(860, 540)
        if not embedded:
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
        if not embedded:  # inside the media viewer these keys are the viewer's (one owner, never ambiguous)
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
