"""Command lines the shell can pass but sretui cannot read: one ROW per case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# (argv as bytes): each must be a one-line usage error, exit 2, no traceback.
BAD_ARGV = [
    [b"incident", b"note", b"\xff"],
    [b"check", b"--config", b"/tmp/\xfe\xfd"],
]


@pytest.mark.parametrize("argv", BAD_ARGV)
def test_invalid_utf8_in_an_argument_is_a_usage_error(tmp_path: Path, argv: list[bytes]) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    code = b"import sys; from sretui.cli.main import main; sys.exit(main())"
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-c", code, *argv],
        capture_output=True,
        env=env,
        timeout=60,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("sretui: argument ") and "is not valid UTF-8" in stderr
    assert stderr.count("\n") == 1


# URLs a flag refuses: the error names the flag and the address, never the password.
REFUSED_URLS = [
    "ftp://user:PA55W0RD@host:9090",
    "file://user:PA55W0RD@host/x",
    "ftp://user:PA/55W0RD@host:9090",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_refused_url_flag_never_echoes_its_password(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sretui.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["budget", "--prometheus", url])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "--prometheus" in err and "is not a URL" in err
    assert "PA55W0RD" not in err and "55W0RD" not in err
