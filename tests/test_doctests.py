"""The doctests of the pure helpers run as part of the suite."""

import doctest
import importlib

import pytest

MODULES = ["tarihkg.text.edtf", "tarihkg.text.turkish", "tarihkg.iri", "tarihkg.names",
           "tarihkg.layout", "tarihkg.citation", "server.entity", "server.views",
           "server.index"]  # others run their own


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module)
    assert result.attempted > 0, f"{name} has no doctests"
    assert result.failed == 0
