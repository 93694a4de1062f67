"""What koppel asks the graph, the same way on both stores.

* :mod:`.catalogue`: named, parameterized Cypher (``catalogue/*.cypher``) with checked parameters.
* :mod:`.linkage`: scored linkage recommendations per country, weights in ``weights.yaml``.
* :mod:`.analytics`: brokers, similar countries and central forums and donors (networkx).
* :mod:`.profile` and :mod:`.search`: a country's profile and name search.
"""
