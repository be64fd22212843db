"""The budgets screen against the demo backend, driven with real keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW
from textual.widgets import DataTable, Static

from sretui.app import SreApp
from sretui.domain.slo import BudgetState
from sretui.screens.budget_detail import BudgetDetailScreen
from sretui.screens.budgets import BudgetsScreen
from sretui.services.runtime import Runtime
from sretui.services.workspace import open_workspace
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


async def test_table_is_worst_first_with_words_for_state(data_dir: Path) -> None:
    now = [FIXED_NOW]
    app = _demo_app(data_dir, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await app.refresh_now("budgets").wait()
        await pilot.pause()
        assert isinstance(app.screen, BudgetsScreen)
        rows = _rows(app)
        assert len(rows) == 6
        reports = [app.runtime.budget_board.rows[r[0]].report for r in rows]
        ranks = [SEVERITY.index(r.state) for r in reports]
        assert ranks == sorted(ranks)
        # the state column is a word, not only a colour
        assert [r[2] for r in rows] == [
            {"critical": "CRITICAL", "warning": "WARNING", "healthy": "healthy"}[r.state.value]
            for r in reports
        ]
        # payments is nearly spent in the demo story; search is paging
        assert rows[0][0] == "payments-availability"
        search = next(r for r in rows if r[0] == "search-availability")
        assert search[7].startswith("page 3.36x")
        status = str(app.screen.query_one("#budgets-status", Static).content)
        assert status.startswith("6 SLOs: ")
        assert "Read " in status


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
        report = app.runtime.budget_board.rows["search-availability"].report
        burn = report.burn_rates["6h"]
        assert f"At the 6h rate ({burn:.2f}x) the remaining" in summary
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
        lines = panel.splitlines()
        worst = [row.report.slo.name for row in app.runtime.budget_board.ordered()[:3]]
        named = [line.removesuffix(" firing").split()[-1] for line in lines[1:]]
        assert named == worst
        counts = {}
        for row in app.runtime.budget_board.rows.values():
            counts[row.report.state] = counts.get(row.report.state, 0) + 1
        assert f"{counts[BudgetState.CRITICAL]} CRITICAL" in lines[0]
        assert f"{counts[BudgetState.HEALTHY]} healthy" in lines[0]


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
