"""ConfigMap and Secret through the apiserver: stringData, types, immutability, bad keys."""

from __future__ import annotations

import base64

import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap, ObjectMeta, Secret, evolve
from kube_actors.errors import Invalid


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_string_data_is_folded_into_base64_data_and_the_type_defaults_to_opaque() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        secret = Secret(
            metadata=ObjectMeta(name="db", namespace="default"),
            data={"user": _b64("admin"), "password": _b64("old")},
            string_data={"password": "hunter2"},
        )
        created = await cluster.client.create(secret)
        stored = await cluster.client.get(Secret, "db", namespace="default")
    assert created == stored
    assert stored.type == "Opaque"
    assert dict(stored.data) == {"user": _b64("admin"), "password": _b64("hunter2")}
    assert dict(stored.string_data) == {}


async def test_typed_secrets_require_their_keys() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        tls = Secret(
            metadata=ObjectMeta(name="tls", namespace="default"),
            type="kubernetes.io/tls",
            data={"tls.crt": _b64("cert")},
        )
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(tls)
        basic = Secret(
            metadata=ObjectMeta(name="basic", namespace="default"),
            type="kubernetes.io/basic-auth",
        )
        with pytest.raises(Invalid) as basic_raised:
            await cluster.client.create(basic)
    assert str(raised.value) == ('Secret "tls" is invalid: data[tls.key]: Required value')
    assert [c.field for c in basic_raised.value.causes] == ["data[username]", "data[password]"]


async def test_bad_keys_and_bad_base64_are_refused_by_field() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(
                ConfigMap(metadata=ObjectMeta(name="c", namespace="default"), data={"a b": "x"})
            )
        with pytest.raises(Invalid) as secret_raised:
            await cluster.client.create(
                Secret(metadata=ObjectMeta(name="s", namespace="default"), data={"k": "%%%"})
            )
    [cause] = raised.value.causes
    assert cause.field == "data[a b]"
    assert "a valid config key must consist of alphanumeric characters" in cause.message
    assert [c.field for c in secret_raised.value.causes] == ["data[k]"]


async def test_an_immutable_config_map_keeps_its_data_and_stays_immutable() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        created = await cluster.client.create(
            ConfigMap(
                metadata=ObjectMeta(name="c", namespace="default"),
                data={"k": "v"},
                immutable=True,
            )
        )
        with pytest.raises(Invalid) as raised:
            await cluster.client.update(evolve(created, data={"k": "w"}))
        with pytest.raises(Invalid) as unset:
            await cluster.client.update(evolve(created, immutable=False))
        secret = await cluster.client.create(
            Secret(metadata=ObjectMeta(name="s", namespace="default"), data={"k": _b64("v")})
        )
        with pytest.raises(Invalid) as retyped:
            await cluster.client.update(evolve(secret, type="kubernetes.io/ssh-auth"))
        stored = await cluster.client.get(ConfigMap, "c", namespace="default")
    assert stored.data == {"k": "v"}
    assert str(raised.value) == (
        'ConfigMap "c" is invalid: data: Forbidden: field is immutable when `immutable` is set'
    )
    assert [c.field for c in unset.value.causes] == ["immutable"]
    assert [c.field for c in retyped.value.causes] == ["type", "data[ssh-privatekey]"]
