"""Settings and definitions that used to pass `check` and then break: one ROW per case.

Each row is (file, TOML text, what the one problem must say). The file is `sretui.toml` for
settings and `slos.toml` for SLO definitions; the problem must name the file, the line and the
key. To add a case for a new area (runbooks, game days...), add a row, and a loader to LOADERS
if the file is new.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sretui.config.definitions import load_definitions
from sretui.config.problems import Problem
from sretui.config.settings_loader import load_settings

SLO = """\
[[slo]]
name = {name}
service = {service}
objective = {objective}
window = {window}
min_events = {min_events}
[slo.sli]
error_query = {error_query}
total_query = 'sum(rate(http_requests_total[{{{{window}}}}]))'
"""
GOOD = {
    "name": '"checkout-availability"',
    "service": '"checkout"',
    "objective": "99.9",
    "window": '"28d"',
    "min_events": "0",
    "error_query": "'sum(rate(http_requests_total{code=~\"5..\"}[{{window}}]))'",
}


def slo(**changes: str) -> str:
    return SLO.format(**{**GOOD, **changes})


def endpoint(*lines: str) -> str:
    return "[prometheus]\n" + "\n".join(lines) + "\n"


def _settings_problems(config_dir: Path) -> list[Problem]:
    return load_settings(config_dir)[1]


def _definition_problems(config_dir: Path) -> list[Problem]:
    return load_definitions(config_dir).problems


LOADERS: dict[str, Callable[[Path], list[Problem]]] = {
    "sretui.toml": _settings_problems,
    "slos.toml": _definition_problems,
}

# (file, text, line, the message after "path:line: <table>.")
CASES: list[tuple[str, str, int, str]] = [
    ("slos.toml", slo(window='"99999999999d"'), 5, "window: '99999999999d' is longer than 400d"),
    ("slos.toml", slo(window='"30s"'), 5, "window: '30s' is shorter than 1m"),
    ("slos.toml", slo(objective="1e-300"), 4, "objective: 1e-300 has more than 6 decimal places"),
    (
        "slos.toml",
        slo(objective="99.99999999999999"),
        4,
        "objective: 99.99999999999999 has more than 6 decimal places",
    ),
    ("slos.toml", slo(min_events="1e308"), 6, "min_events: 1e+308 is out of range"),
    (
        "slos.toml",
        slo(error_query="'{{window}}'"),
        8,
        "sli.error_query: is only the {{window}} placeholder",
    ),
    ("slos.toml", slo(service='"a\\nb"'), 3, "service: must be on one line"),
    ("slos.toml", slo(name='"a\\u001b[2Jb"'), 2, "name: contains a control character"),
    ("slos.toml", slo(name='"abc\\u202Egpj.exe"'), 2, "name: contains a bidi control (U+202E"),
    ("slos.toml", slo(name=f'"{"n" * 201}"'), 2, "name: is 201 characters long"),
    ("sretui.toml", endpoint('url = "http://127.0.0.1:99999"'), 2, "url: 'http://127.0.0.1:99999'"),
    ("sretui.toml", endpoint('url = "http://127.0.0.1:0"'), 2, "url: 'http://127.0.0.1:0'"),
    ("sretui.toml", endpoint('url = "http://"'), 2, "url: 'http://' names no host"),
    (
        "sretui.toml",
        endpoint('url = "ftp://user:PASS@example.test"'),
        2,
        "url: 'ftp://example.test' must start with http:// or https://",
    ),
    (
        "sretui.toml",
        endpoint('url = "http://x.test"', 'headers = { "X-Org" = "caf\\u00e9" }'),
        3,
        "headers: 'X-Org': the value must be printable ASCII",
    ),
    (
        "sretui.toml",
        endpoint('url = "http://x.test"', 'headers = { "X-Org" = "a\\r\\nX-Evil: 1" }'),
        3,
        "headers: 'X-Org': the value must be printable ASCII",
    ),
    (
        "sretui.toml",
        endpoint('url = "http://x.test"', 'headers = { "X Org" = "a" }'),
        3,
        "headers: 'X Org' is not a valid header name",
    ),
    (
        "sretui.toml",
        endpoint('url = "http://x.test"', "timeout = 0.000001"),
        3,
        "timeout: 1e-06 is out of range: must be between 0.1 and 600",
    ),
    (
        "sretui.toml",
        endpoint('url = "http://x.test"', "timeout = 601"),
        3,
        "timeout: 601 is out of range",
    ),
    (
        "sretui.toml",
        '[incidents.check_in]\nSEV1 = "1ms"\n',
        2,
        "check_in.SEV1: '1ms' is shorter than 1m",
    ),
    (
        "sretui.toml",
        '[keymap]\nquit = "not-a-key!!"\n',
        2,
        "quit: 'not-a-key!!' is not a key name",
    ),
    ("sretui.toml", '[keymap]\nbudgets = "ctrl+bogus"\n', 2, "budgets: 'ctrl+bogus'"),
]


@pytest.mark.parametrize(("file", "text", "line", "message"), CASES)
def test_bad_value_is_one_problem_naming_file_line_and_key(
    tmp_path: Path, file: str, text: str, line: int, message: str
) -> None:
    path = tmp_path / file
    path.write_text(text, encoding="utf-8")
    problems = LOADERS[file](tmp_path)
    shown = [str(problem) for problem in problems]
    # The key is said in full ("slo[1].window", "prometheus.url"): the row names its end.
    assert any(s.startswith(f"{path}:{line}: ") and f".{message}" in s for s in shown), shown
    assert all("PASS" not in s for s in shown)


def test_the_good_rows_are_good(tmp_path: Path) -> None:
    # The base the rows change is valid, so each row's problem is the row's own.
    (tmp_path / "slos.toml").write_text(slo(), encoding="utf-8")
    (tmp_path / "sretui.toml").write_text(endpoint('url = "http://x.test"'), encoding="utf-8")
    assert _definition_problems(tmp_path) == []
    assert _settings_problems(tmp_path) == []


def test_a_refused_quit_key_keeps_ctrl_q(tmp_path: Path) -> None:
    (tmp_path / "sretui.toml").write_text('[keymap]\nquit = "not-a-key!!"\n', encoding="utf-8")
    settings_, _ = load_settings(tmp_path)
    assert "quit" not in settings_.keymap


@pytest.mark.parametrize("file", sorted(LOADERS))
def test_a_utf8_bom_is_accepted(tmp_path: Path, file: str) -> None:
    text = slo() if file == "slos.toml" else endpoint('url = "http://x.test"')
    (tmp_path / file).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert LOADERS[file](tmp_path) == []


# -- any TOML: a value or a clear problem, never a traceback ----------------------------------

_scalars = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["99999999999d", "1ms", "0s", "28d", "http://", "{{window}}", "[/]"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = {
    "sretui.toml": [
        "user",
        "on_call",
        "data_dir",
        "prometheus",
        "alertmanager",
        "refresh",
        "keymap",
        "incidents",
    ],
    "slos.toml": ["slo"],
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, str):
        return (
            '"'
            + "".join(
                c
                if c.isalnum() or c in " -_.:/[]{}"
                else f"\\u{ord(c):04x}"
                if ord(c) < 0x10000
                else f"\\U{ord(c):08x}"
                for c in value
            )
            + '"'
        )
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _slo_fields() -> st.SearchStrategy[dict[str, object]]:
    keys = [
        "name",
        "service",
        "objective",
        "window",
        "calendar",
        "min_events",
        "sli",
        "alerts",
        "policy",
        "description",
        "owner",
    ]
    return st.dictionaries(st.sampled_from(keys), _values, max_size=8)


@pytest.mark.parametrize("file", sorted(_KEYS))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_toml_gives_a_value_or_a_clear_problem(
    tmp_path: Path, file: str, data: st.DataObject
) -> None:
    if file == "slos.toml":
        tables = data.draw(st.lists(_slo_fields(), max_size=2))
        document: dict[str, object] = {"slo": tables}
    else:
        document = data.draw(st.dictionaries(st.sampled_from(_KEYS[file]), _values, max_size=5))
    text = "\n".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in document.items())
    tomllib.loads(text)  # the generator writes valid TOML; the loader must judge the values
    (tmp_path / file).write_text(text, encoding="utf-8")
    problems = LOADERS[file](tmp_path)  # no exception of any kind
    for problem in problems:
        assert problem.path == tmp_path / file
        assert "\n" not in problem.message and "Traceback" not in problem.message


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200))
def test_any_bytes_give_a_value_or_a_clear_problem(tmp_path: Path, raw: bytes) -> None:
    for file in LOADERS:
        (tmp_path / file).write_bytes(raw)
        for problem in LOADERS[file](tmp_path):
            assert "\n" not in problem.message


# (where the secret file is named, its mode, whether sretui must say so): as ssh does for keys
SECRET_FILE_MODES = [
    ("bearer_token_file", 0o600, False),
    ("bearer_token_file", 0o640, True),
    ("bearer_token_file", 0o644, True),
    ("password_file", 0o400, False),
    ("password_file", 0o604, True),
]


@pytest.mark.parametrize(("key", "mode", "said"), SECRET_FILE_MODES)
def test_a_secret_file_others_can_read_is_said(
    tmp_path: Path, key: str, mode: int, said: bool
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-value\n")
    secret.chmod(mode)
    lines = ['url = "http://x.test"']
    if key == "bearer_token_file":
        lines.append(f'bearer_token_file = "{secret}"')
    else:
        lines += ["[prometheus.basic_auth]", 'username = "u"', f'password_file = "{secret}"']
    (tmp_path / "sretui.toml").write_text(endpoint(*lines), encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    shown = [str(problem) for problem in problems]
    assert settings.prometheus is not None  # still used: the problem is said, not fatal
    if said:
        [line] = shown
        assert f".{key}: {secret} can be read by" in line and "chmod 600" in line
        assert f"mode {mode:04o}" in line and "s3cr3t" not in line
    else:
        assert shown == []
