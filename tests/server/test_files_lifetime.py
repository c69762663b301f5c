"""How long files live: taking back an upload, deleting the message or the account, expiry, crash leftovers,
failures on the way, and the export of my files."""

from __future__ import annotations

import io
import os

from PIL import Image

from server.services import file_purge
from server.services.schedule import Schedule
from tests.server.conftest import assert_error
from tests.server.test_files import fetch, image_bytes, send_files, stored_keys, uploaded

# ---- taking back, deleting, expiring ---------------------------------------------------------------------


def test_taking_back_an_unsent_upload(app, alice, bob, shared):
    file = uploaded(alice, image_bytes(), "oops.png")
    assert_error(bob.delete(f"/files/{file['id']}"), 404, "not_found")
    assert alice.delete(f"/files/{file['id']}").status_code == 204
    assert file["id"] not in stored_keys(app)
    assert_error(fetch(alice, f"/files/{file['id']}"), 404, "not_found")
    assert_error(alice.delete(f"/files/{file['id']}"), 404, "not_found")
    # A sent file goes with its message; nobody else may delete it.
    assert_error(alice.delete(f"/files/{shared['id']}"), 409, "conflict")
    assert_error(bob.delete(f"/files/{shared['id']}"), 403, "forbidden")


def test_deleting_the_message_removes_its_files_from_disk(app, alice, bob, chat):
    keep = uploaded(alice, image_bytes(), "keep.png")
    one = uploaded(alice, image_bytes(color=(1, 2, 3)), "one.png")
    two = uploaded(alice, b"two", "two.bin")
    message = send_files(alice, chat, [one["id"], two["id"]], "two files").json["message"]
    assert {one["id"], one["id"] + ".thumb", two["id"]} <= set(stored_keys(app))
    r = alice.delete(f"/conversations/{chat}/messages/{message['seq']}")
    assert r.status_code == 200
    assert r.json["message"]["attachments"] == [] and r.json["message"]["deleted"]
    keys = stored_keys(app)
    assert one["id"] not in keys and one["id"] + ".thumb" not in keys and two["id"] not in keys
    assert keep["id"] in keys
    for user in (alice, bob):
        assert_error(fetch(user, f"/files/{one['id']}"), 404, "not_found")
        assert_error(fetch(user, f"/files/{one['id']}/thumbnail"), 404, "not_found")
    assert bob.messages(chat)[0]["attachments"] == []
    # Deleting again is still fine.
    assert alice.delete(f"/conversations/{chat}/messages/{message['seq']}").status_code == 200


def test_deleting_the_account_removes_every_file_it_uploaded(app, alice, bob, chat, shared):
    unsent = uploaded(alice, b"never sent")
    bobs = uploaded(bob, b"bob's")
    assert send_files(bob, chat, [bobs["id"]]).status_code == 201
    r = alice.delete("/me", {"password": alice.password})
    assert r.status_code == 204
    keys = stored_keys(app)
    assert shared["id"] not in keys and unsent["id"] not in keys
    assert bobs["id"] in keys
    assert_error(fetch(bob, f"/files/{shared['id']}"), 404, "not_found")
    assert fetch(bob, f"/files/{bobs['id']}").status_code == 200
    assert all(m["attachments"] == [] for m in bob.messages(chat) if m["sender_id"] == alice.id)


def _age_uploads(app, seconds: int) -> None:
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("UPDATE files SET created_at = created_at - make_interval(secs => %s)", (seconds,))


def test_unsent_uploads_expire_and_sent_ones_do_not(app, alice, chat, shared):
    unsent = uploaded(alice, image_bytes(), "draft.png")
    _age_uploads(app, 25 * 3600)
    assert file_purge.purge(app.extensions["chatidk"]) == 2  # the file and its thumbnail
    keys = stored_keys(app)
    assert unsent["id"] not in keys and unsent["id"] + ".thumb" not in keys
    assert shared["id"] in keys
    assert_error(fetch(alice, f"/files/{unsent['id']}"), 404, "not_found")
    assert_error(send_files(alice, chat, [unsent["id"]]), 404, "not_found", "file_ids")


