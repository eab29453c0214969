"""Tests that create CRDs stop serving their kinds afterwards: the kind registry is global."""

from __future__ import annotations

from kube_actors.api import lookup_kind
from kube_actors.api._registry import forget_kind


def stop_serving(api_version: str, kind: str) -> None:
    info = lookup_kind(api_version, kind)
    if info is not None:
        forget_kind(info.cls)
