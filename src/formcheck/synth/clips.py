"""The table of shipped clips in sample_videos/ (`python -m formcheck.synth --all`)."""
from __future__ import annotations

from pathlib import Path

from formcheck.synth.render import ClipSpec

# name -> spec. The README table and tests/test_synth_truth.py read the same facts.
SHIPPED: dict[str, ClipSpec] = {
    "calf_raise_oblique_clean": ClipSpec("calf_raise", "oblique", body=0, reps=5),
    "calf_raise_oblique_faults": ClipSpec("calf_raise", "oblique", body=1, reps=5, faults={
        2: ["low_rise"], 3: ["bent_knees"], 4: ["too_fast"], 5: ["incomplete_lowering"]}),
    "calf_raise_side_clean": ClipSpec("calf_raise", "side", body=2, reps=5),
    "calf_raise_side_faults": ClipSpec("calf_raise", "side", body=3, reps=5, faults={
        1: ["too_fast"], 2: ["low_rise"], 4: ["incomplete_lowering"], 5: ["bent_knees"]}),
    "seated_calf_raise_side": ClipSpec("seated_calf_raise", "side", body=1, reps=5, faults={4: ["low_rise"]}),
    "leg_extension_side": ClipSpec("leg_extension", "side", body=2, reps=5, faults={4: ["incomplete_lockout"]}),
    "hip_width_leg_extension_side": ClipSpec("hip_width_leg_extension", "side", body=0, reps=1),
    "ankle_flexion_side": ClipSpec("ankle_flexion", "side", body=1, reps=5),
    # Side-on, as a coach films a leg press for depth and lockout: at 3/4 the sled plate hid the
    # legs and the model lost the knee, and head-on this sled hides the legs entirely, so knees
    # caving on the leg press is covered by synthetic tests only.
    "leg_press_side": ClipSpec("leg_press", "side", body=3, reps=5, faults={4: ["incomplete_lockout"]}),
    "hip_abduction_front": ClipSpec("hip_abduction", "front", body=2, reps=5),
    "ankle_alphabet_oblique": ClipSpec("ankle_alphabet", "oblique", body=3, reps=3),
}


# The accuracy truth set (issue 10): every body x every view, both-leg and single-leg calf raises and
# the seated calf raise, each clip one full rise then one low rise (`low_rise`: half the ankle range).
# Rendered at 15 fps to halve the rendering time (posing and rasterising ~0.7 s a frame on 2 cores);
# the model tracks as well at 15 fps (every labelled clip counts the same at 15 fps: tests/test_frame_rate.py).
# Only the landmark series and truth files are kept (`python -m formcheck.synth --truth-set DIR`);
# `formcheck eval --truth DIR` reads them. Fitting splits this set by body and by view
# (`formcheck.body.heel_rise.FIT_SPLIT`), never within one clip.
TRUTH_SET_FPS = 15.0
TRUTH_SET_VIEWS = ("side", "oblique", "front")
TRUTH_SET_BODIES = (0, 1, 2, 3)
TRUTH_SET: dict[str, ClipSpec] = {
    f"{ex}{'_single' if variant else ''}_{view}_b{body}": ClipSpec(
        "calf_raise" if ex == "calf_raise" else ex, view, body=body, reps=2, faults={2: ["low_rise"]},
        variant=variant, fps=TRUTH_SET_FPS)
    for ex, variant in (("calf_raise", None), ("calf_raise", "single_leg"), ("seated_calf_raise", None))
    for view in TRUTH_SET_VIEWS for body in TRUTH_SET_BODIES
}

# The heel-rise test on rendered bodies: six single-leg raises at the test's metronome (30 a minute:
# tempo 0.6 makes a rep 1.9 s); two bodies, side, 3/4 and head-on.
TRUTH_SET.update({
    f"heel_rise_test_{view}_b{body}": ClipSpec("calf_raise", view, body=body, reps=6, tempo=0.6,
                                               variant="single_leg", fps=TRUTH_SET_FPS)
    for view in ("side", "oblique", "front") for body in (0, 2)
})


