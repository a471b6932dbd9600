"""The API fuzzed from its own published spec: a seeded city served on a free port, and
Schemathesis run against it from the command line, as a city's own API tooling would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.servers import free_port

HERE = Path(__file__).parent
ROLES = ("admin", "dispatcher", "operator1", "driver", "resident1")
PASSWORD = "recyclenet-demo"
# Examples per operation in the fuzzing phase; the coverage phase is exhaustive by design
# (every bound, every enum, every missing header) whatever this is.
MAX_EXAMPLES = int(os.environ.get("RECYCLENET_FUZZ_EXAMPLES", "4"))
# PATCH /me can change the caller's own password and POST /auth/logout ends its session:
# either signs the fuzzer out for the rest of the run. tests/backend/accounts cover both.
# (Schemathesis ANDs the two options: PATCH or POST, on one of these paths.)
EXCLUDE = ["--exclude-path-regex", "/api/v1/(me|auth/logout)$", "--exclude-method-regex", "^(PATCH|POST)$"]


@dataclass
class FuzzRun:
    returncode: int
    output: str

    def cases(self) -> tuple[int, int]:
        """(generated, passed) from the summary's "Test cases:" line."""
        m = re.search(r"Test cases:\s*\n\s*(\d+) generated, (\d+) passed", self.output)
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)

    @property
    def operations(self) -> int:
        m = re.search(r"Tested: (\d+)", self.output)
        return int(m.group(1)) if m else 0


@pytest.fixture
def live_city(fresh_db_url):
    """Serve a freshly seeded demo city; yields (app, base URL). One per test: a fuzzer
    writes, and each run starts from the same city."""

    def start(backend: str):
        from backend.app import create_app
        from backend.core.extensions import db
        from backend.demo.seed import seed_demo_city
        from tests.conftest import _test_settings

        app = create_app({**_test_settings(), "DATABASE_URL": fresh_db_url(backend), "PLAN_TIME_LIMIT_S": 1})
        with app.app_context():
            seed_demo_city(db.session(), seed=3, n_bins=20)
        db.session.remove()
        port = free_port()
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return app, f"http://127.0.0.1:{port}"

    servers: list = []
    yield start
    for server in servers:
        server.shutdown()


def sign_in(base: str, username: str) -> str:
    import json
    import urllib.request

    req = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["access_token"]


def schemathesis(base: str, token: str, *extra: str) -> FuzzRun:
    """Every phase a city's tooling would run, every check, and our own check (st_hooks)."""
    exe = Path(sys.executable).parent / "schemathesis"
    cmd = [
        str(exe),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{base}/api/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        "coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--no-color",
        *EXCLUDE,
        *extra,
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.api.st_hooks", "PYTHONPATH": str(HERE.parent.parent)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    return FuzzRun(done.returncode, done.stdout + done.stderr)


def fuzz_as(live_city, backend: str, role: str) -> FuzzRun:
    """Fuzz the whole API as ``role`` on ``backend``; fail with Schemathesis' own report."""
    _app, base = live_city(backend)
    run = schemathesis(base, sign_in(base, role))
    summary = run.output[run.output.find("SUMMARY") :] if "SUMMARY" in run.output else run.output[-3000:]
    generated, passed = run.cases()
    print(f"\n[{backend} as {role}] {run.operations} operations, {generated} test cases\n{summary}")
    assert run.returncode == 0, run.output[-20000:]
    assert run.operations >= 40, "the spec lost its operations, or the filters took them"
    assert generated > 0 and passed == generated
    return run
