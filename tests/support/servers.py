"""Throwaway PostgreSQL, Mosquitto and Redis servers: temporary data directory, free port.

They never touch a service someone else runs on this machine. A missing binary is an
error, not a skip: `make test` installs them, and a suite that silently skipped its
database tests would prove nothing.
"""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(name: str, extra_globs: tuple[str, ...] = ()) -> str:
    found = shutil.which(name)
    if found:
        return found
    for pattern in extra_globs:
        matches = sorted(glob.glob(pattern), reverse=True)  # newest version first
        if matches:
            return matches[0]
    raise RuntimeError(f"{name} not found: run `make test`, which installs it")


def _wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


class PostgresServer:
    """initdb into a temporary directory and run postgres on a free port.

    ``durable=False`` (the suite's clusters) turns fsync and synchronous commit off: fast,
    and nothing outlives the run anyway. A test that crashes the server and then counts
    what was committed needs ``durable=True``: a commit acknowledged is then on disk.
    """

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="recyclenet-pg-"))
        self.data = self.dir / "data"
        pg_globs = ("/usr/lib/postgresql/*/bin/{}",)
        self.initdb = find_binary("initdb", tuple(g.format("initdb") for g in pg_globs))
        self.pg_ctl = find_binary("pg_ctl", tuple(g.format("pg_ctl") for g in pg_globs))
        # PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url_base(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def url(self, dbname: str) -> str:
        return f"{self.url_base}/{dbname}"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir
        )

    def start(self) -> PostgresServer:
        """Start the server; the first start creates the cluster, a later one (after
        ``stop(keep_data=True)``) reopens it on the same port."""
        if not (self.data / "PG_VERSION").exists():
            self._run(
                self.initdb,
                "-D", str(self.data),
                "-U", "postgres",
                "--auth=trust",
                "-E", "UTF8",
                "--locale=C",
                "--no-sync",
            )  # fmt: skip
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:  # this cluster lives for one test run
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        _wait_port(self.port)
        return self

    def stop(self, keep_data: bool = False, mode: str = "immediate") -> None:
        """Stop the server: ``fast`` as an administrator's restart does (sessions are told
        and their transactions rolled back), ``immediate`` as a crash (connections just
        drop; the next start recovers). Without ``keep_data`` the cluster is deleted."""
        try:
            if (self.data / "postmaster.pid").exists():  # not already stopped
                self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")
        finally:
            if not keep_data:
                shutil.rmtree(self.dir, ignore_errors=True)


class MosquittoServer:
    """A Mosquitto broker on a free port, with persistence in a temporary directory."""

    def __init__(self, extra_conf: str = "") -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="recyclenet-mqtt-"))
        self.binary = find_binary("mosquitto", ("/usr/sbin/mosquitto",))
        self.extra_conf = extra_conf
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def write_conf(self) -> Path:
        conf = self.dir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            f"persistence true\npersistence_location {self.dir}/\n"
            # Without it, a root-started broker switches to a 'mosquitto' user that may not exist.
            f"user {getpass.getuser()}\n"
            "max_queued_messages 1000000\nmax_inflight_messages 0\n"
            f"{self.extra_conf or 'allow_anonymous true'}\n"
        )
        return conf

    def start(self) -> MosquittoServer:
        conf = self.write_conf()
        self.proc = subprocess.Popen(
            [self.binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=open(self.dir / "log", "ab")
        )
        _wait_port(self.port)
        return self

    def stop(self, keep_data: bool = False) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
        if not keep_data:
            shutil.rmtree(self.dir, ignore_errors=True)

    def restart(self) -> None:
        """Stop and start again on the same port and persistence file."""
        self.stop(keep_data=True)
        self.start()


class RedisServer:
    """A Redis on a free port of 127.0.0.1, in a temporary directory, nothing persisted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="recyclenet-redis-"))
        self.binary = find_binary("redis-server", ("/usr/bin/redis-server",))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        # Flags rather than a file: no snapshots, no append-only log, no protected mode.
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.dir),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
            ],
            stdout=open(self.dir / "log", "ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_port(self.port)
        return self

    def stop(self, keep_dir: bool = False) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
