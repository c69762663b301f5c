"""Each worker may open as many files as it has sockets to hold: systemd's LimitNOFILE and the server's own
start agree with gunicorn's worker_connections.

As found: the default limit of 1024 open files made each worker hold about 1,000 sockets and then log
"Too many open files" (Errno 24) on every accept.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from server import gunicorn_app
from server.config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_the_systemd_unit_allows_worker_connections_plus_spare_files():
    unit = (ROOT / "packaging/server/chatidk.service").read_text()
    match = re.search(r"^LimitNOFILE=(\d+)$", unit, re.MULTILINE)
    assert match, "packaging/server/chatidk.service sets no LimitNOFILE"
    assert int(match.group(1)) == gunicorn_app.WORKER_CONNECTIONS + gunicorn_app.SPARE_FILES


def test_python_m_server_raises_a_low_soft_limit_and_sizes_worker_connections_to_it():
    script = (
        "import resource\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "from server import gunicorn_app\n"
        "from server.config import Config\n"
        "settings = gunicorn_app.settings(Config())\n"
        "print(hard, resource.getrlimit(resource.RLIMIT_NOFILE)[0], settings['worker_connections'])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    hard, soft, connections = (int(v) for v in out.stdout.split())
    wanted = gunicorn_app.WORKER_CONNECTIONS + gunicorn_app.SPARE_FILES
    assert soft == min(hard, wanted)
    assert connections == gunicorn_app.worker_connections(soft)
    assert connections < soft  # never as many sockets as files: the pool, the store, ffmpeg need some


def test_worker_connections_fit_in_whatever_limit_there_is():
    assert gunicorn_app.worker_connections(1024) == 768  # a quarter is kept for everything else
    assert gunicorn_app.worker_connections(5000) == 5000 - gunicorn_app.SPARE_FILES
    assert gunicorn_app.worker_connections(10**6) == gunicorn_app.WORKER_CONNECTIONS
    assert gunicorn_app.settings(Config())["worker_connections"] >= 64
