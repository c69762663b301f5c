"""gunicorn settings for a ChatIDK host.

    gunicorn -c packaging/server/gunicorn.conf.py 'server.gunicorn_app:load_app()'

The values come from server/gunicorn_app.py, the one place they are kept (`python -m server` runs the same
configuration in-process), computed from the validated CHATIDK_* settings (README, Configuration).
"""

from server.config import Config
from server.gunicorn_app import preflight, settings

preflight()
globals().update(settings(Config.from_env()))