def test_uploads_trigger_the_purge_now_and_then(app, alice):
    old = uploaded(alice, b"old")
    _age_uploads(app, 25 * 3600)
    app.extensions["chatidk"].purge_schedule = Schedule(file_purge.PURGE_EVERY_SECONDS)  # due again
    uploaded(alice, b"new")
    assert old["id"] not in stored_keys(app)


def test_bytes_left_behind_by_a_crash_are_removed_by_the_next_purge(app, alice):
    """The row went in a committed transaction but the process died before removing the bytes."""
    file = uploaded(alice, b"orphan")
    context = app.extensions["chatidk"]
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM files WHERE id = %s", (file["id"],))
        cur.execute(
            "INSERT INTO file_trash (key, queued_at) VALUES (%s, now() - interval '2 minutes')", (file["id"],)
        )
    assert file["id"] in stored_keys(app)
    file_purge.purge(context)
    assert file["id"] not in stored_keys(app)
    with context.db.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM file_trash")
        assert cur.fetchone()["n"] == 0


def test_a_stale_staging_file_is_swept(app, alice):
    store = app.extensions["chatidk"].store
    stale = store.root / "staging" / "upload-deadbeef.part"
    stale.write_bytes(b"half an upload")
    os.utime(stale, (1, 1))
    file_purge.purge(app.extensions["chatidk"])
    assert not stale.exists()


def test_my_data_export_holds_my_uploads_and_picture(alice, bob, chat, shared):
    import zipfile

    unsent = uploaded(alice, b"still a draft", "draft.txt")
    uploaded(bob, b"bob's own", "bobs.txt")
    assert alice.request("PUT", "/me/avatar", data=image_bytes(), headers={}).status_code == 200
    r = fetch(alice, "/me/export")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("files/")]
        assert sorted(names) == sorted(
            [f"files/{shared['id']}-red.png", f"files/{unsent['id']}-draft.txt", "files/avatar.jpg"]
        )
        assert archive.read(f"files/{shared['id']}-red.png") == image_bytes()
        assert archive.read(f"files/{unsent['id']}-draft.txt") == b"still a draft"
        assert Image.open(io.BytesIO(archive.read("files/avatar.jpg"))).size == (512, 512)


# ---- failures on the way -----------------------------------------------------------------------------


def test_a_client_that_goes_away_mid_upload_leaves_nothing(app, alice):
    """The body ends before its declared length: werkzeug reports a disconnect; the staged part goes."""
    r = alice.post("/files", data=b"only part of it", environ_overrides={"CONTENT_LENGTH": "100000"})
    assert_error(r, 400, "bad_request")
    assert stored_keys(app) == []


def test_a_row_whose_bytes_are_missing_answers_404_not_500(app, alice, caplog):
    file = uploaded(alice, b"soon gone")
    app.extensions["chatidk"].store.delete([file["id"]])
    assert_error(fetch(alice, f"/files/{file['id']}"), 404, "not_found")
    assert "has a row but no bytes" in caplog.text


def test_a_store_that_fails_to_delete_is_retried_by_the_purge(app, alice, chat, monkeypatch):
    file = uploaded(alice, b"sticky")
    message = send_files(alice, chat, [file["id"]]).json["message"]
    store = app.extensions["chatidk"].store

    def broken(keys):
        raise OSError("disk on fire")

    monkeypatch.setattr(store, "delete", broken)
    r = alice.delete(f"/conversations/{chat}/messages/{message['seq']}")
    assert r.status_code == 200 and r.json["message"]["deleted"]  # the delete itself stands
    assert_error(fetch(alice, f"/files/{file['id']}"), 404, "not_found")  # gone for everyone at once
    assert file["id"] in stored_keys(app)
    monkeypatch.undo()
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("UPDATE file_trash SET queued_at = queued_at - interval '2 minutes'")
    file_purge.purge(app.extensions["chatidk"])
    assert file["id"] not in stored_keys(app)


def test_without_ffmpeg_media_is_still_a_file(alice, monkeypatch):
    from server.files import previews

    monkeypatch.setattr(previews, "ffmpeg_exe", lambda: "/nonexistent/ffmpeg")
    file = uploaded(alice, b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(2000), "song.mp3")
    assert file["content_type"] == "audio/mpeg" and file["duration_ms"] is None
