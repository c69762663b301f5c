"""Run packaging/server/nginx-chatidk.conf for real on loopback, in front of given server ports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.support import wait
from tests.support.server_process import ROOT, free_port

SAMPLE = ROOT / "packaging" / "server" / "nginx-chatidk.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Nginx:
    """The sample with only its addresses swapped for loopback ones; everything else exactly as shipped."""

    def __init__(self, directory: Path, upstream_ports: list[int]) -> None:
        self.dir = directory
        self.https_port = free_port()
        self.http_port = free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.ws_url = f"wss://127.0.0.1:{self.https_port}/api/v1/events"
        self.cert, key = make_certificate(directory)
        site = SAMPLE.read_text()
        upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
        site, n = re.subn(
            r"(?m)^    server 127\.0\.0\.1:\d+;\n(    server 127\.0\.0\.1:\d+;\n)*", upstreams, site
        )
        assert n == 1, "the sample's upstream block changed shape"
        replacements = {
            "listen 443 ssl;": f"listen 127.0.0.1:{self.https_port} ssl;",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "/etc/ssl/chatidk/fullchain.pem": str(self.cert),
            "/etc/ssl/chatidk/privkey.pem": str(key),
        }
        for old, new in replacements.items():
            assert old in site, old
            site = site.replace(old, new)
        (directory / "site.conf").write_text(site)
        temp = directory / "temp"
        temp.mkdir()
        (directory / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {directory}/site.conf;
}}
""")
        self._proc: subprocess.Popen | None = None

    def start(self) -> Nginx:
        binary = nginx_binary()
        assert binary
        self._proc = subprocess.Popen(
            [
                binary,
                "-p",
                str(self.dir),
                "-c",
                str(self.dir / "nginx.conf"),
                "-e",
                str(self.dir / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answering() -> bool:
            if self._proc.poll() is not None:
                raise RuntimeError((self.dir / "error.log").read_text())
            requests.get(self.url + "/healthz", verify=str(self.cert), timeout=10)
            return True

        try:
            wait.until(answering, timeout=60, what="nginx answering", tolerate=(requests.RequestException,))
        except AssertionError as exc:
            self.stop()
            raise AssertionError(f"{exc}: " + (self.dir / "error.log").read_text()) from None
        return self

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            self._proc = None
