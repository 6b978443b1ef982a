"""The heel-rise test: single-leg calf raises to a 30-a-minute metronome until pace or height is lost.

A pure function of the calf-raise checker's reps (`events.Rep`: side = the working leg, start /
peak / end times, `peak_height_cm`) and the body mass the person enters. It says, per leg: the
reps that count, the height of every rep, the total work (J), the height lost over the set
(fatigue), where the test ended and why; and between the legs the limb symmetry index.

    result = heel_rise_test(reps, body_mass_kg=70)
    print(result_words(result))           # plain words
    report["heel_rise_test"] = result.to_dict()

Clinical protocol (Lunsford BR, Perry J. "The standing heel-rise test for ankle plantar flexion:
criterion for normal", Phys Ther 1995; Hébert-Losier K et al. "Raising the standards of the
calf-raise test: a systematic review", J Sci Med Sport 2009, and "Updated reliability and
normative values for the standing heel-rise test in healthy adults", Physiotherapy 2017): one leg
at a time, up on one metronome beat and down on the next at 60 beats a minute (30 reps a minute),
as high as possible, until the pace or the height can no longer be kept. A rep that breaks a
criterion is not counted and the person is prompted; the test ends when two prompts in a row go
unanswered (as in the published protocols derived from Hébert-Losier's).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from formcheck.config import coerce_config
from formcheck.errors import FormcheckError
from formcheck.events import Rep
from formcheck.pose.landmarks import SIDES

# Standard gravity, m/s^2: work against gravity = mass x g x height (the heel-rise "total work"
# of Silbernagel KG et al. 2006 and the Calf Raise app: body mass x g x the summed rise heights).
G_M_S2 = 9.81
# The body mass the tests accept, kg: anything outside is a typing slip (20 kg: a small child;
# 300 kg: beyond any adult the pose model was trained on), refused with one line.
MIN_BODY_MASS_KG = 20.0
MAX_BODY_MASS_KG = 300.0
# Lunsford & Perry 1995: 25 single-leg heel rises is the criterion for a normal calf.
# (Hébert-Losier 2017, 566 adults on a 10 degree incline: median 24 for men, 21 for women.)
NORMAL_REPS = 25


@dataclass(frozen=True)
class HeelRiseTestConfig:
    # 30 reps a minute: one rep (up on one beat, down on the next) every 2 s (Lunsford & Perry
    # 1995; Hébert-Losier 2009, 2017).
    beat_s: float = 2.0
    # "Can no longer keep the pace": a rep that reaches its top later than one whole metronome beat
    # (1 s, half a rep) after its due time, i.e. more than beat_s + this after the previous rep's
    # top (the first rep sets the beat). Missing a beat is the plainest form of falling behind; the protocols give no figure, so
    # this is our reading of them. Tops, not starts: a rep starts where the body began to move, and
    # shifting the weight onto the test leg before the first rise put that a second early (a
    # rendered head-on clip: 0.5 s for a true 1.5 s), which read the first rep as 3.1 s, off the pace.
    slow_margin_s: float = 1.0
    # "Can no longer lift the heel": a rep under this share of the leg's own first reps' height.
    # The protocols say the heel stops rising without a figure; half the starting height is a
    # clear loss that the pose model's rep-to-rep spread (about 1 cm on 5-10 cm) cannot fake.
    min_height_share: float = 0.5
    # The leg's starting height: the mean of its first this many reps.
    first_reps: int = 3
    # Prompts unanswered in a row that end the test (two, as in the protocols above).
    failed_reps_to_end: int = 2
    # Limb symmetry index under this (%) is flagged: the usual return-to-sport cut for the
    # heel-rise test (e.g. Silbernagel KG, Crossley KM, JOSPT 2015, Achilles tendinopathy: LSI >= 90 %).
    min_symmetry_pct: float = 90.0


# Why a leg's test ended (stable codes, with plain words for each).
END_PACE = "pace"
END_HEIGHT = "height"
END_STOPPED = "stopped"
END_WORDS = {
    END_PACE: "fell behind the test's pace",
    END_HEIGHT: "the heel no longer rose half as high as at the start",
    END_STOPPED: "stopped before losing the pace or the height",
}


@dataclass(frozen=True)
class TestRep:
    """One rep of the test, as judged: counted, or the prompt it earned (pace / height)."""
    start_s: float
    end_s: float
    height_cm: float
    cycle_s: float  # the previous rep's top to this one's (the first rep: 0, it sets the beat)
    counted: bool
    failed: str | None = None  # END_PACE or END_HEIGHT

    def to_dict(self) -> dict[str, Any]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3),
                "height_cm": round(self.height_cm, 2), "cycle_s": round(self.cycle_s, 3),
                "counted": self.counted, "failed": self.failed}


@dataclass(frozen=True)
class LegResult:
    side: str
    reps: int  # reps that count
    heights_cm: tuple[float, ...]  # every counted rep's height, in order
    work_j: float  # body mass x g x the counted reps' heights
    fatigue_pct: float | None  # height lost: mean of the last third vs the first third (None under 3 reps)
    ended_s: float | None  # where the test ended (the last counted rep's end), None with no rep
    end_reason: str  # END_PACE, END_HEIGHT or END_STOPPED
    all_reps: tuple[TestRep, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "reps": self.reps, "heights_cm": [round(h, 2) for h in self.heights_cm],
                "work_j": round(self.work_j, 1),
                "fatigue_pct": None if self.fatigue_pct is None else round(self.fatigue_pct, 1),
                "ended_s": None if self.ended_s is None else round(self.ended_s, 3),
                "end_reason": self.end_reason, "end_words": END_WORDS[self.end_reason],
                "all_reps": [r.to_dict() for r in self.all_reps]}


@dataclass(frozen=True)
class HeelRiseTestResult:
    body_mass_kg: float
    legs: dict[str, LegResult]  # only the legs tested, "left" before "right"
    reps_symmetry_pct: float | None  # weaker / stronger x 100 (None unless both legs did reps)
    work_symmetry_pct: float | None
    flags: tuple[str, ...] = ()  # plain-words findings (asymmetry under the cut, below the norm)
    config: HeelRiseTestConfig = field(default_factory=HeelRiseTestConfig)

    def to_dict(self) -> dict[str, Any]:
        return {"body_mass_kg": self.body_mass_kg, "beat_s": self.config.beat_s,
                "normal_reps": NORMAL_REPS, "legs": {sd: leg.to_dict() for sd, leg in self.legs.items()},
                "reps_symmetry_pct": _r1(self.reps_symmetry_pct), "work_symmetry_pct": _r1(self.work_symmetry_pct),
                "min_symmetry_pct": self.config.min_symmetry_pct, "flags": list(self.flags)}


# The plain-words parts of a result's dict (`to_dict`): the same test worded anew is the same test.
WORDS_KEYS = frozenset({"flags", "end_words"})


def figures_of(result: Any) -> Any:
    """A result's dict (or a part of it) without its words: what two results are compared on."""
    if isinstance(result, dict):
        return {k: figures_of(v) for k, v in result.items() if k not in WORDS_KEYS}
    if isinstance(result, list):
        return [figures_of(v) for v in result]
    return result


