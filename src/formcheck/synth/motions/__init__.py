"""Exercise id -> Motion class."""
from __future__ import annotations

from formcheck.synth.motions.base import Motion
from formcheck.synth.motions.standing import CalfRaise, HipAbduction

MOTIONS: dict[str, type[Motion]] = {m.exercise: m for m in (CalfRaise, HipAbduction)}

try:  # the other families register themselves when present
    from formcheck.synth.motions.seated import AnkleAlphabet, LegExtension, SeatedCalfRaise
    MOTIONS.update({m.exercise: m for m in (SeatedCalfRaise, LegExtension, AnkleAlphabet)})
except ImportError:  # pragma: no cover
    pass
try:
    from formcheck.synth.motions.lying import AnkleFlexion, HipWidthLegExtension
    MOTIONS.update({m.exercise: m for m in (HipWidthLegExtension, AnkleFlexion)})
except ImportError:  # pragma: no cover
    pass
try:
    from formcheck.synth.motions.leg_press import LegPress
    MOTIONS[LegPress.exercise] = LegPress
except ImportError:  # pragma: no cover
    pass
