"""Serve the app with gunicorn's gevent worker: one greenlet per WebSocket, so thousands stay open cheaply.

gthread would hold an OS thread per open socket; gevent holds a few kilobytes. psycopg2 is made cooperative in
each worker by create_app (psycogreen), and bcrypt runs in gevent's thread pool (services/blocking.py).
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from server.config import Config


class ChatServer(BaseApplication):
    def __init__(self, config: Config) -> None:
        self._config = config
        super().__init__()

    def load_config(self) -> None:
        c = self._config
        settings = {
            "bind": f"{c.host}:{c.port}",
            "workers": c.workers,
            "worker_class": "gevent",
            "worker_connections": 20_000,
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 30,
            "control_socket_disable": True,
            "loglevel": c.log_level,
            "proc_name": "chatidk-server",
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self):
        from server import create_app

        return create_app()


def serve(config: Config) -> None:
    ChatServer(config).run()
