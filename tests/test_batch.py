"""Batch review: several clips or a folder, one summary, a failing clip reported while the rest go on."""
import csv
import subprocess
import sys

import pytest

from conftest import make_clip, sample_clip
from formcheck.cli import main
from formcheck.pose.types import PoseSeries
from test_pose_stream import RecordedModel, recorded_model  # noqa: F401  (fixture)


def _person_clip(path, n_frames=40):
    """The first frames of the sample calf-raise clip: a real person, tiny and quick."""
    from formcheck.io.video import VideoWriter, open_video
    src = sample_clip("calf_raise_oblique_clean.mp4")
    with open_video(src) as v, VideoWriter(path, v.info.fps, (320, 240)) as w:
        for f, _ in zip(v.frames((320, 240)), range(n_frames)):
            w.write(f.image_rgb)
    return path


def _rows(path):
    return list(csv.DictReader(path.open()))


def test_batch_goes_on_past_a_bad_clip_and_exits_1(tmp_path, recorded_model, capsys):  # noqa: F811
    recorded_model.series = PoseSeries.load(sample_clip("calf_raise_oblique_clean.mp4")
                                            .with_name("calf_raise_oblique_clean.landmarks.npz"))
    folder = tmp_path / "clips"
    folder.mkdir()
    make_clip(folder / "b.mp4", 30)
    make_clip(folder / "a.mov", 30, seed=1)
    (folder / "notes.txt").write_text("not a clip")
    broken = tmp_path / "broken.mp4"
    broken.write_text("not a video\n" * 50)
    first = make_clip(tmp_path / "first.mp4", 30, seed=2)
    summary, reports = tmp_path / "summary.csv", tmp_path / "reports"
    code = main(["analyze", str(first), str(broken), str(folder), "-e", "calf_raise", "--jobs", "1",
                 "--report", str(reports), "--out", str(tmp_path / "videos"), "--summary-csv", str(summary)])
    assert code == 1
    out, err = capsys.readouterr()
    rows = _rows(summary)
    assert [r["clip"] for r in rows] == ["first.mp4", "broken.mp4", "a.mov", "b.mp4"]
    assert [r["status"] for r in rows] == ["complete", "failed", "complete", "complete"]
    assert "not a video file" in rows[1]["error"]
    err_lines = [ln for ln in err.splitlines() if ln.startswith("formcheck: ")]
    assert len(err_lines) == 1 and "broken.mp4" in err_lines[0] and "Traceback" not in err
    assert sorted(p.name for p in reports.iterdir()) == ["a.json", "b.json", "first.json"]
    assert sorted(p.name for p in (tmp_path / "videos").iterdir()) == ["a-checked.mp4", "b-checked.mp4",
                                                                       "first-checked.mp4"]
    assert "FAILED" in out and "4 clips: 3 complete, 0 partial, 1 failed" in out


def test_batch_all_good_exits_0_and_names_never_collide(tmp_path, recorded_model, capsys):  # noqa: F811
    recorded_model.series = PoseSeries.load(sample_clip("calf_raise_oblique_clean.mp4")
                                            .with_name("calf_raise_oblique_clean.landmarks.npz"))
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    clips = [make_clip(tmp_path / "x" / "same.mp4", 20), make_clip(tmp_path / "y" / "same.mp4", 20, seed=3)]
    assert main(["analyze", *map(str, clips), "-e", "calf_raise", "-j", "1", "-q",
                 "--csv", str(tmp_path / "tables")]) == 0
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["same-2.csv", "same.csv"]


def test_empty_folder_and_bad_jobs_are_one_line_errors(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["analyze", str(tmp_path / "empty"), "-e", "calf_raise"]) == 1
    assert "is a folder with no video clips" in capsys.readouterr().err
    clip = make_clip(tmp_path / "c.mp4", 5)
    assert main(["analyze", str(clip), str(clip), "-e", "calf_raise", "--jobs", "0"]) == 1
    assert "--jobs must be 1 or more" in capsys.readouterr().err


