"""Drive a live proxy the way an operator does: ``decompose route`` then ``decompose proxy``.

State changes go through the real commands (decompose.toml in the patched monolith); settings
that have no flag (overrides, credential exchange) are edited in decompose.toml, as a team would.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from click.testing import CliRunner

from decompose.model import Overrides
from strangler import state as routing
from strangler.command import proxy, route
from tests.strangler.deployment import Deployment


def run(command, *args: object) -> str:
    result = CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@dataclasses.dataclass
class Gateway:
    deployment: Deployment
    target: str
    runtime: Path
    port: int

    @property
    def project(self) -> Path:
        return self.deployment.project

    def route(self, *flags: object) -> str:
        """``decompose route orders FLAGS`` against the real upstreams; returns its output."""
        return run(route, "orders", *flags, "--project", self.project,
                   "--upstream", self.deployment.service.address,
                   "--monolith", self.deployment.monolith.address)

    def settings(self, *, overrides: Overrides | None = None,
                 auth_exchange: bool | None = None) -> None:
        loaded = routing.load_state(self.project)
        state = loaded.state
        if overrides is not None:
            state = dataclasses.replace(state, overrides=overrides)
        if auth_exchange is not None:
            state = dataclasses.replace(state, auth_exchange=auth_exchange)
        routing.save_state(self.project, loaded, state)

    def publish(self) -> str:
        """``decompose proxy --target T``: validated config replaces the old one."""
        return run(proxy, "--target", self.target, "--project", self.project,
                   "--listen", f"127.0.0.1:{self.port}", "--out", self.runtime)
