"""Koppel's own YAML files (the schema, the default weights) parsed once per content, not once per process.

Every CLI command reads ``graph/schema.yaml``, and a linkage answer also
``queries/weights.yaml``; parsing them with PyYAML (even with libyaml's
``CSafeLoader``, whose objects are still built in Python) took about 0.03 s
of each command. :func:`load_packaged_yaml` keeps the parsed data as JSON in
a cache folder, under the BLAKE2b digest of the file's bytes: an edited file
has a new digest, so a cached entry is never stale, and an entry is only
written when JSON gives back exactly what YAML parsed (same types and values;
a YAML date or a non-text key is not cached and is parsed every time).

The cache folder is ``$XDG_CACHE_HOME/koppel/yaml`` (default
``~/.cache/koppel/yaml``). A folder that cannot be created or written, or an
entry that cannot be read as JSON, only costs the parse: the YAML file stays
the source of the facts.

:func:`read_json_entry` and :func:`write_json_entry` keep other exact JSON
entries the same way (the reads of an unchanged store the linkage answer
reuses: :mod:`koppel.queries.linkage.reading`).

No maintained library does this for PyYAML (its own speed-up is the C loader,
used here for the parse); it is a digest, a JSON file and an atomic rename.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def cache_dir(kind: str = "yaml") -> Path:
    """The folder of cached entries of one ``kind``: ``$XDG_CACHE_HOME/koppel/<kind>``, or ``~/.cache/koppel/<kind>``
    (``yaml``: the parses of this module; ``reads``: reads of an unchanged store, :mod:`koppel.queries.linkage.reading`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "koppel" / kind


def read_json_entry(entry: Path) -> tuple[bool, Any]:
    """``(True, value)`` for a cache entry written by :func:`write_json_entry`, ``(False, None)`` when it is missing or unreadable."""
    try:
        return True, json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return False, None


def write_json_entry(entry: Path, value: Any) -> bool:
    """Write ``value`` to the cache file ``entry`` as JSON, atomically, when JSON gives it back exactly (same types
    and values throughout, see :func:`_same`); whether it was written. A folder that cannot be created or written
    only means no entry: never raises for it."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a date, a non-text key, a NaN: JSON cannot hold it exactly
        return False
    if not _same(json.loads(text), value):
        return False
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, prefix=f".{entry.stem}-", suffix=".tmp", delete=False) as out:
            out.write(text)
        os.replace(out.name, entry)
    except OSError:
        try:
            os.unlink(out.name)
        except (OSError, NameError):
            pass
        return False
    return True


def parse_yaml(text: str) -> Any:
    """``text`` parsed with PyYAML's safe loader (libyaml's ``CSafeLoader`` where PyYAML was built with it).

    Raises ``yaml.YAMLError`` on text that is not YAML.
    """
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def _same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are equal with the same types throughout (``1`` is not ``1.0``, ``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def load_packaged_yaml(name: str, data: bytes) -> Any:
    """The YAML document ``data`` (the bytes of a file koppel ships, called ``name``, e.g. ``schema``), parsed.

    Read from the cache when an entry for these bytes exists; otherwise parsed
    with :func:`parse_yaml` and, when JSON represents the result exactly,
    written to the cache (atomically: a half-written entry is never read).
    Raises ``yaml.YAMLError`` or ``UnicodeDecodeError`` as parsing would.
    """
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    entry = cache_dir() / f"{name}-{digest}.json"
    found, cached = read_json_entry(entry)
    if found:
        return cached
    parsed = parse_yaml(data.decode("utf-8"))
    write_json_entry(entry, parsed)
    return parsed
