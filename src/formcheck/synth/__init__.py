"""Sample-clip renderer: a parametric human (anny / MakeHuman CC0 assets) doing the
exercises, written as H.264 clips with exact per-frame ground truth.

Optional extra (`pip install -e .[synth]`: torch==2.13.0 then anny==0.6.2); the main
package never imports this subpackage. Entry point: `python -m formcheck.synth --help`.

Modules:
  rotations  small rotation helpers (degrees in, 3x3 matrices out)
  body       anny model, body presets, clothing regions, posing by segment rotations
  schedule   rep timelines (lead-in, up/top/down, injected faults) -> progress per frame
  motions/   one module per exercise family: progress -> PoseSpec
  camera     views (side / oblique / front) and auto-framing
  scene      floor, wall and props (box seat, bench, leg-press sled, mat)
  raster     numpy z-buffer rasteriser with Gouraud shading
  truth      per-frame ground truth from joint positions, JSON writer
  render     the loop: schedule -> pose -> raster -> VideoWriter + truth
  clips      the table of shipped clips (`--all`)
  record     MediaPipe landmark series for the shipped clips (`--record-landmarks`)
"""
