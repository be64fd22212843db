"""Where sretui finds its definitions (config dir) and keeps its state (data dir).

Precedence, highest first: command-line flag, environment variable, `data_dir` in sretui.toml
(data dir only), platformdirs' per-user default. One small function so tests can point it
anywhere.
"""

from __future__ import annotations

import os
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
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)
