"""The `bidforge` executable's commands, run as an operator would (the debug build `scripts/test` made)."""
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("BIDFORGE_BIN", ROOT / ".build/debug/bidforge"))
pytestmark = pytest.mark.skipif(not BINARY.exists(), reason="build bidforge first (swift build)")


def run(*args, **env):
    data = tempfile.mkdtemp()
    environment = dict(os.environ, DATA_DIR=data, DATABASE_URL=f"sqlite://{data}/cli.sqlite", LOG_LEVEL="error", BCRYPT_COST="4")
    environment.update(env)
    return subprocess.run([str(BINARY), *args], env=environment, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_seed_refuses_a_production_database_unless_forced():
    production = dict(APP_ENV="production", JWT_SECRET="x" * 48, BCRYPT_COST="12", AUTO_MIGRATE="true")
    refused = run("seed", "--companies", "4", "--projects", "2", **production)
    assert refused.returncode == 1, refused.stderr  # a clean failure, not a crash (SIGILL)
    assert "Program crashed" not in refused.stderr
    assert "APP_ENV is production" in refused.stdout + refused.stderr
    assert "Demo logins" not in refused.stdout


def test_seed_gives_the_operator_a_random_password_shown_once():
    first = run("seed", "--companies", "4", "--projects", "3", "--bids-per-project", "1")
    second = run("seed", "--companies", "4", "--projects", "3", "--bids-per-project", "1")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    passwords = []
    for result in (first, second):
        line = next(l for l in result.stdout.splitlines() if l.startswith("Platform operator:"))
        passwords.append(line.split("password ")[1].split(" ")[0])
        assert "bidforge-demo-1" not in line
    assert passwords[0] != passwords[1] and all(len(p) >= 16 for p in passwords)


def test_maintain_has_nothing_to_do_on_sqlite():
    result = run("maintain", AUTO_MIGRATE="true")
    assert result.returncode == 0, result.stderr
    assert "SQLite keeps bids in one table" in result.stdout


def test_archive_refuses_sqlite_with_a_reason():
    result = run("archive", "--older-than", "2y", AUTO_MIGRATE="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Program crashed" not in result.stderr
    assert "archive moves rows into PostgreSQL's archive tables" in result.stdout + result.stderr
