import sys
from pathlib import Path

import pytest
from conftest import write

from sretui.config.paths import resolve_config_dir, resolve_data_dir
from sretui.config.settings import BasicAuth
from sretui.config.settings_loader import load_settings
from sretui.sources.http import read_secret


def _password(auth: BasicAuth) -> str | None:
    """What the HTTP client sends: the file's content when a file is given."""
    return read_secret(auth.password_file) if auth.password_file else auth.password


def test_missing_settings_file_gives_defaults(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.prometheus is None
    assert settings.refresh.budgets == 30.0
    assert settings.user


def test_full_settings(tmp_path: Path) -> None:
    token = write(tmp_path / "token", "s3cret\n")
    token.chmod(0o600)  # a secret others can read is a problem (tests/faults/test_settings_faults)
    write(
        tmp_path / "sretui.toml",
        """
user = "ada"
on_call = ["ada", "grace"]
data_dir = "state"
[prometheus]
url = "https://mimir.example/prometheus/"
headers = { "X-Scope-OrgID" = "team-a" }
bearer_token_file = "token"
timeout = 5
[alertmanager]
url = "http://127.0.0.1:9093"
[alertmanager.basic_auth]
username = "am"
password = "pw"
[refresh]
budgets = 60
[keymap]
budgets = "b"
""",
    )
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.user == "ada"
    assert settings.on_call == ("ada", "grace")
    assert settings.data_dir == tmp_path / "state"
    assert settings.prometheus is not None
    assert settings.prometheus.url == "https://mimir.example/prometheus"
    assert dict(settings.prometheus.headers) == {"X-Scope-OrgID": "team-a"}
    assert settings.prometheus.bearer_token_file == token
    assert read_secret(settings.prometheus.bearer_token_file) == "s3cret"
    assert settings.prometheus.timeout == 5
    assert settings.alertmanager is not None
    assert settings.alertmanager.basic_auth is not None
    assert _password(settings.alertmanager.basic_auth) == "pw"
    assert settings.refresh.budgets == 60
    assert settings.refresh.health == 10
    assert dict(settings.keymap) == {"budgets": "b"}


def test_every_problem_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sretui.toml",
        """user = "x"
tiemout = 3
[prometheus]
url = "localhost:9090"
timeout = "10s"
bearer_token_file = "missing-token"
headers = { Authorization = "Bearer abc" }
[refresh]
budgets = 0
[keymap]
budgetz = "b"
""",
    )
    settings, problems = load_settings(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:2: tiemout: unknown key (known keys: alertmanager, data_dir, incidents, keymap, "
        "on_call, prometheus, refresh, user)",
        f"{path}:4: prometheus.url: 'localhost:9090' must start with http:// or https://",
        f"{path}:5: prometheus.timeout: expected a number, got the string '10s'",
        f"{path}:6: prometheus.bearer_token_file: {tmp_path / 'missing-token'} does not exist",
        f"{path}:7: prometheus.headers: put credentials in bearer_token_file or [basic_auth], "
        "not in headers (headers may be shown in diagnostics)",
        f"{path}:9: refresh.budgets: 0 is out of range: must be between 0.2 and 86400",
        f"{path}:11: keymap.budgetz: no binding has this id; did you mean 'budgets'? "
        "(? in the app lists them)",
    ]
    # Broken settings still give a usable object: the app opens and shows the problems.
    assert settings.user == "x"
    assert settings.prometheus is None
    assert settings.refresh.budgets == 30.0


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    path = write(tmp_path / "sretui.toml", '[prometheus]\nurl = "http://a"\ntimout = 3\n')
    _, problems = load_settings(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:3: prometheus.timout: unknown key; did you mean 'timeout'?"
    ]


def test_broken_toml_gives_defaults_and_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "sretui.toml", 'user = "x"\n[prometheus\nurl = 1\n')
    settings, problems = load_settings(tmp_path)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:2: invalid TOML:")
    assert settings.prometheus is None


