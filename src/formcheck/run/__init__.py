"""What runs a session: clip review, batch review, the live engine and loop, workout plans."""
