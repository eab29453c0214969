"""The public surface of kube_actors.api is on purpose: sorted, and every name resolves."""

from __future__ import annotations

import kube_actors.api as api


def test_all_is_sorted_and_every_name_is_exported() -> None:
    assert api.__all__ == sorted(api.__all__)
    for name in api.__all__:
        assert hasattr(api, name), name


def test_the_kinds_and_the_entry_points_are_public() -> None:
    for name in (
        "Pod",
        "Deployment",
        "Lease",
        "Quantity",
        "compile_selector",
        "default",
        "validate",
        "load_manifests",
        "register_kind",
    ):
        assert name in api.__all__
