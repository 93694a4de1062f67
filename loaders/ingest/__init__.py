"""Ingest: documents in, candidate facts out, reviewed decisions into the graph.

``koppel ingest PATH...`` (:func:`koppel.loaders.ingest.pipeline.ingest`)
registers each document (:mod:`koppel.loaders.documents`), runs the
extractors for its kind (treaties: :mod:`.treaties`) and keeps the candidates
in a workspace folder; ``koppel review`` (:mod:`.review`) lists them, records
decisions and loads accepted facts through the normal all-or-nothing
``store.upsert``.
"""
