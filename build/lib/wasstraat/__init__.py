"""The wasstraat domain: the template of steps and roles, the trajectory model and the pure engine.

Nothing in this package knows of Teams, HTTP, databases or the clock.
"""
