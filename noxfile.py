"""The project's gates, one session each; CI (.ci/run) calls the same commands."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typing", "imports", "tests"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-n", "auto"]))


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def imports(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("lint-imports")


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    for module in (
        "benchmarks.actors",
        "benchmarks.watch_fanout",
        "benchmarks.apiserver",
        "benchmarks.runtime",
        "benchmarks.nodes",
        "benchmarks.scheduler",
        "benchmarks.workloads",
        "benchmarks.services",
        "benchmarks.streams",
    ):
        session.run("python", "-m", module, *session.posargs)
