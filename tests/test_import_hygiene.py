"""Domain code and offline commands never import textual or httpx (start-up time on a bastion,
and the layering in DESIGN.md). Each check runs in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sretui.domain
from sretui.services.workspace import examples_dir

EXAMPLES = examples_dir()

HEAVY = ("textual", "httpx")

DOMAIN_MODULES = sorted(
    f"sretui.domain.{m.name}" for m in pkgutil.iter_modules(sretui.domain.__path__)
)
LIGHT_MODULES = [
    *DOMAIN_MODULES,
    "sretui.config.definitions",
    "sretui.config.settings_loader",
    "sretui.services.workspace",
    "sretui.cli",
    "sretui.keys",
    "sretui.store",
    "sretui.services.incidents",
    "sretui.cli.incident",
    "sretui.areas",
]


def _loaded_after(code: str, watched: tuple[str, ...] = HEAVY) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    names = set(result.stdout.split())
    return {name for name in watched if name in names}


def test_there_are_domain_modules() -> None:
    assert "sretui.domain.slo" in DOMAIN_MODULES


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_module_imports_without_textual_or_httpx(module: str) -> None:
    assert _loaded_after(f"import {module}") == set()


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["toil", "--help"],
        ["budget", "--help"],
        ["check", "--demo"],
        ["check", "--config-dir", "/nonexistent"],
        ["incident", "list", "--data-dir", "/tmp/sretui-hygiene", "--config-dir", "/nonexistent"],
    ],
)
def test_offline_cli_paths_import_neither(argv: list[str]) -> None:
    code = (
        "import sys\nfrom sretui.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
    )
    assert _loaded_after(code) == set()


# What `sretui check` and the help texts must not import either: each costs a large share of
# the 1.3x start-up budget of docs/performance.md (dataclasses with inspect about 4 ms plus
# about 1 ms a class, msgspec about 11 ms, markdown-it 20-35 ms, against a floor of about 37 ms).
# Definitions are NamedTuples or plain classes; msgspec is for the event logs.
SLOW_FOR_CHECK = ("dataclasses", "msgspec", "markdown_it", "sretui.store.files")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["toil", "--help"],
        ["check", "--config-dir", str(EXAMPLES), "--data-dir", "/tmp/sretui-hygiene"],
        ["check", "--config-dir", "/nonexistent"],
    ],
)
def test_check_and_help_stay_light(argv: list[str]) -> None:
    code = (
        "import sys\nfrom sretui.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
    )
    assert _loaded_after(code, SLOW_FOR_CHECK) == set()


DEMO_RUN = """
import sys
from sretui.app import make_app

app = make_app(demo=True)


async def pilot(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.exit()


app.run(headless=True, auto_pilot=pilot, size=(80, 24))
"""


def test_the_demo_never_imports_an_http_stack() -> None:
    """The demo's backends are synthetic: httpx (with its command-line extras, about 40 ms of
    imports) was imported in a worker thread while the first screen was drawn, because the
    synthetic Alertmanager took its records from the HTTP client's module."""
    assert _loaded_after(DEMO_RUN, ("httpx", "httpcore", "h11")) == set()


def test_incident_list_from_the_cache_folds_nothing(tmp_path: Path) -> None:
    """Once the summary cache holds every log's row, `incident list` imports neither the
    incident domain nor msgspec (about a third of the floor of docs/performance.md)."""
    common = ["--config-dir", str(EXAMPLES), "--data-dir", str(tmp_path)]
    for title in ("Checkout 5xx", "Search slow"):
        new = ["incident", "new", *common, "--title", title, "--severity", "SEV2"]
        _loaded_after(f"from sretui.cli import main\nmain({new!r})")
    listing = ["incident", "list", *common]
    code = f"from sretui.cli import main\nmain({listing!r})"
    assert _loaded_after(code, ("msgspec",)) == {"msgspec"}  # first: folds, fills the cache
    assert _loaded_after(code, ("msgspec", "sretui.domain.incident")) == set()


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs decides off Linux")
def test_commands_without_dir_flags_skip_platformdirs_on_linux(tmp_path: Path) -> None:
    """`sretui check` typed bare finds its dirs by the XDG rules itself: platformdirs (with the
    tempfile, shutil and compression modules it brings) was 8 ms of each such command."""
    env = f"import os\nos.environ['XDG_CONFIG_HOME'] = {str(tmp_path)!r}\n"
    run = "from sretui.cli import main\ntry:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
    code = env + run
    assert _loaded_after(code, ("platformdirs", "tempfile", "shutil")) == set()
