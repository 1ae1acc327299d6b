"""A municipality's wasstraat for the tab's browser tests and screenshots: about thirty real
trajectories of four teams over two years, driven through the engine (``wasstraat.samples``)
at a varied pace, stored by the bot's own store and served by the bot itself.

The same every time: a fixed seed and a fixed day (``TODAY``, the bot's clock in the tests).
What the page tests need of it: more than one page of trajectories in several teams, several
statuses (running, overdue, paused, finished, stopped) and people waited on; evaluated
trajectories with KPIs, six lessons or more, one mentioning "klantreis"; improvements by
horizon and by P; the team "19:vergunningen@thread.tacv2" for the team tab."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from storage import Store
from tests.conftest import TENANT
from wasstraat import commands as c
from wasstraat.model import (
    SYSTEM,
    Binding,
    Horizon,
    Person,
    StepStatus,
    Trajectory,
    TrajectoryStatus,
    Verdict,
)
from wasstraat.samples import ROLES, Run, person, to_step

TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
VERGUNNINGEN = "19:vergunningen@thread.tacv2"
TEAMS = [
    ("19:burgerzaken@thread.tacv2", "Team Burgerzaken", "Petra", "Erik"),
    (VERGUNNINGEN, "Team Vergunningen", "Jasper", "Mirjam"),
    ("19:belastingen@thread.tacv2", "Team Belastingen", "Noor", "Hans"),
    ("19:sociaal-domein@thread.tacv2", "Team Sociaal Domein", "Fatima", "Ruud"),
]
PRODUCTS = {
    "19:burgerzaken@thread.tacv2": [
        "Paspoort aanvragen",
        "Verhuizing doorgeven",
        "Uittreksel BRP",
        "Rijbewijs verlengen",
        "Huwelijk en partnerschap",
        "Naamgebruik wijzigen",
        "Verklaring omtrent gedrag",
        "Geheimhouding persoonsgegevens",
    ],
    VERGUNNINGEN: [
        "Omgevingsvergunning",
        "Evenementenvergunning",
        "Parkeervergunning",
        "Standplaatsvergunning",
        "Drank- en horecavergunning",
        "Kapvergunning",
        "Uitritvergunning",
        "Ontheffing geluid",
    ],
    "19:belastingen@thread.tacv2": [
        "Bezwaar WOZ-waarde",
        "Kwijtschelding",
        "Hondenbelasting",
        "Afvalstoffenheffing",
        "Betalingsregeling",
        "Toeristenbelasting",
        "Precariobelasting",
    ],
    "19:sociaal-domein@thread.tacv2": [
        "Bijstandsuitkering",
        "Wmo-hulpmiddel",
        "Leerlingenvervoer",
        "Schuldhulpverlening",
        "Jeugdhulp aanvragen",
        "Individuele inkomenstoeslag",
        "Participatieplaats",
    ],
}
# where each trajectory of a team is, in turn ("paused" and "cancelled" are running ones stopped)
PLACES = ["evaluated", "3b", "7", "5", "evaluated", "9", "paused", "2", "evaluatie", "cancelled"]
LESSONS = [
    ("De klantreis liet zien waar inwoners vastliepen.", "De klantreis eerder plannen."),
    ("Korte lijnen met de balie.", "Meer tijd voor de controle van de procesbeschrijving."),
    ("Het digitale formulier scheelt veel telefoon.", "De proceseigenaar vaker betrekken."),
    ("Quick wins gaven meteen energie.", "Doelen vooraf meetbaar maken."),
    ("Inwoners dachten mee in een sessie.", "Het implementatieplan concreter maken."),
    ("Minder stappen, minder fouten.", "De privacytoets eerder aanvragen."),
    ("De serviceformule gaf richting.", "Planning met de zomer in gedachten."),
    ("Goede samenwerking met IV.", "Metingen vaker tussendoor doen."),
]
# people who see their team's trajectories, and someone in no team
ANKE = person("Anke")  # in Team Vergunningen, in no project group
OLGA = person("Olga")  # in no team at all
SANNE = person("Sanne")  # the sponsor: sees everything when named in the settings


class PacedRun(Run):
    """A run whose commands come hours to days apart, so that steps take varied time."""

    def __init__(self, rng: random.Random, *args: Any, **kwargs: Any) -> None:
        self._rng = rng
        super().__init__(*args, **kwargs)

    def do(self, actor: Person, command: c.Command, *, after: timedelta | None = None) -> Any:
        pace = after or timedelta(hours=self._rng.choice([2, 5, 20, 26, 50, 74, 120]))
        return super().do(actor, command, after=pace)


def _reviews(run: Run) -> None:
    """Every reviewing role reviews every chosen improvement (the step waits for all)."""
    step = run.template.step("7")
    for improvement in [i for i in run.t.improvements if i.selected]:
        for role in run.template.kind_roles(step):
            for reviewer in run.t.holders(role):
                if run.t.status_of("7") is StepStatus.ACTIVE:
                    run.do(
                        reviewer,
                        c.SubmitReview(
                            improvement_id=improvement.id, verdict=Verdict.AKKOORD, role=role
                        ),
                    )


def _improvements(run: Run, rng: random.Random, leader: Person) -> None:
    """Two improvements of its own, with a horizon and a P, chosen for the plan."""
    ps = [p.id for p in run.template.ps]
    texts = ["Online afspraak maken", "Eén loket voor vragen", "Formulier vooraf invullen"]
    for text in rng.sample(texts, 2):
        run.do(leader, c.AddImprovement(text=text))
    for improvement, horizon in zip(run.t.improvements, Horizon, strict=False):
        run.do(
            leader,
            c.ClassifyImprovement(improvement_id=improvement.id, horizon=horizon, p=rng.choice(ps)),
        )
        run.do(leader, c.SelectImprovement(improvement_id=improvement.id, selected=True))
        # the PICK chart agrees: a quick win is "doen", a long-term one an "uitdaging"
        effort = "low" if horizon is Horizon.QUICK_WIN else "high"
        rate = c.RateImprovement(improvement_id=improvement.id, impact="high", effort=effort)
        run.do(leader, rate)


def drive(place: str, n: int, rng: random.Random, binding: Binding, leader: str, owner: str):
    """One trajectory driven to ``place``; it started early enough to be there by ``TODAY``."""
    pl, pe = person(leader), person(owner)
    roles = {**ROLES, "proceseigenaar": [pe]}
    evaluated = place in ("evaluated", "evaluatie")
    start = TODAY - timedelta(days=(560 if evaluated else 260) - 17 * n + rng.randint(0, 10))
    run = PacedRun(rng, start, project_leader=pl, roles=roles, binding=binding)
    target = {"evaluated": "evaluatie", "paused": "5", "cancelled": "3a"}.get(place, place)
    if target not in ("1", "2", "3a", "3b", "4", "5", "6"):
        to_step(run, "6")
        _improvements(run, rng, pl)
        to_step(run, "7")
        if target != "7":
            _reviews(run)
    to_step(run, target)
    if place == "evaluated":
        run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=120))
        went_well, could_be_better = LESSONS[n % len(LESSONS)]
        doorlooptijd = rng.choice([2.0, 3.0, 4.0, 6.0])
        tevredenheid = rng.choice([7.2, 7.9, 8.1, 8.4])
        run.do(
            pe,
            c.RecordEvaluation(
                measurements={"Doorlooptijd": doorlooptijd, "Klanttevredenheid": tevredenheid},
                went_well=went_well,
                could_be_better=could_be_better,
            ),
        )
    elif place == "paused":
        run.do(pl, c.Pause(reason="Wacht op de nieuwe regelgeving"))
    elif place == "cancelled":
        run.do(pl, c.Cancel(reason="Het product wordt landelijk geregeld"))
    assert run.now <= TODAY, (place, run.now)
    return run.t


def trajectories() -> list[Trajectory]:
    rng = random.Random(15)
    made = []
    for k, (team_id, team_name, leader, owner) in enumerate(TEAMS):
        binding = Binding(
            tenant_id=TENANT,
            conversation_id=team_id,
            channel_id=team_id,
            team_id=team_id,
            team_name=team_name,
        )
        for n, product in enumerate(PRODUCTS[team_id]):
            t = drive(PLACES[(n + 3 * k) % len(PLACES)], n, rng, binding, leader, owner)
            slug = product.lower().replace(" ", "-")
            made.append(t.model_copy(update={"id": f"t-{slug}", "product": product}))
    return made


async def store_municipality(store: Store) -> list[Trajectory]:
    """Store the municipality's trajectories, their channel posts and who is in which team."""
    made = trajectories()
    for n, t in enumerate(made):
        async with store.transaction(now=TODAY) as tx:
            await tx.insert_trajectory(t, now=TODAY)
        await store.references.save_thread(
            t.id, conversation_id=t.binding.conversation_id, activity_id=f"17{n:011d}", now=TODAY
        )
    members: dict[str, set[str]] = {team_id: set() for team_id, *_ in TEAMS}
    for t in made:
        members[t.binding.team_id or ""] |= {p.aad_object_id for p in t.members()}
    members[VERGUNNINGEN].add(ANKE.aad_object_id)
    for team_id, people in members.items():
        await store.portfolio.set_team_members(team_id, people)
    assert {t.status for t in made} >= set(TrajectoryStatus)
    return made
