"""Piccolo's configuration module (``PICCOLO_CONF=core.piccolo_conf``).

``DB`` is rebound by :func:`core.db.configure`; Piccolo looks it up on every
``engine_finder()`` call, so migrations follow the configured database. ``APP_REGISTRY`` lists
every installed Piccolo app (core's and each plugin's) so that developers can generate
migrations with ``piccolo migrations new <app> --auto``.
"""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine

from core.plugins.discovery import installed_piccolo_app_modules

DB: Engine[Any] = SQLiteEngine(path="var/steward.db")

APP_REGISTRY = AppRegistry(apps=installed_piccolo_app_modules())
