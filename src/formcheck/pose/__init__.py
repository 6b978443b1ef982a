"""Landmarks in: the pose model (the only mediapipe import), its typed output, the decode -> pose stream."""
