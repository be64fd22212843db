"""`sretui.store` exports its names lazily (PEP 562): each must resolve to the real object."""

from __future__ import annotations

import pytest

import sretui.store as store
from sretui.store import errors, files, watch


def test_every_export_has_a_home() -> None:
    assert sorted(store.__all__) == sorted(store._HOMES)


@pytest.mark.parametrize("name", store.__all__)
def test_export_is_the_defining_modules_object(name: str) -> None:
    home = {"sretui.store.errors": errors, "sretui.store.files": files, "sretui.store.watch": watch}
    assert getattr(store, name) is getattr(home[store._HOMES[name]], name)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = store.Nope  # type: ignore[attr-defined]
