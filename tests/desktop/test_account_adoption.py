"""A data dir of the single-account client is adopted on the first start: its cache (history, outbox,
drafts, files) moves into the account's own folder, its token to the (server, user) key, its settings into
the account's settings; and the app opens that account as before, offline too."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.accounts.adoption import adopt_single_account_data
from desktop.accounts.layout import AccountPaths, credential_key, server_key
from desktop.cache import DraftStore, Outbox, OutboxEntry, open_cache_database
from desktop.credentials import FileCredentialStore
from desktop.domain.drafts import Draft
from desktop.settings import AppSettings
from tests.support.server_process import free_port

USER = {"id": 7, "username": "alice", "display_name": "Alice"}


def old_install(data_dir: Path, url: str) -> None:
    """What the single-account client left: cache/<key>-7.sqlite3 with an unsent message and a draft, its
    files folder, the token under the bare server address, the last conversation and a hidden-text choice."""
    cache = data_dir / "cache" / f"{server_key(url)}-7.sqlite3"
    database = open_cache_database(cache)
    Outbox(database).add(OutboxEntry("c-1", 3, 7, "still unsent", datetime.now(UTC)))
    DraftStore(database).put(3, Draft("half a thought"))
    database.close()
    files = data_dir / "cache" / f"{server_key(url)}-7-files"
    files.mkdir()
    (files / "picture.png").write_bytes(b"png")
    FileCredentialStore(data_dir / "credentials.json").save(url, {"token": "t0k3n", "user": USER})
    old = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    old.setValue("server/url", url)
    old.setValue("server/last_username", "alice")
    old.setValue("notifications/show_text", "false")
    safe = "".join(c if c.isalnum() else "_" for c in url)
    old.setValue(f"accounts/{safe}_7/last_conversation", 3)
    old.sync()


def test_the_old_layout_moves_into_the_accounts_folder_once(tmp_path):
    url = "http://127.0.0.1:8123"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old_install(data_dir, url)
    settings = AppSettings(data_dir)
    credentials = FileCredentialStore(data_dir / "credentials.json")

    assert adopt_single_account_data(data_dir, settings, credentials, [url, None]) == [(url, 7)]

    paths = AccountPaths.of(data_dir, url, 7)
    assert (
        paths.cache_file.is_file() and (paths.folder / "cache-files" / "picture.png").read_bytes() == b"png"
    )
    assert not (data_dir / "cache").exists()  # nothing left behind in the old place
    database = open_cache_database(paths.cache_file)
    assert [e.text for e in Outbox(database).entries()] == ["still unsent"]
    assert DraftStore(database).get(3).text == "half a thought"
    database.close()
    stored = json.loads((data_dir / "credentials.json").read_text())
    assert stored == {credential_key(url, 7): {"token": "t0k3n", "user": USER}}  # the bare address is gone
    account = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    assert int(account.value("conversations/last")) == 3
    assert account.value("notifications/show_text") == "false"
    assert settings.accounts == [(url, 7)] and settings.current_account == (url, 7)
    assert settings.last_username == "alice"  # app-wide settings stay

    # Once only: a second start finds the new layout and moves nothing (a new old-style file stays put).
    (data_dir / "cache").mkdir()
    (data_dir / "cache" / f"{server_key(url)}-8.sqlite3").write_bytes(b"")
    assert adopt_single_account_data(data_dir, settings, credentials, [url]) == [(url, 7)]
    assert (data_dir / "cache" / f"{server_key(url)}-8.sqlite3").exists()


def test_a_signed_out_install_moves_its_caches_and_signs_nobody_in(tmp_path):
    url = "http://127.0.0.1:8124"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old_install(data_dir, url)
    credentials = FileCredentialStore(data_dir / "credentials.json")
    credentials.forget(url)  # signed out before the update: the history stays for the next sign-in
    settings = AppSettings(data_dir)
    assert adopt_single_account_data(data_dir, settings, credentials, [url]) == []
    assert AccountPaths.of(data_dir, url, 7).cache_file.is_file()
    assert settings.accounts == [] and settings.current_account is None


def test_a_token_unreadable_as_an_account_is_left_alone(tmp_path):
    url = "http://127.0.0.1:8125"
    data_dir = tmp_path / "data"
    credentials = FileCredentialStore(data_dir / "credentials.json")
    credentials.save(url, {"token": "t", "user": "not a user"})
    settings = AppSettings(data_dir)
    assert adopt_single_account_data(data_dir, settings, credentials, [url]) == []
    assert settings.layout_version == 2


def test_the_app_opens_the_adopted_account_offline_with_its_outbox_and_draft(desktop_client, qtbot, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nobody answers there: the cache is all there is
    data_dir = tmp_path / "client-old"
    data_dir.mkdir()
    old_install(data_dir, url)
    client = desktop_client("old", url)
    client.app.start()
    session = client.app.chat_session
    assert session is not None and session.account.user_id == 7 and session.account.token == "t0k3n"
    assert session.cache_file == AccountPaths.of(data_dir, url, 7).cache_file
    assert [e.text for e in Outbox(session.database).entries()] == ["still unsent"]
    assert DraftStore(session.database).get(3).text == "half a thought"
    assert session.tray.show_text is False  # the old "hide message text" choice, now this account's
    assert client.login is None or not client.login.isVisible()
