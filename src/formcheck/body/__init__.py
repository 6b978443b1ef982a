"""Body quantities from landmarks: geometry, posture, view, and every per-frame measure."""
