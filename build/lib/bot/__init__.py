"""The Teams edge: aiohttp app, adapter and authentication, activity handling, delivery."""
