"""`make bundle-check`: the synthesized templates point at complete bundles (run after `make synth`).

For every function of every main-stack template in cdk.out: its handler module and function exist
in its code asset, each of its layers resolves to an asset with a python/ folder, every .py in
those assets has bytecode of the runtime's Python version beside it, and no layer ships boto3 or
botocore (the runtime's own). Then, on the runtime's Python, each handler is imported from the same
bundles built for this machine's CPU (bench/imports.py; the deployed layer is arm64), which proves
the bundle holds everything its imports need. One line per problem, exit 1 if any.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

from infra import names

CDK_OUT = names.ROOT / "cdk.out"
TAG = "cpython-" + names.PYTHON_VERSION.replace(".", "")


def _asset_dir(resource: dict[str, Any]) -> Path | None:
    path = resource.get("Metadata", {}).get("aws:asset:path")
    return CDK_OUT / path if path else None


def _bytecode_problems(root: Path) -> list[str]:
    problems = []
    for source in root.rglob("*.py"):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{TAG}.pyc"
        if not compiled.is_file():
            problems.append(f"{source.relative_to(CDK_OUT)}: no {TAG} bytecode")
    return problems[:5]


def check_template(template_file: Path) -> list[str]:
    template = json.loads(template_file.read_text())
    resources: dict[str, Any] = template.get("Resources", {})
    problems: list[str] = []
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource["Properties"]
        if "SHOKEN_FUNCTION" not in properties.get("Environment", {}).get("Variables", {}):
            continue  # CDK's own helper functions (bucket deployment), not built by infra/bundling.py
        code = _asset_dir(resource)
        if code is None or not code.is_dir():
            problems.append(f"{logical_id}: its code asset is not in cdk.out (synthesized with bundling skipped?)")
            continue
        module_path, _, function = properties["Handler"].rpartition(".")
        handler_file = code / (module_path.replace(".", "/") + ".py")
        if not handler_file.is_file():
            problems.append(f"{logical_id}: handler {properties['Handler']} has no {handler_file.relative_to(CDK_OUT)}")
        elif function not in {
            node.name for node in ast.parse(handler_file.read_text()).body if isinstance(node, ast.FunctionDef)
        }:
            problems.append(f"{logical_id}: {handler_file.name} defines no {function}")
        problems += _bytecode_problems(code)
        for layer in properties.get("Layers", []):
            layer_id = layer.get("Ref") if isinstance(layer, dict) else None
            layer_dir = _asset_dir(resources.get(layer_id or "", {}))
            if layer_dir is None or not (layer_dir / "python").is_dir():
                problems.append(f"{logical_id}: layer {layer_id} has no python/ folder in cdk.out")
                continue
            problems += _bytecode_problems(layer_dir)
            shipped = [name for name in ("boto3", "botocore") if (layer_dir / "python" / name).exists()]
            if shipped:
                problems.append(f"{layer_id}: ships {', '.join(shipped)}, which the Lambda runtime provides")
    return sorted(set(problems))


def main() -> int:
    templates = [
        path
        for path in sorted(CDK_OUT.glob("*.template.json"))
        if not path.name.endswith("-edge.template.json") and "AWS::Lambda::Function" in path.read_text()
    ]
    if not templates:
        print("bundle-check: no synthesized template with functions in cdk.out; run `make synth` first")
        return 1
    problems = [problem for template in templates for problem in check_template(template)]

    from bench import imports

    for key, bundle in imports.build_bundles().items():
        try:
            imports.time_import(bundle, f"import {imports.MODULES[key]}", imports.stage_environment(key))
        except RuntimeError as error:
            problems.append(f"{key}: {error}")
    for problem in problems:
        print(f"bundle-check: {problem}")
    if not problems:
        version = imports.python_version()
        print(f"bundle-check: {len(templates)} template(s): handlers and layers resolve, import on Python {version}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
