"""Cards drawn in a real browser: the official Adaptive Cards renderer with Teams' host config
and CSS in headless Chromium (Debian's). A tier of its own: it needs Chromium and the renderer,
touches no database (so it runs once, not again on PostgreSQL) and is slower than the unit tier."""
