"""The one error type the CLI and app turn into a single plain line for the user."""


class FormcheckError(Exception):
    """A problem the user can act on (bad input, missing model, camera gone).

    The message is one line, in plain words, without a traceback.
    """