def _r1(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def check_body_mass(body_mass_kg: float | None) -> float:
    """The body mass, or one plain line saying what is wrong with it."""
    if body_mass_kg is None:
        raise FormcheckError("the heel-rise test needs your body mass: add --body-mass-kg (e.g. 70)")
    if not (math.isfinite(body_mass_kg) and MIN_BODY_MASS_KG <= body_mass_kg <= MAX_BODY_MASS_KG):
        raise FormcheckError(f"body mass {body_mass_kg:g} kg is out of range: give your weight in kg, "
                             f"{MIN_BODY_MASS_KG:g} to {MAX_BODY_MASS_KG:g}")
    return float(body_mass_kg)


def fatigue_pct(heights_cm: Sequence[float]) -> float | None:
    """Height lost over the set, %: the mean of the last third of the reps against the first third."""
    n = len(heights_cm)
    if n < 3:
        return None
    k = n // 3
    first = sum(heights_cm[:k]) / k
    last = sum(heights_cm[-k:]) / k
    return 100.0 * (first - last) / first if first > 0 else None


def judge_leg(side: str, reps: Sequence[Rep], body_mass_kg: float,
              cfg: HeelRiseTestConfig) -> LegResult:
    """One leg's reps (in time order) judged against the pace and the height."""
    reps = sorted(reps, key=lambda r: r.start_s)
    heights = [float(r.metrics.get("peak_height_cm", math.nan)) for r in reps]
    firsts = [h for h in heights[:cfg.first_reps] if math.isfinite(h)]
    start_cm = sum(firsts) / len(firsts) if firsts else math.nan
    judged: list[TestRep] = []
    in_a_row, end_reason = 0, END_STOPPED
    for i, (rep, h) in enumerate(zip(reps, heights)):
        cycle_s = rep.peak_s - reps[i - 1].peak_s if i > 0 else 0.0  # the first rep sets the beat
        failed = None
        if cycle_s > cfg.beat_s + cfg.slow_margin_s:
            failed = END_PACE
        elif not math.isfinite(h) or (math.isfinite(start_cm) and h < cfg.min_height_share * start_cm):
            failed = END_HEIGHT
        judged.append(TestRep(rep.start_s, rep.end_s, h, cycle_s, failed is None, failed))
        in_a_row = in_a_row + 1 if failed else 0
        if in_a_row >= cfg.failed_reps_to_end:
            end_reason = failed
            break
    if end_reason == END_STOPPED and judged and not judged[-1].counted:
        end_reason = judged[-1].failed  # the set ended on a failed rep: that is where it gave out
    counted = [r for r in judged if r.counted]
    kept = tuple(r.height_cm for r in counted)
    work_j = body_mass_kg * G_M_S2 * sum(kept) / 100.0
    return LegResult(side, len(counted), kept, work_j, fatigue_pct(kept),
                     counted[-1].end_s if counted else None, end_reason, tuple(judged))


def symmetry_pct(a: float, b: float) -> float | None:
    """Limb symmetry index: the weaker leg's figure as a share of the stronger's, %."""
    hi, lo = max(a, b), min(a, b)
    return 100.0 * lo / hi if hi > 0 else None


def heel_rise_test(reps: Iterable[Rep], body_mass_kg: float,
                   config: dict | HeelRiseTestConfig | None = None) -> HeelRiseTestResult:
    """The test's result from the calf-raise reps of one or both legs (Rep.side = the working leg)."""
    cfg = coerce_config(HeelRiseTestConfig, config)
    mass = check_body_mass(body_mass_kg)
    reps = list(reps)
    both = sum(1 for r in reps if r.side not in SIDES)
    legs = {str(sd): judge_leg(str(sd), [r for r in reps if r.side == sd], mass, cfg)
            for sd in SIDES if any(r.side == sd for r in reps)}
    reps_lsi = work_lsi = None
    flags: list[str] = []
    if both:  # the test is one leg at a time: raises on both legs (or not seen to be on one) are not part of it
        flags.append(f"{both} {'rep' if both == 1 else 'reps'} not on one leg left out: the test is one leg at a "
                     "time, the other foot off the floor and in view")
    if len(legs) == 2:
        left, right = legs["left"], legs["right"]
        reps_lsi = symmetry_pct(left.reps, right.reps)
        work_lsi = symmetry_pct(left.work_j, right.work_j)
        weak, strong = (left, right) if left.work_j < right.work_j else (right, left)
        if work_lsi is not None and work_lsi < cfg.min_symmetry_pct:
            flags.append(f"Your {weak.side} calf did {work_lsi:.0f} % of your {strong.side}'s work: "
                         f"under {cfg.min_symmetry_pct:.0f} % is worth working on")
        weak_r, strong_r = (left, right) if left.reps < right.reps else (right, left)
        if reps_lsi is not None and reps_lsi < cfg.min_symmetry_pct:
            flags.append(f"Your {weak_r.side} calf did {reps_lsi:.0f} % of your {strong_r.side}'s reps: "
                         f"under {cfg.min_symmetry_pct:.0f} % is worth working on")
    for leg in legs.values():
        if leg.reps < NORMAL_REPS:
            flags.append(f"{leg.side.capitalize()} leg: {leg.reps} reps, under the {NORMAL_REPS} "
                         "of a normal calf (Lunsford & Perry 1995)")
    return HeelRiseTestResult(mass, legs, reps_lsi, work_lsi, tuple(flags), cfg)


def symmetry_text(pct: float | None, min_pct: float = HeelRiseTestConfig.min_symmetry_pct) -> str:
    """A limb symmetry index in plain words: "95 %", "84 %, under 90 %" (flagged), "-" (one leg only)."""
    if pct is None:
        return "-"
    return f"{pct:.0f} %, under {min_pct:.0f} %" if pct < min_pct else f"{pct:.0f} %"


def reps_from_dicts(rows: Iterable[dict[str, Any]]) -> list[Rep]:
    """Reps as the report and the history keep them (dicts) back into `Rep`s."""
    return [Rep(int(r["index"]), float(r["start_s"]), float(r["peak_s"]), float(r["end_s"]),
                dict(r.get("metrics") or {}), [], r.get("side")) for r in rows]


def result_words(result: HeelRiseTestResult) -> str:
    """The result in plain words, the big numbers first."""
    lines = [f"Heel-rise test ({result.body_mass_kg:g} kg, {60.0 / result.config.beat_s:g} reps a minute)"]
    if not result.legs:
        return "\n".join([lines[0] + ": no single-leg rep was counted, nothing saved."]
                         + [f"  -> {f}" for f in result.flags])
    for leg in result.legs.values():
        heights = " ".join(f"{h:.1f}" for h in leg.heights_cm) or "-"
        fat = "" if leg.fatigue_pct is None else (f", height dropped {leg.fatigue_pct:.0f} % over the set"
                                                  if leg.fatigue_pct >= 0.5 else ", no height lost over the set")
        where = f" at {leg.ended_s:.1f} s" if leg.ended_s is not None else ""
        lines.append(f"  {leg.side.upper():>5} leg: {leg.reps} REPS   {leg.work_j:.0f} J of work{fat}")
        lines.append(f"         heights (cm): {heights}")
        lines.append(f"         ended{where}: {END_WORDS[leg.end_reason]}")
    if result.work_symmetry_pct is not None:
        lines.append(f"  Left/right symmetry: {result.reps_symmetry_pct:.0f} % of the reps, "
                     f"{result.work_symmetry_pct:.0f} % of the work")
    elif len(result.legs) == 1:
        lines.append("  Test the other leg too to compare them (symmetry).")
    lines.extend(f"  -> {f}" for f in result.flags)
    return "\n".join(lines)
