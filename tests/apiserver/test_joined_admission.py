"""Admission's Pod plugins joined (one copy of a created Pod for ServiceAccount, Priority and
DefaultTolerationSeconds together) give what the plugins give one by one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    ConfigMap,
    Container,
    KindInfo,
    Namespace,
    ObjectMeta,
    Pod,
    PodSpec,
    PriorityClass,
    ServiceAccount,
    Toleration,
    Volume,
    kind_info,
)
from kube_actors.apiserver import DEFAULT_PLUGINS, default_plugins
from kube_actors.apiserver._admission import (
    AdmissionPlugin,
    Operation,
    default_toleration_seconds,
    joined,
    namespace_lifecycle,
    priority,
    service_account,
)
from kube_actors.errors import ApiError


class _Lookup:
    """A watch cache stand-in: objects by (kind, namespace, name)."""

    def __init__(self, objects: Iterable[Any]) -> None:
        self.objects = {(type(o), o.metadata.namespace, o.metadata.name): o for o in objects}

    def get(self, kind: type[Any], namespace: str, name: str) -> Any | None:
        return self.objects.get((kind, namespace, name))

    def all(self, kind: type[Any]) -> Iterable[Any]:
        return [o for (k, _, _), o in self.objects.items() if k is kind]

    def in_namespace(self, kind: type[Any], namespace: str) -> Iterable[Any]:
        return [o for (k, n, _), o in self.objects.items() if k is kind and n == namespace]

    def derived(self, kind: type[Any], derive: Callable[[Iterable[Any]], Any]) -> Any:
        return derive(self.all(kind))


def _pod(
    name: str,
    account: str,
    automount: bool | None,
    class_name: str,
    own_toleration: bool = False,
    own_volume: bool = False,
) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(
            containers=[Container(name="app", image="nginx")],
            service_account_name=account,
            automount_service_account_token=automount,
            priority_class_name=class_name,
            tolerations=[Toleration(key="node.kubernetes.io/not-ready", operator="Exists")]
            if own_toleration
            else [],
            volumes=[Volume(name="kube-api-access-own")] if own_volume else [],
        ),
    )


_automount = st.sampled_from((None, True, False))
_pods = st.builds(
    _pod,
    st.sampled_from(("web", "db")),
    st.sampled_from(("", "default", "robot")),
    _automount,
    st.sampled_from(("", "high", "missing")),
    st.booleans(),
    st.booleans(),
)
_worlds = st.builds(
    lambda root_ca, account_automount, high, global_default: [
        Namespace(metadata=ObjectMeta(name="default")),
        *(
            [ConfigMap(metadata=ObjectMeta(name="kube-root-ca.crt", namespace="default"))]
            if root_ca
            else []
        ),
        *(
            [
                ServiceAccount(
                    metadata=ObjectMeta(name="default", namespace="default"),
                    automount_service_account_token=account_automount,
                )
            ]
            if account_automount != "absent"
            else []
        ),
        *([PriorityClass(metadata=ObjectMeta(name="high"), value=1000)] if high else []),
        *(
            [PriorityClass(metadata=ObjectMeta(name="base"), value=10, global_default=True)]
            if global_default
            else []
        ),
    ],
    st.booleans(),
    st.sampled_from((None, True, False, "absent")),
    st.booleans(),
    st.booleans(),
)
_operations = st.sampled_from(("CREATE", "CREATE", "UPDATE", "DELETE"))


def _admitted(
    plugins: Sequence[AdmissionPlugin], operation: Operation, info: KindInfo, obj: Any, lookup: Any
) -> Any:
    try:
        for plugin in plugins:
            obj = plugin(operation, info, obj, None, lookup)
    except ApiError as error:
        return (type(error), str(error))
    return obj


@settings(max_examples=200, deadline=None)
@given(_pods, _worlds, _operations, st.sampled_from((300, 60)))
def test_joined_plugins_admit_a_pod_as_the_plugins_one_by_one(
    pod: Pod, world: list[Any], operation: Operation, seconds: int
) -> None:
    lookup = _Lookup(world)
    plugins = default_plugins(toleration_seconds=seconds)
    info = kind_info(Pod)
    expected = _admitted(plugins, operation, info, pod, lookup)
    assert _admitted(joined(plugins), operation, info, pod, lookup) == expected
    namespace = Namespace(metadata=ObjectMeta(name="other"))  # not a Pod: left alone
    assert _admitted(joined(plugins), operation, kind_info(Namespace), namespace, lookup) == (
        _admitted(plugins, operation, kind_info(Namespace), namespace, lookup)
    )


def test_runs_of_two_or_more_pod_spec_plugins_are_joined_and_the_rest_kept_in_order() -> None:
    chain = joined(DEFAULT_PLUGINS)
    assert len(chain) == len(DEFAULT_PLUGINS) - 2
    assert chain[:2] == DEFAULT_PLUGINS[:2]
    assert (
        getattr(chain[2], "__name__", None) == "service_account+priority+default_toleration_seconds"
    )
    assert chain[3:] == DEFAULT_PLUGINS[5:]
    assert joined([priority]) == (priority,)  # alone: nothing to join
    split = (service_account, namespace_lifecycle, priority, default_toleration_seconds)
    rejoined = joined(split)
    assert rejoined[:2] == split[:2]
    assert getattr(rejoined[2], "__name__", None) == "priority+default_toleration_seconds"
    assert len(joined(default_plugins(toleration_seconds=60))) == len(DEFAULT_PLUGINS) - 2


#: Pods whose specs live for the whole module, each in several worlds: a joined run
#: remembers the spec it gave a spec (``_joined``), so this is where a spec it remembered
#: meets a world in which the plugins give it another.
_LASTING_PODS = [
    _pod(name, account, automount, class_name)
    for name in ("web", "db")
    for account in ("", "robot")
    for automount in (None, True, False)
    for class_name in ("", "high", "missing")
]
_LASTING_JOINED = {
    seconds: joined(default_plugins(toleration_seconds=seconds)) for seconds in (300, 60)
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_LASTING_PODS), _worlds, st.sampled_from((300, 60)))
def test_a_joined_run_gives_a_spec_it_remembered_what_the_plugins_give_it_now(
    pod: Pod, world: list[Any], seconds: int
) -> None:
    lookup = _Lookup(world)
    info = kind_info(Pod)
    expected = _admitted(default_plugins(toleration_seconds=seconds), "CREATE", info, pod, lookup)
    assert _admitted(_LASTING_JOINED[seconds], "CREATE", info, pod, lookup) == expected
