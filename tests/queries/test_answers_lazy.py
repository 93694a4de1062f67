"""The answer classes load by topic on first use, and the CLI's command signatures are objects typer need not evaluate.

Both keep a command's start-up to what it uses (BENCHMARKS.md, CLI start-up); no store is needed.
"""

import inspect
import subprocess
import sys

import pytest


def _modules_after(code: str) -> list[str]:
    """The koppel.queries.answers modules a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in sys.modules if m.startswith('koppel.queries.answers')))"
    return eval(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)  # a list literal


def test_a_topic_module_is_imported_only_when_one_of_its_classes_is_used():
    assert _modules_after("import koppel.queries.answers") == ["koppel.queries.answers", "koppel.queries.answers.base"]
    assert _modules_after("from koppel.queries.answers import LinkageAnswer") == [
        "koppel.queries.answers", "koppel.queries.answers.base", "koppel.queries.answers.linkage",
    ]
    # Rows holds Elements: the catalogue's module brings the graph module, nothing else.
    assert _modules_after("from koppel.queries.answers import Rows") == [
        "koppel.queries.answers", "koppel.queries.answers.base", "koppel.queries.answers.catalogue", "koppel.queries.answers.graph",
    ]
    # The engine builds its answers through the package: importing it creates none of them.
    assert _modules_after("import koppel.queries.engine") == ["koppel.queries.answers", "koppel.queries.answers.base"]


def test_every_listed_answer_resolves_to_a_complete_model():
    import koppel.queries.answers as answers

    assert len(set(answers.__all__)) == len(answers.__all__)  # each name listed once
    import importlib
    import inspect

    defined = {  # every answer class the topic modules define is listed, and only those
        name for topic in answers._TOPICS for name, obj in vars(importlib.import_module(f"koppel.queries.answers.{topic}")).items()
        if inspect.isclass(obj) and issubclass(obj, answers.Answer) and obj.__module__.endswith(f".{topic}")
    }
    assert defined == set(answers.__all__) - {"Answer", "Open"}
    for name in answers.__all__:
        cls = getattr(answers, name)
        assert cls.__name__ == name and issubclass(cls, answers.Answer), name
        cls.model_rebuild(force=True)  # every field's type resolves in its topic's module
        assert cls.model_json_schema()["title"] == name
    assert set(answers.__all__) <= set(dir(answers))
    with pytest.raises(AttributeError, match="no attribute 'Answers'"):
        answers.Answers  # noqa: B018 - a misspelt name is an AttributeError, not a silent None


def test_an_answer_built_through_the_package_dumps_as_before():
    from koppel.queries.answers import Candidate, LinkageAnswer

    answer = LinkageAnswer(country="AFG", candidates=[{
        "key": "d@positive", "kind": "dossier", "country_specific": True, "dossier": {"key": "d"}, "direction": "positive",
        "action": {"en": "offer", "nl": "bieden"}, "channel": "bilateral", "score": 0.5, "why": {"en": "w", "nl": "w"},
    }])
    assert isinstance(answer.candidates[0], Candidate)
    dumped = answer.as_json()
    assert dumped["candidates"][0]["dossier"] == {"key": "d", "name": None, "name_nl": None, "domain": None, "label": None}
    assert dumped["warnings"] == [] and dumped["assessment"] is None
    with pytest.raises(ValueError, match="score"):
        LinkageAnswer(country="AFG", candidates=[{**dumped["candidates"][0], "score": 2}])


def test_cli_command_annotations_are_objects_not_strings():
    """typer reads every command's signature on each run; string annotations would cost an eval per parameter."""
    import typer.main

    from koppel.api.cli import app

    commands = typer.main.get_command(app).commands
    callbacks = [c.callback for c in commands.values()] + [s.callback for c in commands.values() for s in getattr(c, "commands", {}).values()]
    callbacks = [c for c in callbacks if c is not None]  # a group of subcommands (analyse) has none of its own
    assert len(callbacks) >= 20
    for callback in callbacks:
        for parameter in inspect.signature(callback).parameters.values():
            assert not isinstance(parameter.annotation, str), f"{callback.__name__}({parameter.name}): a string annotation"
