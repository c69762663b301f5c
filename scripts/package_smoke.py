"""Run a built ChatIDK executable's --smoke-test against a live server; called by scripts/package-smoke.sh.

Starts `python -m server` on a fresh embedded database in a temporary data dir on a free loopback port and
runs ``ChatIDK --smoke-test http://127.0.0.1:PORT`` offscreen. Where nginx and openssl are present (CI:
test.sh installs them as root) it also puts the shipped nginx sample with a throwaway certificate in front
and checks that the frozen app talks https:// and wss:// with verification: it passes when trusting that
certificate (CHATIDK_CA_BUNDLE) and is refused without it. Exit 0 when every check passed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.nginx import Nginx, nginx_binary  # noqa: E402
from tests.support.server_process import free_port  # noqa: E402

SMOKE_LIMIT = 90  # seconds for one run of the frozen app (its own --smoke-timeout is 60)


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "CHATIDK_DATA_DIR": str(data_dir),
        "CHATIDK_HOST": "127.0.0.1",
        "CHATIDK_PORT": str(port),
        "CHATIDK_WORKERS": "1",
        "CHATIDK_BCRYPT_ROUNDS": "4",
        "CHATIDK_LOG_LEVEL": "warning",
    }
    env.pop("CHATIDK_DATABASE_URL", None)  # the embedded database: a fresh one, with no accounts
    log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - the child owns it
    server = subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy machine may take long to init a database cluster
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{server_log(data_dir)}")
        try:
            if requests.get(url + "/healthz", timeout=10).status_code == 200:
                return server, url
        except requests.RequestException:  # refused while booting, a read timeout while the machine is busy
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"the server did not answer within 180 s:\n{server_log(data_dir)}")


def server_log(data_dir: Path) -> str:
    path = data_dir / "server.log"
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to its process group (gunicorn, its worker, the embedded PostgreSQL), then wait."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def smoke(executable: Path, url: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    run_env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CHATIDK_DESKTOP_DATA_DIR": str(data_dir),
        # Qt's notes about optional system libraries (pipewire, VA-API) it probes for: noise in this report.
        "QT_LOGGING_RULES": "qt.multimedia.symbolsresolver=false",
        **env,
    }
    run_env.pop("REQUESTS_CA_BUNDLE", None)
    run_env.pop("WEBSOCKET_CLIENT_CA_BUNDLE", None)
    for name, value in env.items():
        if not value:
            run_env.pop(name, None)
    return subprocess.run(
        [str(executable), "--smoke-test", url, "--smoke-timeout", "60"],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=SMOKE_LIMIT,
        check=False,
    )


def show(result: subprocess.CompletedProcess, prefix: str = "") -> None:
    for line in (result.stdout + result.stderr).splitlines():
        if "locale" in line.lower() and "utf-8" in line.lower():
            continue  # Qt's note about a C locale in minimal environments
        print("    " + prefix + line, flush=True)


def main(executable: Path) -> int:
    if not executable.is_file():
        print(f"package smoke: {executable} does not exist (build it with packaging/build-desktop)")
        return 1
    passed: list[str] = []
    failed: list[str] = []

    def check(name: str, ok: bool) -> None:
        (passed if ok else failed).append(name)
        print(f"  {'PASS' if ok else 'FAIL'} {name}", flush=True)

    scratch = Path(tempfile.mkdtemp(prefix="chatidk-package-smoke-"))
    server = None
    proxy = None
    try:
        started = time.monotonic()
        server, url = start_server(scratch)
        print(
            f"  server: python -m server on a fresh embedded database at {url} "
            f"(up in {time.monotonic() - started:.1f} s)",
            flush=True,
        )

        result = smoke(executable, url, scratch / "client-http")
        show(result)
        check(f"frozen app over http:// and ws:// ({url})", result.returncode == 0)
        # requirements-desktop.txt brings PySide6-Addons, so the build carries in-app video and audio.
        check(
            "the build carries QtMultimedia with a working backend",
            "smoke: QtMultimedia (in-app video and audio): yes" in result.stdout,
        )

        if nginx_binary() and shutil.which("openssl"):
            run_dir = scratch / "nginx"
            run_dir.mkdir()
            proxy = Nginx(run_dir, [int(url.rsplit(":", 1)[1])]).start()
            result = smoke(executable, proxy.url, scratch / "client-https", CHATIDK_CA_BUNDLE=str(proxy.cert))
            show(result)
            check(
                f"frozen app over https:// and wss:// through the nginx sample ({proxy.url})",
                result.returncode == 0,
            )
            result = smoke(executable, proxy.url, scratch / "client-untrusted", CHATIDK_CA_BUNDLE="")
            show(result, prefix="(expected to fail) ")
            check(
                "an untrusted certificate is refused (certifi's bundle, no CHATIDK_CA_BUNDLE)",
                # The one-line reason names the certificate problem (OpenSSL's words, e.g. "self-signed").
                result.returncode == 1 and "certificate" in result.stderr.lower(),
            )
        else:
            print("  skipped: the https:// check (needs nginx and openssl; test.sh installs them as root)")
    except Exception as error:
        check(f"setting up: {type(error).__name__}: {error}", False)
    finally:
        if proxy is not None:
            proxy.stop()
        if server is not None:
            stop_server(server)
            if failed:
                print("  server log (tail):\n" + server_log(scratch))
        shutil.rmtree(scratch, ignore_errors=True)
    total = len(passed) + len(failed)
    if failed:
        print(f"package smoke: FAILED, {len(failed)} of {total} checks", flush=True)
    else:
        print(f"package smoke: all {total} checks passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: package_smoke.py PATH/TO/ChatIDK")
    sys.exit(main(Path(sys.argv[1])))