def test_parallel_workers_review_real_clips_in_order(tmp_path):
    person = _person_clip(tmp_path / "person.mp4")
    nobody = make_clip(tmp_path / "nobody.mp4", 20)
    summary = tmp_path / "s.csv"
    r = subprocess.run([sys.executable, "-m", "formcheck.cli", "analyze", str(nobody), str(person), "-e", "calf_raise",
                        "--jobs", "2", "--summary-csv", str(summary)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    rows = _rows(summary)
    assert [(x["clip"], x["status"]) for x in rows] == [("nobody.mp4", "failed"), ("person.mp4", "complete")]
    assert "nobody found" in rows[0]["error"] and float(rows[1]["pose_found_ratio"]) > 0.5
    # progress: one line per clip as it finishes, whichever finishes first
    assert "/2] nobody.mp4 failed: nobody found" in r.stderr and "/2] person.mp4: 0 reps" in r.stderr
    assert "2 clips: 1 complete, 0 partial, 1 failed" in r.stdout


@pytest.mark.parametrize("flag", ["--out", "--report"])
def test_output_that_is_a_file_is_refused_for_several_clips(tmp_path, capsys, flag):
    clip = make_clip(tmp_path / "c.mp4", 5)
    taken = tmp_path / "taken"
    taken.write_text("x")
    assert main(["analyze", str(clip), str(clip), "-e", "calf_raise", flag, str(taken)]) == 1
    assert "names a folder" in capsys.readouterr().err


def test_a_file_already_there_is_never_replaced_unless_asked(tmp_path, recorded_model, capsys):  # noqa: F811
    """One clip: an output that is already there is a one-line error before any work, the file untouched;
    --overwrite replaces it. Several clips: that clip fails, the others go on; an existing summary is refused."""
    import json
    recorded_model.series = PoseSeries.load(sample_clip("calf_raise_oblique_clean.mp4")
                                            .with_name("calf_raise_oblique_clean.landmarks.npz"))
    clip = make_clip(tmp_path / "c.mp4", 30)
    mine = tmp_path / "mine.json"
    mine.write_text("my own notes")
    assert main(["analyze", str(clip), "-e", "calf_raise", "--report", str(mine)]) == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert err == [f"formcheck: --report {mine} is already there: choose another name, or add --overwrite to "
                   f"replace it"]
    assert mine.read_text() == "my own notes"
    assert main(["analyze", str(clip), "-e", "calf_raise", "-q", "--report", str(mine), "--overwrite"]) == 0
    assert json.loads(mine.read_text())["exercise"] == "calf_raise"

    folder, reports = tmp_path / "clips", tmp_path / "reports"
    folder.mkdir(), reports.mkdir()
    make_clip(folder / "a.mp4", 20), make_clip(folder / "b.mp4", 20, seed=1)
    (reports / "a.json").write_text("kept")
    summary = tmp_path / "summary.csv"
    assert main(["analyze", str(folder), "-e", "calf_raise", "-j", "1", "-q", "--report", str(reports),
                 "--summary-csv", str(summary)]) == 1
    assert (reports / "a.json").read_text() == "kept"
    assert [(r["clip"], r["status"]) for r in _rows(summary)] == [("a.mp4", "failed"), ("b.mp4", "complete")]
    capsys.readouterr()
    assert main(["analyze", str(folder), "-e", "calf_raise", "-j", "1", "-q", "--report", str(reports)]) == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]  # the same run again: one line
    assert err == [f"formcheck: every clip's outputs are already there ({reports / 'a.json'}, ...): choose "
                   "other folders, or add --overwrite to replace them"]
    assert (reports / "a.json").read_text() == "kept"
    capsys.readouterr()
    assert main(["analyze", str(folder), "-e", "calf_raise", "-q", "--summary-csv", str(summary)]) == 1
    assert "--summary-csv" in capsys.readouterr().err and summary.read_text().startswith("clip")


def test_the_table_says_what_its_columns_are_and_what_to_fix():
    from formcheck.run.batch import ClipOutcome, format_table
    table = format_table([ClipOutcome("a.mp4", "complete", "calf_raise", False, "5 reps", 5, "side", 0.98,
                                      ["Rise higher: 2 cm below your best"], 7.4)])
    head, row, fix, total = table.splitlines()
    assert head.split()[-2:] == ["seen", "took"] and row.split()[-2:] == ["98%", "7s"]
    assert fix.strip() == "what to fix: Rise higher: 2 cm below your best"
    assert total.endswith("seen: the share of frames you were found in; took: the seconds the review took")
