"""The grep test: every secret of every credential kind, over everything sretui writes.

A row of CREDENTIALS is one way to give sretui a secret (a token file, a password inline or in
a file, a password in the URL, odd URLs included). The backends (Prometheus and Alertmanager
both) are a lying server on loopback that answers every request with an error whose body
quotes the request's Authorization header back, decoded. With each row, the test runs every
headless command, then the app over its screens, and greps for the secret in stdout, stderr,
the screens as drawn (toasts and the header's tooltip included), and every file sretui left
in the data dir. A new output (a command, an export) is a row of COMMANDS.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from app.pilot_helpers import press, settle
from conftest import FIXED_NOW, write
from realservers import RecordedRequest, ScriptedServer, http_response

from sretui.app import make_app
from sretui.cli import main
from sretui.services.workspace import examples_dir
from sretui.widgets.status_header import StatusHeader

TOKEN = "tok-GREP-b3arer-SECRET"
INLINE = "pw-GREP-inline-SECRET"
IN_FILE = "pw-GREP-file-SECRET"
IN_URL = "pw-GREP-url-SECRET"
SLASHED = "PA/GREP-slashed-SECRET"


def _echo(request: RecordedRequest) -> bytes:
    """An error that quotes what was sent: the header, and the basic credentials decoded."""
    sent = request.headers.get("authorization", "")
    decoded = ""
    if sent.lower().startswith("basic "):
        decoded = base64.b64decode(sent[6:]).decode(errors="replace")
    return http_response(401, f"denied: you sent {sent!r} ({decoded})", content_type="text/plain")


@contextmanager
def lying_server() -> Iterator[tuple[str, list[RecordedRequest]]]:
    """The echoing server in a thread of its own (the CLI runs its own event loop): its URL,
    and the requests it received."""
    ready = threading.Event()
    stop: list[Callable[[], None]] = []
    url: list[str] = []
    received: list[RecordedRequest] = []

    def serve() -> None:
        async def run() -> None:
            done = asyncio.Event()
            stop.append(lambda: loop.call_soon_threadsafe(done.set))
            async with ScriptedServer(lambda request: asyncio.sleep(0, _echo(request))) as server:
                url.append(server.url)
                ready.set()
                await done.wait()
                received.extend(server.requests)

        loop = asyncio.new_event_loop()
        loop.run_until_complete(run())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield url[0], received
    finally:
        stop[0]()
        thread.join(10)


def _endpoint(kind: str, url: str, secrets_dir: Path) -> str:
    """The TOML body of [prometheus] / [alertmanager] for one credential kind."""
    host = url.removeprefix("http://")
    if kind == "bearer token file":
        write(secrets_dir / "token", TOKEN).chmod(0o600)
        return f'url = "{url}"\nbearer_token_file = "{secrets_dir / "token"}"\n'
    if kind == "password inline":
        return f'url = "{url}"\nbasic_auth = {{ username = "sre", password = "{INLINE}" }}\n'
    if kind == "password file":
        write(secrets_dir / "password", IN_FILE).chmod(0o600)
        return (
            f'url = "{url}"\n'
            f'basic_auth = {{ username = "sre", password_file = "{secrets_dir / "password"}" }}\n'
        )
    if kind == "password in the URL":
        return f'url = "http://sre:{IN_URL}@{host}"\n'
    if kind == "password with a slash in the URL":
        return f'url = "http://sre:{SLASHED}@{host}"\n'
    raise AssertionError(kind)


def _basic(password: str) -> list[str]:
    return [password, base64.b64encode(f"sre:{password}".encode()).decode()]


# kind, the strings that must never be seen, whether sretui uses it (False: refused by check)
CREDENTIALS = [
    ("bearer token file", [TOKEN], True),
    ("password inline", _basic(INLINE), True),
    ("password file", _basic(IN_FILE), True),
    ("password in the URL", _basic(IN_URL), True),
    # An unencoded "/" cannot be told from the path: refused, and never echoed
    ("password with a slash in the URL", ["GREP-slashed", "PA/GREP"], False),
]

# Every headless command that reads a backend or writes what it knows of one.
COMMANDS = [
    ["check"],
    ["check", "--json"],
    ["budget"],
    ["budget", "--json"],
    ["incident", "new", "--title", "Checkout is down", "--severity", "SEV2"],
    ["incident", "list", "--json"],
]


def _config(tmp_path: Path, kind: str, url: str) -> Path:
    config = tmp_path / "config"
    if not config.exists():
        shutil.copytree(examples_dir(), config)
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700, exist_ok=True)
    endpoint = _endpoint(kind, url, secrets)
    write(
        config / "sretui.toml",
        f'user = "ada"\n[prometheus]\n{endpoint}timeout = 2\n[alertmanager]\n{endpoint}',
    )
    return config


def _files(data: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace") for path in sorted(data.rglob("*")) if path.is_file()
    )


def _assert_clean(texts: list[str], secrets: list[str], where: str) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"{secret!r} shown in {where}: {text[:300]!r}"


@pytest.mark.parametrize(("kind", "secrets", "used"), CREDENTIALS, ids=[c[0] for c in CREDENTIALS])
def test_no_command_shows_a_secret(
    kind: str, secrets: list[str], used: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    said = ""
    with lying_server() as (url, received):
        config = _config(tmp_path, kind, url)
        common = ["--config-dir", str(config), "--data-dir", str(data)]
        for argv in COMMANDS:
            main([*argv, *common])
            out, err = capsys.readouterr()
            _assert_clean([out, err], secrets, " ".join(argv))
            said += out + err
    _assert_clean([_files(data)], secrets, "the data dir")
    # Not a vacuous pass: the credentials were sent, and the server's quoting error was shown.
    sent = " ".join(r.headers.get("authorization", "") for r in received)
    if used:
        assert any(secret in sent for secret in secrets), sent
        assert "HTTP 401" in said and "the server says" in said
    else:
        assert not received and f"{config / 'sretui.toml'}:" in said


@pytest.mark.parametrize(("kind", "secrets", "used"), CREDENTIALS, ids=[c[0] for c in CREDENTIALS])
async def test_no_screen_shows_a_secret(
    kind: str, secrets: list[str], used: bool, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with lying_server() as (url, _received):
        config = _config(tmp_path, kind, url)
        app = make_app(
            config_dir=str(config), data_dir=str(data), clock=lambda: FIXED_NOW, live=False
        )
        drawn: list[str] = []
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            for loop in ("health", "budgets", "alerts"):
                await app.refresh_now(loop).wait()
            await settle(pilot)
            for keys in (("1",), ("enter",), ("escape", "2"), ("n", "escape"), ("S",)):
                await press(pilot, *keys)
                drawn.append(app.export_screenshot())
                for header in app.screen.query(StatusHeader):
                    drawn.append(str(header.tooltip))
            drawn += [str(n.message) for n in app._notifications]
            assert app.is_running
    if used:  # the server's quoting error reached the screens, scrubbed
        assert any("401" in text for text in drawn)
    _assert_clean(drawn, secrets, "the app")
    _assert_clean([_files(data)], secrets, "the data dir")
