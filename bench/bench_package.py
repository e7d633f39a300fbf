"""Package import + validate + lint and export of a generated 10,000-node package, against json alone."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.common import HEADER, measure, row
from bench.generate import generate_package
from designer.analysis import lint
from designer.io import dumps_package, read_package_text


def run(nodes: int = 10_000) -> list[str]:
    text = json.dumps(generate_package(nodes), indent=4)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        path.write_text(text)

        def json_only() -> None:
            json.dumps(json.loads(path.read_bytes()), indent=4)

        def import_validate_lint() -> None:
            lint(read_package_text(path.read_bytes()))

        package = read_package_text(text)
        base = measure("json.load + json.dumps", json_only)
        ours = measure(f"import + validate + lint ({nodes} nodes)", import_validate_lint)
        export = measure("export", lambda: dumps_package(package))
    return [row(ours, base, "< 0.5 s"), row(export, base)]


if __name__ == "__main__":
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(HEADER)
    print("\n".join(run(nodes)))
