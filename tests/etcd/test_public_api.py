"""The store's public surface is on purpose: this pins it."""

from __future__ import annotations

import pytest

import kube_actors.etcd


def test_the_memory_backend_fulfils_the_backend_protocol() -> None:
    backend: kube_actors.etcd.Backend = kube_actors.etcd.MemoryBackend()
    assert backend.revision == 1


def test_the_names_before_etcds_own_still_import_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="DeleteRange"):
        old = kube_actors.etcd.Delete
    assert old is kube_actors.etcd.DeleteRange
    with pytest.raises(AttributeError):
        _ = kube_actors.etcd.Nope
