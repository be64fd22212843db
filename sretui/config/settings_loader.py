"""Load sretui.toml into `Settings`."""

from __future__ import annotations

import os
import re
import urllib.parse
from datetime import timedelta
from pathlib import Path

from sretui.config.problems import ConfigError, Problem
from sretui.config.schema import Reader
from sretui.config.settings import (
    DEFAULT_CHECK_IN,
    BasicAuth,
    Endpoint,
    RefreshSettings,
    Settings,
)
from sretui.config.tomlfile import read_toml
from sretui.domain.endpoint import redact_url

SETTINGS_FILE = "sretui.toml"


def default_user() -> str:
    import getpass  # here, not at the top: it imports termios, which only this needs

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return os.environ.get("USER") or "unknown"


def load_settings(config_dir: Path) -> tuple[Settings, list[Problem]]:
    """Read `config_dir/sretui.toml`. A missing file gives the defaults; a broken one gives the
    defaults plus the problems, so the app still opens and says what is wrong."""
    path = config_dir / SETTINGS_FILE
    if not path.exists():
        return Settings(user=default_user()), []
    try:
        doc = read_toml(path)
    except ConfigError as exc:
        return Settings(user=default_user()), [exc.problem]
    problems: list[Problem] = []
    root = Reader.root(doc, problems)
    base = path.parent
    user = root.string("user") or default_user()
    on_call = root.string_list("on_call")
    data_dir = root.path("data_dir", base=base)
    prometheus = _endpoint(root.table("prometheus"), base)
    alertmanager = _endpoint(root.table("alertmanager"), base)
    refresh = _refresh(root.table("refresh"))
    keymap = _keymap(root.table("keymap"))
    check_in = _check_in(root.table("incidents"))
    root.finish()
    problems.sort(key=lambda p: p.line or 0)
    settings = Settings(
        user=user,
        on_call=on_call,
        data_dir=data_dir,
        prometheus=prometheus,
        alertmanager=alertmanager,
        refresh=refresh,
        keymap=keymap,
        source_path=path,
        check_in=check_in if check_in is not None else dict(DEFAULT_CHECK_IN),
    )
    return settings, problems


# RFC 9110 5.6.2: a field name is a token; 5.5: a field value is visible ASCII, space and tab
# (obs-text is obsolete and httpx refuses non-ASCII), and may not start or end with whitespace.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20\x21-\x7e\t]*[\x21-\x7e])?)?")


def _url_problem(url: str) -> str | None:
    """Why `url` cannot be a backend address, said without its user:password part."""
    parts = urllib.parse.urlsplit(url)
    shown = redact_url(url)
    if parts.scheme not in ("http", "https"):
        return f"{shown!r} must start with http:// or https://"
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # urllib says "Port out of range 0-65535" or "Port could not be cast"
        return f"{shown!r}: the port must be a number from 1 to 65535"
    if not host:
        return f"{shown!r} names no host"
    if port == 0:
        return f"{shown!r}: the port must be a number from 1 to 65535"
    if any(ord(char) < 33 or ord(char) == 127 for char in url):
        return f"{shown!r} contains a space or control character"
    return None


def _header_problem(name: str, value: str) -> str | None:
    if not _TOKEN.fullmatch(name):
        return f"{name!r} is not a valid header name (letters, digits and !#$%&'*+-.^_`|~)"
    if not _FIELD_VALUE.fullmatch(value):
        return (
            f"{name!r}: the value must be printable ASCII without line breaks or "
            "leading/trailing spaces"
        )
    return None


def _check_private(table: Reader, key: str, path: Path | None) -> None:
    """A secret file that group or others may read is a problem (as ssh says of a key): the
    endpoint still works, and `check` and the overview say it until the file is 0600."""
    if path is None:
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # a missing file is already said by `path(..., must_exist=True)`
    if mode & 0o077:
        table.problem(
            key,
            f"{path} can be read by {'group and others' if mode & 0o007 else 'its group'} "
            f"(mode {mode & 0o777:04o}); it holds a secret: chmod 600 {path}",
        )


