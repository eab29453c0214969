"""The public surface as a user meets it: the version, the Cluster's verbs, typed usage, the one
error root and the names kept for one release (the export lists: tests/test_exports.py)."""

from __future__ import annotations

import inspect

import pytest

import kube_actors
import kube_actors.actors
import kube_actors.client
import kube_actors.errors
import kube_actors.reconcile
from kube_actors import Cluster, SyncCluster

from .typed_usage import user_code


def test_the_version_is_major_minor_patch() -> None:
    assert kube_actors.__version__.count(".") == 2


def test_the_cluster_offers_kubectls_verbs_and_fault_injection() -> None:
    verbs = {
        "apply",
        "wait_for",
        "settle",
        "scale",
        "set_image",
        "rollout_status",
        "rollout_undo",
        "describe",
        "events",
        "logs",
        "expose",
        "resolve",
        "add_controller",
        "add_node",
        "stop_node",
        "start_node",
        "kill_container",
        "crash",
        "restart_control_plane",
    }
    for verb in verbs:
        assert inspect.iscoroutinefunction(getattr(Cluster, verb)), verb
    for plain in ("partition_node", "heal_node", "client_for", "sync"):
        assert callable(getattr(Cluster, plain)), plain
    assert issubclass(SyncCluster, object)


def test_the_typed_users_code_runs_as_written() -> None:
    assert user_code.main() == [
        "deployment.apps/web created",
        "web: 2 available",
        "rolled out in True",
        "NotFound",
    ]
    user_code.script()


def test_every_error_derives_from_the_one_root() -> None:
    for name in kube_actors.errors.__all__:
        error = getattr(kube_actors.errors, name)
        if isinstance(error, type) and issubclass(error, BaseException):
            assert issubclass(error, kube_actors.errors.KubeActorsError), name


def test_the_actor_runtimes_old_request_name_imports_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="now Ask"):
        old = kube_actors.actors.Request
    assert old is kube_actors.actors.Ask
