"""The app icons are this repository's own drawing: the committed PNGs are local/icons.py's output."""

from __future__ import annotations

import json

import png

from local import icons


def test_committed_icons_are_the_generators_output_and_the_manifests_name_them() -> None:
    made = icons.files()
    for path, body in made.items():
        assert path.read_bytes() == body, f"{path.name} differs: run python -m local.icons"
        width, height, _, info = png.Reader(bytes=body).read()
        assert width == height and f"-{width}." in path.name and info["alpha"]
    for app in ("merchant", "wallet"):
        manifest = json.loads((icons.ROOT / "web" / app / "manifest.json").read_text())
        assert manifest["start_url"] == f"/{app}/" and manifest["display"] == "standalone"
        named = {icons.ROOT / "web" / i["src"].lstrip("/") for i in manifest["icons"]}
        assert named <= set(made) and {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
        assert any(i["purpose"] == "maskable" for i in manifest["icons"])
