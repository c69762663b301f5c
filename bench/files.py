"""File upload and download throughput through the real server, against a plain file copy on the same disk.

    .venv/bin/python bench/files.py            # 200 MB file, RSS compared at 50 MB and 200 MB (≈1 minute)
    .venv/bin/python bench/files.py --quick    # 50 MB file, RSS at 20 MB and 50 MB

It starts the real server (gunicorn + gevent, one worker, as deployed) on an embedded PostgreSQL, then:
  1. baseline: copies the file on the same disk (read, write, fsync) — what the disk does without us;
  2. upload: POST /api/v1/files over loopback (the server streams to a staging file, hashes, sniffs, fsyncs,
     renames); MB/s and the ratio to the copy;
  3. download: GET /api/v1/files/{id} written to a file on the same disk and fsynced; MB/s and ratio;
  4. memory: the worker's peak RSS during an upload, for a small and the large file. Streaming means the
     peak must not grow with the file: the two peaks should be within a few MB of each other.
Peak RSS is read from the kernel's high-water mark (/proc/PID/status VmHWM, reset through clear_refs before
each upload), so no short spike between samples is missed. Everything runs in the page cache of a noisy
machine: read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.api import ApiClient  # noqa: E402
from tests.support.pg import TestDatabases  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

MB = 1_000_000
MIB = 1024 * 1024


def make_file(path: Path, size: int) -> Path:
    """Incompressible bytes (nothing gets an unfair shortcut), written once and fsynced."""
    block = os.urandom(4 * MIB)
    with open(path, "wb") as f:
        written = 0
        while written < size:
            piece = block[: min(len(block), size - written)]
            f.write(piece)
            written += len(piece)
        f.flush()
        os.fsync(f.fileno())
    return path


def plain_copy(source: Path, target: Path) -> float:
    start = time.perf_counter()
    with open(source, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 * MIB)
        dst.flush()
        os.fsync(dst.fileno())
    return time.perf_counter() - start


def worker_of(server: ServerProcess) -> psutil.Process:
    workers = psutil.Process(server._proc.pid).children()
    if len(workers) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {workers}")
    return workers[0]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


@contextlib.contextmanager
def peak_rss(process: psutil.Process):
    """{"before", "peak"} in bytes: RSS before the block, and the kernel's high-water mark during it."""
    reset = True
    try:
        Path(f"/proc/{process.pid}/clear_refs").write_text("5")
    except OSError:
        reset = False
    result = {"before": _status_kb(process.pid, "VmRSS") * 1024, "reset": reset}
    yield result
    result["peak"] = _status_kb(process.pid, "VmHWM") * 1024


def upload(client: ApiClient, path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    with open(path, "rb") as f:
        r = client.session.post(client.url + "/api/v1/files", params={"name": path.name}, data=f, timeout=600)
    elapsed = time.perf_counter() - start
    r.raise_for_status()
    return elapsed, r.json()["file"]


def download(client: ApiClient, file_id: str, target: Path) -> float:
    start = time.perf_counter()
    with client.session.get(client.url + f"/api/v1/files/{file_id}", stream=True, timeout=600) as r:
        r.raise_for_status()
        with open(target, "wb") as f:
            for chunk in r.iter_content(1 * MIB):
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
    return time.perf_counter() - start


def measure(client: ApiClient, worker: psutil.Process, scratch: Path, large: int, small: int) -> dict:
    print(f"making {large / MB:.0f} MB and {small / MB:.0f} MB files of random bytes ...", flush=True)
    big = make_file(scratch / "big.bin", large)
    little = make_file(scratch / "little.bin", small)
    upload(client, little)  # warm up: imports, the first connection, the page cache of the sources

    copy_seconds = min(plain_copy(big, scratch / "copy.bin") for _ in range(2))
    (scratch / "copy.bin").unlink()
    upload_seconds, peaks = [], {"small": [], "large": []}
    for label, source in (("small", little), ("large", big), ("small", little), ("large", big)):
        with peak_rss(worker) as memory:
            seconds, file = upload(client, source)
        peaks[label].append(memory)
        if source is big:
            upload_seconds.append(seconds)
            big_file = file
    download_seconds = []
    for _ in range(2):
        with peak_rss(worker) as download_memory:
            download_seconds.append(download(client, big_file["id"], scratch / "down.bin"))
        (scratch / "down.bin").unlink()
    return {
        "copy": large / MB / copy_seconds,
        "upload": large / MB / min(upload_seconds),
        "download": large / MB / min(download_seconds),
        "peaks": peaks,
        "download_memory": download_memory,
    }


def report(r: dict, large: int, small: int) -> None:
    copy = r["copy"]
    print()
    print(f"file size                      {large / MB:8.0f} MB")
    print(f"plain copy on the same disk    {copy:8.0f} MB/s   (baseline, best of 2)")
    for what in ("upload", "download"):
        rate = r[what]
        print(f"{what + ' through the server':30} {rate:8.0f} MB/s   ratio {rate / copy:.2f} (best of 2)")
    print()
    print("worker peak RSS during an upload (kernel high-water mark):")
    for label, size in (("small", small), ("large", large)):
        for m in r["peaks"][label]:
            print(
                f"  {size / MB:5.0f} MB upload: before {m['before'] / MIB:6.1f} MiB, "
                f"peak {m['peak'] / MIB:6.1f} MiB, growth {(m['peak'] - m['before']) / MIB:5.1f} MiB"
            )
    difference = min(m["peak"] for m in r["peaks"]["large"]) - min(m["peak"] for m in r["peaks"]["small"])
    print(
        f"  peak at {large / MB:.0f} MB minus peak at {small / MB:.0f} MB: {difference / MIB:+.1f} MiB "
        f"(streaming: about 0; reading whole would be +{(large - small) / MIB:.0f})"
    )
    m = r["download_memory"]
    print(
        f"  during a {large / MB:.0f} MB download: peak {m['peak'] / MIB:.1f} MiB "
        f"(before {m['before'] / MIB:.1f} MiB)"
    )
    if not all(m["reset"] for ms in r["peaks"].values() for m in ms):
        print("  (the high-water mark could not be reset: peaks include earlier activity)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a 50 MB file instead of 200 MB")
    args = parser.parse_args()
    large = (50 if args.quick else 200) * MB
    small = (20 if args.quick else 50) * MB
    with tempfile.TemporaryDirectory(prefix="chatidk-bench-files-") as tmp:
        scratch = Path(tmp)
        databases = TestDatabases.start(scratch)
        server = None
        try:
            data_dir = scratch / "data"
            data_dir.mkdir()
            server = ServerProcess(
                databases.url_for(databases.create()),
                data_dir,
                workers=1,
                extra_env={"CHATIDK_MAX_UPLOAD_MB": "1024", "CHATIDK_USER_QUOTA_MB": "0"},
            ).start()
            client = ApiClient(server.url, "bencher")
            report(measure(client, worker_of(server), scratch, large, small), large, small)
            client.session.close()
        finally:
            if server is not None:
                server.stop()
            databases.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
