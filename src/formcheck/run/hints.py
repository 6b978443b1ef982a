"""When to say a placement hint ("Step back: show your feet"): only once it is steady, and again
only after a while if nothing changes."""
from __future__ import annotations

from formcheck.events import Event, EventKind

# A placement hint must hold this long before it is given (MediaPipe's view of a person
# turning flickers for a few frames), and is given again this often while nothing changes.
HINT_STABLE_S = 0.7
HINT_REPEAT_S = 8.0


class HintGate:
    """`update(t_s, hint)` once per frame (None: nothing to change); a HINT event when it is time."""

    def __init__(self, stable_s: float = HINT_STABLE_S, repeat_s: float = HINT_REPEAT_S) -> None:
        self.stable_s, self.repeat_s = stable_s, repeat_s
        self.current: str | None = None  # the latest hint, said or not
        self._since_s = 0.0
        self._said: tuple[str | None, float] = (None, -1e9)

    def update(self, t_s: float, hint: str | None) -> list[Event]:
        if hint != self.current:
            self.current, self._since_s = hint, t_s
            return []
        said, said_t = self._said
        if hint and t_s - self._since_s >= self.stable_s and (hint != said or t_s - said_t >= self.repeat_s):
            self._said = (hint, t_s)
            return [Event(EventKind.HINT, t_s, hint)]
        return []
