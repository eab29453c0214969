"""Checks a store that ``crash_writer`` was killed over against the writer's log.

Used by the crash test and by ``benchmarks/store.py``. A log line is an ``intent`` (sent),
an ``ack`` (the apiserver answered) or ``converged``; each writer task has at most one
request in flight, so after a kill, each object must be exactly as its last acknowledged
write left it, or as one of the requests sent since would have made it (the one in flight,
or one cut off by an earlier kill that landed): nothing else, nothing half-written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from kube_actors.api import Deployment, Service
from kube_actors.etcd import Range, SqliteBackend

#: What a Service is in the store: its annotation ``v`` and uid, or None when absent.
State = tuple[str, str] | None


@attrs.define
class Expectation:
    acked: State = None
    pending: list[State] = attrs.field(factory=list)


@attrs.frozen
class Verdict:
    acks: int
    cycles_converged: int
    max_rv: int
    problems: list[str]


def read_log(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text().splitlines(keepends=True)
    # A line the kill cut short was never complete, so never acknowledged.
    return [json.loads(line) for line in lines if line.endswith("\n")]


def check(store_path: Path, log_path: Path) -> Verdict:
    entries = read_log(log_path)
    problems: list[str] = []
    services: dict[str, Expectation] = {}
    replicas = Expectation()
    last_rv = 0
    acks = converged = floor = 0
    last_task_rv: dict[int, int] = {}
    for entry in entries:
        phase = entry["phase"]
        if phase == "converged":
            converged += 1
            floor = last_rv  # a restarted cluster writes above everything acknowledged
            if entry["pods"] != entry["replicas"]:
                problems.append(f"converged with {entry['pods']} pods for {entry['replicas']}")
            continue
        op = entry["op"]
        state: tuple[str, str] | None
        if op in ("scale", "create-web"):
            target, state = replicas, (str(entry["replicas"]), "")
        else:
            target = services.setdefault(entry["name"], Expectation())
            # An update keeps the uid it was acknowledged with; a create (even one after a
            # delete that was cut off by a kill) makes a new one, unknown until its answer.
            # A delete or create cut off since the last answer may have landed, so an update
            # acknowledged after one may be of an object made anew: its uid is unknown too.
            recreated = any(p is None or not p[1] for p in target.pending)
            kept = target.acked[1] if target.acked and op != "create" and not recreated else ""
            uid = entry.get("uid") or kept
            state = None if op == "delete" else (str(entry["v"]), uid)
        if phase == "intent":
            # A request cut off by a kill may have landed or not: until an answer settles
            # the object's state, each of those unanswered requests is a possible outcome
            # (the next cycle's writer may have seen one land and written on top of it).
            target.pending.append(state)
            continue
        acks += 1
        target.acked, target.pending = state, []
        if "rv" in entry and op in ("create", "update"):  # always a write (a scale may not be)
            rv = int(entry["rv"])
            task = entry.get("task", -1)
            if rv <= max(last_task_rv.get(task, 0), floor):
                problems.append(f"resourceVersion went back: {rv} after {last_task_rv[task]}")
            last_task_rv[task] = rv
            last_rv = max(last_rv, rv)
    store = SqliteBackend(store_path)
    try:
        if store.revision < last_rv:
            problems.append(f"store at revision {store.revision}, acknowledged {last_rv}")
        found: dict[str, State] = {}
        web_replicas: str | None = None
        for kv in store.range(Range.prefix("/registry/")).kvs:
            value = kv.value
            if isinstance(value, Service) and value.metadata.name.startswith("w"):
                annotations = value.metadata.annotations
                found[value.metadata.name] = (annotations.get("v", ""), value.metadata.uid)
            elif isinstance(value, Deployment) and value.metadata.name == "web":
                web_replicas = str(value.spec.replicas)
    finally:
        store.close()
    for name, expected in services.items():
        _compare(f"service {name}", found.pop(name, None), expected, problems)
    for name in found:
        problems.append(f"service {name} is in the store but was never written")
    web = None if web_replicas is None else (web_replicas, "")
    _compare("deployment web", web, replicas, problems)
    return Verdict(acks=acks, cycles_converged=converged, max_rv=last_rv, problems=problems)


def _compare(what: str, state: State, expected: Expectation, problems: list[str]) -> None:
    allowed = [expected.acked, *expected.pending]
    if any(_same(state, candidate) for candidate in allowed):
        return
    problems.append(
        f"{what} is {state}, acknowledged {expected.acked}, in flight {expected.pending}"
    )


def _same(state: State, expected: State) -> bool:
    if state is None or expected is None:
        return state is expected
    # A create in flight has no uid in the log: any uid matches it.
    return state[0] == expected[0] and (not expected[1] or state[1] == expected[1])
