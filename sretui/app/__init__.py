"""The Textual app. `make_app` builds it for the CLI, tests and benchmarks alike."""

from sretui.app.main import SreApp, make_app

__all__ = ["SreApp", "make_app"]
