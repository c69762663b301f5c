"""The README's screenshots by one command: `.venv/bin/python scripts/screenshots.py [--port 8781]`.

Starts the real server (`python -m server`) on a temporary embedded PostgreSQL, seeds the demo of
scripts/demo_data.py over HTTP, then drives the real desktop client offscreen (QT_QPA_PLATFORM=offscreen),
once with a light palette and once with a dark one (each in a process of its own, so nothing of the first
theme lingers in the second), and saves the main screens to docs/screenshots/<screen>-<theme>.png:
sign-in, the list with the 1:1, the group, the media viewer, search results, the narrow single pane and the
Settings window. Everything it made (database, client data) is deleted at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
MAX_PNG_BYTES = 150_000
WIDE = (1100, 700)
NARROW = (420, 760)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--capture", choices=["light", "dark"], help=argparse.SUPPRESS)
    parser.add_argument("--server-url", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.capture:
        direct_id, group_id = (int(x) for x in args.ids.split(","))
        return capture(args.capture, args.server_url, direct_id, group_id, args.out)
    return run_all(args.port, args.out)


def run_all(port: int, out: Path) -> int:
    from scripts.demo_data import DemoFiles, seed
    from tests.support.server_process import ServerProcess

    scratch = Path(tempfile.mkdtemp(prefix="chatidk-shots-"))
    server = ServerProcess(None, scratch / "server", port=port or None)
    (scratch / "server").mkdir()
    try:
        print(f"starting the server on an embedded PostgreSQL in {scratch} …", flush=True)
        server.start(timeout=180)
        files = DemoFiles.make(scratch / "media")
        if files.video is None:
            print("no ffmpeg (imageio-ffmpeg) here: the demo goes without a video", flush=True)
        demo = seed(server.url, files)
        out.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            command = [sys.executable, __file__, "--capture", theme, "--server-url", server.url]
            command += ["--ids", f"{demo.direct_id},{demo.group_id}", "--out", str(out)]
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CHATIDK_DESKTOP_CREDENTIALS": "file"}
            env["CHATIDK_DESKTOP_DATA_DIR"] = str(scratch / f"client-{theme}")
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
            subprocess.run(command, check=True, env=env, cwd=ROOT, timeout=600)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


# the client's side (one theme, in its own process)
def wait_for(app, condition: Callable[[], object], what: str, timeout: float = 60) -> None:
    """Runs Qt's loop until ``condition()`` holds (a script, not a test: it may take its time)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float = 1.5) -> None:
    """Lets thumbnails, avatars and layouts that arrive a little later land before a picture is taken."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def save_png(widget, path: Path) -> None:
    """The widget as it is drawn, as a PNG of at most ~150 KB (palette-reduced when plain PNG is larger)."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    image.save(path, optimize=True)
    for colours in (256, 128, 64):
        if path.stat().st_size <= MAX_PNG_BYTES:
            break
        image.quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, optimize=True
        )
    print(
        f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
        f" ({path.stat().st_size // 1000} KB)",
        flush=True,
    )


def capture(theme: str, server_url: str, direct_id: int, group_id: int, out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    from desktop.app import DesktopApp
    from desktop.config import ClientConfig
    from desktop.views.app_style import apply_app_style
    from desktop.views.icons import app_icon
    from scripts.demo_data import PASSWORD
    from tests.desktop.palettes import dark_palette, light_palette

    app = QApplication([sys.argv[0]])
    app.setApplicationName("ChatIDK")
    app.setWindowIcon(app_icon())
    apply_app_style(app)
    app.setPalette(dark_palette() if theme == "dark" else light_palette())
    data_dir = Path(os.environ["CHATIDK_DESKTOP_DATA_DIR"])
    desktop = DesktopApp(
        ClientConfig(data_dir=data_dir, server_url=server_url, credential_backend="file"), tray_enabled=False
    )
    try:
        desktop.start()
        login = desktop.login_window
        assert login is not None
        login.username_edit.setText("alice")
        login.password_edit.setText(PASSWORD)
        settle(app, 0.5)
        save_png(login, out / f"sign-in-{theme}.png")

        login.submit_button.click()
        wait_for(app, lambda: desktop.chat_session is not None, "the sign-in")
        session = desktop.chat_session
        assert session is not None
        chat = session.chat
        wait_for(app, lambda: chat.connection_state == "online", "the connection")
        wait_for(app, lambda: all(chat.conversations.get(c) for c in (direct_id, group_id)), "the list")
        window = desktop.window
        window.resize(*WIDE)

        def opened(conversation_id: int) -> None:
            session.open_conversation(conversation_id)
            wait_for(app, lambda: chat.state.open_conversation_id == conversation_id, "the conversation")
            wait_for(app, lambda: chat.messages.rowCount() >= 5, "its messages")
            settle(app, 2.5)

        opened(direct_id)
        save_png(window, out / f"chat-{theme}.png")
        opened(group_id)
        save_png(window, out / f"group-{theme}.png")

        files = session.files
        pictures = [
            a
            for r in range(chat.messages.rowCount())
            for a in chat.messages.message_at(r).attachments
            if a.kind == "image"
        ]
        viewer = files.view_media(pictures[-1])
        wait_for(app, lambda: viewer.full_size is not None, "the whole picture")
        settle(app, 0.5)
        save_png(viewer, out / f"viewer-{theme}.png")
        viewer.close()

        main_window = session.window
        main_window.filter_edit.setText("station")
        panel = main_window.search_panel
        wait_for(app, lambda: panel is not None and panel.isVisibleTo(main_window), "search results")
        settle(app)
        save_png(window, out / f"search-{theme}.png")
        main_window.filter_edit.clear()
        window.resize(*NARROW)
        settle(app)
        save_png(window, out / f"narrow-{theme}.png")
        window.resize(*WIDE)
        settings = session.settings_wiring.show()  # Ctrl+,: the Settings window on its Notifications page
        settings.show_page("Notifications")
        settle(app)
        save_png(settings, out / f"settings-{theme}.png")
        settings.close()

    finally:
        desktop.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
