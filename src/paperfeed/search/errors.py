"""The one error search raises for bad input: its message is shown to the person who typed it."""


class QueryError(ValueError):
    """A query that cannot be run, with a message fit for users."""
