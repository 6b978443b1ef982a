"""Counting that holds on real footage (issue 9): every labelled clip, the naive peak counter beside
it, and the perturbation suite (cut, mirrored, shaken, panned, resampled, dropped frames, gaps,
rests) over every labelled clip's landmark series. Real clips: slow the first time, then cached."""
import pytest

from conftest import shared_clip
from formcheck.evaluation.evaluate import evaluate, perturbation_suite
from formcheck.evaluation.perturb import cut, mirror, parse_rep_times, resample, variants

pytestmark = pytest.mark.slow

# Floors (issue 9, "done when"): labelled clips at least 90 % exact and every clip within one,
# never behind the naive peak counter in any exercise group; the perturbation suite at least
# 95 % exact and 100 % within one.
EXACT_FLOOR_PCT = 90.0
PERTURBED_EXACT_FLOOR_PCT = 95.0


def test_labelled_clips_count_right_and_never_behind_the_naive_counter(series_cache):
    summary = evaluate(shared_clip("labels.tsv"), cache_dir=series_cache)
    scored = summary.scored
    assert len(scored) >= 11, summary.scores
    assert summary.exact_pct >= EXACT_FLOOR_PCT, [(s.row.file, s.counted, s.row.reps) for s in scored]
    assert all(abs(s.diff) <= 1 for s in scored)
    for group in {s.row.exercise for s in scored}:
        ours = sum(s.diff == 0 for s in scored if s.row.exercise == group)
        naive = sum(s.naive_diff == 0 for s in scored if s.row.exercise == group)
        assert ours >= naive, group
    # the self-filmed leg press (person found in about half the frames, the landmarks junk) is
    # counted from the movement in the picture instead (tests/test_motion_count.py)
    pov = [s for s in summary.scores if s.row.file == "leg_press_sumo_selfie_pov_phone.mp4"]
    assert pov and (pov[0].counted, pov[0].counted_from) == (4, "motion")


def test_perturbation_suite_floor(series_cache):
    results = perturbation_suite(shared_clip("labels.tsv"), cache_dir=series_cache)
    diffs = [d for r in results.values() for d in r.diffs]
    assert len(results) >= 12 and len(diffs) >= 100
    exact = 100.0 * sum(d == 0 for d in diffs) / len(diffs)
    assert exact >= PERTURBED_EXACT_FLOOR_PCT, {r.name: r.diffs for r in results.values()}
    assert all(abs(d) <= 1 for d in diffs), {r.name: r.diffs for r in results.values() if any(r.diffs)}


def test_live_at_10_frames_a_second_counts_what_analyze_counts(real_series):
    from formcheck.evaluation.evaluate import read_labels
    from formcheck.run.review import analyze_series
    rows = [r for r in read_labels(shared_clip("labels.tsv")) if r.use and r.reps is not None]
    assert len(rows) >= 11
    for row in rows:
        series = real_series(row.file)
        full, _ = analyze_series(series, row.exercise)
        slow, _ = analyze_series(resample(series, 10), row.exercise)
        assert slow.rep_count == full.rep_count, row.file


def test_perturbations_keep_their_meaning(real_series):
    series = real_series("calf_raise_fitbod_side.mp4")
    reps = parse_rep_times("0.52-1.85; 3.14-4.67; 5.96-7.62", 3)
    assert reps == [(0.52, 1.85), (3.14, 4.67), (5.96, 7.62)]
    twice = mirror(mirror(series))
    assert (abs(twice.xy_px - series.xy_px) < 1e-9)[~(series.xy_px != series.xy_px)].all()
    assert len(resample(series, 10)) == pytest.approx(series.t_ms[-1] / 100, abs=2)
    late = cut(series, 2.0, 99.0)
    assert late.t_ms[0] == 0.0 and len(late) < len(series)
    names = {v.name: v.expected for v in variants(series, reps)}
    assert names["starts mid-rep"] == 2 and names["ends mid-rep"] == 2 and names["10 fps"] == 3


def test_labelled_upright_clips_turned_on_their_side_count_the_same(real_series):
    """A phone clip whose rotation flag was lost: the model's landmarks turn with the picture
    (checked on the calf raise and hip abduction clips re-encoded turned), and every labelled clip
    of an exercise done upright counts the same turned either way (body.upright)."""
    from formcheck.checkers import all_checkers
    from formcheck.evaluation.evaluate import read_labels
    from formcheck.evaluation.perturb import turned
    from formcheck.run.review import analyze_series
    known = all_checkers()
    rows = [r for r in read_labels(shared_clip("labels.tsv")) if r.use and r.reps is not None
            and r.exercise in known and known[r.exercise].upright_body]
    assert len(rows) >= 8
    for row in rows:
        series = real_series(row.file)
        as_recorded = analyze_series(series, row.exercise)[0].rep_count
        for quarters in (1, 3):
            got = analyze_series(turned(series, quarters), row.exercise)[0]
            assert got.rep_count == as_recorded, (row.file, quarters)
