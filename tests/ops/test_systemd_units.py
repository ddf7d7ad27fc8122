"""The shipped systemd units (deploy/systemd/): the stack's service, and the nightly backup service and
timer with retention. `systemd-analyze verify` checks them when the machine has it (paths to the
installed project are rewritten to this checkout); the backup's command and schedule are read too."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_the_backup_runs_nightly_and_keeps_two_weeks():
    timer, service = _unit("shanhai-backup.timer"), _unit("shanhai-backup.service")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00" and timer["Timer"]["Persistent"] == "true"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("shanhai backup --keep 14")
    assert _unit("shanhai.service")["Service"]["ExecStart"].endswith("shanhai serve")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    venv = ROOT / ".venv" / "bin"
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8").replace("/opt/shanhai/.venv/bin", str(venv))
        text = text.replace("/opt/shanhai", str(ROOT)).replace("User=shanhai", "User=root").replace(
            "Group=shanhai", "Group=root").replace(f"{ROOT}/.env", str(tmp_path / "env"))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    (tmp_path / "env").write_text("")
    done = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.glob("shanhai*"))],
                          capture_output=True, text=True, timeout=120)
    problems = [line for line in (done.stderr + done.stdout).splitlines()
                if "shanhai" in line and "postgresql.service" not in line]
    assert done.returncode == 0 or not problems, done.stderr
    assert not problems, problems
