"""The `sretui` command as a user runs it: a real subprocess, real exit codes, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write

from sretui import __version__


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SRETUI_CONFIG_DIR", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "sretui", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"sretui {__version__}"


def test_help_lists_every_subcommand() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("check", "budget", "incident", "runbook", "handoff", "toil", "gameday"):
        assert f"    {command}" in result.stdout
    assert "--config-dir" in result.stdout and "--prometheus URL" in result.stdout


def test_each_area_command_has_help_and_json() -> None:
    for command in ("budget", "incident list", "runbook", "handoff", "toil", "gameday"):
        result = run(*command.split(), "--help")
        assert result.returncode == 0, result.stderr
        assert "--json" in result.stdout


def test_area_command_not_built_says_so() -> None:
    result = run("toil")
    assert result.returncode == 2
    # One "sretui:" prefix, not "sretui: sretui toil: ..."
    assert result.stderr.startswith("sretui: toil: not built yet"), result.stderr
    assert "Traceback" not in result.stderr


def test_budget_help_names_no_file_users_do_not_have() -> None:
    result = run("budget", "--help")
    assert result.returncode == 0
    assert "DESIGN" not in result.stdout


def test_incident_usage_is_complete_from_the_top_level() -> None:
    """The incident parser is only built for `incident`; its help and errors are whole."""
    result = run("incident", "new", "--title", "x", "--severity", "SEV9")
    assert result.returncode == 2 and "SEV1" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "incident" in run("--help").stdout


def test_check_passes_on_examples(config_dir: Path) -> None:
    result = run("check", "--config-dir", str(config_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 problems" in result.stderr
    assert "6 SLOs, 2 runbooks, 1 game-day plans valid" in result.stderr


def test_check_prints_path_line_message_and_exits_1(config_dir: Path) -> None:
    slos = config_dir / "slos.toml"
    text = slos.read_text().replace("objective = 99.9\n", "objective = 199.9\n", 1)
    slos.write_text(text)
    line = text.splitlines().index("objective = 199.9") + 1
    broken = write(config_dir / "gamedays" / "broken.toml", "title = 'x'\nhypothesis = \n")
    result = run("check", "--config-dir", str(config_dir))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{slos}:{line}: slo[1].objective: 199.9 is out of range: must be between 0 and 100 "
        "(exclusive)",
        f"{broken}:2: invalid TOML: Invalid value",
    ]
    assert "2 problems" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_json(config_dir: Path) -> None:
    write(config_dir / "sretui.toml", "user = 1\n")
    result = run("check", "--json", "--config-dir", str(config_dir))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["problems"] == [
        {
            "path": str(config_dir / "sretui.toml"),
            "line": 1,
            "message": "user: expected a string, got the number 1",
        }
    ]
    assert str(config_dir / "slos.toml") in payload["files"]


def test_check_missing_config_dir(tmp_path: Path) -> None:
    result = run("check", "--config-dir", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert result.stdout.strip() == f"{tmp_path / 'nope'}: config dir does not exist"


def test_config_dir_from_environment(config_dir: Path) -> None:
    write(config_dir / "sretui.toml", "bogus = 1\n")
    result = run("check", env={"SRETUI_CONFIG_DIR": str(config_dir)})
    assert result.returncode == 1
    assert result.stdout.startswith(f"{config_dir / 'sretui.toml'}:1: bogus: unknown key")


def test_flags_work_before_and_after_the_subcommand(config_dir: Path) -> None:
    before = run("--config-dir", str(config_dir), "check")
    after = run("check", "--config-dir", str(config_dir))
    assert before.returncode == after.returncode == 0
    assert before.stderr == after.stderr


def test_bad_flag_is_a_usage_error() -> None:
    result = run("--prometheus", "localhost:9090", "check")
    assert result.returncode == 2
    assert "argument --prometheus: 'localhost:9090' is not a URL" in result.stderr
    result = run("check", "--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr
