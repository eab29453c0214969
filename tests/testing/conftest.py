"""The testing kit's own tests: pytester runs the pytest plugin in a sandbox."""

from __future__ import annotations

pytest_plugins = ["pytester"]
