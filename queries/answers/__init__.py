"""Typed answers: what :class:`koppel.queries.engine.Koppel` returns, the HTTP API sends and ``--json`` prints.

Each answer is a pydantic model, so ``/openapi.json`` documents every response
body and the CLI prints the same JSON (``model_dump(mode="json")``) as the API.
Answers whose producers are still changing (linkage candidates, profile items,
analytics rows) allow extra fields: what is declared here is guaranteed, more
may be present.

Shapes, in the project's words:

* graph payloads are Cytoscape.js elements (:class:`Elements`): nodes keyed by
  the node ``key``, edges by ``"start|TYPE|end"``;
* every item that comes from the graph carries ``sources`` (locators
  ``<document-id>#L<from>-L<to>``) where the graph has them;
* dates are ISO strings (``YYYY-MM-DD``).

The classes live in one module per topic (``base``, ``schema``, ``store``,
``graph``, ``countries``, ``linkage``, ``statements``, ``search``,
``catalogue``, ``analytics``, ``review``) and are all importable from here
(``from koppel.queries.answers import LinkageAnswer``). A topic's module is
imported on the first use of one of its classes, so a command creates only the
classes it answers with (creating all 52 pydantic classes cost every command
about 0.02 s; BENCHMARKS.md, CLI start-up).
"""

import importlib
from typing import Any

from .base import Answer, Open

_TOPICS: dict[str, tuple[str, ...]] = {
    "schema": ("PropertyInfo", "LabelInfo", "RelTypeInfo", "SchemaAnswer"),
    "store": ("Stats", "LoadAnswer", "CheckAnswer", "Health", "Readiness"),
    "graph": ("NodeData", "EdgeData", "NodeElement", "EdgeElement", "Elements", "NodeAnswer"),
    "countries": ("LatestAssessment", "CountrySummary", "Countries", "ProfileItem", "Profile", "ReturnPoint", "ReturnTotal", "ReturnState", "Trend", "ReturnTrends", "ProfileReturns", "ReturnSeries", "Treaty", "TreatyGroup", "VisaRequirement", "DataWithheld"),
    "linkage": ("Bilingual", "ReasonPath", "Reason", "DossierRef", "Candidate", "ExistingLinkage", "Assessment", "LinkageAnswer"),
    "statements": ("StatedValue", "Disagreement", "RelationshipStatements", "StatementsAnswer", "EvidenceAnswer"),
    "search": ("SearchHit", "SearchAnswer"),
    "catalogue": ("QueryParameterInfo", "QueryParameter", "QueryColumn", "QueryInfo", "Catalogue", "Rows"),
    "analytics": ("Broker", "BrokersAnswer", "SimilarCountry", "SimilarAnswer", "Central", "CentralityAnswer"),
    "review": ("IngestAnswer", "ReviewCandidate", "ReviewIssue", "ReviewAnswer", "ReviewDecision", "DecisionsAnswer"),
}
_MODULE_OF = {name: topic for topic, names in _TOPICS.items() for name in names}

__all__ = ["Answer", "Open", *_MODULE_OF]


def __getattr__(name: str) -> Any:
    """The answer class ``name``, imported with its topic's module on first use; ``AttributeError`` for any other name."""
    topic = _MODULE_OF.get(name)
    if topic is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{topic}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
