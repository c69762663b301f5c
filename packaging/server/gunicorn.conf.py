"""gunicorn settings for a ChatIDK host.

    gunicorn -c packaging/server/gunicorn.conf.py 'server:create_app()'


`python -m server` runs the same configuration in-process (server/gunicorn_app.py); this file is for running
gunicorn directly under systemd. Every value comes from the same CHATIDK_* variables (README, Configuration).
"""

import os

bind = f"{os.environ.get('CHATIDK_HOST', '127.0.0.1')}:{os.environ.get('CHATIDK_PORT', '8000')}"
workers = int(os.environ.get("CHATIDK_WORKERS", min(os.cpu_count() or 1, 4)))
# gevent: one greenlet per connection, so each worker holds thousands of open WebSockets.
worker_class = "gevent"
worker_connections = 20_000
timeout = 60
graceful_timeout = 10
keepalive = 30
control_socket_disable = True
proc_name = "chatidk-server"
loglevel = os.environ.get("CHATIDK_LOG_LEVEL", "info")
# The app logs one structured line per request itself (CHATIDK_ACCESS_LOG); gunicorn's own stays off.
accesslog = None
errorlog = "-"
