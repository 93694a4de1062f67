"""Documentation that cannot rot: every command, endpoint and catalogue query appears in the README."""

from pathlib import Path

import pytest
import typer.main

from koppel.api.app import create_app
from koppel.api.cli import app as cli_app
from koppel.queries.catalogue import load_catalogue

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix="koppel"):
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from _commands(command, full)
        else:
            yield full


@pytest.mark.parametrize("command", sorted(_commands(typer.main.get_command(cli_app))))
def test_every_cli_command_is_documented(command):
    assert f"`{command}" in README or f"{command} " in README, command


def test_every_endpoint_is_documented():
    paths = create_app().openapi()["paths"]
    for path, operations in paths.items():
        for method in operations:
            assert f"{method.upper()} {path}" in README, f"{method.upper()} {path}"


def test_the_catalogue_is_reachable_from_the_readme():
    assert "koppel query --list" in README
    names = [q.name for q in load_catalogue()]
    assert len(names) >= 15
    assert "country-dossiers" in README
