import base64

from sretui.widgets.clipboard import osc52

TEXT = "INC 🔥 #inc-2026-11-23-checkout"
B64 = base64.b64encode(TEXT.encode()).decode()


def test_plain_terminal() -> None:
    assert osc52(TEXT, env={"TERM": "xterm-256color"}) == f"\x1b]52;c;{B64}\x07"


def test_tmux_wraps_in_dcs_passthrough_with_doubled_escapes() -> None:
    wrapped = osc52(TEXT, env={"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen"})
    assert wrapped == f"\x1bPtmux;\x1b\x1b]52;c;{B64}\x07\x1b\\"


def test_gnu_screen() -> None:
    assert osc52(TEXT, env={"STY": "123.pts-0", "TERM": "screen"}) == (
        f"\x1bP\x1b]52;c;{B64}\x07\x1b\\"
    )


async def test_app_copy_keeps_text_for_paste(tmp_path) -> None:
    from sretui.app import make_app

    app = make_app(config_dir=str(tmp_path), data_dir=str(tmp_path), live=False)
    async with app.run_test() as pilot:
        app.copy_to_clipboard(TEXT)
        await pilot.pause()
        assert app.clipboard == TEXT
