"""The body: anny's MakeHuman-based full-body model (CC0 assets; never its SMPL topologies),
a few body presets, clothing colours per vertex, and posing by segment rotations.

Frame (the body's own, before a motion places it): x = the person's left, y = backwards,
z = up, metres, origin at the root bone between the hips.

Posing: every segment (thigh, shin, foot, ...) gets a rotation LOCAL to its parent
segment, where each segment's neutral is "straightened" (legs straight down, arms
hanging at the sides) rather than anny's A-pose rest. From the segments' world
rotations G (relative to anny's identity pose) each bone's delta in anny's `local-ref`
parameterisation is D_c = G_parent^T G_c.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.rotations import align, unit

SIDES = ("L", "R")

# segment -> (first anny bone, parent segment)
SEGMENTS: dict[str, tuple[str, str | None]] = {
    "pelvis": ("root", None),
    "trunk": ("spine05", "pelvis"),
    "head": ("neck01", "trunk"),
}
for _s in SIDES:
    SEGMENTS.update({
        f"thigh.{_s}": (f"upperleg01.{_s}", "pelvis"),
        f"shin.{_s}": (f"lowerleg01.{_s}", f"thigh.{_s}"),
        f"foot.{_s}": (f"foot.{_s}", f"shin.{_s}"),
        f"toes.{_s}": (f"toe1-1.{_s}", f"foot.{_s}"),  # all five toe chains, see _TOE_ROOTS
        f"upperarm.{_s}": (f"upperarm01.{_s}", "trunk"),
        f"forearm.{_s}": (f"lowerarm01.{_s}", f"upperarm.{_s}"),
    })
_TOE_ROOTS = {s: [f"toe{i}-1.{s}" for i in range(1, 6)] for s in SIDES}


@dataclass(frozen=True)
class BodyPreset:
    name: str
    phenotype: dict  # anny phenotype kwargs (gender 0 = male, 1 = female; age 2/3 = young adult)
    skin_rgb: tuple
    hair_rgb: tuple
    shirt_rgb: tuple
    shorts_rgb: tuple
    shoe_rgb: tuple
    sole_rgb: tuple = (0.92, 0.92, 0.90)
    sock_rgb: tuple = (0.95, 0.95, 0.95)
    hair_long: bool = False
    sleeve_cm: float = 12.0


BODY_PRESETS: list[BodyPreset] = [
    BodyPreset("woman, light skin, teal top", dict(gender=1.0, age=0.70, muscle=0.55, weight=0.45, height=0.55),
               skin_rgb=(0.92, 0.74, 0.62), hair_rgb=(0.22, 0.13, 0.08), shirt_rgb=(0.08, 0.55, 0.58),
               shorts_rgb=(0.07, 0.07, 0.09), shoe_rgb=(0.93, 0.93, 0.95), hair_long=True),
    BodyPreset("man, brown skin, red top", dict(gender=0.0, age=0.72, muscle=0.65, weight=0.50, height=0.60),
               skin_rgb=(0.58, 0.38, 0.26), hair_rgb=(0.06, 0.05, 0.05), shirt_rgb=(0.78, 0.14, 0.13),
               shorts_rgb=(0.20, 0.22, 0.28), shoe_rgb=(0.15, 0.15, 0.17), sole_rgb=(0.85, 0.85, 0.85)),
    BodyPreset("older woman, dark skin, yellow top", dict(gender=1.0, age=0.92, muscle=0.40, weight=0.65, height=0.40),
               skin_rgb=(0.36, 0.23, 0.16), hair_rgb=(0.62, 0.60, 0.58), shirt_rgb=(0.90, 0.74, 0.22),
               shorts_rgb=(0.10, 0.14, 0.32), shoe_rgb=(0.55, 0.57, 0.60)),
    BodyPreset("man, tan skin, light-blue top, heavier", dict(gender=0.0, age=0.82, muscle=0.45, weight=0.75, height=0.45),
               skin_rgb=(0.82, 0.64, 0.47), hair_rgb=(0.04, 0.04, 0.04), shirt_rgb=(0.55, 0.68, 0.86),
               shorts_rgb=(0.06, 0.06, 0.07), shoe_rgb=(0.12, 0.30, 0.70)),
]


@functools.lru_cache(maxsize=1)
def _anny_model():
    os.environ.setdefault("WARP_LOG_LEVEL", "error")
    import anny  # optional extra: formcheck[synth]
    import torch

    torch.set_grad_enabled(False)
    torch.set_num_threads(1)  # one clip per process; threads only fight each other here
    return anny.Anny()  # default rig and MakeHuman topology (CC0 assets)


@dataclass
class Posed:
    """A posed body: vertices (V,3) and named points (joint centres and surface points), metres."""

    vertices: np.ndarray
    points: dict[str, np.ndarray] = field(default_factory=dict)

    def transformed(self, rot: np.ndarray, shift: np.ndarray) -> "Posed":
        return Posed(self.vertices @ rot.T + shift, {k: rot @ v + shift for k, v in self.points.items()})

    def shifted(self, shift: np.ndarray) -> "Posed":
        return Posed(self.vertices + shift, {k: v + shift for k, v in self.points.items()})


class Body:
    """One body preset, ready to pose. Building the first one loads anny (~1 s with its cache)."""

    def __init__(self, index: int) -> None:
        import torch

        self.index = index
        self.preset = BODY_PRESETS[index % len(BODY_PRESETS)]
        self._torch = torch
        m = self.model = _anny_model()
        self.labels: list[str] = list(m.bone_labels)
        self.parents: list[int] = [int(p) for p in m.bone_parents]
        self.bone = {name: i for i, name in enumerate(self.labels)}
        self.faces = m.get_triangular_faces().cpu().numpy().astype(np.int32)
        self._phen = {k: torch.tensor([float(v)], dtype=m.dtype) for k, v in self.preset.phenotype.items()}
        out = m(phenotype_kwargs=self._phen)
        self.rest_vertices = out["vertices"][0].cpu().numpy().astype(float)
        self.rest_heads = out["bone_poses"][0, :, :3, 3].cpu().numpy().astype(float)
        self._identity = torch.eye(4, dtype=m.dtype)[None, None].repeat(1, len(self.labels), 1, 1)
        w = m.vertex_bone_weights.cpu().numpy()
        idx = m.vertex_bone_indices.cpu().numpy()
        self.vertex_bone = idx[np.arange(len(idx)), np.argmax(w, axis=1)]
        self._seg_of_bone = self._segment_of_each_bone()
        self.align = self._alignments()
        self.surface = self._surface_points()
        self.vertex_rgb, self.region = self._colours()

    # ---- setup -------------------------------------------------------------------------------
    def head(self, bone: str) -> np.ndarray:
        return self.rest_heads[self.bone[bone]]

    def _segment_of_each_bone(self) -> list[str | None]:
        first = {}
        for seg, (bone, _) in SEGMENTS.items():
            first[bone] = seg
        for s in SIDES:
            for b in _TOE_ROOTS[s]:
                first[b] = f"toes.{s}"
        return [first.get(name) for name in self.labels]

    def _alignments(self) -> dict[str, np.ndarray]:
        al = {seg: np.eye(3) for seg in SEGMENTS}
        for s in SIDES:
            sign = 1.0 if s == "L" else -1.0
            hip, knee = self.head(f"upperleg01.{s}"), self.head(f"lowerleg01.{s}")
            ankle = self.head(f"foot.{s}")
            al[f"thigh.{s}"] = align(knee - hip, [0, 0, -1])
            al[f"shin.{s}"] = align(ankle - knee, [0, 0, -1])
            sh, el, wr = self.head(f"upperarm01.{s}"), self.head(f"lowerarm01.{s}"), self.head(f"wrist.{s}")
            al[f"upperarm.{s}"] = align(el - sh, unit([sign * 0.16, 0.02, -1.0]))
            al[f"forearm.{s}"] = align(wr - el, unit([sign * 0.05, -0.30, -1.0]))
        return al

    def _surface_points(self) -> dict[str, int]:
        """Vertex indices of surface points tracked for the truth (heel, toe tip)."""
        pts = {}
        v = self.rest_vertices
        for s in SIDES:
            foot_bones = {self.bone[f"foot.{s}"]} | {i for i, n in enumerate(self.labels) if n.startswith("toe") and n.endswith(s)}
            on_foot = np.isin(self.vertex_bone, list(foot_bones))
            zmin = v[on_foot, 2].min()
            low = on_foot & (v[:, 2] < zmin + 0.025)
            cand = np.flatnonzero(low)
            pts[f"heel_{s}"] = int(cand[np.argmax(v[cand, 1])])  # most backward low point
            pts[f"toe_{s}"] = int(cand[np.argmin(v[cand, 1])])  # most forward low point
        return pts

    def _colours(self) -> tuple[np.ndarray, np.ndarray]:
        p = self.preset
        v = self.rest_vertices
        names = np.array(self.labels)[self.vertex_bone]
        region = np.full(len(v), "skin", dtype=object)
        hip_z = self.head("upperleg01.L")[2]
        knee_z = self.head("lowerleg01.L")[2]
        ankle_z = self.head("foot.L")[2]
        shoulder_z = self.head("upperarm01.L")[2]
        torso = np.array([n.startswith(("spine", "root", "pelvis", "clavicle")) for n in names])
        thighs = np.array([n.startswith(("upperleg",)) for n in names])
        shoulders = np.array([n.startswith(("shoulder01", "upperarm01")) for n in names])
        feet = np.array([n.startswith(("foot", "toe")) for n in names])
        shins = np.array([n.startswith("lowerleg02") for n in names])
        headb = np.array([n.startswith(("head", "eye")) for n in names])
        waist_z = hip_z + 0.09
        region[torso & (v[:, 2] >= waist_z)] = "shirt"
        region[(torso & (v[:, 2] < waist_z)) | (thighs & (v[:, 2] > hip_z + 0.42 * (knee_z - hip_z)))] = "shorts"
        arm_sleeve = shoulders & (v[:, 2] > shoulder_z - p.sleeve_cm / 100.0)
        region[arm_sleeve] = "shirt"
        # neck skin stays skin; trunk vertices above the shoulders (neck base) too
        region[(region == "shirt") & (v[:, 2] > shoulder_z + 0.045) & ~shoulders] = "skin"
        region[shins & (v[:, 2] < ankle_z + 0.075)] = "sock"
        region[feet] = "shoe"
        foot_min = v[feet, 2].min()
        region[feet & (v[:, 2] < foot_min + 0.018)] = "sole"
        # hair: a cap over the top and back of the head
        head_pts = v[headb]
        top = head_pts[:, 2].max()
        hc = self.head("head")
        front_y = head_pts[:, 1].min()
        hair = headb & ((v[:, 2] > top - 0.075) | ((v[:, 1] > hc[1] + 0.015) & (v[:, 2] > hc[2] + 0.03)))
        hair &= ~(v[:, 1] < front_y + 0.035) | (v[:, 2] > top - 0.04)
        if p.hair_long:
            hair |= headb & (v[:, 1] > hc[1] + 0.03) & (v[:, 2] > hc[2] - 0.06)
        region[hair] = "hair"
        rgb = np.zeros((len(v), 3))
        table = {"skin": p.skin_rgb, "shirt": p.shirt_rgb, "shorts": p.shorts_rgb, "shoe": p.shoe_rgb,
                 "sole": p.sole_rgb, "sock": p.sock_rgb, "hair": p.hair_rgb}
        for name, col in table.items():
            rgb[region == name] = col
        self._eyes(rgb, region)
        return rgb, region

    def _eyes(self, rgb: np.ndarray, region: np.ndarray) -> None:
        try:
            from anny.face_segmentation import get_face_segmentation_mask
        except Exception:  # noqa: BLE001 - cosmetic only
            return
        faces = self.faces
        for labels, col in ((["eye_back.L", "eye_back.R"], (0.93, 0.92, 0.90)),
                            (["eye_front.L", "eye_front.R"], (0.12, 0.08, 0.06)),
                            (["mouth_cavity", "tongue"], (0.35, 0.12, 0.12))):
            mask = np.asarray(get_face_segmentation_mask(self.model, labels))
            if mask.shape[0] != len(faces):
                return
            vid = np.unique(faces[mask].ravel())
            rgb[vid] = col
            region[vid] = "eye" if "eye" in labels[0] else "mouth"
        # lips and brows: a touch darker skin just in front of the mouth / above the eyes
        skin = np.array(self.preset.skin_rgb)
        v = self.rest_vertices
        eye_v = np.flatnonzero(region == "eye")
        if len(eye_v):
            ez, ey = v[eye_v, 2].mean(), v[eye_v, 1].min()
            brow = (region == "skin") & (np.abs(v[:, 2] - (ez + 0.022)) < 0.006) & (v[:, 1] < ey + 0.012) \
                & (np.abs(np.abs(v[:, 0]) - 0.032) < 0.022)
            rgb[brow] = np.array(self.preset.hair_rgb) * 0.8 + skin * 0.2
            mouth_z = ez - 0.075
            lips = (region == "skin") & (np.abs(v[:, 2] - mouth_z) < 0.008) & (v[:, 1] < ey + 0.004) \
                & (np.abs(v[:, 0]) < 0.024)
            rgb[lips] = skin * np.array([0.85, 0.62, 0.62])

    # ---- posing ------------------------------------------------------------------------------
    def segment_world(self, local: dict[str, np.ndarray],
                      world: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """World rotation (of the straightened neutral) of every segment."""
        out: dict[str, np.ndarray] = {}
        world = world or {}
        for seg, (_, parent) in SEGMENTS.items():  # dict order is parent-first
            if seg in world:
                out[seg] = world[seg]
                continue
            r = local.get(seg, np.eye(3))
            out[seg] = r if parent is None else out[parent] @ r
        return out

    def pose(self, local: dict[str, np.ndarray], world: dict[str, np.ndarray] | None = None) -> Posed:
        torch = self._torch
        segw = self.segment_world(local, world)
        n = len(self.labels)
        G = np.zeros((n, 3, 3))
        for i in range(n):
            seg = self._seg_of_bone[i]
            if seg is not None:
                G[i] = segw[seg] @ self.align[seg]
            else:
                G[i] = G[self.parents[i]] if i > 0 else np.eye(3)
        D = self._identity.clone()
        par = np.array(self.parents)
        par[0] = 0
        local_rot = np.einsum("nji,njk->nik", G[par], G)  # G_p^T G_c
        local_rot[0] = G[0]
        D[0, :, :3, :3] = torch.from_numpy(local_rot)
        out = self.model(pose_parameters=D, phenotype_kwargs=self._phen)
        verts = out["vertices"][0].cpu().numpy().astype(float)
        heads = out["bone_poses"][0, :, :3, 3].cpu().numpy().astype(float)
        pts = {}
        for s in SIDES:
            pts[f"hip_{s}"] = heads[self.bone[f"upperleg01.{s}"]]
            pts[f"knee_{s}"] = heads[self.bone[f"lowerleg01.{s}"]]
            pts[f"ankle_{s}"] = heads[self.bone[f"foot.{s}"]]
            pts[f"ball_{s}"] = 0.5 * (heads[self.bone[f"toe1-1.{s}"]] + heads[self.bone[f"toe5-1.{s}"]])
            pts[f"shoulder_{s}"] = heads[self.bone[f"upperarm01.{s}"]]
            pts[f"elbow_{s}"] = heads[self.bone[f"lowerarm01.{s}"]]
            pts[f"wrist_{s}"] = heads[self.bone[f"wrist.{s}"]]
            pts[f"heel_{s}"] = verts[self.surface[f"heel_{s}"]]
            pts[f"toe_{s}"] = verts[self.surface[f"toe_{s}"]]
        pts["head"] = heads[self.bone["head"]]
        pts["neck"] = heads[self.bone["neck01"]]
        pts["root"] = heads[0]
        return Posed(verts, pts)

    def region_mask(self, *names: str) -> np.ndarray:
        return np.isin(self.region, list(names))

    def bone_mask(self, *prefixes: str) -> np.ndarray:
        names = np.array(self.labels, dtype=object)[self.vertex_bone]
        return np.array([n.startswith(prefixes) for n in names])
