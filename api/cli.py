"""The ``koppel`` command line: the same engine as the HTTP API, for people and scripts.

``--json`` output is the stable machine interface; tables are for people.
Every error is one line on stderr and a non-zero exit, never a traceback.
"""

# No `from __future__ import annotations` here: typer reads every command's signature on each run,
# and string annotations cost it an eval per parameter (about 0.02 s per process; BENCHMARKS.md, CLI start-up).
# Names imported only for type checking are therefore quoted.
import csv
import datetime as dt
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from koppel.graph.errors import ConfigError, KoppelError, ValidationError

if TYPE_CHECKING:
    from koppel.graph.settings import Settings
    from koppel.graph.store import GraphStore
    from koppel.queries.answers import Answer
    from koppel.queries.engine import Koppel


# -- lazy imports: a command pays only for what it uses (`koppel --help` imports typer alone) -------

def _lazy(module: str, name: str) -> Callable[..., Any]:
    """A stand-in for ``module.name`` that imports it on the first call."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"``{module}.{name}``, imported on first call."
    return call


class _Console:
    """A rich Console made on first use (importing rich costs more than all of `koppel --help`)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Any = None

    @property
    def real(self) -> Any:
        """The rich Console itself (for rich objects that take a console)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
            self._console.on_broken_pipe = _quiet_closed_stdout  # rich's own exits 1; a reader that left is no failure
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def Progress(*args: Any, console: Any = None, **kwargs: Any) -> Any:  # noqa: N802 - stands in for rich's class
    """``rich.progress.Progress``, imported on first call, drawn on the real console."""
    from rich.progress import Progress as RichProgress

    return RichProgress(*args, console=console.real if isinstance(console, _Console) else console, **kwargs)


Table = _lazy("rich.table", "Table")
BarColumn = _lazy("rich.progress", "BarColumn")
TextColumn = _lazy("rich.progress", "TextColumn")
TimeElapsedColumn = _lazy("rich.progress", "TimeElapsedColumn")
check_params = _lazy("koppel.graph.values", "check_params")
seed_files = _lazy("koppel.loaders", "seed_files")
parse_facts = _lazy("koppel.loaders.facts", "parse_facts")
cited_passage = _lazy("koppel.loaders.sources", "evidence")
sources_dir = _lazy("koppel.loaders.sources", "sources_dir")
load_catalogue = _lazy("koppel.queries.catalogue", "load_catalogue")
run_named = _lazy("koppel.queries.catalogue", "run_named")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"koppel {version('koppel')}\n")
        raise typer.Exit()


app = typer.Typer(
    name="koppel",
    help="A knowledge graph of bilateral linkages: what could be tied to a country's cooperation on return, why, and on what evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rendering it with rich would cost more than the rest of `koppel --help`
)
out = _Console(stderr=False)
err = _Console(stderr=True)


@app.callback()
def _main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """A knowledge graph of bilateral linkages: what could be tied to a country's cooperation on return, why, and on what evidence."""

StoreOption = Annotated[
    str | None,
    typer.Option("--store", "-s", envvar="KOPPEL_STORE", help="embedded:PATH (default) or a Neo4j URI (bolt://, neo4j://, neo4j+s://)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the stable machine interface).")]
SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", envvar="KOPPEL_SOURCES", help="Folder of source documents that locators cite (default: ../shared/sources beside the repository)."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Ignore facts not yet valid on this date (YYYY-MM-DD).")
]
KnownByOption = Annotated[
    str | None, typer.Option("--known-by", help="Only what sources dated on or before this date stated (YYYY-MM-DD): the state of knowledge then.")
]


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    """``--as-of`` (or ``option``) text as a date; one clear line when it is not ``YYYY-MM-DD``."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


@cache
def _settings() -> "Settings":
    """The settings of this process, read from the environment once."""
    from pydantic import ValidationError as Invalid

    from koppel.graph.settings import Settings

    try:
        settings = Settings()
    except Invalid as error:  # a KOPPEL_* or NEO4J_* variable holds something unusable
        raise _settings_error(error) from None
    if not settings.store.strip():  # KOPPEL_STORE= (empty): the default store, as `--store ''` is
        settings = settings.model_copy(update={"store": Settings.model_fields["store"].default})
    return settings


def _engine(store: str | None = None, *, read_only: bool = True, sources: Path | None = None) -> "Koppel":
    """The engine over ``--store`` (default: the settings' store), built from this process's settings."""
    from koppel.queries.engine import Koppel

    settings = _settings()
    update: dict[str, Any] = {} if sources is None else {"sources": sources}
    if read_only and settings.query_threads is None:
        # One question per process: a reading query's worker threads on the embedded store would only add thread
        # start-up (about 0.03 s CPU per command, BENCHMARKS.md). Loads keep one per core; KOPPEL_QUERY_THREADS overrides.
        update["query_threads"] = 1
    return Koppel(settings.model_copy(update=update) if update else settings, store=store, read_only=read_only)


def _ask(store: str | None, operation: str, *args: Any, **kwargs: Any) -> Any:
    """One question to the engine over ``--store`` (read-only): ``Koppel.<operation>(*args, **kwargs)``'s typed answer; the store is closed after."""
    with _engine(store) as engine:
        return getattr(engine, operation)(*args, **kwargs)


def _open(store: str | None, *, read_only: bool) -> "GraphStore":
    """The store ``--store`` names (default: the settings' store), opened directly."""
    from koppel.graph.factory import StoreConfig

    return StoreConfig.from_settings(_settings(), store).open(read_only=read_only)


def _print_json(data: Any) -> None:
    """Print JSON: a typed answer exactly as the HTTP API sends it, or plain data."""
    if hasattr(data, "as_json"):
        data = data.as_json()
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n")  # NaN/inf refused: not JSON


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` into a name and a value: JSON where it parses (numbers, lists, true), else the string."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ValidationError(f"--param {text!r}: write it as name=value")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


# -- loading ---------------------------------------------------------------------------------

@app.command()
def check(
    files: Annotated[list[Path] | None, typer.Argument(help="Facts files (YAML or JSON).")] = None,
    stale_sources: Annotated[bool, typer.Option("--sources", help="Check the store's evidence instead: report locators into source files whose hash changed since they were loaded.")] = False,
    cypher_parser: Annotated[bool, typer.Option("--cypher-parser", help="Check that Neo4j's Cypher parser runs here (Java; ad-hoc Cypher is refused without it).")] = False,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate facts files (schema, values, locators) without writing anything; ``--sources`` checks the store's evidence."""
    if cypher_parser:
        from koppel.graph.neo4j_parser import parse as neo4j_parse

        neo4j_parse("RETURN 1")  # GrammarUnavailable (exit 2) names what is missing
        if not files and not stale_sources:
            if as_json:  # the machine answer; with files or --sources, their JSON is the answer (the parser ran, or this failed)
                _print_json({"cypher_parser": "runs", "ok": True})
            else:
                err.print("ok: Neo4j's Cypher parser runs here; ad-hoc Cypher can be checked")
            return
        if not as_json:
            err.print("ok: Neo4j's Cypher parser runs here; ad-hoc Cypher can be checked")
    if stale_sources:
        from koppel.loaders.evidence_check import stale_evidence

        with _open(store, read_only=True) as graph:
            report = stale_evidence(graph, _settings().sources)
        if as_json:
            _print_json(report)
        else:
            for document in report["documents"]:
                err.print(f"{document['document']}: {document['problem']}; {len(document['locators'])} locator(s) cite it: "
                          + ", ".join(document["locators"][:10]) + (" ..." if len(document["locators"]) > 10 else ""), markup=False, highlight=False)
            err.print(f"{'ok' if report['ok'] else 'stale'}: {report['checked']} source document(s) checked, {len(report['documents'])} changed or missing")
        if not report["ok"]:
            raise typer.Exit(1)
        if not files:
            return
    if not files:
        raise _usage("check: give facts files, or --sources to check the store's evidence")
    with _engine() as engine:
        answer = engine.check(files)
    if as_json:
        _print_json(answer)
    else:
        err.print(f"ok: {answer.nodes} nodes and {answer.relationships} relationships match the schema")


@app.command()
def load(
    files: Annotated[list[Path] | None, typer.Argument(help="Facts files (YAML or JSON); none loads the default: the seed graph and the data layers.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load facts files into the store: validated first, then written in one transaction; loading twice changes nothing."""
    notes: list[str] = []
    facts = None
    if files:
        paths: list[Any] = list(files)  # parsed once the store is open: endpoints may be in the store
    else:  # the default load: the seed and every layer of koppel.loaders.layers.DEFAULT_LAYERS
        from koppel.loaders.layers import DEFAULT_LAYERS, default_facts

        facts, notes = default_facts()
        paths = [f"default layer {name}" for name, _ in DEFAULT_LAYERS]
        for note in notes:
            err.print(note, markup=False, highlight=False)
    with _open(store, read_only=False) as graph:
        if facts is None:
            facts = parse_facts(paths, store=graph, sources=_settings().sources)
        total = {"nodes": len(facts.nodes), "relationships": len(facts.relationships)}
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err, transient=True) as bar:
            tasks = {stage: bar.add_task(f"writing {stage}", total=count) for stage, count in total.items()}
            report = graph.upsert(facts.nodes, facts.relationships, progress=lambda stage, done: bar.update(tasks[stage], completed=done))
        result = {"store": graph.location, "files": [str(p) for p in paths], **report.as_dict(), **({"layers": notes} if notes else {})}
    if as_json:
        _print_json(result)
    else:
        err.print(
            f"loaded {len(paths)} file(s) into {result['store']}: "
            + ("unchanged (every statement was already stored); " if report.unchanged else "")
            + f"{report.nodes_created} nodes created, {report.nodes_updated} updated, {report.nodes_unchanged} unchanged; "
            f"{report.relationships_created} relationships created, {report.relationships_updated} updated, {report.relationships_unchanged} unchanged"
        )


@app.command()
def unload(
    document: Annotated[str, typer.Argument(help="The source document id whose statements to remove (as locators cite it).")],
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove every statement of one source: what no other source states goes, everything else keeps its other sources."""
    with _open(store, read_only=False) as graph:
        report = graph.unload(document)
    if as_json:
        _print_json(report.as_dict())
    else:
        err.print(
            f"unloaded {document}: {report.nodes_removed} nodes and {report.relationships_removed} relationships removed; "
            f"{report.nodes_updated} nodes and {report.relationships_updated} relationships keep other sources' statements"
        )


# -- ingest and review (issue 11) ------------------------------------------------------------

IngestDirOption = Annotated[
    Path | None,
    typer.Option("--workspace", envvar="KOPPEL_INGEST_DIR", help="Ingest workspace: registered documents, candidates, decisions (default: the user data folder)."),
]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of documents (.md, .txt, .html).")],
    workspace: IngestDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register documents and extract candidate facts for review; an unchanged document is skipped."""
    with _engine() as engine:
        report = engine.ingest(paths, workspace=workspace)
    if as_json:
        _print_json(report)
        return
    if not report.new and not report.changed:
        err.print(f"nothing to do: {len(report.unchanged)} document(s) unchanged since the last ingest")
        return
    err.print(
        f"ingested {len(report.new)} new and {len(report.changed)} changed document(s) "
        f"({len(report.unchanged)} unchanged): {report.candidates} candidate facts, {report.issues} values left out for review; "
        f"workspace {report.workspace}"
    )
    for doc_id, diff in report.diff.items():
        err.print(
            f"  {doc_id}: {len(diff['added'])} candidate(s) added, {len(diff['gone'])} gone since the last ingest"
            + (f", of which {len(diff['accepted_gone'])} accepted: {', '.join(diff['accepted_gone'])}" if diff.get("accepted_gone") else "")
        )


@app.command()
def review(
    workspace: IngestDirOption = None,
    document: Annotated[str | None, typer.Option("--document", help="Only this document id.")] = None,
    field: Annotated[str | None, typer.Option("--field", help="Only candidates of this field (party, domain, signed_on, ...).")] = None,
    accept: Annotated[list[str] | None, typer.Option("--accept", help="Accept the candidate with this id.")] = None,
    reject: Annotated[list[str] | None, typer.Option("--reject", help="Reject the candidate with this id.")] = None,
    edit: Annotated[str | None, typer.Option("--edit", help="Accept the candidate with this id with the value of --value.")] = None,
    value: Annotated[str | None, typer.Option("--value", help="New value for --edit (JSON, or a plain string).")] = None,
    accept_all_above: Annotated[float | None, typer.Option("--accept-all-above", help="Accept every pending candidate with at least this confidence (with --field: of that field).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: the login name).")] = None,
    issues: Annotated[bool, typer.Option("--issues", help="List the values the extractors left out, with the reason.")] = False,
    no_load: Annotated[bool, typer.Option("--no-load", help="Record decisions without loading the accepted facts.")] = False,
    load: Annotated[bool, typer.Option("--load", help="Load the accepted facts now, with no new decision (e.g. after decisions made over HTTP).")] = False,
    export: Annotated[Path | None, typer.Option("--export", help="Write the accepted facts to this facts file (YAML).")] = None,
    export_decisions: Annotated[Path | None, typer.Option("--export-decisions", help="Write the decision log (who, when, what, by which rule) to this JSON file.")] = None,
    import_decisions_from: Annotated[Path | None, typer.Option("--import-decisions", help="Take over the decisions of a decision log (e.g. the shipped loaders/reviewed/treaties.decisions.json) for candidates not yet decided.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most candidates to list.")] = 50,
    sources: SourcesOption = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """List pending candidates by document with the cited passage; accept, reject or edit them; load the accepted facts."""
    if load and no_load:
        raise _usage("--load and --no-load contradict each other: give one")
    for target, option in ((export, "--export"), (export_decisions, "--export-decisions")):
        if target is not None:
            _check_output(target, option)  # before any decision is recorded: a bad path costs nothing
    edits: dict[str, Any] = {}
    if edit:
        parsed: Any = value
        if value is not None:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                parsed = value
        edits[edit] = parsed
    deciding = bool(accept or reject or edits or accept_all_above is not None)
    if import_decisions_from:
        from koppel.loaders.ingest.pipeline import Workspace, workspace_dir
        from koppel.loaders.ingest.review import import_decisions

        space = Workspace(workspace_dir(workspace))
        if not space.candidates:
            raise ValidationError(f"the ingest workspace {space.folder} holds no candidates: run koppel ingest first")
        err.print(f"imported {import_decisions(space, import_decisions_from)} decision(s) from {import_decisions_from}")
        if not (deciding or load or export or export_decisions):
            return
    if deciding or load:
        with _engine(store, read_only=False) as engine:
            result = engine.decide(accept=accept or (), reject=reject or (), edit=edits, accept_all_above=accept_all_above,
                                   field=field, by=by, load=load or not no_load, workspace=workspace)
    else:
        with _engine(sources=sources) as engine:
            listing = engine.review(document=document, field=field, limit=limit, issues=issues, workspace=workspace) if not (export or export_decisions) else None
    if export:
        from koppel.loaders.ingest.pipeline import Workspace, workspace_dir
        from koppel.loaders.ingest.review import accepted_facts, write_facts

        space = Workspace(workspace_dir(workspace))
        if not space.candidates:
            raise ValidationError(f"the ingest workspace {space.folder} holds no candidates: run koppel ingest first")
        count = write_facts(accepted_facts(space), export)
        err.print(f"wrote {count} nodes of accepted facts to {export}")
    if export_decisions:
        from koppel.loaders.ingest.pipeline import Workspace, workspace_dir
        from koppel.loaders.ingest.review import write_decision_log

        err.print(f"wrote {write_decision_log(Workspace(workspace_dir(workspace)), export_decisions)} decision(s) to {export_decisions}")
    if deciding or load:
        if as_json:
            _print_json({"decided": result.decided, "pending": result.pending, **({"load": result.load} if result.load is not None else {})})
        else:
            report = result.load
            err.print(
                f"{result.decided} decision(s) recorded, {result.pending} candidate(s) pending"
                + (f"; loaded {report['nodes_created']} new and {report['nodes_updated']} changed nodes, "
                   f"{report['relationships_created']} new relationships" if report else "")
            )
        return
    if listing is None:
        return
    if listing.issues is not None:
        left = [item.as_json() for item in listing.issues]
        if as_json:
            _print_json(left)
        else:
            for item in left:
                lines = f"#L{item['lines'][0]}" if item.get("lines") else ""
                out.print(f"{item['document']}{lines}  {item['field']}: {item['reason']}", markup=False)
            err.print(f"{len(left)} value(s) left out")
        return
    shown = [row.as_json() for row in listing.candidates]
    if as_json:
        _print_json({"pending": listing.pending, "candidates": shown})
        return
    from koppel.loaders.ingest.pipeline import Workspace, workspace_dir

    titles = {doc: data.get("title", "") for doc, data in Workspace(workspace_dir(workspace)).candidates.items()}
    current = None
    for row in shown:
        if row["document"] != current:
            current = row["document"]
            out.print(f"\n[bold]{current}[/bold]  {titles.get(current, '')[:100]}")
        out.print(f"  {row['id']}  {row['field']:<14} {json.dumps(row['value'], ensure_ascii=False)[:90]}  ({row['confidence']:.2f}, {row['locator']})", markup=False)
        if row.get("passage"):
            out.print(f"      \u201c{row['passage'][:160]}\u201d", markup=False)
    err.print(f"{listing.pending} candidate(s) pending" + (f", {len(shown)} shown" if len(shown) < listing.pending else ""))


# -- looking ---------------------------------------------------------------------------------

@app.command()
def stats(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Counts per label and relationship type, and where the store is."""
    data = _ask(store, "stats")
    if as_json:
        _print_json(data)
        return
    out.print(f"store: {data.location}")
    table = Table("label / relationship type", "count")
    for name, count in data.labels.items():
        table.add_row(name, str(count))
    table.add_section()
    for name, count in data.relationship_types.items():
        table.add_row(name, str(count))
    table.add_section()
    table.add_row("nodes", str(data.nodes))
    table.add_row("relationships", str(data.relationships))
    out.print(table)


@app.command()
def schema(as_json: JsonOption = False) -> None:
    """Labels and relationship types with their Dutch and English names (graph/schema.yaml)."""
    from koppel.queries.engine import describe_schema

    answer = describe_schema()
    if as_json:
        _print_json(answer)
        return
    table = Table("label / relationship type", "nl", "en")
    for label in answer.labels:
        table.add_row(label.label, label.names.get("nl", ""), label.names.get("en", ""))
    table.add_section()
    for rel in answer.relationship_types:
        table.add_row(rel.type, rel.names.get("nl", ""), rel.names.get("en", ""))
    out.print(table)


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A catalogue query (see --list).")] = None,
    cypher: Annotated[str | None, typer.Option("--cypher", "-c", help="Cypher to run instead of a catalogue query.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="Query parameter name=value (JSON values allowed); repeatable.")] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="Show the catalogue: each query's question and parameters.")] = False,
    write: Annotated[bool, typer.Option("--write", help="Allow ad-hoc Cypher to write (default: read-only).")] = False,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    store: StoreOption = None,
    explain_dialect: Annotated[bool, typer.Option("--explain-dialect", help="Print what --cypher runs on each store (Neo4j, embedded) and stop.")] = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Run a catalogue query by NAME, or ad-hoc Cypher with --cypher (read-only unless --write)."""
    if list_queries:
        _print_catalogue(as_json)
        return
    if explain_dialect:
        _explain_dialect(cypher, as_json)
        return
    if as_json and as_csv:
        raise _usage("--csv and --json exclude each other: give one")
    if bool(name) == bool(cypher):
        raise _usage("give a catalogue query NAME or --cypher \"...\" (one of the two; see --list)")
    if write and not cypher:
        raise _usage("--write applies to --cypher only; catalogue queries only read")
    if cypher and (as_of or known_by):
        raise _usage("--as-of and --known-by apply to catalogue queries only; ad-hoc Cypher reads the graph as it is")
    # Checked against what both stores hold before any driver sees them (koppel.graph.values).
    params = check_params(dict(parse_param(p) for p in param or []), allow_empty_lists=bool(name))
    with _engine(store, read_only=not write) as engine:
        # Ad-hoc Cypher: the same guard, dialect and planner checks as POST /api/cypher (Koppel.cypher), before the store opens.
        result = (
            engine.run_query(name, params, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by")) if name
            else engine.cypher(cypher, params, write=write)
        )
    rows = [[record[c] for c in result.columns] for record in result.rows]
    if as_json:
        _print_json(result)  # the route's answer model (Rows): columns, rows, truncated, elements
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        for row in rows:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for v in row])
    else:
        table = Table(*result.columns)
        for row in rows:
            table.add_row(*[_cell(v) for v in row])
        out.print(table)
        err.print(f"{len(rows)} row(s)")


def _explain_dialect(cypher: str | None, as_json: bool) -> None:
    """Print what ad-hoc ``cypher`` runs as on each store kind, or why a store refuses it."""
    from koppel.graph.dialect import adhoc_for
    from koppel.graph.errors import QueryError

    if not cypher:
        raise _usage("--explain-dialect needs --cypher \"...\"")
    answers = {}
    for kind in ("neo4j", "embedded"):
        try:
            answers[kind] = {"runs": adhoc_for(kind, cypher)}
        except QueryError as error:
            answers[kind] = {"refused": str(error)}
    if as_json:
        _print_json(answers)
        return
    for kind, answer in answers.items():
        out.print(f"{kind}: " + (answer.get("runs") or "refused: " + answer["refused"].removeprefix("refused: ")), markup=False, highlight=False, soft_wrap=True)


def _cell(value: Any) -> str:
    if isinstance(value, dict) and "_label" in value:
        return f"{value.get('name') or value.get('key')} ({value['_label']})"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def _print_catalogue(as_json: bool) -> None:
    from koppel.queries.engine import describe_catalogue

    catalogue = describe_catalogue()
    if as_json:
        _print_json(catalogue)
        return
    table = Table("name", "question", "parameters")
    for q in catalogue.queries:
        params = ", ".join(f"{p['name']}: {p['type']}" + ("" if p["required"] else f" = {json.dumps(p['default'], ensure_ascii=False, default=str)}") for p in q.parameters)
        table.add_row(q.name, q.question, params)
    out.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, graphml or gexf.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    store: StoreOption = None,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json (the JSON GET /api/export answers).")] = False,
) -> None:
    """Export the whole graph as JSON, GraphML or GEXF (for Gephi); undated facts carry ``undated`` and ``first_reported``."""
    if as_json:
        if fmt != "json":
            raise _usage(f"--json and --format {fmt} exclude each other: give one")
    if output is not None:
        _check_output(output, "--output")  # before the store is read: a bad path costs nothing
    text = _ask(store, "export", fmt, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    if output:
        _write_whole(output, text, "--output")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def _check_output(path: Path, option: str) -> None:
    """``ConfigError`` (exit 2), one line, unless ``path`` can be a file to write: its folder exists and it is not a folder."""
    if path.is_dir():
        raise ConfigError(f"{option} {path}: is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise ConfigError(f"{option} {path}: the folder {folder} " + ("is not a folder" if folder.exists() else "does not exist"))


def _write_whole(path: Path, text: str, option: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file beside it, then renamed); ``ConfigError`` naming the path."""
    import os
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ConfigError(f"{option} {path}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"{option} {path}: cannot write there ({error.strerror or error})") from None


def _umask() -> int:
    """This process's file-mode creation mask (read by setting and restoring it)."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


@app.command()
def clear(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete every node and relationship.")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Also drop the tables, constraints and indexes.")] = False,
    store: StoreOption = None,
) -> None:
    """Delete every node and relationship from the store."""
    if not yes:
        raise _usage("clear deletes the whole graph: add --yes to confirm")
    with _engine(store, read_only=False) as engine:
        err.print(f"cleared {engine.clear(drop_schema=schema)}")


# -- the seed graph, for people ------------------------------------------------------------

@app.command()
def evidence(
    locator: Annotated[str, typer.Argument(help="A locator such as kamerbrief-...#L70-L75, or a node key (IRQ) for its statements.")],
    sources: SourcesOption = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the passage a locator cites, de-hyphenated; given a node key instead, every source's statements about it and where they disagree."""
    if "#" not in locator:
        _print_statements(locator, store, as_json)
        return
    with _engine(sources=sources) as engine:
        passage = engine.evidence(locator)
    if as_json:
        _print_json(passage)
    else:
        out.print(f"[bold]{passage.locator}[/bold]")
        out.print(passage.text, markup=False)


def _print_statements(key: str, store: str | None, as_json: bool) -> None:
    with _open(store, read_only=True) as graph:
        found = graph.statements(key)
    if as_json:
        _print_json(found)
        return
    out.print(f"[bold]{found['label']} {found['key']}[/bold]: stated by {', '.join(found['sources']) or 'no source'}")
    for row in found["statements"]:
        mark = "" if row["shown"] else " (not shown)"
        certainty = f"inferred: {row['basis']}" if row["certainty"] == "inferred" else "stated"
        out.print(f"  {row['property']} = {row['value']!r}  [{row['source']}, {row['source_date'] or 'undated'}, {certainty}]{mark}", markup=False, highlight=False)
    for name, values in found["disagreements"].items():
        out.print(f"  sources disagree on {name}: " + "; ".join(f"{v['value']!r} ({v['source']})" for v in values) + " - the newest source is shown", markup=False, highlight=False)


def _locators(item: dict[str, Any]) -> str:
    """The item's own and its relationships' locators, each once, without the document id."""
    cited = dict.fromkeys((item.get("sources") or []) + (item.get("evidence") or []))
    return ", ".join(loc.split("#", 1)[1] for loc in cited)


@app.command()
def country(
    iso3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code (or a slug such as somaliland).")],
    as_of: AsOfOption = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
    known_by: KnownByOption = None,
) -> None:
    """A country's profile: names, groups, return cooperation, dossiers, agreements, forums, projects, donors, events, linkages."""
    date, known = parse_date(as_of), parse_date(known_by, "--known-by")
    answer = _ask(store, "profile", iso3, as_of=date, known_by=known)
    if as_json:
        _print_json(answer)
        return
    profile = answer.as_json()
    node = profile["country"]
    out.print(f"[bold]{node['name']}[/bold] ({node.get('name_en') or ''}, {node['key']})")
    for assessment in profile["return_cooperation"]:
        out.print(f"return cooperation: {assessment['level']}, trend {assessment['trend']}, as of {assessment['as_of']}  [dim]{_locators(assessment)}[/dim]")
    _print_data_layers(profile)
    for section in ("groups", "dossiers", "agreements", "forums", "projects", "donors", "events", "linkages", "partners"):
        items = profile[section]
        if section == "agreements":  # treaties of the corpus are listed by domain below
            items = [item for item in items if not item.get("bwb_id")]
        if not items:
            continue
        table = Table(title=section, title_justify="left", show_header=False)
        for item in items:
            dated = f"undated, first reported {item.get('first_reported') or 'on an unknown date'}" if item.get("undated") else item.get("date")
            detail = dated or item.get("status") or item.get("domain") or item.get("kind") or ""
            table.add_row(item["name"], str(detail), item["label"], _locators(item))
        out.print(table)
    for group in profile.get("treaties") or []:
        table = Table(title=f"treaties: {group['domain'] or 'no domain'} ({group['count']})", title_justify="left", show_header=False)
        for treaty in group["treaties"]:
            marker = " (not yet in force)" if treaty.get("not_in_force") else ""
            table.add_row(str(treaty.get("date_signed") or "undated"), f"{treaty['name']}{marker}", treaty.get("instrument") or "", ", ".join(treaty["evidence"][:3]))
        out.print(table)


@app.command()
def countries(store: StoreOption = None, as_json: JsonOption = False, as_of: AsOfOption = None, known_by: KnownByOption = None) -> None:
    """Every country with its latest return cooperation and counts of dossiers, agreements, linkages and events."""
    answer = _ask(store, "countries", as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    if as_json:
        _print_json(answer)
        return
    table = Table("key", "name", "return cooperation", "dossiers", "agreements", "linkages", "events")
    for c in answer.countries:
        level = (c.return_cooperation or {}).get("level") or ""
        table.add_row(c.key, c.name or "", level, *(str(c.counts.get(k, 0)) for k in ("dossiers", "agreements", "linkages", "events")))
    out.print(table)


def _print_data_layers(profile: dict[str, Any]) -> None:
    """Issue 12: the visa requirement and the return series (Netherlands, EU+EFTA) of a profile, with the data's caveats."""
    for visa in profile.get("visa") or []:
        days = f", {visa['visa_free_days']} days" if visa.get("visa_free_days") else ""
        out.print(f"visa for {visa['destination']} (Schengen list): {visa['requirement']}{days}, as of {visa['as_of']}  [dim]{_locators(visa)}[/dim]")
    returns = profile.get("returns") or {}
    if not returns.get("years"):
        return
    table = Table("year", "from the Netherlands", "EU+EFTA total", "NL share %", "rows", title="returns (persons, Eurostat MIGR_EIRTN)", title_justify="left")
    for nl, eu in zip(returns["netherlands"], returns["eu_efta_total"]):
        persons = "not available" if nl["availability"] == "not_available" else str(nl["persons"])
        share = "" if eu["netherlands_share_pct"] is None else str(eu["netherlands_share_pct"])
        table.add_row(str(nl["year"]), persons, str(eu["persons"]), share, _locators(nl))
    out.print(table)
    trend = returns["trend"]
    nl, eu = trend["netherlands"], trend["eu_efta"]
    out.print(f"trend {nl['from_year']}-{nl['to_year']}: Netherlands {nl['direction']} ({nl['change_pct']} %), EU+EFTA {eu['direction']} ({eu['change_pct']} %)")
    out.print(f"[dim]caveats: {returns['caveats']}[/dim]")


@app.command()
def returns(
    iso3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code of the country of citizenship.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Returns of a country's nationals per reporting state and year, with the EU+EFTA total (Eurostat MIGR_EIRTN; what GET /api/countries/{iso3}/returns gives)."""
    answer = _ask(store, "returns", iso3, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))  # as the route
    if as_json:
        _print_json(answer)
        return
    series = answer.as_json()
    years = series["years"]
    table = Table("state", *[str(y) for y in years], title=f"returns of {series['name']} ({series['country']}) nationals, persons", title_justify="left")
    for state in series["states"]:
        by_year = {p["year"]: p for p in state["points"]}
        cells = ["n/a" if (p := by_year.get(y)) and p["persons"] is None else str(p["persons"]) if p else "" for y in years]
        table.add_row(f"{state['state']}{'' if state['in_eu_efta'] else ' *'}", *cells)
    table.add_section()
    table.add_row("EU+EFTA total", *[str(t["persons"]) if t["persons"] is not None else "" for t in series["eu_efta_total"]])
    out.print(table)
    out.print(f"[dim]* not counted in the EU+EFTA total. Empty cell: no row (0 or not reported); n/a: not available. Caveats: {series['caveats']}[/dim]")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A Dutch or English name or alias; accents and small typos are tolerated.")],
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find countries, organisations, forums, dossiers and more by name."""
    answer = _ask(store, "search", text, limit=limit)
    if as_json:
        _print_json(answer)
        return
    table = Table("key", "label", "name", "matched", "score")
    for r in answer.results:
        table.add_row(r.key, r.label, r.name or "", r.matched, str(r.score))
    out.print(table)


# -- linkages and analytics ------------------------------------------------------------------

@app.command()
def linkages(
    iso3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code (or a slug such as somaliland).")],
    as_of: AsOfOption = None,
    weights: Annotated[Path | None, typer.Option("--weights", help="A weights file (copy queries/weights.yaml and edit it).")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
    known_by: KnownByOption = None,
) -> None:
    """Linkages in play and ranked candidate linkages for a country, with the reasons and evidence behind each."""
    date, known = parse_date(as_of), parse_date(known_by, "--known-by")
    answer = _ask(store, "linkages", iso3, as_of=date, weights=weights, known_by=known)
    if as_json:
        _print_json(answer)
        return
    result = answer.as_json()
    for warning in result.get("warnings") or [{"en": gap} for gap in result.get("missing", [])]:
        err.print(f"warning: {warning['en']}")  # what is missing comes first
    out.print(f"[bold]{result.get('name') or result['country']}[/bold] ({result['country']})" + (f", as of {result['as_of']}" if result["as_of"] else ""))
    if result.get("assessment"):
        a = result["assessment"]
        out.print(f"return cooperation: {a['level']}, trend {a['trend']}, as of {a['as_of']}")
    existing = Table("linkage", "ties", "direction", "status", "outcome", "channel", "date", title="already linked", title_justify="left")
    for item in result["existing"]:
        ties = ", ".join(t.get("name") or t["key"] for t in item.get("targets") or [item.get("dossier") or {"key": ""}])
        dated = item.get("date") or (f"undated, first reported {item.get('first_reported') or 'on an unknown date'}" if item.get("undated") else "")
        existing.add_row(item["name"] or item["key"], ties, item["direction"], item["status"], item["outcome"], item["channel"], str(dated))
    out.print(existing)
    candidates = Table("score", "stable", "action", "candidate", "channel", "why", title="candidates", title_justify="left")
    for item in result["candidates"]:
        why = (item.get("why") or {}).get("en") or "; ".join(f"{r['factor']} {r['value']:.2f}: {r['text']}" for r in item["reasons"])
        stable = "" if item.get("robustness") is None else f"{item['robustness']:.0%}"
        action = (item.get("action") or {}).get("en") or item["direction"]
        candidates.add_row(f"{item['score']:.2f}", stable, action, item["dossier"]["name"], item["channel"], why)
    out.print(candidates)


# -- exploring the graph ---------------------------------------------------------------------

def _print_elements(answer: "Answer", as_json: bool) -> None:
    """Elements as JSON, or as two tables (nodes, then edges) for people."""
    if as_json:
        _print_json(answer)
        return
    elements = answer.as_json()
    nodes = Table("key", "label", "name", title="nodes", title_justify="left")
    for n in elements["nodes"]:
        nodes.add_row(n["data"]["id"], n["data"]["label"], n["data"]["name"])
    out.print(nodes)
    edges = Table("from", "relationship", "to", title="relationships", title_justify="left")
    for e in elements["edges"]:
        edges.add_row(e["data"]["source"], e["data"]["type"], e["data"]["target"])
    out.print(edges)


@app.command()
def node(
    label: Annotated[str, typer.Argument(help="The node's label (Country, Dossier, Forum, ...).")],
    key: Annotated[str, typer.Argument(help="The node's key.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """One node and its direct neighbourhood."""
    answer = _ask(store, "node", label, key, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    if as_json:
        _print_json(answer)
        return
    out.print(f"[bold]{answer.node.get('name') or answer.node['key']}[/bold] ({answer.node['label']}, {answer.node['key']})")
    _print_elements(answer.elements, False)


@app.command()
def neighbourhood(
    key: Annotated[str, typer.Argument(help="The key of the node to start from.")],
    depth: Annotated[int, typer.Option(min=1, max=3, help="Steps from the node.")] = 1,
    labels: Annotated[str | None, typer.Option("--labels", help="Comma-separated labels to keep (the start node is always kept).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=2000, help="Most nodes to return.")] = 200,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Nodes within DEPTH steps of a node, as Cytoscape.js elements (the same JSON as GET /api/graph/neighbourhood)."""
    answer = _ask(store, "neighbourhood", key, depth=depth, labels=labels.split(",") if labels else None, limit=limit, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    _print_elements(answer, as_json)


@app.command()
def path(
    source: Annotated[str, typer.Argument(help="The key of the first node.")],
    target: Annotated[str, typer.Argument(help="The key of the last node.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """A shortest connection between two nodes (up to 4 steps), as elements in path order (the same JSON as GET /api/graph/path)."""
    answer = _ask(store, "path", source, target, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    if not answer.nodes and not as_json:
        err.print(f"no connection of at most 4 steps between {source!r} and {target!r}")
        return
    _print_elements(answer, as_json)


analyse_app = typer.Typer(help="Network analytics over the graph (networkx).", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(analyse_app, name="analyse")


def _print_ranking(answer: "Answer", rows_key: str, columns: list[str], as_json: bool) -> None:
    if as_json:
        _print_json(answer)
        return
    table = Table(*columns)
    for row in answer.as_json()[rows_key]:
        table.add_row(*[str(row.get(c, "")) for c in columns])
    out.print(table)


@analyse_app.command("brokers")
def analyse_brokers(
    iso3: Annotated[str, typer.Argument(help="The country.")],
    k: Annotated[int | None, typer.Option(min=1, help="Sample size for large graphs.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Who connects the Netherlands and a country: intermediaries on the shortest connections."""
    data = _ask(store, "brokers", iso3, k=k, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    _print_ranking(data, "brokers", ["key", "name", "label", "paths", "share"], as_json)


@analyse_app.command("similar")
def analyse_similar(
    iso3: Annotated[str, typer.Argument(help="The country.")],
    top: Annotated[int, typer.Option(min=1, max=250)] = 10,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Countries with a similar linkage profile."""
    data = _ask(store, "similar", iso3, top=top, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    _print_ranking(data, "similar", ["key", "name", "score", "shared"], as_json)


@analyse_app.command("centrality")
def analyse_centrality(
    label: Annotated[str | None, typer.Option("--label", help="Rank only this label (default: forums and donors).")] = None,
    k: Annotated[int | None, typer.Option(min=1, help="Sample size for betweenness on large graphs.")] = None,
    top: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    known_by: KnownByOption = None,
) -> None:
    """Betweenness and degree centrality of forums and donors (or of one label)."""
    data = _ask(store, "centrality", label=label, k=k, top=top, as_of=parse_date(as_of), known_by=parse_date(known_by, "--known-by"))
    _print_ranking(data, "ranking", ["key", "name", "label", "betweenness", "degree"], as_json)


# -- serving ------------------------------------------------------------------------------------

@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes (each opens the store read-only).")] = 2,
    store: StoreOption = None,
    sources: SourcesOption = None,
) -> None:
    """Serve the HTTP API and the web explorer (uvicorn).

    The settings are read once, here, and handed to the worker processes in a file only this user can read
    (0600, in a private temporary folder removed when serve ends); the workers' environment carries only its path,
    and the variables holding secrets (the Neo4j password, the API tokens) are taken out of it.
    """
    import os
    import shutil
    import tempfile

    import uvicorn
    from pydantic import ValidationError as Invalid

    from koppel.api.settings import SECRET_VARIABLES, SETTINGS_VARIABLE, ApiSettings

    overrides = {"store": store, "sources": sources}
    try:
        settings = ApiSettings(**{name: value for name, value in overrides.items() if value is not None})
    except Invalid as error:  # a KOPPEL_* number or size that is not one: one line, exit 2
        raise _settings_error(error) from None
    # Fail here, with one clear line, if the store cannot be opened.
    with _engine(settings.store) as engine:
        engine.config.open(read_only=True).close()
    from koppel.api.sandbox import query_memory

    query_memory()  # KOPPEL_QUERY_MEMORY (the ad-hoc query worker's cap): one clear line, exit 2, when it is not a size
    _check_listen(host, port)
    folder = tempfile.mkdtemp(prefix="koppel-serve-")  # mode 0700: only this user can enter it
    try:
        handed = Path(folder) / "settings.json"
        descriptor = os.open(handed, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(settings.model_dump_json())
        for variable in SECRET_VARIABLES:
            os.environ.pop(variable, None)  # the workers (and their query workers) inherit this environment
        os.environ[SETTINGS_VARIABLE] = str(handed)
        err.print(f"koppel: serving http://{host}:{port}/ (API at /api, docs at /docs)")
        uvicorn.run("koppel.api.app:serve_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _check_listen(host: str, port: int) -> None:
    """``ConfigError`` (exit 2), one line, unless ``host:port`` can be listened on now (checked before "serving" is printed)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn chooses, and binds (host, port) the same way
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a port in TIME_WAIT is free
            probe.bind((host, port))
    except socket.gaierror as error:
        raise ConfigError(f"--host {host}: not an address to listen on ({error.strerror or error})") from None
    except (OSError, UnicodeError, OverflowError) as error:
        raise ConfigError(f"--host {host} --port {port}: cannot listen there ({getattr(error, 'strerror', None) or error})") from None


def _settings_error(error: Any) -> ConfigError:
    """A pydantic ValidationError over settings as one line naming the variable: ``setting KOPPEL_QUERY_TIMEOUT: ...``."""
    problem = error.errors()[0]
    return ConfigError(f"setting {'.'.join(map(str, problem['loc']))}: {problem['msg']}")


def _one_line(message: str) -> str:
    """``message`` on one line: a multi-line message (PyYAML's, a driver's) joined with single spaces."""
    return " ".join(message.split())


def _command_path(root: Any, argv: list[str]) -> str:
    """The command a usage error belongs to (``koppel review``), found by walking ``argv`` through the command groups."""
    command, path = root, [root.name or "koppel"]
    for token in argv:
        if token.startswith("-"):
            continue
        sub = getattr(command, "commands", {}).get(token)
        if sub is None:
            break
        command, path = sub, [*path, token]
    return " ".join(path)


class UsageProblem(KoppelError):
    """The command line itself is wrong (a missing argument, options that exclude each other): exit 2, naming the command's help."""

    exit_code = 2


def _usage(message: str) -> UsageProblem:
    """A usage error: ``koppel: error: <message> (see `koppel <command> --help`)``, exit 2."""
    return UsageProblem(f"{message} (see `{_command_path(typer.main.get_command(app), sys.argv[1:])} --help`)")


def main() -> None:
    """Run the command line: every error, usage errors included, is one line ``koppel: error: ...`` and the README's exit code.

    A closed standard output (``koppel country IRQ | head -1``) ends quietly with exit 0: the reader took what it wanted.
    """
    try:
        from typer._click import exceptions as click_errors  # typer 0.2x carries its own click
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click import exceptions as click_errors
    import logging

    # The Neo4j driver logs some failures (e.g. "Unable to retrieve routing information") as well as raising them;
    # without a handler Python would print that record on stderr beside our one line.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    try:
        try:
            code = app(standalone_mode=False)
        except click_errors.NoArgsIsHelpError as usage:
            root = usage.ctx is None or usage.ctx.parent is None
            if root:  # `koppel` alone: the help, exit 0
                sys.stdout.write(usage.ctx.get_help() + "\n" if usage.ctx else "")
                sys.exit(0)
            names = ", ".join(usage.ctx.command.commands) if hasattr(usage.ctx.command, "commands") else ""
            sys.stderr.write(f"koppel: error: missing command{': one of ' + names if names else ''} (see `{_command_path(usage.ctx.find_root().command, sys.argv[1:])} --help`)\n")
            sys.exit(ConfigError.exit_code)
        except click_errors.UsageError as usage:
            message = _one_line(usage.format_message())
            root = usage.ctx.find_root().command if usage.ctx else typer.main.get_command(app)
            sys.stderr.write(f"koppel: error: {message} (see `{_command_path(root, sys.argv[1:])} --help`)\n")
            sys.exit(ConfigError.exit_code)
        except typer.Abort:
            sys.stderr.write("koppel: error: aborted\n")
            sys.exit(1)
        except KoppelError as error:
            sys.stderr.write(f"koppel: error: {_one_line(str(error))}\n")
            sys.exit(error.exit_code)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_closed_stdout()
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click met a closed stdout (EPIPE) and exits 1: the reader left
            _quiet_closed_stdout()
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _quiet_closed_stdout() -> None:
    """The reader of standard output left (``| head``): exit 0 without a message or Python's own complaint at shutdown."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.__stdout__.fileno())  # Python flushes stdout at exit; that flush would fail again
    sys.exit(0)


if __name__ == "__main__":
    main()
