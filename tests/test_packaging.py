"""A built wheel installs the koppel namespace only, and imports without the source tree."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_imports_the_four_subpackages(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    wheel = next((tmp_path / "dist").glob("koppel-*.whl"))
    top_level = {Path(name).parts[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {part for part in top_level if not part.endswith(".dist-info")} == {"koppel"}
    names = zipfile.ZipFile(wheel).namelist()
    assert "koppel/graph/schema.yaml" in names
    assert any(n.startswith("koppel/loaders/seed/") for n in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    deps = sysconfig.get_paths()["purelib"]
    code = (
        "import koppel.graph, koppel.loaders, koppel.queries, koppel.api, koppel.api.cli;"
        "from koppel.graph.schema import SCHEMA;"
        "print(koppel.graph.__file__); print(len(SCHEMA.labels))"
    )
    # -I: ignore the environment and the editable install's path hooks; the wheel comes first.
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = [{str(target)!r}, {deps!r}]; " + code],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    graph_file, labels = result.stdout.split()
    assert graph_file.startswith(str(target))
    assert int(labels) >= 9
