"""App icons of the merchant app and the wallet, drawn here (a ¥ coin on the app's colour) and
written as PNG with pypng: `python -m local.icons` regenerates web/shared/icons/ (a unit test checks
the committed files are this script's output, so no icon is a blob of unknown origin)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import png

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "web" / "shared" / "icons"
# app → (background, coin, glyph) as RGB
COLOURS = {
    "wallet": ((11, 110, 79), (255, 255, 255), (11, 110, 79)),
    "merchant": ((29, 39, 51), (227, 242, 236), (11, 110, 79)),
}
SIZES = (192, 512)


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


# The ¥ in unit coordinates (0..1): two arms meeting at the centre, a stem and two bars.
_STROKES = (
    (0.36, 0.30, 0.50, 0.50),
    (0.64, 0.30, 0.50, 0.50),
    (0.50, 0.50, 0.50, 0.72),
    (0.39, 0.54, 0.61, 0.54),
    (0.39, 0.63, 0.61, 0.63),
)


def render(app: str, size: int, *, maskable: bool = False) -> bytes:
    background, coin, glyph = COLOURS[app]
    radius = 0.0 if maskable else 0.18  # rounded corners; a maskable icon fills its square
    coin_radius = 0.30 if maskable else 0.36  # inside the maskable safe zone (80 %)
    rows = []
    for y in range(size):
        row: list[int] = []
        v = (y + 0.5) / size
        for x in range(size):
            u = (x + 0.5) / size
            cx, cy = min(max(u, radius), 1 - radius), min(max(v, radius), 1 - radius)
            if radius and math.hypot(u - cx, v - cy) > radius:
                row += [0, 0, 0, 0]
                continue
            colour = background
            if math.hypot(u - 0.5, v - 0.5) <= coin_radius:
                colour = coin
                scale = coin_radius / 0.36
                su, sv = 0.5 + (u - 0.5) / scale, 0.5 + (v - 0.5) / scale
                if min(_segment_distance(su, sv, *s) for s in _STROKES) <= 0.035:
                    colour = glyph
            row += [*colour, 255]
        rows.append(row)
    out = io.BytesIO()
    png.Writer(size, size, greyscale=False, alpha=True, compression=9).write(out, rows)
    return out.getvalue()


def files() -> dict[Path, bytes]:
    made = {}
    for app in COLOURS:
        for size in SIZES:
            made[OUT / f"{app}-{size}.png"] = render(app, size)
        made[OUT / f"{app}-maskable-512.png"] = render(app, 512, maskable=True)
    return made


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for path, body in files().items():
        path.write_bytes(body)
        print(f"wrote {path.relative_to(ROOT)} ({len(body):,} bytes)")


if __name__ == "__main__":
    main()
