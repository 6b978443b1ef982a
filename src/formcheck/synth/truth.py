"""Ground truth from the posed body's joint POSITIONS (never from rotation values), and the
`<clip>.truth.json` writer.

per_frame fields (one value per video frame):
  t_s                              frame time, seconds
  phase                            rest | up | top | down | hold
  rep_index                        1-based rep the frame belongs to, 0 outside reps
  heel_height_cm {left,right}      rise of the heel's back-bottom surface point above its
                                   position in frame 0 (the still lead-in), cm
  heel_above_floor_cm {left,right} height of that heel point above the floor (z = 0), cm
  knee_angle_deg {left,right}      interior angle hip-knee-ankle joint centres, 180 = straight
  ankle_angle_deg {left,right}     interior angle knee-ankle-toe tip (~110-120 standing;
                                   larger = pointed / plantarflexed)
  hip_abduction_deg {left,right}   angle of the thigh (hip->knee) out of the pelvis's
                                   mid-sagittal plane, positive = away from the midline
  ankle_distance_over_hip_width    |ankle_L - ankle_R| / |hip_L - hip_R| (joint centres)
  knee_distance_over_ankle_distance  |knee_L - knee_R| / |ankle_L - ankle_R| (< 1 = knees in)
  joints_px {name: [[u, v], ...]}  true 2-D image position of hip/knee/ankle/heel/toe/
                                   shoulder/wrist L/R (pixels of the written video)
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SIDE_NAMES = {"L": "left", "R": "right"}
PX_POINTS = ("hip", "knee", "ankle", "heel", "toe", "shoulder", "wrist")


def _angle_deg(a, b, c) -> float:
    u, v = a - b, c - b
    cosv = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cosv, -1.0, 1.0))))


def frame_values(points: dict, up: np.ndarray, fwd: np.ndarray) -> dict:
    v = {}
    lateral = points["hip_L"] - points["hip_R"]
    lateral /= np.linalg.norm(lateral)
    for s in ("L", "R"):
        v[f"knee_{s}"] = _angle_deg(points[f"hip_{s}"], points[f"knee_{s}"], points[f"ankle_{s}"])
        v[f"ankle_{s}"] = _angle_deg(points[f"knee_{s}"], points[f"ankle_{s}"], points[f"toe_{s}"])
        thigh = points[f"knee_{s}"] - points[f"hip_{s}"]
        out = lateral if s == "L" else -lateral  # angle out of the pelvis's mid-sagittal plane
        v[f"abd_{s}"] = float(np.degrees(np.arcsin(np.clip(np.dot(thigh, out) / np.linalg.norm(thigh), -1, 1))))
    hip_w = np.linalg.norm(points["hip_L"] - points["hip_R"])
    ank = np.linalg.norm(points["ankle_L"] - points["ankle_R"])
    v["ankle_over_hip"] = float(ank / hip_w)
    v["knee_over_ankle"] = float(np.linalg.norm(points["knee_L"] - points["knee_R"]) / max(ank, 1e-6))
    return v


class TruthRecorder:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, t_s: float, phase: str, rep_index: int, points: dict, up, fwd, joints_px: dict) -> None:
        row = frame_values(points, up, fwd)
        row.update(t_s=t_s, phase=phase, rep=rep_index, heel_z={s: float(points[f"heel_{s}"][2]) for s in "LR"},
                   px=joints_px)
        self.rows.append(row)

    def per_frame(self) -> dict:
        r = self.rows
        h0 = r[0]["heel_z"]

        def lr(key, fn):
            return {SIDE_NAMES[s]: [fn(row, s) for row in r] for s in "LR"}

        return {
            "t_s": [round(row["t_s"], 4) for row in r],
            "phase": [row["phase"] for row in r],
            "rep_index": [row["rep"] for row in r],
            "heel_height_cm": lr("h", lambda row, s: round(100 * (row["heel_z"][s] - h0[s]), 2)),
            "heel_above_floor_cm": lr("f", lambda row, s: round(100 * row["heel_z"][s], 2)),
            "knee_angle_deg": lr("k", lambda row, s: round(row[f"knee_{s}"], 2)),
            "ankle_angle_deg": lr("a", lambda row, s: round(row[f"ankle_{s}"], 2)),
            "hip_abduction_deg": lr("ab", lambda row, s: round(row[f"abd_{s}"], 2)),
            "ankle_distance_over_hip_width": [round(row["ankle_over_hip"], 3) for row in r],
            "knee_distance_over_ankle_distance": [round(row["knee_over_ankle"], 3) for row in r],
            "joints_px": {name: [[round(float(x), 1) for x in row["px"][name]] for row in r]
                          for name in r[0]["px"]},
        }


def write_truth(path: Path, header: dict, reps: list[dict], per_frame: dict) -> None:
    doc = dict(header)
    doc["rep_count"] = len(reps)
    doc["reps"] = reps
    doc["per_frame"] = per_frame
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
