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
                   light: float = 0.0, seed: int = 2) -> tuple[np.ndarray, list[np.ndarray]]:
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
        if shake_px:
            dx, dy = rng.normal(0, shake_px, 2)
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
    assert all(set(rep["metrics"]) == {"up_s", "down_s"} and not rep["faults"] for rep in data["reps"])
    assert data["warnings"][0].startswith("Counted from the movement in the picture: nobody was found")
    # the annotated video would show no body and a count of 0: it is not kept, and the user is told
    assert not out.exists() and any("annotated video not saved" in w for w in data["warnings"])


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
