"""The systemd units of config/systemd start the stack: each unit's ExecStart, with the
environment file made from recyclenet.env.example, run as systemd would run it (its
EnvironmentFile and Environment, ${VAR} and %H expanded) against a throwaway PostgreSQL, Redis
and a Mosquitto started with config/mosquitto/recyclenet.conf.

systemd is not PID 1 where the tests run, so the units are not started by systemd itself:
``systemd-analyze verify`` checks their syntax and the executables, and this runner does the
rest. Paths of a machine (/opt/recyclenet, /etc/recyclenet, /etc/mosquitto/recyclenet,
/var/lib/mosquitto) are mapped to this checkout and to temporary directories.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.conftest import pg_admin
from tests.support.processes import wait_for
from tests.support.servers import RedisServer, find_binary, free_port

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "config" / "systemd"
INGEST_PASSWORD = "ingest-secret-for-the-test"


def unit_settings(unit: Path) -> dict[str, list[str]]:
    """Key -> values of a unit file (a key may repeat), comments and sections aside."""
    settings: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


class Machine:
    """Where a unit's absolute paths point on this test's 'machine'."""

    def __init__(self, tmp: Path) -> None:
        self.paths = {
            "/opt/recyclenet": str(ROOT),
            "/etc/recyclenet": str(tmp / "etc-recyclenet"),
            "/etc/mosquitto/recyclenet": str(tmp / "mosquitto-auth"),
            "/var/lib/mosquitto/": str(tmp / "mosquitto-data") + "/",
        }
        for path in self.paths.values():
            Path(path).mkdir(parents=True, exist_ok=True)

    def map(self, text: str) -> str:
        for machine_path, here in self.paths.items():
            text = text.replace(machine_path, here)
        return text

    def command(self, unit_name: str) -> tuple[list[str], dict[str, str]]:
        """A unit's ExecStart as argv, and the environment systemd would give it."""
        settings = unit_settings(UNITS / unit_name)
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
        for env_file in settings.get("EnvironmentFile", []):
            env.update(read_env_file(Path(self.map(env_file))))
        for assignment in settings.get("Environment", []):
            key, _, value = assignment.partition("=")
            env[key] = value
        (exec_start,) = settings["ExecStart"]
        line = self.map(exec_start).replace("%H", socket.gethostname())
        line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
        return shlex.split(line), env


@pytest.fixture
def machine(tmp_path, pg_server):
    """The environment file of the example, filled in for this machine's servers."""
    m = Machine(tmp_path)
    pg_admin(pg_server, "CREATE DATABASE rn_deploy")
    redis_server = RedisServer().start()
    mqtt_port = free_port()
    values = {
        "RECYCLENET_CONFIG": str(ROOT / "config" / "production.example.toml"),
        "DATABASE_URL": pg_server.url("rn_deploy"),
        "REDIS_URL": redis_server.url,
        "MQTT_URL": f"mqtt://recyclenet-ingest:{INGEST_PASSWORD}@127.0.0.1:{mqtt_port}",
        "SECRET_KEY": "deploy-test-secret",
        "RECYCLENET_RATELIMIT_STORAGE_URI": redis_server.url,
        "RECYCLENET_SERVER_BIND": f"127.0.0.1:{free_port()}",
        "WORKER_PROCESSES": "1",
        "INGEST_PROCESSES": "1",
    }
    example = read_env_file(UNITS / "recyclenet.env.example")
    assert set(values) <= set(example), "the test fills in only settings the example has"
    env_file = Path(m.paths["/etc/recyclenet"]) / "recyclenet.env"
    env_file.write_text("".join(f"{k}={values.get(k, v)}\n" for k, v in example.items()))
    m.mqtt_port, m.redis, m.web = mqtt_port, redis_server, values["RECYCLENET_SERVER_BIND"]
    yield m
    redis_server.stop()
    pg_admin(pg_server, "DROP DATABASE IF EXISTS rn_deploy WITH (FORCE)")