# The angle truth set (issue 10, item 3): the knee, ankle and hip-abduction angles on bodies and views
# that the shipped sample clips (SHIPPED) do not show for that exercise, each clip a full rep, a short
# one, a full one, so a gain error shows apart from an offset. Rendered into truth_set/angles/
# (`python -m formcheck.synth --angle-set truth_set/angles`); only landmark series and truth files kept.
# Any angle constant fitted on the sample clips is checked on these (held out by body or by view).
ANGLE_SET: dict[str, ClipSpec] = {
    f"{ex}_{view}_b{body}": ClipSpec(ex, view, body=body, reps=3, faults={2: [short]}, fps=TRUTH_SET_FPS)
    for ex, short, cases in (
        ("hip_abduction", "low_rise", (("front", 0), ("oblique", 1), ("oblique", 3))),
        ("ankle_flexion", "low_rise", (("side", 0), ("side", 3), ("oblique", 1))),
        ("leg_press", "incomplete_lockout", (("side", 0),)))
    for view, body in cases
}


def _render_and_record(args) -> tuple[str, float, int]:
    from formcheck.synth.record import detect_series, series_stats
    name, spec, directory, keep_video = args
    clip = Path(directory) / f"{name}.mp4"
    _render_one((name, spec, directory, False))
    s = detect_series(clip)
    s.save(Path(directory) / f"{name}.landmarks.npz")
    if not keep_video:
        clip.unlink()
    return name, series_stats(s)["found_ratio"], len(s)


def render_truth_set(directory: Path, only: list[str] | None = None, jobs: int = 1,
                     keep_videos: bool = False, specs: dict[str, ClipSpec] | None = None) -> int:
    """Render the truth set, record each clip's landmark series with the project's pose model, and
    (unless keep_videos) delete the videos: what stays is `<name>.truth.json` + `<name>.landmarks.npz`.
    Clips already recorded in `directory` are skipped, so an interrupted run goes on where it stopped."""
    specs = TRUTH_SET if specs is None else specs
    directory.mkdir(parents=True, exist_ok=True)
    unknown = set(only or []) - set(specs)
    if unknown:
        raise ValueError(f"no truth-set clip named {sorted(unknown)}")
    work = [(n, specs[n], str(directory), keep_videos) for n in specs
            if (not only or n in only) and not (directory / f"{n}.landmarks.npz").is_file()]
    worst = 1.0
    if jobs > 1:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(jobs) as pool:
            results = pool.imap_unordered(_render_and_record, work)
            for name, found, n in results:
                worst = min(worst, found)
                print(f"recorded {name}: person found in {found:.0%} of {n} frames", flush=True)
    else:
        for w in work:
            name, found, n = _render_and_record(w)
            worst = min(worst, found)
            print(f"recorded {name}: person found in {found:.0%} of {n} frames", flush=True)
    return 0 if worst >= 0.9 else 1


def command_for(name: str, spec: ClipSpec, directory: str = "sample_videos") -> str:
    parts = ["python -m formcheck.synth", f"--exercise {spec.exercise}", f"--view {spec.view}",
             f"--body {spec.body}", f"--reps {spec.reps}"]
    if spec.tempo != 1.0:
        parts.append(f"--tempo {spec.tempo}")
    if spec.variant:
        parts.append(f"--variant {spec.variant}")
    if spec.mirror:
        parts.append("--mirror")
    for rep in sorted(spec.faults):
        for code in spec.faults[rep]:
            parts.append(f"--fault {rep}:{code}")
    parts.append(f"--out {directory}/{name}.mp4")
    return " ".join(parts)


def _render_one(args) -> str:
    from formcheck.synth.render import render_clip
    name, spec, directory, truth_only = args
    render_clip(spec, Path(directory) / f"{name}.mp4", truth_only=truth_only)
    return name


def render_shipped(directory: Path, only: list[str] | None = None, jobs: int = 1, truth_only: bool = False) -> None:
    names = [n for n in SHIPPED if not only or n in only]
    unknown = set(only or []) - set(SHIPPED)
    if unknown:
        raise ValueError(f"no shipped clip named {sorted(unknown)}")
    work = [(n, SHIPPED[n], str(directory), truth_only) for n in names]
    if jobs > 1:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(jobs) as pool:
            for name in pool.imap_unordered(_render_one, work):
                print(f"done {name}")
    else:
        for w in work:
            _render_one(w)
