"""Objects the apiserver tests create."""

from __future__ import annotations

from typing import Any

import attrs


def relabel(obj: Any, **labels: str) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, labels=labels))
