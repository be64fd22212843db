"""The budgets screen against the demo backend, driven with real keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from conftest import FIXED_NOW
from textual.widgets import DataTable, Static

from sretui.app import SreApp
from sretui.domain.slo import BudgetState
from sretui.screens.budget_detail import BudgetDetailScreen
from sretui.screens.budgets import BudgetsScreen
from sretui.services.runtime import Runtime
from sretui.services.workspace import open_workspace
from sretui.sources.base import InstantResult, QueryError, RangeResult, Sample, Series
from sretui.sources.demo import DemoSource
from sretui.widgets.status_header import StatusHeader

SEVERITY = [
    BudgetState.ERROR,
    BudgetState.EXHAUSTED,
    BudgetState.CRITICAL,
    BudgetState.WARNING,
    BudgetState.NO_DATA,
    BudgetState.HEALTHY,
]


def _demo_app(data_dir: Path, now: list, outages: tuple = ()) -> SreApp:
    workspace = open_workspace(demo=True, data_dir=str(data_dir))
    app = SreApp(
        Runtime(
            workspace,
            clock=lambda: now[0],
            metrics=DemoSource(seed=7, clock=lambda: now[0], outages=outages),
        ),
        live=False,
    )
    return app


def _rows(app: SreApp) -> list[list[str]]:
    table = app.screen.query_one("#budgets-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _columns(app: SreApp) -> list[str]:
    table = app.screen.query_one("#budgets-table", DataTable)
    return [column.label.plain for column in table.columns.values()]


async def test_a_paging_slo_reads_as_paging_and_sorts_first(data_dir: Path) -> None:
    # search-availability burns 20x over 1h: its budget state is healthy, but it pages, so it
    # says PAGE beside the state and sorts above the critical payments budget.
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        assert isinstance(app.screen, BudgetsScreen)
        assert _columns(app) == ["SLO", "Budget left", "State", "1h", "6h", "1d", "3d", "Empty in"]
        assert _rows(app) == [
            [
                "search-availability",
                "████░░   64.6%",
                "healthy PAGE",
                "20.00x",
                "6.23x",
                "1.14x",
                "0.51x",
                "17 hours",
            ],
            [
                "payments-availability",
                "█░░░░░   15.1%",
                "CRITICAL",
                "0.60x",
                "0.60x",
                "0.60x",
                "0.60x",
                "not at this rate",
            ],
            [
                "catalog-availability",
                "██░░░░   38.8%",
                "WARNING",
                "0.50x",
                "0.50x",
                "0.54x",
                "0.58x",
                "23 days",
            ],
            [
                "checkout-latency",
                "███░░░   52.8%",
                "healthy",
                "0.40x",
                "0.40x",
                "0.40x",
                "0.40x",
                "not at this rate",
            ],
            [
                "checkout-availability",
                "████░░   67.2%",
                "healthy",
                "0.20x",
                "0.20x",
                "0.20x",
                "0.20x",
                "not at this rate",
            ],
            [
                "auth-availability",
                "████░░   67.8%",
                "healthy",
                "0.30x",
                "0.30x",
                "0.30x",
                "0.31x",
                "not at this rate",
            ],
        ]
        search = app.runtime.budget_board.rows["search-availability"].report
        assert search.state is BudgetState.HEALTHY and search.alerting == "page"
        status = str(app.screen.query_one("#budgets-status", Static).content)
        assert status.startswith("6 SLOs: 4 healthy, 1 critical, 1 warning. 1 paging. Read ")


async def test_the_table_fits_80_columns_by_dropping_low_priority_columns(
    data_dir: Path,
) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        table = app.screen.query_one("#budgets-table", DataTable)
        assert _columns(app) == ["SLO", "Budget left", "State", "1h", "6h"]
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.max_scroll_x == 0  # nothing to scroll sideways to
        assert _rows(app)[0] == [
            "search-availability",
            "████░░   64.6%",
            "healthy PAGE",
            "20.00x",
            "6.23x",
        ]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert "Empty in" in _columns(app)
        assert table.max_scroll_x == 0


async def test_a_refresh_updates_rows_in_place(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        table = app.screen.query_one("#budgets-table", DataTable)
        cleared: list[bool] = []
        added: list[object] = []
        original_clear, original_add = table.clear, table.add_row
        table.clear = lambda columns=False: cleared.append(columns) or original_clear(columns)
        table.add_row = lambda *a, **k: added.append(k.get("key")) or original_add(*a, **k)
        table.move_cursor(row=2)
        before = _rows(app)
        now[0] = FIXED_NOW + timedelta(minutes=30)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = _rows(app)
        assert cleared == [] and added == []  # no rebuild, no row added again
        assert after != before  # the numbers moved on
        assert [r[0] for r in after] == [r[0] for r in before]
        assert table.cursor_row == 2


async def test_enter_opens_detail_and_escape_returns(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        table = app.screen.query_one("#budgets-table", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=names.index("search-availability"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BudgetDetailScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#detail-summary", Static).content)
        assert summary.startswith("search-availability  search · objective 99.5% over 7d")
        lines = summary.splitlines()
        assert lines[2].endswith("64.6%  healthy PAGE")
        assert lines[3] == (
            "PAGE: the budget is still above its policy line (healthy, 64.6% left) but it is "
            "burning at page speed: 20.0x over 1h and 20.0x over 5m, above the 13.44x page "
            "threshold. At 20.0x a full budget lasts 8 hours 24 minutes. Someone must act now; "
            "the state only catches up once much of the budget is gone."
        )
        assert lines[4] == (
            "At the 6h rate (6.23x) the remaining 64.6% of the budget lasts 17 hours 25 minutes."
        )
        policy = str(app.screen.query_one("#detail-policy", Static).content).splitlines()
        assert policy[:2] == [
            "Error-budget policy (healthy) · built-in default, not your team's: set "
            "[slo.policy] healthy in slos.toml",
            "! Paging now: the policy below is for the window as a whole. Until the page is "
            "handled: no chaos experiments, no risky changes.",
        ]
        chart = app.screen.query_one("#detail-chart", Static).content
        assert "Budget left over the last 7d" in str(chart.renderables[0])  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BudgetsScreen)


async def test_backend_down_mid_session_keeps_numbers_then_recovers(data_dir: Path) -> None:
    now = [FIXED_NOW]
    outage = (FIXED_NOW + timedelta(minutes=1), FIXED_NOW + timedelta(minutes=5))
    app = _demo_app(data_dir, now, outages=(outage,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        before = _rows(app)
        assert all("(stale)" not in row[0] for row in before)

        now[0] = FIXED_NOW + timedelta(minutes=3)  # the backend is down now
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        during = _rows(app)
        assert [row[0] for row in during] == [f"{row[0]} (stale)" for row in before]
        assert [row[1] for row in during] == [row[1] for row in before]  # last good numbers
        status = str(app.screen.query_one("#budgets-status", Static).content)
        assert "6 failed: demo backend unavailable: simulated outage" in status
        assert "(numbers kept from 3 minutes ago)" in status
        await app.refresh_now("health").wait()
        assert app.screen.query_one(StatusHeader).health_text.plain == "backend down"

        now[0] = FIXED_NOW + timedelta(minutes=6)  # and back
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = _rows(app)
        assert all("(stale)" not in row[0] for row in after)
        assert "failed" not in str(app.screen.query_one("#budgets-status", Static).content)
        await app.refresh_now("health").wait()
        assert app.screen.query_one(StatusHeader).health_text.plain == "backend ok"


async def test_overview_panel_counts_states_and_names_the_worst(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        panel = str(app.screen.query_one("#panel-budgets", Static).content)
        # the paging SLO is the worst one, in words: its state and its alert level
        assert panel.splitlines() == [
            "1 CRITICAL  1 WARNING  4 healthy  1 PAGE",
            " 65% healthy PAGE search-availability",
            " 15% CRITICAL payments-availability",
            " 39% WARNING catalog-availability",
        ]


async def test_keys_work_while_a_refresh_is_running(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        worker = app.refresh_now("budgets")
        await pilot.press("2")  # handled while the refresh runs
        await pilot.pause()
        assert app.current_mode == "incidents"
        await worker.wait()


async def test_palette_opens_an_slo_detail(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.refresh_now("budgets").wait()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"budget: payments-availability")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "budgets"
        assert isinstance(app.screen, BudgetDetailScreen)
        assert app.screen.slo_name == "payments-availability"


async def test_a_manual_refresh_never_starts_a_second_loop(data_dir: Path) -> None:
    workspace = open_workspace(demo=True, data_dir=str(data_dir))
    app = SreApp(
        Runtime(
            workspace, clock=lambda: FIXED_NOW, metrics=DemoSource(seed=7, clock=lambda: FIXED_NOW)
        ),
        live=True,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(3):  # as if r were pressed three times
            app.refresh_now("budgets")
            app.refresh_now("health")
            await app.workers.wait_for_complete()

        # Textual's own list of pending timers: one per refresh loop, however often r was hit.
        pending = [t.name for t in app._timers if not t._task or not t._task.done()]
        assert pending.count("budgets-loop") == 1
        assert pending.count("health-loop") == 1


class ShortHistorySource:
    """A backend whose data starts two hours before `now`: every total query answers 10 req/s
    and every error query 0.01 req/s, from one minute after the data starts (two samples)."""

    description = "short history"

    def __init__(self, now: datetime) -> None:
        self.first = now.timestamp() - 7200 + 60

    def _value(self, expr: str, t: float) -> float | None:
        if t < self.first:
            return None
        return 0.01 if '5.."' in expr or "le=" in expr else 10.0

    async def query(self, expr: str, at: datetime | None = None) -> InstantResult:
        if "label_replace" in expr:  # like the demo: one query per window
            raise QueryError("label_replace is not supported", error_type="bad_data")
        value = self._value(expr, at.timestamp() if at else self.first)
        return InstantResult(() if value is None else (Sample({}, value),))

    async def query_range(
        self, expr: str, start: datetime, end: datetime, step_seconds: float
    ) -> RangeResult:
        points = []
        t = start.timestamp()
        while t <= end.timestamp():
            value = self._value(expr, t)
            if value is not None:
                points.append((t, value))
            t += step_seconds
        return RangeResult((Series({}, tuple(points)),) if points else ())

    async def probe(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def test_a_short_history_is_said_on_the_row_and_draws_no_policy(data_dir: Path) -> None:
    workspace = open_workspace(demo=True, data_dir=str(data_dir))
    app = SreApp(
        Runtime(workspace, clock=lambda: FIXED_NOW, metrics=ShortHistorySource(FIXED_NOW)),
        live=False,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        names = [row[0] for row in _rows(app)]
        # 119 minutes of a 30d window is 0.28%, of 28d 0.3%, of 7d 1% (whole percent above 1).
        assert "checkout-availability (data 0.28%)" in names
        assert "payments-availability (data 0.3%)" in names
        assert "search-availability (data 1%)" in names
        report = app.runtime.budget_board.rows["checkout-availability"].report
        assert report.coverage == 119 * 60 / (30 * 86400)
        table = app.screen.query_one("#budgets-table", DataTable)
        table.move_cursor(row=names.index("checkout-availability (data 0.28%)"))
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#detail-summary", Static).content)
        assert (
            "Data covers 0.28% of the 30d window: the backend has nothing older, so these "
            "numbers are from that part only."
        ) in summary
        policy = str(app.screen.query_one("#detail-policy", Static).content)
        assert policy == (
            "Error-budget policy\nNo policy: these numbers come from 0.28% of the 30d window "
            "(the backend has no older data), too little to act on."
        )
