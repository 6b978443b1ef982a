"""Per-rep figures in plain words, rounded to what the camera can tell apart."""
from formcheck.sinks.figures import figure_words, rep_words


def test_calf_raise_figures_read_as_words():
    assert rep_words({"peak_height_cm": 4.09, "rise_s": 0.234, "lower_s": 0.2}) == \
        "heel height 4.1 cm, up 0.2 s, down 0.2 s"


def test_degrees_and_percent_are_whole_and_gaps_are_skipped():
    assert figure_words("top_knee_deg", 173.94) == "knees at the top 174°"
    assert figure_words("pct_of_best", 95.3) == "95% of your best"
    assert figure_words("knee_ankle_ratio", 0.853) == "knee ankle ratio 0.85"
    assert figure_words("trunk_lean_deg", float("nan")) is None and figure_words("x_s", None) is None
    assert rep_words({"a_cm": float("nan"), "b_cm": 1.0, "c_s": 2.0, "d_s": 3.0, "e_s": 4.0}) == \
        "b 1.0 cm, c 2.0 s, d 3.0 s"
