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
