#!/usr/bin/env python3
"""Draw the camera-setup picture of every exercise from our rendered sample clips' landmarks.

    python tools/draw_setup_pictures.py                 # writes src/formcheck/data/setup/<exercise>.png
    python tools/draw_setup_pictures.py --out DIR --samples sample_videos

Each PNG is the clip's recorded pose inside the phone's frame with the box that must stay in view,
and, from above, where that clip's camera stood (formcheck.setup.picture names the clip per exercise).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from formcheck.checkers import all_checkers
    from formcheck.setup.picture import PICTURE_DIR, draw_from_clip
    from formcheck.sinks.setup_picture import encode_png
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=PICTURE_DIR)
    ap.add_argument("--samples", type=Path, default=REPO / "sample_videos")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for exercise in sorted(all_checkers()):
        png = encode_png(draw_from_clip(exercise, a.samples))
        (a.out / f"{exercise}.png").write_bytes(png)
        print(f"{exercise}.png  {len(png) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
