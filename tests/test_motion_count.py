"""Reps counted from the picture's movement when the pose model cannot see the body
(`signals.motion`, `run.review.enough_seen`): pure tests on drawn pictures, the CLI end to end on a
clip with no person in it, and the real clips the pose model cannot read (skipped without ../shared)."""
import json

import numpy as np
import pytest

from conftest import run_cli, shared_clip
from formcheck.io.kept_pictures import MotionThumbs
from formcheck.signals.motion import count_motion

FPS = 30.0


def _background(h: int = 240, w: int = 320, seed: int = 1) -> np.ndarray:
    """A textured, blurred scene (a gym wall): something for the shake to be measured against."""
    import cv2
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (h // 24, w // 24), dtype=np.uint8)  # shapes a tenth of the picture
    return cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)


def _swinging_limb(reps: int, rest_s: float = 1.0, rep_s: float = 2.0, shake_px: float = 0.0,
                   light: float = 0.0, sway: float = 0.0, seed: int = 2) -> tuple[np.ndarray, list[np.ndarray]]:
    """Grey pictures of a dark bar (a leg) that swings from rest to the far end and back `reps`
    times, with rests between, on a textured background; optionally the camera shakes (random
    shift each frame) and the light drifts (a slow gain change)."""
    import cv2
    rng = np.random.default_rng(seed)
    bg = _background()
    h, w = bg.shape
    t_s = np.arange(0, rest_s + reps * (rep_s + rest_s), 1 / FPS)
    pics = []
    for t in t_s:
        k = (t - rest_s) % (rep_s + rest_s)
        swing = np.sin(np.pi * k / rep_s) ** 2 if t >= rest_s and k < rep_s else 0.0
        pic = bg.copy()
        angle = np.deg2rad(10 + 70 * swing)
        x0, y0 = 60, 200
        cv2.line(pic, (x0, y0), (int(x0 + 150 * np.cos(angle)), int(y0 - 150 * np.sin(angle))), 20, 28)
        if shake_px or sway:  # random shake each frame, and a slow sway of the hand (2.5 s a cycle)
            dx, dy = rng.normal(0, shake_px, 2) if shake_px else (0.0, 0.0)
            dx += sway * w * np.sin(2 * np.pi * t / 2.5)
            dy += 0.5 * sway * h * np.cos(2 * np.pi * t / 2.5)
            pic = cv2.warpAffine(pic, np.float32([[1, 0, dx], [0, 1, dy]]), (w, h), borderMode=cv2.BORDER_REFLECT)
        if light:
            pic = np.clip(pic * (1 + light * np.sin(2 * np.pi * t / 7.0)), 0, 255).astype(np.uint8)
        pics.append(pic)
    return 1000.0 * t_s, pics


def _count(t_ms, pics):
    import cv2
    thumbs = MotionThumbs()
    for t, p in zip(t_ms, pics):
        thumbs.add(t, cv2.cvtColor(p, cv2.COLOR_GRAY2RGB))
    return count_motion(*thumbs.arrays())


@pytest.mark.parametrize("reps", [1, 3, 5])
def test_a_swinging_limb_counts_its_reps(reps):
    counted = _count(*_swinging_limb(reps))
    assert counted is not None and len(counted.reps) == reps
    for seg, start in zip(counted.reps, [1.0 + 3.0 * i for i in range(reps)]):
        assert start - 0.3 <= seg.start_t_s <= start + 0.6 and seg.end_t_s <= start + 2.4


def test_the_count_holds_mirrored_shaken_lit_differently_and_at_15_fps():
    t_ms, pics = _swinging_limb(4)
    assert len(_count(t_ms, [p[:, ::-1] for p in pics]).reps) == 4
    assert len(_count(*_swinging_limb(4, shake_px=3.0)).reps) == 4
    assert len(_count(*_swinging_limb(4, light=0.2)).reps) == 4
    assert len(_count(t_ms[::2], pics[::2]).reps) == 4


def test_a_clip_that_starts_at_the_far_end_counts_the_same():
    t_ms, pics = _swinging_limb(3, rest_s=1.0)
    far = int(2.0 * FPS)  # the middle of the first rep: the start position read there is the far end
    counted = _count(t_ms[far:] - t_ms[far], pics[far:])
    assert counted is not None and len(counted.reps) in (2, 3)


@pytest.mark.parametrize("shake_px", [0.0, 2.0, 4.0])
def test_a_still_scene_counts_nothing_even_with_a_shaking_camera(shake_px):
    t_ms, pics = _swinging_limb(0, rest_s=10.0, shake_px=shake_px)
    rng = np.random.default_rng(0)
    noisy = [np.clip(p + rng.normal(0, 3, p.shape), 0, 255).astype(np.uint8) for p in pics]
    counted = _count(t_ms, noisy)
    assert counted is None or counted.reps == []


@pytest.mark.parametrize("sway", [0.01, 0.03])
def test_a_still_scene_from_a_swaying_hand_counts_nothing(sway):
    # a tester's phone drifting +-3 % of the picture every 2.5 s "counted" 3 reps before the shift was
    # measured on the sharp thumbnails
    counted = _count(*_swinging_limb(0, rest_s=10.0, sway=sway))
    assert counted is None or counted.reps == []


