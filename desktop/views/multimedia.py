"""Whether QtMultimedia can play here. It ships in PySide6-Addons (not Essentials) and needs the platform's
audio libraries (libpulse0 on Debian); without it the client falls back to the system's own player."""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)


@functools.cache
def multimedia_available() -> bool:
    try:
        from PySide6.QtMultimedia import QMediaPlayer
    except ImportError as error:  # no PySide6-Addons, or a missing system library
        log.info("QtMultimedia is not available: %s", error)
        return False
    try:
        return bool(QMediaPlayer().isAvailable())
    except Exception as error:  # a backend that fails to load
        log.info("QtMultimedia has no usable backend: %s", error)
        return False


@functools.cache
def video_widgets_available() -> bool:
    if not multimedia_available():
        return False
    try:
        from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: F401
    except ImportError as error:
        log.info("QtMultimediaWidgets is not available: %s", error)
        return False
    return True
