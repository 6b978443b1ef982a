"""The model builder's metadata step, on the detector already inside the bundled model."""
import zipfile

from formcheck.pose.models import MODELS_DIR


def test_metadata_carries_the_normalisation_the_tasks_api_needs():
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("build_pose_models",
                                                  Path(__file__).resolve().parents[1] / "tools" / "build_pose_models.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    with zipfile.ZipFile(MODELS_DIR / "pose_landmarker_full.task") as zf:
        detector = zf.read("pose_detector.tflite")
    rebuilt = mod.add_metadata(detector, "pose_detector", 127.5, 127.5)
    model = tfl.Model.GetRootAs(rebuilt, 0)
    names = [model.Metadata(i).Name().decode() for i in range(model.MetadataLength())]
    assert names.count("TFLITE_METADATA") == 1  # replaced, not duplicated
    buf_idx = model.Metadata(names.index("TFLITE_METADATA")).Buffer()
    raw = model.Buffers(buf_idx).DataAsNumpy().tobytes()
    meta = md.ModelMetadata.GetRootAs(raw, 0)
    unit = meta.SubgraphMetadata(0).InputTensorMetadata(0).ProcessUnits(0)
    assert unit.OptionsType() == md.ProcessUnitOptions.NormalizationOptions
    opts = md.NormalizationOptions()
    opts.Init(unit.Options().Bytes, unit.Options().Pos)
    assert opts.MeanAsNumpy().tolist() == [127.5] and opts.StdAsNumpy().tolist() == [127.5]
