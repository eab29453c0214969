"""The image catalog: Kubernetes' command/args rules, tags, registries, users' images."""

from __future__ import annotations

import sys

import pytest

from kube_actors.errors import ImagePullError
from kube_actors.runtime import Image, ImageCatalog

IMAGE = Image(entrypoint=["/entry", "-v"], cmd=["serve", "--port=80"])


@pytest.mark.parametrize(
    ("command", "args", "argv"),
    [
        ((), (), ["/entry", "-v", "serve", "--port=80"]),
        (("/bin/run",), (), ["/bin/run"]),
        ((), ("other",), ["/entry", "-v", "other"]),
        (("/bin/run",), ("x", "y"), ["/bin/run", "x", "y"]),
    ],
    ids=["image defaults", "command drops cmd", "args replace cmd", "command and args"],
)
def test_command_and_args_override_the_image_as_kubernetes_says(
    command: tuple[str, ...], args: tuple[str, ...], argv: list[str]
) -> None:
    assert IMAGE.argv(command, args) == argv


def test_tags_and_well_known_registries_are_ignored_unless_mapped() -> None:
    catalog = ImageCatalog()
    echo = catalog.resolve("echoserver")
    assert catalog.resolve("registry.k8s.io/echoserver:1.10") is echo
    assert catalog.resolve("docker.io/library/busybox:1.36") is catalog.resolve("busybox")
    pinned = Image(cmd=["sh", "-c", "echo pinned"])
    catalog.add("busybox:1.36", pinned)
    assert catalog.resolve("busybox:1.36") is pinned
    assert catalog.resolve("busybox:1.35") is catalog.resolve("busybox")


def test_an_unknown_image_is_an_image_pull_error_naming_it() -> None:
    with pytest.raises(ImagePullError) as caught:
        ImageCatalog().resolve("example.com/team/app:2")
    assert caught.value.image == "example.com/team/app:2"
    assert "example.com/team/app:2" not in ImageCatalog()


def test_users_add_their_own_images_and_may_start_from_an_empty_catalog() -> None:
    catalog = ImageCatalog({"web": Image(entrypoint=["/srv/web"])}, builtins=False)
    catalog.add("worker", entrypoint=["/srv/worker"], env={"MODE": "batch"})
    assert "echoserver" not in catalog
    assert catalog.resolve("web:3").argv((), ()) == ["/srv/web"]
    assert catalog.resolve("worker").env == {"MODE": "batch"}


def test_the_python_image_runs_the_current_interpreter() -> None:
    python = ImageCatalog().resolve("python:3.11")
    assert python.argv(("python", "-c", "pass"), ()) == [sys.executable, "-c", "pass"]
    assert python.argv((), ()) == [sys.executable]
