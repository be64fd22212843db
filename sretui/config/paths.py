"""Where sretui finds its definitions (config dir) and keeps its state (data dir).

Precedence, highest first: command-line flag, environment variable, `data_dir` in sretui.toml
(data dir only), the per-user default. One small function so tests can point it anywhere.

The per-user default on Linux is the XDG Base Directory one, worked out here: `$XDG_CONFIG_HOME`
(`$XDG_DATA_HOME`) when it is an absolute path, else `~/.config` (`~/.local/share`), then
`sretui`. That is what platformdirs answers there (a test holds the two together), without
importing it: platformdirs brings tempfile, shutil, random and the compression modules, 8 ms of
every command typed without `--config-dir`. Elsewhere (macOS, Windows) platformdirs decides.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "sretui"
CONFIG_ENV = "SRETUI_CONFIG_DIR"
DATA_ENV = "SRETUI_DATA_DIR"


def _expand(value: str | os.PathLike[str]) -> Path:
    return Path(value).expanduser().absolute()


def resolve_config_dir(flag: str | None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if flag:
        return _expand(flag)
    if env.get(CONFIG_ENV):
        return _expand(env[CONFIG_ENV])
    if sys.platform == "linux":
        return _xdg_home(env, "XDG_CONFIG_HOME", "~/.config")
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def resolve_data_dir(
    flag: str | None, settings_data_dir: Path | None, env: Mapping[str, str] | None = None
) -> Path:
    env = os.environ if env is None else env
    if flag:
        return _expand(flag)
    if env.get(DATA_ENV):
        return _expand(env[DATA_ENV])
    if settings_data_dir is not None:
        return _expand(settings_data_dir)
    if sys.platform == "linux":
        return _xdg_home(env, "XDG_DATA_HOME", "~/.local/share")
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def _xdg_home(env: Mapping[str, str], variable: str, default: str) -> Path:
    """sretui's folder under an XDG base directory: the variable's value if it is an absolute
    path (the spec says to ignore a relative one), else the default under the home folder."""
    base = env.get(variable, "")
    if not os.path.isabs(base):
        base = os.path.expanduser(default)
    return Path(base, APP_NAME)
