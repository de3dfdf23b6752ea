"""The marker plugins use for their hook implementations: ``from core import hookimpl``."""

import pluggy

from core.hookspecs import PROJECT_NAME

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
