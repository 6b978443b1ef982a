"""`formcheck eval --auto`: the recognised exercise per clip beside the counts (cached synthetic series)."""
from builders import STANDING, animate, rep_keys, series_from_poses
from formcheck.cli import main
from formcheck.evaluation.evaluate import _cache_name

HEADER = "file\texercise\tview\treps\tuse\n"


def _clip(tmp_path, name, series, cache):
    clip = tmp_path / name
    clip.write_bytes(b"not decoded: the landmark cache answers")
    series.save(cache / _cache_name(clip, None))


def test_eval_auto_column(tmp_path, capsys):
    cache = tmp_path / "cache"
    cache.mkdir()
    raise_ = series_from_poses(animate(rep_keys(STANDING, [STANDING.legs(ankle_plantar_deg=35)] * 3), fps=30),
                               yaw_deg=60)
    squat = series_from_poses(animate(rep_keys(STANDING, [STANDING.legs(hip_flex_deg=95, knee_flex_deg=110,
                                                                        ankle_plantar_deg=-30)] * 3), fps=30),
                              yaw_deg=60)
    _clip(tmp_path, "raise.mp4", raise_, cache)
    _clip(tmp_path, "squat.mp4", squat, cache)
    _clip(tmp_path, "mislabelled.mp4", squat, cache)
    (tmp_path / "labels.tsv").write_text(HEADER + "raise.mp4\tcalf_raise\tside\t3\tyes\n"
                                         "squat.mp4\tsquat\tside\t3\tno\n"
                                         "mislabelled.mp4\tcalf_raise\tside\t3\tyes\n")
    assert main(["eval", str(tmp_path / "labels.tsv"), "--all", "--auto", "--cache", str(cache)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.endswith(")") or ".mp4" in line}
    assert "calf_raise" in rows["raise.mp4"].split("+0")[-1] and "WRONG" not in rows["raise.mp4"]
    assert "not ours" in rows["squat.mp4"] and "WRONG" not in rows["squat.mp4"]
    assert "not ours (WRONG)" in rows["mislabelled.mp4"]
    assert "exercise recognised right on 2 of 3 clips" in out
    assert main(["eval", str(tmp_path / "labels.tsv"), "--cache", str(cache)]) == 0
    assert "recognised right" not in capsys.readouterr().out
