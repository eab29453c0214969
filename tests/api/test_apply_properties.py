"""Properties of server-side apply (record_apply), on Deployments' wire form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import Deployment, record_apply, shape_of

_SHAPE = shape_of(Deployment)
_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_VALUES = st.sampled_from(["x", "y", "z"])


def _configs(prefix: str) -> st.SearchStrategy[dict[str, Any]]:
    """Configurations one manager might apply: its own labels and its own containers."""
    names = st.sampled_from([f"{prefix}{i}" for i in range(4)])
    labels = st.dictionaries(names, _VALUES, max_size=3)
    containers = st.dictionaries(names, _VALUES, max_size=3).map(
        lambda images: [{"name": n, "image": i} for n, i in images.items()]
    )

    def build(labels: dict[str, str], containers: list[dict[str, str]]) -> dict[str, Any]:
        # Each configuration sets at least one field: a manager that applies nothing at all
        # leaves managedFields, and its next apply meets "before-first-apply".
        config: dict[str, Any] = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {f"owner-{prefix}": "yes", **labels}},
        }
        if containers:
            config["spec"] = {"template": {"spec": {"containers": containers}}}
        return config

    return st.builds(build, labels, containers)


def _apply(live: Any, entries: Any, config: dict[str, Any], manager: str) -> Any:
    return record_apply(
        live,
        config,
        _SHAPE,
        entries,
        manager=manager,
        force=False,
        api_version="apps/v1",
        now=_NOW,
    )


def _holds(obj: dict[str, Any], config: dict[str, Any]) -> bool:
    labels = obj.get("metadata", {}).get("labels", {})
    containers = obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
    wanted = config.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
    return all(labels.get(k) == v for k, v in config["metadata"]["labels"].items()) and all(
        c in containers for c in wanted
    )


@settings(max_examples=60, deadline=None)
@given(first=_configs("a"), second=_configs("a"))
def test_applying_the_same_configuration_twice_is_a_no_op(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    live, entries = _apply(None, (), first, "a")
    live, entries = _apply(live, entries, second, "a")
    again, again_entries = _apply(live, entries, second, "a")
    assert again == live
    assert again_entries == entries


@settings(max_examples=60, deadline=None)
@given(mine=_configs("a"), theirs=_configs("b"), mine_later=_configs("a"))
def test_two_managers_owning_disjoint_fields_both_keep_them(
    mine: dict[str, Any], theirs: dict[str, Any], mine_later: dict[str, Any]
) -> None:
    live, entries = _apply(None, (), mine, "a")
    live, entries = _apply(live, entries, theirs, "b")
    live, entries = _apply(live, entries, mine_later, "a")
    assert _holds(live, theirs)
    assert _holds(live, mine_later)
    # What "a" applied before and no longer does is gone (nobody else owned it).
    labels = live.get("metadata", {}).get("labels", {})
    assert set(labels) == set(theirs["metadata"]["labels"]) | set(mine_later["metadata"]["labels"])