def test_light_alone_changing_is_not_movement():
    counted = _count(*_swinging_limb(0, rest_s=10.0, light=0.3))  # +-30 %, the brightest parts clipped
    assert counted is None or counted.reps == []


def test_thumbnails_are_small_and_at_most_15_a_second():
    thumbs = MotionThumbs()
    for i in range(60):  # 2 s at 30 fps of a 1280x720 picture
        thumbs.add(i * 1000.0 / 30, np.zeros((720, 1280, 3), np.uint8))
    t_ms, pictures = thumbs.arrays()
    assert len(thumbs) == 30 and pictures.shape[1:] == (48, 85) and pictures.dtype == np.uint8
    assert np.diff(t_ms).min() >= 66.0


def _swinging_clip(path, reps: int = 3, rest_s: float = 1.0):
    from formcheck.io.video import VideoWriter
    import cv2
    t_ms, pics = _swinging_limb(reps, rest_s=rest_s, shake_px=1.0)
    with VideoWriter(path, FPS, (320, 240)) as writer:
        for p in pics:
            writer.write(cv2.cvtColor(p, cv2.COLOR_GRAY2RGB))
    return path


def test_cli_counts_a_clip_with_no_body_from_its_movement_and_says_form_was_not_checked(tmp_path):
    clip = _swinging_clip(tmp_path / "seat_view.mp4")
    out, report = tmp_path / "annotated.mp4", tmp_path / "r.json"
    r = run_cli("analyze", clip, "--exercise", "leg_press", "--out", out, "--report", report)
    assert r.returncode == 0, r.stderr
    assert "Leg press: 3 reps" in r.stdout and "Form not checked" in r.stdout
    assert "Form looks good" not in r.stdout
    data = json.loads(report.read_text())
    assert data["counted_from"] == "motion" and data["rep_count"] == 3 and data["corrections"] == []
    assert all(set(rep["metrics"]) == {"away_s", "back_s"} and not rep["faults"] for rep in data["reps"])
    assert data["warnings"][0].startswith("Counted from the movement in the picture: nobody was found")
    # the annotated video would show no body and a count of 0: it is not kept, and the user is told
    assert not out.exists() and any("annotated video not saved" in w for w in data["warnings"])
    assert not any(w.startswith("Camera:") for w in data["warnings"]) and data["view"] == "unknown"
    # run again over the first run's files: the old video would be taken for this run's, so it goes
    out.write_bytes(b"an earlier run's video")
    r = run_cli("analyze", clip, "--exercise", "leg_press", "--out", out, "--report", report, "--overwrite")
    assert r.returncode == 0 and not out.exists()


def test_a_hold_exercise_is_never_counted_from_movement(tmp_path):
    clip = _swinging_clip(tmp_path / "seat_view.mp4")
    r = run_cli("analyze", clip, "--exercise", "hip_width_leg_extension")
    assert r.returncode == 1 and "nobody found" in r.stderr


def test_a_still_scene_from_a_shaking_hand_is_still_nobody_found(tmp_path):
    clip = _swinging_clip(tmp_path / "empty_gym.mp4", reps=0, rest_s=6.0)
    r = run_cli("analyze", clip, "--exercise", "leg_press")
    assert r.returncode == 1 and "nobody found" in r.stderr


# The real clips the pose model cannot read (labels.tsv: a phone on the leg press's seat, the
# lower legs only, a leg extension filmed with the picture turned 90 degrees) and their counts.
FROM_MOVEMENT = {"leg_press_sumo_selfie_pov_phone.mp4": ("leg_press", 4),
                 "leg_extension_pov_rotated_phone.mp4": ("leg_extension", 7),
                 "ankle_toe_raise_step_lowerlegs_side.mp4": ("ankle_flexion", 3)}


@pytest.mark.slow
def test_real_clips_the_pose_model_cannot_read_are_counted_from_movement_and_the_rest_never(series_cache):
    from formcheck.evaluation.evaluate import evaluate
    summary = evaluate(shared_clip("labels.tsv"), cache_dir=series_cache, include_unused=True)
    by_file = {s.row.file: s for s in summary.scores}
    for clip, (exercise, reps) in FROM_MOVEMENT.items():
        score = by_file[clip]
        assert (score.row.exercise, score.counted, score.counted_from) == (exercise, reps, "motion"), clip
    for clip, score in by_file.items():  # every clip whose body the model sees is counted from it
        if clip not in FROM_MOVEMENT and score.counted is not None:
            assert score.counted_from == "pose", clip


def test_a_covered_lens_or_noise_is_no_movement():
    rng = np.random.default_rng(0)
    t_ms = np.arange(600) * 1000.0 / FPS
    for sd in (1, 2, 4):  # a dark room or a covered lens: sensor noise around a flat picture
        dark = [np.clip(12 + rng.normal(0, sd, (240, 320)), 0, 255).astype(np.uint8) for _ in t_ms]
        assert _count(t_ms, dark) is None
    noise = [rng.integers(0, 255, (240, 320)).astype(np.uint8) for _ in t_ms[:300]]
    assert _count(t_ms[:300], noise) is None


