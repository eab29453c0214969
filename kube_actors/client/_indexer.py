"""``Indexer``: an informer's local cache, keyed by ``namespace/name`` and indexed.

client-go's ``ThreadSafeStore`` with its indices, minus the locks (one event loop, no
threads). An index function maps an object to the values it is filed under; the indexer keeps,
per index and value, the keys of the objects filed there, and updates them on every change.

Built in: ``namespace`` (the object's namespace), ``owner_uid`` (the uid of each owner
reference) and ``label`` (``key=value`` for each label). Add your own with ``add_index``.

The cache holds the very objects the apiserver sent: they are frozen, so every reader can
share them and no one pays for a copy. Keys within an index value keep insertion order (a
dict, not a set), so results are the same run after run whatever the string hash seed.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from kube_actors.api import compile_selector, namespaced_name

__all__ = [
    "LABEL_INDEX",
    "NAMESPACE_INDEX",
    "OWNER_UID_INDEX",
    "IndexFunc",
    "Indexer",
    "object_key",
]

T = TypeVar("T")

#: ``index(obj) -> values``: the values an object is filed under in one index.
IndexFunc = Callable[[Any], Iterable[str]]

NAMESPACE_INDEX = "namespace"
OWNER_UID_INDEX = "owner_uid"
LABEL_INDEX = "label"


#: The cache key, ``namespace/name`` or ``name`` (client-go's ``MetaNamespaceKeyFunc``):
#: ``api.namespaced_name`` itself, typed for any cached object, however the cache is typed
#: (no function of ours around it: an informer keys every event it takes).
object_key: Callable[[Any], str] = namespaced_name


def _by_namespace(obj: Any) -> tuple[str, ...]:
    return (obj.metadata.namespace,)


def _by_owner_uid(obj: Any) -> tuple[str, ...]:
    return tuple(ref.uid for ref in obj.metadata.owner_references)


def _by_label(obj: Any) -> tuple[str, ...]:
    return tuple(f"{k}={v}" for k, v in obj.metadata.labels.items())


def _always(old: Any, new: Any) -> bool:
    return True


def _same_owners(old: Any, new: Any) -> bool:
    return bool(old.metadata.owner_references == new.metadata.owner_references)


def _same_labels(old: Any, new: Any) -> bool:
    return bool(old.metadata.labels == new.metadata.labels)


_BUILT_IN: dict[str, IndexFunc] = {
    NAMESPACE_INDEX: _by_namespace,
    OWNER_UID_INDEX: _by_owner_uid,
    LABEL_INDEX: _by_label,
}

#: For the built-in indices, a cheap test that an update leaves the filing alone, so that
#: the usual update (status, resourceVersion) computes no index values at all.
_SAME: dict[str, Callable[[Any, Any], bool]] = {
    NAMESPACE_INDEX: _always,  # the key holds the namespace: it cannot change
    OWNER_UID_INDEX: _same_owners,
    LABEL_INDEX: _same_labels,
}


class Indexer(Generic[T]):
    """Objects by key, and keys by index value. Only the owning informer writes to it."""

    __slots__ = ("_funcs", "_indices", "_items", "get_by_key")

    def __init__(self, indexers: Mapping[str, IndexFunc] | None = None) -> None:
        self._items: dict[str, T] = {}
        #: The cached object of a key, or None: the dict's own ``get`` (one C call, no
        #: method of ours around it: a kubelet reads its Node so on every heartbeat).
        #: ``_items`` is never rebound, so the bound ``get`` stays its.
        self.get_by_key: Callable[[str], T | None] = self._items.get
        # The built-in indices' functions are shared by every indexer until one adds its
        # own (``add_index`` copies them first): a cluster's thousands of kubelets hold two
        # informers each.
        self._funcs: dict[str, IndexFunc] = _BUILT_IN
        self._indices: dict[str, dict[str, dict[str, None]]] = {n: {} for n in self._funcs}
        for name, func in (indexers or {}).items():
            self.add_index(name, func)

    # ------------------------------------------------------------------------ reading

    def get(self, name: str, namespace: str = "") -> T | None:
        """The cached object, or None."""
        return self._items.get(f"{namespace}/{name}" if namespace else name)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(builtins.list(self._items.values()))

    def list_keys(self) -> builtins.list[str]:
        return builtins.list(self._items)

    def list(
        self,
        namespace: str = "",
        label_selector: str | Mapping[str, str] | None = None,
    ) -> builtins.list[T]:
        """The cached objects of ``namespace`` (all if empty) matching ``label_selector``."""
        if namespace:
            keys = self._indices[NAMESPACE_INDEX].get(namespace)
            if not keys:
                return []  # most often: a controller asks for its kind in a Pod's namespace
            candidates = [self._items[k] for k in keys]
        else:
            candidates = builtins.list(self._items.values())
        if label_selector is None or label_selector == "" or label_selector == {}:
            return candidates
        selector = compile_selector(label_selector)
        return [o for o in candidates if selector.matches(o.metadata.labels)]  # type: ignore[attr-defined]

    def by_index(self, index: str, value: str) -> builtins.list[T]:
        """The cached objects filed under ``value`` in ``index`` (KeyError: no such index)."""
        keys = self._indices[index].get(value, {})
        return [self._items[k] for k in keys]

    def index_values(self, index: str) -> builtins.list[str]:
        """The values that have objects filed under them in ``index``."""
        return builtins.list(self._indices[index])

    def has_index(self, name: str) -> bool:
        return name in self._funcs

    def add_index(self, name: str, func: IndexFunc) -> None:
        """Add an index, filing what is already cached."""
        if name in self._funcs:
            raise ValueError(f"index {name!r} already exists")
        self._funcs = {**self._funcs, name: func}
        index: dict[str, dict[str, None]] = {}
        self._indices[name] = index
        for key, obj in self._items.items():
            for value in func(obj):
                index.setdefault(value, {})[key] = None

    # ------------------------------------------------------------------------ writing

    def put(self, key: str, obj: T) -> T | None:
        """Store ``obj`` under ``key``; the object it replaces, if any."""
        old = self._items.get(key)
        self._items[key] = obj
        funcs = self._funcs
        meta = obj.metadata  # type: ignore[attr-defined]
        if old is None:
            # The built-in indices spelled out: a new object filed under its namespace, its
            # owners' uids and its labels, as their functions give them.
            indices = self._indices
            indices[NAMESPACE_INDEX].setdefault(meta.namespace, {})[key] = None
            if meta.owner_references:
                owners = indices[OWNER_UID_INDEX]
                for ref in meta.owner_references:
                    owners.setdefault(ref.uid, {})[key] = None
            if meta.labels:
                labels = indices[LABEL_INDEX]
                for name, value in meta.labels.items():
                    labels.setdefault(f"{name}={value}", {})[key] = None
            if funcs is not _BUILT_IN:
                for name, func in funcs.items():
                    if name not in _BUILT_IN:
                        index = indices[name]
                        for value in func(obj):
                            index.setdefault(value, {})[key] = None
            return None
        # ``_SAME`` of the three built-in indices in one test: the usual update (a status, a
        # Lease renewal) leaves their filing as it was.
        was = old.metadata  # type: ignore[attr-defined]
        filed_alike = was.owner_references == meta.owner_references and (
            was.labels is meta.labels or was.labels == meta.labels
        )
        if filed_alike and funcs is _BUILT_IN:
            return old
        for name, func in funcs.items():
            same = _SAME.get(name)
            if same is not None and (filed_alike or same(old, obj)):
                continue  # the common update: this index's input did not change
            old_values = func(old)
            new_values = func(obj)
            if old_values == new_values:
                continue
            index = self._indices[name]
            for value in old_values:
                _unfile(index, value, key)
            for value in new_values:
                index.setdefault(value, {})[key] = None
        return old

    def remove(self, key: str) -> T | None:
        """Drop the object under ``key``; the object dropped, if any."""
        old = self._items.pop(key, None)
        if old is not None:
            for name, func in self._funcs.items():
                index = self._indices[name]
                for value in func(old):
                    _unfile(index, value, key)
        return old


def _unfile(index: dict[str, dict[str, None]], value: str, key: str) -> None:
    keys = index.get(value)
    if keys is not None:
        keys.pop(key, None)
        if not keys:
            del index[value]
