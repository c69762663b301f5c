"""The screenshot script's demo media (scripts/demo_data.py): made locally, and files the server takes as
a picture and a PDF. The whole script (server, client, both themes) is run by hand, not here: it takes a
minute."""

from __future__ import annotations

from PIL import Image

from scripts.demo_data import PEOPLE, make_landscape, make_pdf


def test_the_demo_pictures_are_photos_of_a_modest_size(tmp_path):
    path = make_landscape(tmp_path / "trail.jpg", (70, 130, 200), (60, 120, 70), 1)
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (960, 640)
        assert len(image.convert("RGB").resize((32, 32)).getcolors(4096) or ()) > 50  # not a flat colour
    assert path.stat().st_size < 200_000


def test_the_demo_pdf_is_a_pdf(tmp_path):
    assert make_pdf(tmp_path / "notes.pdf").read_bytes().startswith(b"%PDF-")


def test_the_demo_people_have_display_names_with_cjk():
    assert set(PEOPLE) == {"alice", "bob", "carol"}
    assert any(ord(ch) > 0x3000 for name in PEOPLE.values() for ch in name)