def _endpoint(table: Reader | None, base: Path) -> Endpoint | None:
    if table is None:
        return None
    url = table.string("url", required=True)
    if url is not None:
        url_problem = _url_problem(url)
        if url_problem is not None:
            table.problem("url", url_problem)
            url = None
    headers = table.string_map("headers")
    for name, value in headers.items():
        header_problem = _header_problem(name, value)
        if header_problem is not None:
            table.problem("headers", header_problem)
        if name.lower() == "authorization":
            table.problem(
                "headers",
                "put credentials in bearer_token_file or [basic_auth], not in headers "
                "(headers may be shown in diagnostics)",
            )
    bearer = table.path("bearer_token_file", base=base, must_exist=True)
    _check_private(table, "bearer_token_file", bearer)
    ca_file = table.path("ca_file", base=base, must_exist=True)
    timeout = table.number("timeout", default=10.0, minimum=0.1, maximum=600)
    auth_table = table.table("basic_auth")
    basic_auth = None
    if auth_table is not None:
        username = auth_table.string("username", required=True)
        password = auth_table.string("password", allow_empty=True)
        password_file = auth_table.path("password_file", base=base, must_exist=True)
        _check_private(auth_table, "password_file", password_file)
        if password is not None and password_file is not None:
            auth_table.problem("password", "set either password or password_file, not both")
        auth_table.finish()
        if username is not None:
            basic_auth = BasicAuth(username, password, password_file)
    if bearer is not None and basic_auth is not None:
        table.problem("bearer_token_file", "set either bearer_token_file or [basic_auth]")
    table.finish()
    if url is None:
        return None
    return Endpoint(
        url=url.rstrip("/"),
        headers=headers,
        bearer_token_file=bearer,
        basic_auth=basic_auth,
        ca_file=ca_file,
        timeout=timeout or 10.0,
    )


def _refresh(table: Reader | None) -> RefreshSettings:
    defaults = RefreshSettings()
    if table is None:
        return defaults

    def seconds(key: str, default: float) -> float:
        value = table.number(key, default=default, minimum=0.2, maximum=86400)
        return default if value is None else value

    refresh = RefreshSettings(
        budgets=seconds("budgets", defaults.budgets),
        alerts=seconds("alerts", defaults.alerts),
        health=seconds("health", defaults.health),
        state=seconds("state", defaults.state),
    )
    table.finish()
    return refresh


SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


def _check_in(table: Reader | None) -> dict[str, timedelta] | None:
    """[incidents] check_in = { SEV1 = "15m", SEV2 = "30m" }: how often a status update is due.
    Severities left out get no timer. None when the table is absent (the defaults apply)."""
    if table is None:
        return None
    cadence_table = table.table("check_in")
    table.finish()
    if cadence_table is None:
        return None
    cadence: dict[str, timedelta] = {}
    cadence_table.allow(*SEVERITIES)
    for key in SEVERITIES:
        value = (
            cadence_table.duration(key, minimum=timedelta(minutes=1))
            if cadence_table.has(key)
            else None
        )
        if value is not None:
            cadence[key] = value
    cadence_table.finish()
    return cadence


def _keymap(table: Reader | None) -> dict[str, str]:
    if table is None:
        return {}
    # Here, not at the top: only a sretui.toml with a [keymap] pays for the key tables.
    from sretui.keys import all_binding_ids, binding_keys, invalid_key, keymap_clashes

    known = all_binding_ids()
    keymap: dict[str, str] = {}
    for binding_id in list(table.data):
        keys = table.string(binding_id)
        if binding_id not in known:
            import difflib  # here, not at the top: only a typo pays for it

            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"ids: {', '.join(sorted(known))}"
            table.problem(binding_id, f"no binding has this id; {hint} (? in the app lists them)")
            continue
        if keys is not None:
            bad = [problem for key in binding_keys(keys) if (problem := invalid_key(key))]
            if bad or not binding_keys(keys):
                # Refused, so the default key (ctrl+q for quit) keeps working.
                table.problem(
                    binding_id, f"{bad[0] if bad else 'no key given'}; the default is kept"
                )
                continue
            keymap[binding_id] = keys
    # Reported, not dropped: the app still applies the keymap and says what it shadows.
    for binding_id, messages in keymap_clashes(keymap).items():
        for message in messages:
            table.problem(binding_id, message)
    table.finish()
    return keymap
