"""The `sretui` command: the parser and dispatch in `main`, shared pieces in `common`, one
module per area (`check`, `budget`, `incident`, ...), each imported only when it runs."""

from sretui.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
