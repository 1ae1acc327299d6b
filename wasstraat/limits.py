"""How much one person or one trajectory may hold: enough for any real wasstraat, small enough
that one person cannot flood a trajectory, a channel or the cards (Teams refuses a message over
about 100 KB; an Adaptive Card must stay under 28 KB)."""

from __future__ import annotations

from datetime import timedelta

IDEAS_PER_PERSON_PER_MINUTE = 5
IMPROVEMENTS_PER_TRAJECTORY = 200
IMPLEMENTATION_ITEMS_PER_TRAJECTORY = 100
PROCESS_MAPS_PER_TRAJECTORY = 20
SESSIONS_PER_TRAJECTORY = 50
STARTS_PER_PERSON_PER_DAY = 10
# the klantreis's pain points together, as one field of the step's card beside six contact
# moments and the findings
PAIN_POINTS_CHARACTERS = 5000
CONTACT_MOMENTS = 6  # of a klantreis, on the same card

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
