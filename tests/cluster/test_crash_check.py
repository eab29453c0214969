"""The crash tests' checker (``crash_check``) against logs and stores made by hand: the
outcomes a kill allows pass, an acknowledged write the store lost is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kube_actors.api import ObjectMeta, Service
from kube_actors.etcd import Put, SqliteBackend

from .crash_check import check


def _store(path: Path, *, v: str, uid: str) -> None:
    """A store at revision 2: the acknowledged create, then what the test says."""
    store = SqliteBackend(path)
    try:
        for value, made_as in (("1", "first"), (v, uid)):
            meta = ObjectMeta(
                name="w2-4", namespace="default", uid=made_as, annotations={"v": value}
            )
            service = Service(metadata=meta)
            store.put(Put(key="/registry/services/specs/default/w2-4", value=service))
    finally:
        store.close()


def _log(path: Path, *entries: dict[str, Any]) -> None:
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries))


def _create_acked(uid: str) -> list[dict[str, Any]]:
    common = {"op": "create", "name": "w2-4", "v": 1, "task": 2}
    return [{"phase": "intent", **common}, {"phase": "ack", **common, "rv": "1", "uid": uid}]


def _update(v: int, rv: str) -> list[dict[str, Any]]:
    common = {"op": "update", "name": "w2-4", "v": v, "task": 2}
    return [{"phase": "intent", **common}, {"phase": "ack", **common, "rv": rv}]


def test_an_update_after_a_cut_off_delete_and_create_may_be_of_a_new_object(
    tmp_path: Path,
) -> None:
    # Acknowledged as uid "first"; a delete and then a create were cut off by kills and both
    # landed; the next writer updated the object it found (uid "second").
    cut_off = [
        {"phase": "intent", "op": "delete", "name": "w2-4", "task": 2},
        {"phase": "intent", "op": "create", "name": "w2-4", "v": 2, "task": 2},
    ]
    _log(tmp_path / "log", *_create_acked("first"), *cut_off, *_update(3, "2"))
    _store(tmp_path / "store.db", v="3", uid="second")
    assert check(tmp_path / "store.db", tmp_path / "log").problems == []


def test_an_object_made_anew_without_a_request_that_could_have_made_it_is_reported(
    tmp_path: Path,
) -> None:
    _log(tmp_path / "log", *_create_acked("first"), *_update(3, "2"))
    _store(tmp_path / "store.db", v="3", uid="second")
    problems = check(tmp_path / "store.db", tmp_path / "log").problems
    assert problems == [
        "service w2-4 is ('3', 'second'), acknowledged ('3', 'first'), in flight []"
    ]
