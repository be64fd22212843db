"""The workspace: settings, definitions, data dir and backends for one run of sretui.

Built once by the CLI or the app from flags and environment; everything else takes it from here.
Importing this module stays cheap (no textual, no httpx): backends are created on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sretui.config.paths import resolve_config_dir, resolve_data_dir
from sretui.config.problems import Problem
from sretui.config.settings import Endpoint, Settings
from sretui.config.settings_loader import load_settings

if TYPE_CHECKING:
    from sretui.config.definitions import Definitions
    from sretui.domain.budget import BudgetReport
    from sretui.domain.incident import Severity
    from sretui.sources.alertmanager import AlertmanagerSource
    from sretui.sources.base import MetricsSource
    from sretui.sources.demo_alertmanager import DemoAlertmanager
    from sretui.store import Store

DEMO_SEED = 7


def strip_credentials(url: str) -> str:
    """The URL without any user:password@ part, safe to show."""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}{sep}{host.rpartition('@')[2]}{slash}{path}"


def examples_dir() -> Path:
    """The bundled example definitions (package data)."""
    return Path(__file__).resolve().parent.parent / "examples"


class Workspace:
    """One run's directories, settings and their problems; definitions and the store are read
    and opened on first use."""

    __slots__ = (
        "_definitions",
        "_store",
        "config_dir",
        "data_dir",
        "demo",
        "settings",
        "settings_problems",
    )

    def __init__(
        self,
        config_dir: Path,
        data_dir: Path,
        settings: Settings,
        settings_problems: list[Problem] | None = None,
        demo: bool = False,
    ) -> None:
        self.config_dir = config_dir
        self.data_dir = data_dir
        self.settings = settings
        self.settings_problems = settings_problems if settings_problems is not None else []
        self.demo = demo
        self._store: Store | None = None
        self._definitions: Definitions | None = None

    def __repr__(self) -> str:
        return f"Workspace(config_dir={self.config_dir!r}, data_dir={self.data_dir!r})"

    @property
    def definitions(self) -> Definitions:
        """SLOs, runbooks and game-day plans, read and checked on first use: commands that need
        none of them (`incident ...`) never pay for reading and parsing every file."""
        if self._definitions is None:
            from sretui.config.definitions import load_definitions

            self._definitions = load_definitions(self.config_dir)
        return self._definitions

    @property
    def problems(self) -> list[Problem]:
        return [*self.settings_problems, *self.definitions.problems]

    @property
    def user(self) -> str:
        return self.settings.user

    @property
    def check_in_cadence(self) -> dict[Severity, timedelta]:
        """How often each severity needs a status update, from [incidents] check_in."""
        from sretui.domain.incident import Severity  # a large module: keep it off start-up

        return {Severity(name): every for name, every in self.settings.check_in.items()}

    @property
    def on_call(self) -> tuple[str, ...]:
        return self.settings.on_call or (self.settings.user,)

    def store(self) -> Store:
        """The state store on the data dir (created on first use)."""
        if self._store is None:
            from sretui.store import Store

            self._store = Store(self.data_dir)
        return self._store

    def backend_description(self) -> str:
        if self.demo:
            return f"demo (seed {DEMO_SEED})"
        if self.settings.prometheus is None:
            return "none"
        return strip_credentials(self.settings.prometheus.url)

    @property
    def has_alertmanager(self) -> bool:
        """Whether alerts can be read: `[alertmanager]` is set, or the demo's own."""
        return self.demo or self.settings.alertmanager is not None

    def alertmanager_source(
        self, clock: Callable[[], datetime] | None = None
    ) -> AlertmanagerSource | DemoAlertmanager | None:
        """A new Alertmanager client, or None when none is configured (imports httpx). The
        demo gets a synthetic one whose alerts follow the demo backend's burn."""
        if self.demo:
            return self._demo_alertmanager(clock)
        if self.settings.alertmanager is None:
            return None
        from sretui.sources.alertmanager import AlertmanagerSource

        return AlertmanagerSource(self.settings.alertmanager)

    def _demo_alertmanager(self, clock: Callable[[], datetime] | None) -> DemoAlertmanager:
        import asyncio

        from sretui.services.budgets import BudgetService
        from sretui.sources.demo import DemoSource
        from sretui.sources.demo_alertmanager import DemoAlertmanager

        # One backend for the run: its story (search's ongoing burn) stays where it started.
        service = BudgetService(
            DemoSource(seed=DEMO_SEED, clock=clock),
            self.definitions.slos,
            **({"clock": clock} if clock else {}),
        )

        async def read_reports() -> list[BudgetReport]:
            # The demo evaluates PromQL in Python: in a thread, so the app's loop stays free.
            return await asyncio.to_thread(asyncio.run, service.refresh())

        return DemoAlertmanager(read_reports, clock=clock)

    def metrics_source(self, clock: Callable[[], datetime] | None = None) -> MetricsSource | None:
        """A new client for the configured metrics backend, or None when there is none.

        Imports httpx only here, so offline commands never pay for it. `clock` pins the demo
        backend's "now" (its story is placed around it), for tests and snapshots."""
        if self.demo:
            from sretui.sources.demo import DemoSource

            return DemoSource(seed=DEMO_SEED, clock=clock)
        if self.settings.prometheus is None:
            return None
        from sretui.sources.prometheus import PrometheusSource

        return PrometheusSource(self.settings.prometheus)


def open_workspace(
    *,
    config_dir: str | None = None,
    data_dir: str | None = None,
    prometheus_url: str | None = None,
    demo: bool = False,
    env: Mapping[str, str] | None = None,
) -> Workspace:
    """Resolve directories (flags > environment > sretui.toml > platform defaults), load settings
    and definitions, and collect their problems. Never raises on bad file content."""
    if demo and config_dir is None:
        config_path = examples_dir()
    else:
        config_path = resolve_config_dir(config_dir, env if not demo else {})
    settings, settings_problems = load_settings(config_path)
    if prometheus_url:
        base = settings.prometheus or Endpoint(url=prometheus_url)
        settings = settings._replace(prometheus=base._replace(url=prometheus_url.rstrip("/")))
    if demo and data_dir is None:
        import atexit
        import shutil
        import tempfile

        from sretui.services.demo_seed import seed_demo

        data_path = Path(tempfile.mkdtemp(prefix="sretui-demo-"))
        atexit.register(shutil.rmtree, data_path, True)
        seed_demo(data_path, settings.user)  # one open incident, so every key has a target
    else:
        data_path = resolve_data_dir(data_dir, settings.data_dir, env)
    return Workspace(
        config_dir=config_path,
        data_dir=data_path,
        settings=settings,
        settings_problems=settings_problems,
        demo=demo and prometheus_url is None,
    )
