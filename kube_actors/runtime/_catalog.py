"""The image catalog: what runs when a container names an image, for the subprocess runtime.

There is no registry and no filesystem image here: an image is an entrypoint, a cmd and an
environment, as a Dockerfile's ENTRYPOINT, CMD and ENV. The container's ``command`` and
``args`` override them exactly as Kubernetes says (``command`` replaces the entrypoint and
drops the cmd; ``args`` replace the cmd).

Built in: ``echoserver`` (answers with the request and the pod that served it),
``nginx`` and ``nginx-slim`` (the image of Kubernetes' StatefulSet examples; on its port, the
files of a volume mounted at ``/usr/share/nginx/html``, else a welcome page; a stand-in, real
nginx only if mapped), ``pause``
(sleeps until stopped), ``busybox``/``alpine``/``sh`` (run the container's command with the
host's ``sh``), ``python`` (the running interpreter). A tag is ignored unless the catalog
maps that exact ``image:tag``; well-known registry prefixes (``docker.io/library/``,
``registry.k8s.io/``) are ignored too, so ``registry.k8s.io/echoserver:1.10`` is the
built-in echoserver.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from kube_actors.api._base import EMPTY, freeze_map, freeze_seq
from kube_actors.errors import ImagePullError

__all__ = ["Image", "ImageCatalog"]

_IMAGES_DIR = Path(__file__).parent / "_images"
_REGISTRY_PREFIXES = (
    "docker.io/library/",
    "docker.io/",
    "index.docker.io/library/",
    "library/",
    "registry.k8s.io/",
    "k8s.gcr.io/",
    "gcr.io/google_containers/",
    "gcr.io/google-containers/",
)


@attrs.frozen(kw_only=True)
class Image:
    """What an image runs. ``aliases`` rewrite the program name (``argv[0]``) of the
    container's command: the ``python`` image maps ``python`` to the running interpreter."""

    entrypoint: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    cmd: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    env: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    aliases: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)

    def argv(self, command: Sequence[str], args: Sequence[str]) -> list[str]:
        """Kubernetes' rules for command and args over ENTRYPOINT and CMD."""
        if command:
            argv = [*command, *args]
        elif args:
            argv = [*self.entrypoint, *args]
        else:
            argv = [*self.entrypoint, *self.cmd]
        if argv and argv[0] in self.aliases:
            argv[0] = self.aliases[argv[0]]
        return argv


def _script(name: str, port: int | None = None) -> Image:
    # -S: the built-in servers use the standard library only, and start faster without site.
    env = {"PYTHONUNBUFFERED": "1"}
    if port is not None:
        env["PORT"] = str(port)
    return Image(entrypoint=(sys.executable, "-S", str(_IMAGES_DIR / f"{name}.py")), env=env)


def builtin_images() -> dict[str, Image]:
    python = sys.executable
    shell = Image(cmd=("sh",))
    return {
        "echoserver": _script("echoserver", 8080),
        "nginx": _script("static", 80),
        "nginx-slim": _script("static", 80),
        "pause": _script("pause"),
        "busybox": shell,
        "alpine": shell,
        "sh": shell,
        "python": Image(
            cmd=("python3",),
            env={"PYTHONUNBUFFERED": "1"},
            aliases={"python": python, "python3": python},
        ),
    }


def _untagged(ref: str) -> str:
    name = ref.split("@", 1)[0]
    head, _, tag = name.rpartition(":")
    return head if head and "/" not in tag else name


class ImageCatalog:
    """Images by name; ``add`` maps your own (``catalog.add("web", Image(...))``)."""

    def __init__(self, images: Mapping[str, Image] | None = None, *, builtins: bool = True):
        self._images: dict[str, Image] = builtin_images() if builtins else {}
        self._images.update(images or {})

    def add(self, name: str, image: Image | None = None, **fields: object) -> None:
        """Map ``name`` (``"web"`` for every tag, or ``"web:2"`` for one) to an image:
        ``add("nginx", entrypoint=["/usr/sbin/nginx", "-g", "daemon off;"])``."""
        self._images[name] = image if image is not None else Image(**fields)  # type: ignore[arg-type]

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and self._lookup(ref) is not None

    def resolve(self, ref: str) -> Image:
        """The image ``ref`` names, or ``ImagePullError`` as Kubernetes' ErrImagePull."""
        image = self._lookup(ref)
        if image is None:
            raise ImagePullError(
                ref, "not in the image catalog (add it with ImageCatalog.add to run it here)"
            )
        return image

    def _lookup(self, ref: str) -> Image | None:
        for candidate in (ref, _untagged(ref)):
            if candidate in self._images:
                return self._images[candidate]
            for prefix in _REGISTRY_PREFIXES:
                if candidate.startswith(prefix) and candidate[len(prefix) :] in self._images:
                    return self._images[candidate[len(prefix) :]]
        return None
