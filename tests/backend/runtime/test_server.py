"""`recyclenet serve`: gunicorn over our app with our settings, forwarded headers trusted as the
app trusts them, bodies bounded with a JSON 413."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from backend.core.config import finalize, load_settings
from backend.runtime.server import Server, gunicorn_options
from tests.support.processes import RecyclenetProcess, recyclenet_env, wait_for
from tests.support.servers import free_port


def settings(**overrides) -> dict:
    return {**finalize(load_settings("test", environ={}), "/tmp/recyclenet-unused"), **overrides}


def test_gunicorn_takes_workers_threads_timeout_and_bind_from_settings_and_the_options_win():
    """SERVER_* settings fill gunicorn's; a command-line option overrides its setting."""
    config = settings(SERVER_BIND="0.0.0.0:8000", SERVER_WORKERS=3, SERVER_THREADS=5, SERVER_TIMEOUT_S=45)
    cfg = Server(None, gunicorn_options(config)).cfg
    assert (cfg.bind, cfg.workers, cfg.threads, cfg.timeout) == (["0.0.0.0:8000"], 3, 5, 45)
    cfg = Server(None, gunicorn_options(config, bind=["unix:/tmp/rn.sock"], workers=1, threads=2, timeout=9)).cfg
    assert (cfg.bind, cfg.workers, cfg.threads, cfg.timeout) == (["unix:/tmp/rn.sock"], 1, 2, 9)
    assert cfg.worker_class_str == "gthread"


@pytest.mark.parametrize(("trusted", "allowed"), [(0, []), (1, ["*"]), (2, ["*"])])
def test_gunicorn_believes_a_proxys_scheme_header_exactly_when_the_app_trusts_proxies(trusted, allowed):
    """TRUSTED_PROXIES 0: gunicorn takes X-Forwarded-Proto from nobody (as the app ignores
    X-Forwarded-*); above 0: from the peer, the proxy. Never SCRIPT_NAME or PATH_INFO."""
    cfg = Server(None, gunicorn_options(settings(TRUSTED_PROXIES=trusted))).cfg
    assert cfg.forwarded_allow_ips == allowed
    assert cfg.forwarder_headers == []


def _post(url: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/api/openapi.json", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("mode", [[], ["--dev"]], ids=["gunicorn", "dev"])
def test_the_served_api_refuses_a_body_over_the_limit_with_a_json_413(fresh_db_url, mode):
    """Over MAX_CONTENT_LENGTH: 413 with the API's error body; under it, the request is read."""
    port = free_port()
    env = recyclenet_env(fresh_db_url("sqlite"), "", RECYCLENET_MAX_CONTENT_LENGTH=2048)
    server = RecyclenetProcess(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", *mode], env).start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base), what="the server to answer")
        status, body = _post(f"{base}/api/v1/auth/token", json.dumps({"username": "x" * 4000}).encode())
        assert status == 413 and body["code"] == 413 and "2048 bytes" in body["message"]
        status, body = _post(f"{base}/api/v1/auth/token", json.dumps({"username": "nobody", "password": "x"}).encode())
        assert status == 401
        spec = json.load(urllib.request.urlopen(base + "/api/openapi.json"))
        assert "2048 bytes" in spec["paths"]["/api/v1/plans"]["post"]["responses"]["413"]["description"]
    finally:
        server.close()
