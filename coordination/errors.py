"""Errors every app's services raise and every interface maps the same way."""


class Conflict(Exception):
    """The request collides with the object's current state (a step already decided, a promotion that moved on
    meanwhile): the API answers 409 with ``{"detail": message}``, a page shows the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)
