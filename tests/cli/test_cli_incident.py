"""`sretui incident ...` as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SRETUI_DATA_DIR": str(data), "SRETUI_CONFIG_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "sretui", "incident", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _new(data: Path, *args: str) -> str:
    result = run(data, "new", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_declare_from_the_matrix_and_walk_the_lifecycle(tmp_path: Path) -> None:
    (tmp_path / "sretui.toml").write_text('user = "ada"\n')
    incident_id = _new(
        tmp_path,
        "--title", "Checkout is down",
        "--broken", "degraded",
        "--users", "some",
        "--trigger", "sla-breach-imminent",
        "--service", "checkout",
    )  # fmt: skip
    assert incident_id.startswith("INC-")
    shown = json.loads(run(tmp_path, "show", incident_id[-4:], "--json").stdout)
    assert shown["severity"] == "SEV2"  # degraded x under 25% = SEV3, raised one level
    assert shown["roles"]["incident_commander"] == ["ada"]
    assert shown["channel"].startswith("#inc-") and shown["channel"].endswith("-checkout-is-down")

    assert run(tmp_path, "note", incident_id, "rolled back 1234").returncode == 0
    assert run(tmp_path, "role", incident_id, "comms", "grace").returncode == 0
    assert run(tmp_path, "status", incident_id, "mitigated").returncode == 0
    refused = run(tmp_path, "status", incident_id, "resolved")
    assert refused.returncode == 2
    assert "root cause" in refused.stderr
    done = run(tmp_path, "status", incident_id, "resolved", "--root-cause", "bad config push")
    assert done.stdout.strip() == f"{incident_id}: resolved"

    shown = json.loads(run(tmp_path, "show", incident_id, "--json").stdout)
    assert shown["status"] == "resolved"
    assert shown["roles"]["communications_lead"] == ["grace"]
    assert [e["kind"] for e in shown["timeline"]] == [
        "declared", "note", "role_assigned", "status_changed", "status_changed"
    ]  # fmt: skip
    assert shown["root_cause"] == "bad config push"
    assert run(tmp_path, "list").stdout.strip() == "No open incidents."
    listed = run(tmp_path, "list", "--all").stdout.splitlines()
    assert listed[1].split()[:3] == [incident_id, "SEV2", "resolved"]

    postmortem = run(tmp_path, "postmortem", incident_id)
    assert postmortem.returncode == 0
    assert postmortem.stdout.startswith("# ")
    assert "bad config push" in postmortem.stdout


def test_severity_override_needs_a_reason(tmp_path: Path) -> None:
    result = run(
        tmp_path, "new", "--title", "T", "--broken", "cosmetic", "--users", "one",
        "--severity", "SEV1",
    )  # fmt: skip
    assert result.returncode == 2
    assert "reason" in result.stderr
    incident_id = _new(
        tmp_path, "--title", "T", "--broken", "cosmetic", "--users", "one",
        "--severity", "SEV1", "--reason", "CEO demo in an hour",
    )  # fmt: skip
    shown = json.loads(run(tmp_path, "show", incident_id, "--json").stdout)
    assert shown["severity"] == "SEV1"
    assert "CEO demo in an hour" in shown["severity_reason"]


def test_bad_input_gets_clear_errors(tmp_path: Path) -> None:
    incident_id = _new(tmp_path, "--title", "T", "--severity", "SEV3")
    cases = [
        (("new", "--title", "T"), "give --severity"),
        (("new", "--title", "T", "--broken", "core"), "--broken and --users go together"),
        (("role", incident_id, "wizard", "bob"), "unknown role 'wizard'"),
        (("status", incident_id, "exploded"), "exploded"),
        (("show", "nope"), "no incident 'nope'"),
        (("note", incident_id, ""), "note"),
    ]
    for args, message in cases:
        result = run(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_every_enum_flag_names_the_accepted_values_without_a_traceback(tmp_path: Path) -> None:
    cases = [
        (("new", "--title", "x", "--severity", "SEV9"), "argument --severity: unknown severity "
         "'SEV9'; accepted: SEV1, SEV2, SEV3, SEV4"),
        (("new", "--title", "x", "--broken", "meh", "--users", "all"), "accepted: core, "
         "degraded, non-core, cosmetic"),
        (("new", "--title", "x", "--broken", "core", "--users", "lots"), "accepted: one, some, "
         "many, all"),
        (("new", "--title", "x", "--broken", "core", "--users", "all", "--trigger", "boom"),
         "accepted: data-loss, security-breach-pii, revenue-impact, sla-breach-imminent"),
        (("role", "abcd", "chief", "ada"), "argument ROLE: unknown role 'chief'; accepted: "
         "incident_commander, communications_lead"),
        (("status", "abcd", "done"), "argument STATUS: unknown status 'done'; accepted: "
         "detected, triaged, responding, mitigated, resolved, reviewed"),
    ]  # fmt: skip
    for args, expected in cases:
        result = run(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_keymap_clash_is_reported_by_check_with_path_and_line(tmp_path: Path) -> None:
    toml = tmp_path / "sretui.toml"
    toml.write_text('user = "ada"\n[keymap]\n"incidents.note" = "n"\n')
    env = {**os.environ, "SRETUI_DATA_DIR": str(tmp_path), "SRETUI_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "sretui", "check"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert f"{toml}:3: keymap.incidents.note: n is also bound to incidents.declare" in (
        result.stdout
    )
