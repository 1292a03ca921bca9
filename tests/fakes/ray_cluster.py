"""A real Ray cluster on loopback for tests: ``ray start --head`` plus worker nodes, each
started with ``ray start --block`` as a process of its own, on free ports, in a temp dir.

Ray replaces the node address 127.0.0.1 (and ``localhost``) by the machine's outward one,
so the nodes take other loopback addresses, which it keeps: the head 127.0.0.2, worker nodes
127.0.0.3, 127.0.0.4 … Nothing leaves the machine. Serve's proxy listens on 127.0.0.1.

Every process of the cluster carries a marker in its environment; ``stop`` ends the
``ray start`` processes and then kills, by pid, whatever still carries it — never another
session's Ray. Token authentication is on, with a token of this cluster's own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = "BOT_TEST_RAY_CLUSTER"
HEAD_IP = "127.0.0.2"
REPLICA_TITLE = "ray::ServeReplica:"  # + "<app>:<deployment>": a Serve replica's process
READY = "Ray runtime started."
STARTUP_S = 300.0  # the machine may be busy: nodes come up slowly, never fail for it


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different free ports (all held open while choosing, so none repeats)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def ray_command() -> str:
    beside = Path(sys.executable).parent / "ray"
    return str(beside) if beside.exists() else (shutil.which("ray") or "ray")


class LoopbackRayCluster:
    """``start()`` a head and ``workers`` worker nodes; ``stop()`` ends every process."""

    def __init__(self, workers: int = 1, cpus_per_node: int = 2) -> None:
        self.workers, self.cpus = workers, cpus_per_node
        self.dir = Path(tempfile.mkdtemp(prefix="bot-ray-"))
        self.token = secrets.token_hex(16)
        self._taken: set[int] = set()
        self.gcs_port, self.serve_port = self._fresh(2)
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def address(self) -> str:
        return f"{HEAD_IP}:{self.gcs_port}"

    def env(self) -> dict[str, str]:
        """The environment of the cluster's processes, and of drivers (``bot deploy``)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "RAY_"))}
        env.update({
            MARKER: str(self.dir), "PYTHONPATH": str(REPO), "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN": self.token, "RAY_USAGE_STATS_ENABLED": "0",
            "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1",
            # One proxy serves every request here: let it route to replicas on any node.
            "RAY_SERVE_PROXY_PREFER_LOCAL_NODE_ROUTING": "0",
        })
        return env

    def _ports(self, *extra: str) -> list[str]:
        """Every port a node opens, chosen here: two nodes on one machine must not collide."""
        names = ["--node-manager-port", "--object-manager-port", "--metrics-export-port",
                 "--dashboard-agent-listen-port", "--dashboard-agent-grpc-port",
                 "--runtime-env-agent-port", *extra]
        ports = self._fresh(len(names))
        return [arg for name, port in zip(names, ports, strict=True) for arg in (name, str(port))]

    def _fresh(self, count: int) -> list[int]:
        """Free ports that no other process of this cluster was given."""
        while True:
            ports = free_ports(count)
            if not self._taken.intersection(ports):
                self._taken.update(ports)
                return ports

    def _node(self, name: str, node_ip: str, *args: str) -> Path:
        log = self.dir / f"{name}.log"
        head = ("--dashboard-port", "--ray-client-server-port") if "--head" in args else ()
        command = [ray_command(), "start", "--block", f"--node-ip-address={node_ip}",
                   f"--num-cpus={self.cpus}", "--object-store-memory", str(256 << 20),
                   "--disable-usage-stats", *self._ports(*head), *args]
        with log.open("wb") as out:
            self.processes.append(subprocess.Popen(
                command, env=self.env(), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True))
        return log

    def start(self) -> LoopbackRayCluster:
        head = self._node("head", HEAD_IP, "--head", f"--port={self.gcs_port}",
                          f"--temp-dir={self.dir}", "--include-dashboard=false")
        self._wait_ready(head, self.processes[0])
        for n in range(self.workers):
            log = self._node(f"worker{n + 1}", f"127.0.0.{n + 3}", f"--address={self.address}")
            self._wait_ready(log, self.processes[-1])
        return self

    def _wait_ready(self, log: Path, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + STARTUP_S
        while READY not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log.read_text(errors="replace")[-3000:]
                self.stop()
                raise RuntimeError(f"ray start did not come up:\n{output}")
            time.sleep(0.5)

    def pids(self, part: str = "") -> list[int]:
        """This cluster's processes whose command line holds ``part`` (Ray titles a Serve
        replica's process ``ray::ServeReplica:<app>:<deployment>``)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self._ours(entry):
                cmdline = _read(entry / "cmdline").replace(b"\0", b" ").decode(errors="replace")
                if part in cmdline:
                    found.append(int(entry.name))
        return found

    def _ours(self, proc: Path) -> bool:
        return f"{MARKER}={self.dir}".encode() in _read(proc / "environ").split(b"\0")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(p.poll() is None for p in self.processes):
            time.sleep(0.5)
        for pid in self.pids():  # raylets, workers and agents that outlived their node
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for process in self.processes:
            process.wait()
        self.processes.clear()
        shutil.rmtree(self.dir, ignore_errors=True)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # gone, or not ours to read
        return b""