def start_mosquitto(machine: Machine, tmp: Path) -> subprocess.Popen:
    """Mosquitto on config/mosquitto/recyclenet.conf: only the port, the user it runs as and
    the log destination differ (and the machine's paths)."""
    conf = machine.map((ROOT / "config" / "mosquitto" / "recyclenet.conf").read_text())
    conf = conf.replace("listener 1883", f"listener {machine.mqtt_port} 127.0.0.1").replace(
        "log_dest syslog", f"log_dest stderr\nuser {getpass.getuser()}"
    )
    (tmp / "mosquitto.conf").write_text(conf)
    broker = subprocess.Popen(
        [find_binary("mosquitto", ("/usr/sbin/mosquitto",)), "-c", str(tmp / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "mosquitto.log").open("w"),
    )

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", machine.mqtt_port)) == 0

    wait_for(listening, what="mosquitto")
    return broker


def test_unit_files_pass_systemd_analyze_verify(tmp_path):
    """systemd's own checker finds nothing wrong in the units (paths mapped to this checkout)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    machine = Machine(tmp_path)
    names = sorted(p.name for p in UNITS.iterdir() if p.suffix in (".service", ".timer", ".target"))
    for name in names:
        (tmp_path / name).write_text(machine.map((UNITS / name).read_text()))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    assert {"recyclenet-web.service", "recyclenet-worker.service", "recyclenet-scheduler.service"} <= set(names)


def test_units_start_the_stack_and_stop_on_sigterm(machine, tmp_path):
    """Migrations, the broker files, Mosquitto, then web, worker, scheduler and ingest each from
    its unit's command line: the web answers, the worker runs what the scheduler queues, the
    ingest worker is let in by the exported password and ACL; each stops cleanly on SIGTERM."""
    argv, env = machine.command("recyclenet-migrate.service")
    assert subprocess.run(argv, env=env, timeout=300, capture_output=True).returncode == 0
    argv, env = machine.command("recyclenet-mqtt-auth.service")
    exported = subprocess.run(argv, env=env, timeout=120, capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    assert "recyclenet-ingest:" in (Path(machine.paths["/etc/mosquitto/recyclenet"]) / "passwd").read_text()
    broker = start_mosquitto(machine, tmp_path)
    running: dict[str, subprocess.Popen] = {}
    try:
        for unit in ("web", "worker", "scheduler", "ingest"):
            argv, env = machine.command(f"recyclenet-{unit}.service")
            log = (tmp_path / f"{unit}.log").open("w")
            running[unit] = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)

        def web_answers() -> bool:
            try:
                urllib.request.urlopen(f"http://{machine.web}/api/v1/categories", timeout=2)
            except urllib.error.HTTPError as answer:
                return answer.code == 401  # up, and asking for a token
            except OSError:
                return False
            return False

        def log_of(unit: str) -> str:
            return (tmp_path / f"{unit}.log").read_text()

        queue = redis.Redis.from_url(machine.redis.url)
        wait_for(web_answers, timeout=90, what="the web unit answering")
        wait_for(lambda: "queued telemetry.create_reading_partitions" in log_of("scheduler"), timeout=90)
        wait_for(lambda: "ready for action" in log_of("worker"), timeout=120, what="the worker unit")
        wait_for(lambda: queue.hlen("dramatiq:periodic.msgs") == 0, timeout=60, what="the periodic jobs run")
        wait_for(lambda: "subscriptions granted" in log_of("ingest"), timeout=90, what="the ingest unit subscribed")
        for unit, proc in running.items():
            assert proc.poll() is None, f"{unit} exited: {log_of(unit)[-2000:]}"
        for unit, proc in running.items():
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(90) == 0, f"{unit}: {log_of(unit)[-2000:]}"
    finally:
        for proc in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        broker.terminate()
        broker.wait(10)
