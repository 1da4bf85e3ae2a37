"""The demo's guide, run exactly as printed, on real processes: the demo stack (patched
monolith, extracted orders service, nginx) from ``scripts/demo_stack.py``, then every ``$``
line of the guide in order from the repository root.

After each step the live share is counted over 10,000 clients the gateway has never seen and
must match the saved state within 1 point: 10% as started, 50% after the guide's move, 0 after
its rollback. A reload the proxy's workers cannot take (its new port is in use) must be caught.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.strangler import proxies
from tests.support.http import free_port

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")]
ROOT = proxies.ROOT
CLIENTS = 10_000


def guide_commands(output: str) -> list[str]:
    """The guide's ``$`` lines, with their ``\\`` continuation lines joined."""
    lines = output[output.index("Done."):].splitlines()
    commands: list[str] = []
    continued = False
    for line in lines:
        if continued:
            commands[-1] += "\n" + line
        elif line.startswith("  $ "):
            commands.append(line[4:])
        else:
            continue
        continued = line.endswith("\\")
    return commands


def shell(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def service_share(port: int, step: str) -> float:
    """Percent of ``CLIENTS`` distinct new clients (each its own gateway id, never sent before)
    the service answers; ``/api/orders`` is the service's path that costs least (a redirect)."""
    ids = [hashlib.md5(f"{step}-{i}".encode()).hexdigest() for i in range(CLIENTS)]

    def count(chunk: list[str]) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        served = 0
        for client in chunk:
            conn.request("GET", "/api/orders", headers={"Cookie": f"decompose_id={client}"})
            response = conn.getresponse()
            response.read()
            served += response.getheader("X-Decompose-Backend") == "orders"
        conn.close()
        return served

    with ThreadPoolExecutor(8) as pool:
        served = sum(pool.map(count, [ids[i::8] for i in range(8)]))
    return 100 * served / CLIENTS


@pytest.fixture
def work():
    """Outside pytest's private temp folder: the demo's nginx workers run as ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="decompose-demo-"))
    folder.chmod(0o755)
    yield folder / "demo"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_guide_runs_as_printed_and_the_live_share_follows_the_state(work):
    ports = [free_port() for _ in range(3)]
    gateway = ports[2]
    start = [sys.executable, "scripts/demo_stack.py", "--work", str(work),
             "--ports", ",".join(map(str, ports))]
    try:
        started = subprocess.run(start, cwd=ROOT, capture_output=True, text=True, timeout=600,
                                 check=False)
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        commands = guide_commands(started.stdout)
        assert commands[-1] == f"./scripts/demo stop --work {work}"
        assert abs(service_share(gateway, "start") - 10) <= 1

        expected_after_reload = iter((50, 0))
        for command in commands:
            done = shell(command)
            if "consumer.log" in command:  # the event crosses asynchronously: give it time
                deadline = time.monotonic() + 20
                while done.returncode != 0 and time.monotonic() < deadline:
                    time.sleep(0.5)
                    done = shell(command)
                assert "receivers ran" in done.stdout
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            if "uniq -c" in command:  # 40 new clients, counted per side
                counts = {line.split()[1]: int(line.split()[0])
                          for line in done.stdout.splitlines()}
                assert sum(counts.values()) == 40 and counts.get("monolith", 0) >= 28, counts
            if "-X POST" in command:  # an order placed through the service
                assert json.loads(done.stdout)["id"] > 0
            elif "Authorization: Token" in command:  # alice's orders, her notifications
                assert json.loads(done.stdout)["count"] > 0
            if command.endswith("--reload"):
                assert "serves config" in done.stdout
                weight = next(expected_after_reload)
                # fixed ids, not the run's temp folder: one sample, so one share every run
                share = service_share(gateway, f"reload-{weight}")
                assert abs(share - weight) <= 1, (command, share)
                if weight == 50:
                    failing_reload_is_caught(command, gateway)
            if "route --status" in command:
                assert "  saved  percent: 50% of clients on the service\n" \
                    "  live   percent: 50% of clients on the service\n" in done.stdout
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", gateway), 1).close()
    finally:
        subprocess.run([*start[:4], "stop"], cwd=ROOT, check=False)


def failing_reload_is_caught(reload: str, gateway: int) -> None:
    """The guide's reload with the proxy moved to a port already in use: an error with nginx's
    own line, the old config still serving; then the guide's reload puts it back."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        failed = shell(f"{reload} --listen 127.0.0.1:{busy}")
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert failed.stderr.startswith("error: nginx did not take the new config")
    assert f"bind() to 127.0.0.1:{busy} failed (98: Address already in use)" in failed.stderr
    restored = shell(f"{reload} --listen 127.0.0.1:{gateway}")
    assert restored.returncode == 0, restored.stderr


def test_the_readme_routing_commands_are_lines_of_the_guide():
    """The README's routing commands are the guide's own lines for the default ``.demo``, so the
    test above runs them too."""
    spec = importlib.util.spec_from_file_location("demo_stack", ROOT / "scripts" / "demo_stack.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    work = demo.DEFAULT_WORK
    guide = demo.GUIDE.format(work=demo.shown(work), shop=demo.shown(work / "shop"),
                              decompose=demo.shown(Path(sys.executable).with_name("decompose")),
                              ports=demo.DEFAULT_PORTS, port=demo.DEFAULT_PORTS[2],
                              stop="./scripts/demo stop")
    printed = guide_commands(guide)
    readme = (ROOT / "README.md").read_text()
    block = readme.split("After `./scripts/demo`", 1)[1].split("```console\n", 1)[1]
    commands = [line[2:] for line in block.split("```", 1)[0].splitlines()]
    assert commands and all(command in printed for command in commands), (commands, printed)
