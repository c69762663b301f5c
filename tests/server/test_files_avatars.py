"""Profile pictures: cropped to a square by the server, two sizes, seen by those who can see the person."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.server.conftest import API, assert_error
from tests.server.test_files import bomb_png, configure, fetch, image_bytes, stored_keys


def put_avatar(user, data: bytes, **kw):
    return user.request(
        "PUT", "/me/avatar", data=data, headers={"Content-Type": "application/octet-stream"}, **kw
    )


def avatar_of(viewer, user_id: int, size: str | None = None):
    query = {"size": size} if size else {}
    return fetch(viewer, f"/users/{user_id}/avatar", query_string=query)


def three_stripes(width: int = 300, height: int = 100) -> bytes:
    """Red, green and blue vertical stripes: the central square is green."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 255, 0), (width // 3, 0, 2 * width // 3, height))
    image.paste((0, 0, 255), (2 * width // 3, 0, width, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_picture_is_cropped_to_a_centred_square_in_two_sizes(alice):
    assert alice.whoami()["avatar"] is None
    r = put_avatar(alice, three_stripes())
    assert r.status_code == 200
    version = r.json["user"]["avatar"]
    assert isinstance(version, int) and version > 0
    assert alice.whoami()["avatar"] == version
    for size, pixels in (("small", 128), ("large", 512), (None, 128)):
        r = avatar_of(alice, alice.id, size)
        assert r.status_code == 200
        assert r.mimetype == "image/jpeg"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        image = Image.open(io.BytesIO(r.data))
        assert image.format == "JPEG" and image.size == (pixels, pixels)
        assert dict(image.getexif()) == {}
        for x in (2, pixels // 2, pixels - 3):  # all of it green: the red and blue stripes were cut off
            red, green, blue = image.convert("RGB").getpixel((x, pixels // 2))
            assert green > 200 and red < 60 and blue < 60


def test_an_exif_rotated_photo_is_cropped_upright(alice):
    source = Image.new("RGB", (400, 200), (0, 255, 0))
    source.paste((255, 0, 0), (0, 0, 100, 200))  # red on the left: on top once turned (orientation 8)
    exif = Image.Exif()
    exif[0x0112] = 8
    out = io.BytesIO()
    source.save(out, "JPEG", exif=exif)
    assert put_avatar(alice, out.getvalue()).status_code == 200
    image = Image.open(io.BytesIO(avatar_of(alice, alice.id, "large").data)).convert("RGB")
    assert image.getpixel((256, 256))[1] > 200  # turned upright, the middle square is all green


def test_the_version_changes_and_the_old_picture_is_removed(app, alice):
    first = put_avatar(alice, image_bytes("PNG", (50, 50), (255, 0, 0))).json["user"]["avatar"]
    old_keys = {k for k in stored_keys(app) if k.startswith("avatar.")}
    assert len(old_keys) == 2
    second = put_avatar(alice, image_bytes("JPEG", (50, 50), (0, 0, 255))).json["user"]["avatar"]
    assert second > first
    keys = {k for k in stored_keys(app) if k.startswith("avatar.")}
    assert len(keys) == 2 and not keys & old_keys
    blue = Image.open(io.BytesIO(avatar_of(alice, alice.id).data)).convert("RGB").getpixel((64, 64))
    assert blue[2] > 200


def test_removing_the_picture(app, alice, bob):
    put_avatar(alice, image_bytes())
    r = alice.delete("/me/avatar")
    assert r.status_code == 200 and r.json["user"]["avatar"] is None
    assert_error(avatar_of(alice, alice.id), 404, "not_found")
    assert not [k for k in stored_keys(app) if k.startswith("avatar.")]
    assert alice.delete("/me/avatar").status_code == 200  # nothing to remove is fine
    # A new picture after a removal never reuses a version a client may have cached.
    assert put_avatar(alice, image_bytes()).json["user"]["avatar"] > 1


def test_others_see_the_version_in_user_objects(alice, bob):
    version = put_avatar(alice, image_bytes()).json["user"]["avatar"]
    chat = alice.direct_with(bob)
    assert {m["user"]["id"]: m["user"]["avatar"] for m in chat["members"]} == {
        alice.id: version,
        bob.id: None,
    }
    assert bob.get(f"/users/{alice.id}").json["user"]["avatar"] == version
    assert [u["avatar"] for u in bob.get("/users", query_string={"q": "ali"}).json["users"]] == [version]


def test_who_may_see_a_picture(auth, alice, bob):
    carol = auth("carol")
    put_avatar(alice, image_bytes())
    put_avatar(carol, image_bytes())
    # Visible people are seen by everyone, as with GET /users/{id}.
    assert avatar_of(bob, alice.id).status_code == 200
    # An invisible person only by those who share a conversation with them.
    assert carol.patch("/me", {"visible": False}).status_code == 200
    unknown = assert_error(avatar_of(bob, 987_654_321), 404, "not_found")
    assert assert_error(avatar_of(bob, carol.id), 404, "not_found") == unknown
    assert avatar_of(alice, carol.id).status_code == 404
    carol.direct_with(alice)
    assert avatar_of(alice, carol.id).status_code == 200
    assert avatar_of(bob, carol.id).status_code == 404
    # Someone without a picture looks like someone unseen.
    assert assert_error(avatar_of(alice, bob.id), 404, "not_found") == unknown


def test_deleting_the_account_removes_the_picture(app, alice, bob):
    alice.direct_with(bob)
    put_avatar(alice, image_bytes())
    assert alice.delete("/me", {"password": alice.password}).status_code == 204
    assert not [k for k in stored_keys(app) if k.startswith("avatar.")]
    assert_error(avatar_of(bob, alice.id), 404, "not_found")
    members = bob.get("/conversations").json["conversations"][0]["members"]
    assert all(m["user"]["avatar"] is None for m in members)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"not an image at all", "text"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "svg"),
        (image_bytes("TIFF"), "tiff"),
        (image_bytes("PNG", (300, 300))[:200], "truncated"),
        (bomb_png(), "decompression bomb"),
    ],
)
def test_what_is_not_a_usable_image_is_refused(app, alice, data, why):
    put_avatar(alice, image_bytes())
    before = alice.whoami()["avatar"]
    r = put_avatar(alice, data)
    assert_error(r, 415, "unsupported_media_type")
    assert alice.whoami()["avatar"] == before
    assert len([k for k in stored_keys(app) if k.startswith("avatar.")]) == 2
    assert not (list((app.extensions["chatidk"].config.data_dir / "files" / "staging").iterdir()))


def test_a_picture_over_the_limit_is_refused(app, alice):
    configure(app, max_upload_bytes=1000)  # the smaller of this and 10 MB applies
    assert_error(put_avatar(alice, image_bytes("BMP", (100, 100))), 413, "payload_too_large")
    assert alice.whoami()["avatar"] is None


def test_a_bad_size_is_refused(alice):
    put_avatar(alice, image_bytes())
    assert_error(avatar_of(alice, alice.id, "huge"), 400, "invalid_field", "size")


def test_pictures_need_a_token(client, alice):
    put_avatar(alice, image_bytes())
    assert_error(client.get(f"{API}/users/{alice.id}/avatar"), 401, "unauthorized")
    assert_error(client.put(f"{API}/me/avatar", data=image_bytes()), 401, "unauthorized")
    assert_error(client.delete(f"{API}/me/avatar"), 401, "unauthorized")