@pytest.mark.parametrize("where", ["start", "end"])
def test_another_scene_for_a_moment_at_either_end_does_not_hide_the_reps(where):
    t_ms, pics = _swinging_limb(4)
    other = [_background(seed=9)] * int(1.5 * FPS)  # a hand over the lens, the phone picked up to stop
    pics = other + pics if where == "start" else pics + other
    counted = _count(np.arange(len(pics)) * 1000.0 / FPS, pics)
    assert counted is not None and len(counted.reps) == 4


def test_thumbnails_of_a_long_clip_thin_out_and_stay_bounded(monkeypatch):
    import formcheck.io.kept_pictures as kp
    monkeypatch.setattr(kp, "MOTION_MAX_THUMBS", 100)
    thumbs = MotionThumbs()
    for i in range(30 * 60):  # a minute at 30 fps
        thumbs.add(i * 1000.0 / 30, np.zeros((96, 128, 3), np.uint8))
    t_ms, _ = thumbs.arrays()
    assert len(thumbs) <= 100 and t_ms[-1] > 55_000 and thumbs.max_fps < 15
    assert len(thumbs.arrays(until_ms=30_000)[0]) == np.count_nonzero(t_ms <= 30_000)


def test_motion_counted_reps_read_not_checked_in_tables_and_history(tmp_path):
    from formcheck.app.tables import rep_table
    from formcheck.sinks.history import HistoryStore, save_result
    from formcheck.run.review import counted_from_motion
    from formcheck.checkers.base import CheckResult, CountedFrom
    counted = _count(*_swinging_limb(3))
    result = counted_from_motion(CheckResult("calf_raise", 0, [], "unknown"), counted, 0.0)
    assert result.counted_from == CountedFrom.MOTION and result.rep_count == 3 and not result.corrections
    rows = [r.to_dict() for r in result.reps]
    assert list(rep_table(rows, form_checked=False)["What to fix"]) == ["Not checked"] * 3
    assert list(rep_table(rows)["What to fix"]) == ["Good"] * 3
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        sid = save_result(store, result, "clip:seat.mp4")
        assert store.session(sid).summary["counted_from"] == "motion"


def test_the_heel_rise_test_says_it_needs_the_body_when_the_reps_came_from_movement(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    clip = _swinging_clip(tmp_path / "feet.mp4")
    r = run_cli("analyze", clip, "--exercise", "calf_raise", "--heel-rise-test", "--body-mass-kg", "70")
    assert r.returncode == 0, r.stderr
    assert "the test needs your body in the picture" in r.stdout and "nothing saved" in r.stdout


@pytest.mark.slow
def test_the_wrong_exercise_on_a_whole_body_clip_is_not_counted_from_movement(real_series, series_cache):
    from formcheck.evaluation.evaluate import clip_motion
    from formcheck.run.review import analyze_series
    clip = "calf_raise_fitbod_side.mp4"
    result, _ = analyze_series(real_series(clip), "leg_press",
                               motion=lambda: clip_motion(shared_clip(clip), series_cache))
    assert result.counted_from == "pose" and result.rep_count == 0
    assert any("Never saw you in the start position" in w for w in result.warnings)


def test_half_the_lens_covered_for_a_moment_is_no_rep():
    t_ms, pics = _swinging_limb(0, rest_s=8.0)
    for p in pics[60:90] + pics[150:180]:  # a hand over half the lens, twice, for 1 s
        p[:, :160] = 20
    counted = _count(t_ms, pics)
    assert counted is None or counted.reps == []


def _seen_in_pieces(share_kept: float):
    """The rendered side-on calf raise (5 reps) with nobody found in stretches between its reps, so
    the body is found in about `share_kept` of the frames."""
    from builders import drop
    from conftest import sample_series
    series, truth = sample_series("calf_raise_side_clean")
    end_s = series.t_ms[-1] / 1000.0
    gaps = 8
    gap_s = (1 - share_kept) * end_s / gaps
    for i in range(gaps):
        start = (i + 0.5) * end_s / gaps
        series = drop(series, start, start + gap_s)
    return series


@pytest.mark.parametrize("moved_reps, expected", [(5, "pose"), (7, "motion"), (0, "pose")])
def test_a_body_seen_in_pieces_keeps_its_count_unless_the_movement_shows_more(moved_reps, expected):
    from formcheck.run.review import analyze_series, found_while_present
    from formcheck.signals.counting import RepSegment
    from formcheck.signals.motion import MotionCount
    series = _seen_in_pieces(0.8)
    assert 0.6 <= found_while_present(series) < 0.9
    pose, _ = analyze_series(series, "calf_raise")
    segs = [RepSegment(2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, 0.0, 1.0, 0.0, True) for i in range(moved_reps)]
    moved = MotionCount(segs, 0.5, np.arange(10.0), np.zeros(10))
    result, _ = analyze_series(series, "calf_raise", motion=lambda: moved)
    assert result.counted_from == expected
    assert result.rep_count == (pose.rep_count if expected == "pose" else moved_reps)
