"""Runs one benchmark arm in a fresh process and prints its result as JSON.

``python -m bench.child MODULE:FUNCTION '{"arg": ...}'``; path-like arguments are strings.
The parent measures the process's peak memory with ``wait4``.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> None:
    """Call the named function with the JSON keyword arguments; print its JSON result."""
    target, raw_args = argv[0], argv[1]
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    hints = inspect.signature(function).parameters
    kwargs: dict[str, Any] = json.loads(raw_args)
    for name, value in kwargs.items():
        if name in hints and "Path" in str(hints[name].annotation):
            kwargs[name] = Path(value)
    result = function(**kwargs)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    print("BENCH-RESULT " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
