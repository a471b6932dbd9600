"""`recyclenet twin`: options that cannot work together are refused before anything runs."""

from __future__ import annotations

import pytest


@pytest.fixture
def runner(tmp_path):
    from backend.app import create_app
    from tests.conftest import _test_settings

    app = create_app({**_test_settings(), "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", "REDIS_URL": ""})
    return app.test_cli_runner()


def test_a_sweep_on_the_workers_without_redis_url_is_a_clear_error(runner, tmp_path):
    """--on-workers without REDIS_URL: a usage error naming the option and the setting, and nothing run or written."""
    from backend.twin.cli import twin_command

    report = tmp_path / "report"
    result = runner.invoke(twin_command, ["--sweep", "--seeds", "2", "--on-workers", "--report", str(report)])
    assert result.exit_code == 2
    assert "--on-workers" in result.output and "needs REDIS_URL" in result.output
    assert not report.exists()
