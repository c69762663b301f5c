"""What the build relies on, checked from source: resources, the version, TLS settings, the smoke mode."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import certifi
import pytest

import server
from desktop import resources
from desktop.domain.server_address import sends_in_clear
from desktop.net.api import ApiClient
from desktop.net.events import events_url
from desktop.net.tls import CA_BUNDLE_ENV, ca_bundle
from desktop.version import __version__
from desktop.views.about_dialog import AboutDialog
from desktop.views.icons import app_icon
from desktop.views.login_window import LoginWindow
from tests.support.server_process import ROOT, free_port


def test_every_resource_is_found_through_the_helper_and_a_missing_one_is_loud(qapp):
    assert resources.resource_path("chatidk.png") == ROOT / "desktop" / "resources" / "chatidk.png"
    with pytest.raises(FileNotFoundError, match=r"nope\.png"):
        resources.resource_path("nope.png")
    icon = app_icon()
    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 64, 256}
    assert not app_icon(3).isNull()


def test_a_frozen_build_looks_under_meipass(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resources.resources_dir() == tmp_path / "desktop" / "resources"
    with pytest.raises(FileNotFoundError):
        resources.resource_path("chatidk.png")
    (tmp_path / "desktop" / "resources").mkdir(parents=True)
    (tmp_path / "desktop" / "resources" / "chatidk.png").write_bytes(b"png")
    assert resources.resource_path("chatidk.png").read_bytes() == b"png"


def test_the_version_has_one_value_everywhere():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert server.__version__ == __version__
    assert pyproject["project"]["version"] == __version__
    spec = (ROOT / "packaging" / "chatidk-desktop.spec").read_text()
    assert 'runpy.run_path(str(ROOT / "desktop" / "version.py"))' in spec


def test_the_about_dialog_shows_the_version_and_the_server(qtbot):
    dialog = AboutDialog("https://chat.example.org")
    qtbot.addWidget(dialog)
    assert dialog.title_label.text() == f"ChatIDK {__version__}"
    details = dialog.details_label.text()
    assert "running from source" in details
    assert "Server: https://chat.example.org" in details
    assert "Qt 6." in details


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://chat.example.org:8000", True),
        ("chat.example.org", True),
        ("http://192.168.1.20:8000", True),
        ("HTTP://[2001:db8::1]:8000", True),
        ("https://chat.example.org", False),
        ("http://127.0.0.1:8000", False),
        ("http://127.5.6.7", False),
        ("localhost:8000", False),
        ("http://[::1]:8000", False),
        ("", False),
    ],
)
def test_which_addresses_send_in_clear(url, warned):
    assert sends_in_clear(url) is warned


def test_the_sign_in_window_warns_about_plain_http_to_another_machine(qtbot):
    window = LoginWindow("http://127.0.0.1:8000")
    qtbot.addWidget(window)
    window.show()
    assert not window.insecure_warning.isVisible()
    window.server_edit.setText("http://chat.example.org:8000")
    assert window.insecure_warning.isVisible()
    assert "Not encrypted" in window.insecure_warning.text()
    assert "https://" in window.insecure_warning.text()
    window.server_edit.setText("https://chat.example.org")
    assert not window.insecure_warning.isVisible()
    opened_insecure = LoginWindow("http://10.0.0.5:8000")
    qtbot.addWidget(opened_insecure)
    opened_insecure.show()
    assert opened_insecure.insecure_warning.isVisible()


def test_both_transports_use_one_bundle_which_the_environment_can_replace(monkeypatch, tmp_path):
    monkeypatch.delenv(CA_BUNDLE_ENV, raising=False)
    assert ca_bundle() == certifi.where()
    client = ApiClient("https://chat.example.org")
    assert client.verify == certifi.where()
    client.close()
    own = tmp_path / "ca.pem"
    monkeypatch.setenv(CA_BUNDLE_ENV, str(own))
    assert ca_bundle() == str(own)
    client = ApiClient("https://chat.example.org")
    assert client.verify == str(own)
    client.close()
    assert events_url("https://chat.example.org") == "wss://chat.example.org/api/v1/events"


def run_smoke(url: str, timeout: float = 40) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--smoke-test", url, "--smoke-timeout", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_smoke_mode_passes_against_a_fresh_live_server(live_server):
    result = run_smoke(live_server.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"smoke: ChatIDK {__version__} (from source), Qt platform 'offscreen'")
    assert any(line.startswith("smoke: received it over the WebSocket in ") for line in lines)
    assert "smoke: deleted 2 throwaway account(s)" in lines
    assert lines[-1] == "smoke: OK"


def test_smoke_mode_fails_with_one_line_when_the_server_is_not_there():
    result = run_smoke(f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    failure = [line for line in result.stderr.splitlines() if line.startswith("smoke test failed:")]
    assert len(failure) == 1
    assert "registering smoke_" in failure[0]
    assert "smoke: OK" not in result.stdout


def test_the_linux_desktop_entry_names_the_icon_and_the_app_id():
    entry = (ROOT / "packaging" / "linux" / "chatidk.desktop").read_text()
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Icon"] == "chatidk"
    assert fields["Exec"].split()[0] == "chatidk"
    assert fields["StartupWMClass"] == "chatidk"  # app.setDesktopFileName("chatidk")
    assert Path(ROOT / "desktop" / "resources" / "chatidk.svg").is_file()
