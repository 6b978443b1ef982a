"""The one error type the CLI and app turn into a single plain line for the user."""


class FormcheckError(Exception):
    """A problem the user can act on (bad input, missing model, camera gone).

    The message is one line, in plain words, without a traceback.
    """


class StoppedError(FormcheckError):
    """The run was stopped (Ctrl-C, SIGTERM, a closed terminal) before anything could be counted."""

    def __init__(self, message: str, stopped_by: str) -> None:
        super().__init__(message)
        self.stopped_by = stopped_by  # "Ctrl-C", "SIGTERM", ... (cli.STOP_SIGNALS)


def name_key(name: str) -> str:
    """A name as typed, the way names are looked up: case, spaces and dashes do not matter
    ("Calf raise", "calf-raise" and "calf_raise" are one)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def unknown_name(kind: str, name: str, choices: list[str]) -> FormcheckError:
    """The one-line error for a name that is not one of `choices`, with the nearest as a guess."""
    import difflib
    near = difflib.get_close_matches(name_key(name), choices, n=1, cutoff=0.6)
    guess = f" (did you mean {near[0]}?)" if near else ""
    return FormcheckError(f"unknown {kind} '{name}'{guess}; choose one of: {', '.join(choices)}")
