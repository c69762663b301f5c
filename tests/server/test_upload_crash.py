"""The file store and the rows converge after a crash between storing an upload's bytes and its row.

As found: 20 stored objects that no row named, and that nothing would ever delete, after 3 SIGKILLs under
load. Here the crash is made exact: a real server process dies (``os._exit``, no cleanup runs) at the very
moment its upload's bytes are stored and its row is about to be inserted.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from PIL import Image

from server.services import file_purge

ROOT = Path(__file__).resolve().parents[2]

CRASHING_UPLOAD = """
import os, sys
from pathlib import Path
from server import create_app
from server.config import Config
from server.db import files as files_db

def die(*args, **kwargs):
    os._exit(137)  # the bytes are in the store; the row would be inserted now

files_db.insert_file_txn = die
config = Config(database_url=sys.argv[1], data_dir=Path(sys.argv[2]), bcrypt_rounds=4, db_pool_size=2)
headers = {"Authorization": "Bearer " + sys.argv[3]}
client = create_app(config).test_client()
client.post("/api/v1/files?name=photo.png", data=sys.stdin.buffer.read(), headers=headers)
"""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def stored_keys(app) -> set[str]:
    return set(app.extensions["chatidk"].store.keys())


def row_keys(app) -> set[str]:
    with app.extensions["chatidk"].db.autocommit() as cur:
        cur.execute("SELECT id, thumbnail_type FROM files")
        rows = cur.fetchall()
    return {r["id"] for r in rows} | {f"{r['id']}.thumb" for r in rows if r["thumbnail_type"]}


def let_the_grace_period_pass(app) -> None:
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("UPDATE file_trash SET queued_at = now() - interval '1 day'")


def test_bytes_stored_by_an_upload_that_crashed_before_its_row_are_removed(
    app, alice, database_url, tmp_path
):
    kept = alice.post("/files?name=kept.png", data=png()).json["file"]
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_UPLOAD, database_url, str(tmp_path), alice.token],
        input=png(),
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == 137, crashed.stderr.decode()[-2000:]
    orphans = stored_keys(app) - row_keys(app)
    assert len(orphans) == 2  # the crash left the file and its thumbnail, named by no row
    file_purge.purge(app.extensions["chatidk"])
    assert orphans <= stored_keys(app)  # within the grace period an upload may still be on its way
    let_the_grace_period_pass(app)
    file_purge.purge(app.extensions["chatidk"])
    assert stored_keys(app) == row_keys(app) == {kept["id"], f"{kept['id']}.thumb"}
    r = alice.get(f"/files/{kept['id']}")
    assert r.status_code == 200
    r.close()


def test_a_completed_upload_leaves_no_pending_removal_behind(app, alice):
    file = alice.post("/files?name=photo.png", data=png()).json["file"]
    with app.extensions["chatidk"].db.autocommit() as cur:
        cur.execute("SELECT count(*) AS n FROM file_trash")
        assert cur.fetchone()["n"] == 0
    let_the_grace_period_pass(app)
    file_purge.purge(app.extensions["chatidk"])
    assert stored_keys(app) == {file["id"], f"{file['id']}.thumb"}


def test_a_profile_picture_stored_before_a_crash_is_removed_too(app, alice):
    """The same for avatars: their keys are recorded before the bytes, forgotten with the commit."""
    r = alice.request("PUT", "/me/avatar", data=png())
    assert r.status_code == 200 and r.json["user"]["avatar"] is not None
    with app.extensions["chatidk"].db.autocommit() as cur:
        cur.execute("SELECT count(*) AS n FROM file_trash")
        assert cur.fetchone()["n"] == 0
