"""The demo the screenshots show: Alice, Bob and Carol, a 1:1 and the group "Saturday hike", with pictures,
a video (when ffmpeg is at hand), a PDF, emoji, CJK text, replies and reactions — seeded over the real HTTP
API, as any client would, so the pictures show what the product really does with such data."""

from __future__ import annotations

import math
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from PIL import Image, ImageDraw, ImageFilter

PASSWORD = "correct horse battery"  # noqa: S105 - the demo accounts live minutes on a scratch database
PEOPLE = {"alice": "Alice Liddell", "bob": "Bob Okafor", "carol": "Carol 山田"}


# the media, made here (no network)
def make_landscape(path: Path, sky: tuple[int, int, int], ground: tuple[int, int, int], seed: int) -> Path:
    """A painted landscape (sky gradient, sun, ridges, a lake) so thumbnails look like photos, not noise."""
    width, height = 960, 640
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(s + (255 - s) * t * 0.7) for s in sky),  # type: ignore[arg-type]
        )
    draw.ellipse([width * 0.68, 70, width * 0.68 + 110, 180], fill=(255, 236, 170))
    for layer in range(3):
        shade = tuple(max(0, int(c * (0.55 + 0.2 * layer))) for c in ground)
        base = height * (0.45 + 0.12 * layer)
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            wave = math.sin((x + seed * 97 + layer * 53) / (90 + 30 * layer)) * (60 - 12 * layer)
            points.append((x, base + wave + math.sin(x / 23 + seed) * 8))
        points.append((width, height))
        draw.polygon(points, fill=shade)  # type: ignore[arg-type]
    draw.ellipse([width * 0.15, height * 0.82, width * 0.6, height * 1.05], fill=(90, 150, 200))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image.save(path, quality=88)
    return path


def make_pdf(path: Path) -> Path:
    """A one-page PDF (Pillow writes it) with a few lines of route notes."""
    page = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([40, 40, 580, 110], fill=(46, 125, 50))
    draw.text((60, 65), "Saturday hike: route notes", fill="white")
    for i, line in enumerate(["08:00 station", "09:10 trailhead", "12:00 summit, lunch", "15:30 back down"]):
        draw.text((60, 150 + 36 * i), line, fill=(30, 30, 30))
    page.save(path, "PDF", resolution=72.0)
    return path


def make_video(path: Path) -> Path | None:
    """Four seconds of a moving test pattern, made by the ffmpeg that imageio-ffmpeg bundles; None when
    there is no ffmpeg (the demo then goes without a video)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None
    command = [exe, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4"]
    command += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return path


@dataclass
class DemoFiles:
    """The files of the demo, made in ``folder``."""

    folder: Path
    pictures: list[Path] = field(default_factory=list)
    video: Path | None = None
    pdf: Path | None = None

    @classmethod
    def make(cls, folder: Path) -> DemoFiles:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(
            folder,
            pictures=[
                make_landscape(folder / "trail.jpg", (70, 130, 200), (60, 120, 70), 1),
                make_landscape(folder / "lake.jpg", (240, 150, 90), (70, 90, 120), 2),
                make_landscape(folder / "summit.jpg", (120, 170, 230), (110, 100, 90), 3),
            ],
            video=make_video(folder / "ridge.mp4"),
            pdf=make_pdf(folder / "route-notes.pdf"),
        )


# seeding over HTTP
class DemoUser:
    """One person of the demo, signed in over the API."""

    def __init__(self, url: str, username: str) -> None:
        self.url = url + "/api/v1"
        self.http = requests.Session()
        r = self.http.post(
            f"{self.url}/accounts",
            json={"username": username, "password": PASSWORD, "display_name": PEOPLE[username]},
            timeout=30,
        )
        r.raise_for_status()
        self.id: int = r.json()["user"]["id"]
        r = self.http.post(
            f"{self.url}/sessions",
            json={"username": username, "password": PASSWORD, "device_name": "demo"},
            timeout=30,
        )
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def call(self, method: str, path: str, **kw) -> dict:
        r = self.http.request(method, self.url + path, timeout=60, **kw)
        r.raise_for_status()
        return r.json() if r.content else {}

    def upload(self, path: Path) -> str:
        with open(path, "rb") as body:
            return self.call("POST", "/files", params={"name": path.name}, data=body)["file"]["id"]

    def send(self, conversation: int, text: str = "", files: list[Path] = (), reply_to: int = 0) -> int:
        """Sends a message; its seq."""
        body: dict = {"client_id": str(uuid.uuid4())}
        if text:
            body["text"] = text
        if files:
            body["file_ids"] = [self.upload(p) for p in files]
        if reply_to:
            body["reply_to_seq"] = reply_to
        return self.call("POST", f"/conversations/{conversation}/messages", json=body)["message"]["seq"]

    def react(self, conversation: int, seq: int, emoji: str) -> None:
        self.call("PUT", f"/conversations/{conversation}/messages/{seq}/reactions/{emoji}")


@dataclass
class Demo:
    direct_id: int
    group_id: int
    has_video: bool


def seed(url: str, files: DemoFiles) -> Demo:
    """Alice's view of the world: a 1:1 with Bob and the group "Saturday hike" with Bob and Carol."""
    alice, bob, carol = (DemoUser(url, name) for name in PEOPLE)
    group = carol.call(
        "POST",
        "/conversations",
        json={"kind": "group", "title": "Saturday hike", "member_ids": [alice.id, bob.id]},
    )["conversation"]["id"]
    carol.send(group, "Meeting point: the station at 8:00 🚉")
    carol.send(group, "Last year from the top:", files=files.pictures[1:])
    if files.video is not None:
        bob.send(group, "The ridge, windy as ever 🌬️", files=[files.video])
    if files.pdf is not None:
        carol.send(group, files=[files.pdf])
    bob.send(group, "I'll bring the thermos ☕")
    carol.send(group, "週末は晴れるみたい！楽しみ 🏔️")
    question = alice.send(group, "How long is the trail?")
    carol.send(group, "About 12 km, four hours with breaks", reply_to=question)
    wow = alice.send(group, "Beautiful! Count me in 😍")
    bob.react(group, wow, "❤️")
    carol.react(group, wow, "❤️")
    carol.react(group, wow, "🎉")

    direct = bob.call("POST", "/conversations", json={"kind": "direct", "user_id": alice.id})["conversation"][
        "id"
    ]
    bob.send(direct, "Hey Alice! Are you coming on Saturday? 🥾")
    alice.send(direct, "Wouldn't miss it. Is the weather looking OK?")
    photo = bob.send(direct, "Sunny and 18 °C ☀️ Here's the trail:", files=files.pictures[:1])
    alice.send(direct, "Looks steep 😅", reply_to=photo)
    thermos = bob.send(direct, "It's fine, we go slow.\nI'll bring tea for everyone")
    alice.react(direct, thermos, "👍")
    bob.send(direct, "See you at the station!")
    return Demo(direct, group, files.video is not None)
