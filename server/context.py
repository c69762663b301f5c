"""What the services need from the running app (settings, database, broker, hub), reachable from a request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from server.config import Config
from server.db import Database
from server.services.broker import Broker
from server.services.live import Hub


@dataclass
class AppContext:
    config: Config
    db: Database
    broker: Broker
    hub: Hub


def ctx() -> AppContext:
    return current_app.extensions["chatidk"]
