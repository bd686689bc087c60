"""Entry point of `cdk synth` / `cdk deploy` (cdk.json runs `.venv/bin/python infra/app.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> None:
    # Run as a script, Python puts infra/ first on sys.path, where infra/constructs would shadow
    # the `constructs` library; the repository root and the shared layer go there instead.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
    sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "shared" / "python")]

    from infra import bundling
    from infra.application import create_app

    try:
        app, _ = create_app()
    except bundling.BundlingError as error:
        # One line naming the fix, not a jsii stack trace per asset.
        sys.exit(f"cdk synth: {error}")
    app.synth()


if __name__ == "__main__":
    main()
