"""The wasstraat portfolio: a Teams tab (personal and team) with the municipality's trajectories,
where they stall and what they achieved, served by the bot's own web application.

``page`` serves the page and its scripts, ``api`` the JSON and CSV it reads, ``auth`` checks the
Teams single sign-on token before any data leaves. The tab reads what the bot stores; it decides
nothing and never imports the bot.
"""
