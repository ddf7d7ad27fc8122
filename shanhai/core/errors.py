"""The one application error type: services raise it, views and commands turn it into a Chinese message."""


class ShanhaiError(Exception):
    """A user-facing error; `message` is in Chinese and names what was wrong."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
