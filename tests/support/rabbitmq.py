"""A throwaway RabbitMQ node on loopback, for tests that need the real broker.

Debian's ``rabbitmq-server`` started with its own node name, AMQP port, distribution port, port
mapper (epmd) port, data and log folders in a temp dir, so parallel runs do not collide and
nothing outlives the test: ``stop()`` ends the node and its epmd. ``stop()``/``start()`` keep the
data folder, which is how the tests restart the broker mid-stream (durable queues survive).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_BIN = Path("/usr/lib/rabbitmq/bin")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RabbitNode:
    """One node in ``base``; ``url`` is its ``amqp://`` address (guest may log in on loopback)."""

    def __init__(self, base: Path) -> None:
        if not (_BIN / "rabbitmq-server").exists():
            raise RuntimeError("rabbitmq-server not found (apt-get install rabbitmq-server)")
        base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.port, dist, epmd = _free_port(), _free_port(), _free_port()
        home = base / "home"
        home.mkdir(parents=True, exist_ok=True)
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users = none\n")
        self.env = {
            **os.environ, "HOME": str(home), "ERL_EPMD_PORT": str(epmd),
            "RABBITMQ_NODENAME": f"decompose{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(dist), "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
        }
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        self.process: subprocess.Popen[bytes] | None = None
        self.attached = False  # started by another process (the demo's ``stop``)

    @classmethod
    def attach(cls, base: Path, env: dict[str, str]) -> RabbitNode:
        """The node another process started in ``base`` with ``env`` (to stop it)."""
        node = cls.__new__(cls)
        node.base, node.env, node.process, node.attached = base, env, None, True
        node.port = int(env["RABBITMQ_NODE_PORT"])
        node.url = f"amqp://guest:guest@127.0.0.1:{node.port}//"
        return node

    def start(self, timeout: float = 60.0) -> None:
        """Boot the node and wait until it accepts AMQP connections."""
        with (self.base / "server.out").open("ab") as log:
            self.process = subprocess.Popen([str(_BIN / "rabbitmq-server")], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("RabbitMQ exited:\n" + self._log_tail())
            if self._accepts_amqp():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("RabbitMQ did not start in time:\n" + self._log_tail())

    def stop(self) -> None:
        """Stop the node (its whole process group) and the port mapper it started."""
        if self.attached or (self.process is not None and self.process.poll() is None):
            subprocess.run([str(_BIN / "rabbitmqctl"), "shutdown"], env=self.env,
                           capture_output=True, timeout=60)
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)
        self.process = None
        subprocess.run(["epmd", "-kill"], env=self.env, capture_output=True)

    def queue_depths(self) -> dict[str, int]:
        """Messages ready in each queue, as ``rabbitmqctl list_queues`` reports them."""
        done = subprocess.run([str(_BIN / "rabbitmqctl"), "list_queues", "-q", "--no-table-headers",
                               "name", "messages"], env=self.env, capture_output=True,
                              text=True, check=True, timeout=60)
        rows = (line.split("\t") for line in done.stdout.splitlines() if "\t" in line)
        return {name: int(count) for name, count in rows}

    def _accepts_amqp(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"AMQP\x00\x00\x09\x01")
                return sock.recv(8).startswith(b"\x01")
        except OSError:
            return False

    def _log_tail(self) -> str:
        out = self.base / "server.out"
        return out.read_text(errors="replace")[-3000:] if out.exists() else ""


@contextlib.contextmanager
def temporary_rabbitmq() -> Iterator[RabbitNode]:
    """Start a fresh node, yield it, then stop it and remove its folder."""
    node = RabbitNode(Path(tempfile.mkdtemp(prefix="decompose-mq-")))
    try:
        node.start()
        yield node
    finally:
        node.stop()
        shutil.rmtree(node.base, ignore_errors=True)
