"""A QR code drawn here from its modules (segno makes the matrix): the two-factor secret never leaves the
machine for a rendering service, and no HTML or image file is involved."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

QUIET_ZONE = 4  # modules of light border the standard asks for


def qr_pixmap(text: str, module_pixels: int = 5) -> QPixmap:
    """Black modules on white (also in a dark theme: phone cameras expect that), ``module_pixels`` each."""
    code = segno.make(text, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=QUIET_ZONE))
    size = len(rows) * module_pixels
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    black = QColor(Qt.GlobalColor.black)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * module_pixels, y * module_pixels, module_pixels, module_pixels, black)
    painter.end()
    return QPixmap.fromImage(image)
