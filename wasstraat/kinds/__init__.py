"""One module per kind of step: what it does at its start, whom it waits on, what it asks, and
the commands that decide it. Importing this package registers them all."""

from wasstraat.kinds import approval, check, evaluation, finished, reviews

__all__ = ["approval", "check", "evaluation", "finished", "reviews"]
