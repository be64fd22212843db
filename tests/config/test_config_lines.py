from pathlib import Path

import pytest

from sretui.config.problems import ConfigError
from sretui.config.tomlfile import LineIndex, read_toml

TEXT = '''# comment
user = "x"
[prometheus]
url = "http://a"
headers = { "X-Scope-OrgID" = "t" }
[prometheus.basic_auth]
username = "u"

[[slo]]
name = "a"
description = """
multi [ line with = signs
"""
objective = 99.9
[slo.sli]
error_query = 'sum(rate(x[{{window}}]))'
[[slo.alert]]
burn_rate = 3
[[slo.alert]]
burn_rate = 4
[[slo]]
name = "b"
tags = [
  "x", # a ] in a comment
  "y",
]
window = "30d"
"quoted key" = 1
a.b = 2
[slo.sli]
total_query = "q"
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("user",), 2),
        (("prometheus",), 3),
        (("prometheus", "url"), 4),
        (("prometheus", "headers", "X-Scope-OrgID"), 5),  # inside an inline table: its key
        (("prometheus", "basic_auth", "username"), 7),
        (("slo",), 9),
        (("slo", 0), 9),
        (("slo", 0, "name"), 10),
        (("slo", 0, "objective"), 14),
        (("slo", 0, "sli"), 15),
        (("slo", 0, "sli", "error_query"), 16),
        (("slo", 0, "alert", 0, "burn_rate"), 18),
        (("slo", 0, "alert", 1, "burn_rate"), 20),
        (("slo", 1), 21),
        (("slo", 1, "window"), 27),
        (("slo", 1, "quoted key"), 28),
        (("slo", 1, "a", "b"), 29),
        (("slo", 1, "sli", "total_query"), 31),
        (("nowhere",), None),
    ],
)
def test_line_index(path: tuple, line: int | None) -> None:
    assert LineIndex(TEXT).line_of(path) == line


def test_read_toml_reports_syntax_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("a = 1\n[[step]\nb = 2\n")
    with pytest.raises(ConfigError) as caught:
        read_toml(path)
    assert caught.value.problem.path == path
    assert caught.value.problem.line == 2
    assert str(caught.value.problem).startswith(f"{path}:2: invalid TOML: ")


def test_read_toml_reports_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'a = 1\nb = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        read_toml(path)
    assert str(caught.value.problem) == f"{path}:2: not valid UTF-8"
