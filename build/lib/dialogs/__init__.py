"""Multi-turn conversations (botbuilder-dialogs) and the database-backed state they live in."""
