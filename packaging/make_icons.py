"""Render desktop/resources/chatidk.svg into the raster icons the app and the builds use.

Run it after editing the SVG: ``.venv/bin/python packaging/make_icons.py``. It writes, next to the SVG,
chatidk.png (256 px: windows, tray, Linux), chatidk.ico (Windows executable) and chatidk.icns (macOS bundle).
The outputs are committed, so a build never needs this script (nor QtSvg, which the app does not ship)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parents[1] / "desktop" / "resources"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def write(image: QImage, path: Path, fmt: str) -> None:
    writer = QImageWriter(str(path), fmt.encode())
    if not writer.write(image):
        raise SystemExit(f"could not write {path}: {writer.errorString()}")


def write_ico(images: list[QImage], path: Path) -> None:
    """An .ico with one PNG-compressed entry per size (Windows Vista and later read those)."""
    entries = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        entries.append((image.width(), bytes(data)))
    header = (0).to_bytes(2, "little") + (1).to_bytes(2, "little") + len(entries).to_bytes(2, "little")
    offset = 6 + 16 * len(entries)
    directory, blobs = b"", b""
    for size, blob in entries:
        side = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        directory += bytes([side, side, 0, 0]) + (1).to_bytes(2, "little") + (32).to_bytes(2, "little")
        directory += len(blob).to_bytes(4, "little") + offset.to_bytes(4, "little")
        offset += len(blob)
        blobs += blob
    path.write_bytes(header + directory + blobs)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter on QImage wants a GUI application
    renderer = QSvgRenderer(str(RESOURCES / "chatidk.svg"))
    if not renderer.isValid():
        raise SystemExit("chatidk.svg is not a valid SVG")
    write(render(renderer, 256), RESOURCES / "chatidk.png", "png")
    write_ico([render(renderer, size) for size in (16, 24, 32, 48, 64, 128, 256)], RESOURCES / "chatidk.ico")
    write(render(renderer, 512), RESOURCES / "chatidk.icns", "icns")
    for name in ("chatidk.png", "chatidk.ico", "chatidk.icns"):
        print(f"wrote {RESOURCES / name} ({(RESOURCES / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