def test_basic_auth_password_file_and_conflicts(tmp_path: Path) -> None:
    write(tmp_path / "pw", "hunter2\n").chmod(0o600)
    write(
        tmp_path / "sretui.toml",
        '[prometheus]\nurl = "http://a"\n[prometheus.basic_auth]\nusername = "u"\n'
        'password_file = "pw"\n',
    )
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.prometheus and settings.prometheus.basic_auth
    assert _password(settings.prometheus.basic_auth) == "hunter2"
    path = write(
        tmp_path / "sretui.toml",
        '[prometheus]\nurl = "http://a"\n[prometheus.basic_auth]\nusername = "u"\n'
        'password = "x"\npassword_file = "pw"\n',
    )
    _, problems = load_settings(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:5: prometheus.basic_auth.password: set either password or password_file, not both"
    ]


def test_directory_precedence(tmp_path: Path) -> None:
    env = {
        "SRETUI_CONFIG_DIR": str(tmp_path / "env-config"),
        "SRETUI_DATA_DIR": str(tmp_path / "env-data"),
    }
    assert resolve_config_dir(str(tmp_path / "flag"), env) == tmp_path / "flag"
    assert resolve_config_dir(None, env) == tmp_path / "env-config"
    assert resolve_data_dir(str(tmp_path / "flag"), tmp_path / "toml", env) == tmp_path / "flag"
    assert resolve_data_dir(None, tmp_path / "toml", env) == tmp_path / "env-data"
    assert resolve_data_dir(None, tmp_path / "toml", {}) == tmp_path / "toml"
    default = resolve_data_dir(None, None, {})
    assert default.name == "sretui"
    assert resolve_config_dir(None, {}).name == "sretui"


def test_check_in_cadence(tmp_path: Path) -> None:
    from datetime import timedelta

    settings, problems = load_settings(tmp_path)
    assert dict(settings.check_in) == {
        "SEV1": timedelta(minutes=15),
        "SEV2": timedelta(minutes=30),
    }
    path = write(
        tmp_path / "sretui.toml",
        '[incidents]\ncheck_in = { SEV1 = "10m", SEV3 = "2h", SEV9 = "1m", SEV2 = "soon" }\n',
    )
    settings, problems = load_settings(tmp_path)
    assert dict(settings.check_in) == {"SEV1": timedelta(minutes=10), "SEV3": timedelta(hours=2)}
    assert [str(p) for p in problems] == [
        f"{path}:2: incidents.check_in.SEV2: 'soon' is not a duration; expected e.g. '5m', "
        "'1h30m', '30d'",
        f"{path}:2: incidents.check_in.SEV9: unknown key; did you mean 'SEV4'?",
    ]


def test_keymap_clashes_and_ctrl_q_are_reported_with_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sretui.toml",
        """user = "x"
[keymap]
"incidents.note" = "n"
"incidents.pin" = "ctrl+q"
"declare.submit" = "ctrl+d"
""",
    )
    settings, problems = load_settings(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:3: keymap.incidents.note: n is also bound to incidents.declare on the "
        "incidents screen",
        f"{path}:4: keymap.incidents.pin: ctrl+q is reserved for quit: pick another key",
    ]
    # Dialog bindings are ids like the others; the keymap is kept as written.
    assert settings.keymap["declare.submit"] == "ctrl+d"


def test_default_keys_do_not_clash() -> None:
    from sretui.keys import keymap_clashes

    assert keymap_clashes({}) == {}
    assert keymap_clashes({"quit": "ctrl+q"}) == {}
    assert keymap_clashes({"budgets.refresh": "2"}) == {
        "budgets.refresh": ["2 is also bound to incidents on the budgets screen"]
    }


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG defaults are worked out on Linux")
@pytest.mark.parametrize("value", [None, "", "relative/dir", "/abs/xdg", "/abs/xdg/"])
def test_linux_defaults_are_platformdirs_own(
    value: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the default dirs are worked out without platformdirs (it costs 8 ms of every
    command): they must be the ones platformdirs gives, for every form of the XDG variables."""
    import platformdirs

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    assert resolve_config_dir(None) == platformdirs.user_config_path("sretui")
    assert resolve_data_dir(None, None) == platformdirs.user_data_path("sretui")
    expected = "/abs/xdg" if value and value.startswith("/") else str(tmp_path / "home")
    assert str(resolve_config_dir(None)).startswith(expected)
