"""A municipality's wasstraat as the portfolio API shows it: about thirty trajectories of four
teams over two years, made up but realistic, and the same every time (a fixed seed and day).

Only the tab's tests and screenshots use it, through :mod:`tests.tab.fake_api`; the real API
computes the same shapes from the bot's stored trajectories."""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cards.catalogue import Language, text

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LANGUAGES: tuple[Language, ...] = ("nl", "en")

TEAMS = [
    ("19:burgerzaken@thread.tacv2", "Team Burgerzaken"),
    ("19:vergunningen@thread.tacv2", "Team Vergunningen"),
    ("19:belastingen@thread.tacv2", "Team Belastingen"),
    ("19:sociaal-domein@thread.tacv2", "Team Sociaal Domein"),
]
PRODUCTS = {
    "19:burgerzaken@thread.tacv2": [
        "Paspoort aanvragen",
        "Verhuizing doorgeven",
        "Uittreksel BRP",
        "Rijbewijs verlengen",
        "Huwelijk en partnerschap",
        "Naamgebruik wijzigen",
        "Geheimhouding persoonsgegevens",
        "Verklaring omtrent gedrag",
    ],
    "19:vergunningen@thread.tacv2": [
        "Parkeervergunning",
        "Evenementenvergunning",
        "Kapvergunning",
        "Omgevingsvergunning dakkapel",
        "Standplaatsvergunning",
        "Uitritvergunning",
        "Ontheffing venstertijden",
        "Horecavergunning",
    ],
    "19:belastingen@thread.tacv2": [
        "Kwijtschelding gemeentelijke belastingen",
        "Bezwaar WOZ-waarde",
        "Hondenbelasting",
        "Automatische incasso",
        "Afvalstoffenheffing",
        "Precariobelasting",
        "Toeristenbelasting",
    ],
    "19:sociaal-domein@thread.tacv2": [
        "Bijstandsaanvraag",
        "Wmo-melding",
        "Schuldhulpverlening",
        "Leerlingenvervoer",
        "Individuele inkomenstoeslag",
        "Gehandicaptenparkeerkaart",
        "Minimaregeling",
        "Jeugdhulp aanvragen",
    ],
}
PEOPLE = [
    "Sanne de Vries",
    "Erik Jansen",
    "Pim Bakker",
    "Fatima el Amrani",
    "Jeroen Visser",
    "Noor Hendriks",
    "Daan Smit",
    "Lotte Mulder",
    "Ahmed Yilmaz",
    "Eva van Dijk",
    "Bram de Boer",
    "Iris Kok",
]
STATUSES: dict[str, dict[Language, str]] = {
    "running": {"nl": "Loopt", "en": "Running"},
    "overdue": {"nl": "Te laat", "en": "Overdue"},
    "paused": {"nl": "Gepauzeerd", "en": "Paused"},
    "finished": {"nl": "Afgerond", "en": "Finished"},
    "cancelled": {"nl": "Gestopt", "en": "Stopped"},
}
ASKS: list[dict[Language, str]] = [
    {"nl": "Beoordelen", "en": "Review"},
    {"nl": "Akkoord geven", "en": "Approve"},
    {"nl": "KPI's invullen", "en": "Fill in the KPIs"},
    {"nl": "Procesbeschrijving controleren", "en": "Check the process description"},
    {"nl": "Klantreis plannen", "en": "Plan the customer journey"},
]
HORIZONS: dict[str, dict[Language, str]] = {
    "quick_win": {"nl": text("horizon.quick_win", "nl"), "en": text("horizon.quick_win", "en")},
    "long_term": {"nl": text("horizon.long_term", "nl"), "en": text("horizon.long_term", "en")},
}
KPIS: list[tuple[dict[Language, str], dict[Language, str], bool, tuple[float, float]]] = [
    ({"nl": "Doorlooptijd", "en": "Lead time"}, {"nl": "dagen", "en": "days"}, True, (6, 30)),
    (
        {"nl": "Klanttevredenheid", "en": "Customer satisfaction"},
        {"nl": "", "en": ""},
        False,
        (5.5, 7.5),
    ),
    (
        {"nl": "Contactmomenten", "en": "Contacts"},
        {"nl": "per aanvraag", "en": "per request"},
        True,
        (2, 5),
    ),
    (
        {"nl": "Foutieve aanvragen", "en": "Incorrect requests"},
        {"nl": "%", "en": "%"},
        True,
        (8, 25),
    ),
]
WENT_WELL = [
    "De klantreis met echte inwoners gaf ons veel inzicht; we hoorden dingen die we niet wisten.",
    "Korte lijnen met de applicatiebeheerder: wijzigingen in het zaaksysteem waren snel geregeld.",
    "De proceseigenaar was er elke week bij en hakte knopen door.",
    "Het vierogenprincipe schrappen scheelde de helft van de doorlooptijd zonder extra fouten.",
    "Door de brief te herschrijven in eenvoudige taal belden veel minder mensen met vragen.",
    "Vakinhoudelijke medewerkers tekenden het proces zelf; daardoor klopte het meteen.",
]
COULD_BE_BETTER = [
    "De nulmeting kostte te veel tijd omdat de cijfers niet uit het zaaksysteem te halen waren.",
    "Het toetsen van het verbeterplan bij de jurist duurde weken; plan dat eerder in.",
    "We hadden de communicatieadviseur eerder moeten betrekken bij de nieuwe webtekst.",
    "Te veel verbeteringen tegelijk: kies de quick wins eerst en meet daarna.",
    "De evaluatie viel in de zomervakantie, waardoor de helft van de projectgroep er niet was.",
    "Het overleg met de ketenpartner liep stroef omdat hun proceseigenaar wisselde.",
]


def _template_steps() -> list[dict[str, Any]]:
    template = json.loads((ROOT / "wasstraat" / "default_template.json").read_text("utf-8"))
    return [{"id": step["id"], "name": step["name"]} for step in template["steps"]]


def _ps() -> list[dict[str, Any]]:
    template = json.loads((ROOT / "wasstraat" / "default_template.json").read_text("utf-8"))
    return list(template["ps"])


STEPS = _template_steps()
PS = _ps()


@dataclass
class Trajectory:
    id: str
    product: str
    team: tuple[str, str]
    started_at: datetime
    status: str
    marks: list[str]  # one per step of STEPS
    durations: dict[str, float]  # days per finished step
    waiting: list[tuple[str, int, str, datetime]]  # person, ask, step id, since
    project_leader: str
    process_owner: str
    evaluated_at: datetime | None = None
    kpis: list[dict[str, Any]] = field(default_factory=list)
    improvements: list[tuple[str, str, bool]] = field(default_factory=list)
    went_well: str = ""
    could_be_better: str = ""

    @property
    def year(self) -> int:
        return self.started_at.year


def _trajectory(
    number: int, team: tuple[str, str], product: str, dice: random.Random
) -> Trajectory:
    started = TODAY - timedelta(days=dice.randint(20, 640), hours=dice.randint(0, 8))
    status = dice.choices(list(STATUSES), weights=[9, 5, 2, 7, 1])[0]
    count = len(STEPS)
    reached = count if status == "finished" else dice.randint(1, count - 2)
    marks = ["done"] * reached + ["waiting"] * (count - reached)
    if status in ("running", "overdue", "paused"):
        marks[reached] = "overdue" if status == "overdue" else "running"
        if reached >= 2 and STEPS[4]["id"] == "4" and reached < 5 and dice.random() < 0.5:
            marks[4] = "running"  # the customer journey runs alongside steps 2 and 3
    if status == "cancelled":
        marks[reached:] = ["skipped"] * (count - reached)
    if status == "finished" and dice.random() < 0.3:
        marks[3] = "skipped"  # the check of the process description, left out
    durations = {
        # the reviews (7) and the implementation (10) take longest
        step["id"]: round(
            max(0.5, dice.lognormvariate(2.3 if step["id"] in ("7", "10") else 1.6, 0.6)), 1
        )
        for step, mark in zip(STEPS, marks, strict=True)
        if mark == "done"
    }
    waiting = []
    if status in ("running", "overdue"):
        current = STEPS[reached]["id"]
        for _ in range(dice.choice((1, 1, 2))):
            since = TODAY - timedelta(days=dice.randint(1, 9 if status == "running" else 30))
            waiting.append((dice.choice(PEOPLE), dice.randrange(len(ASKS)), current, since))
    trajectory = Trajectory(
        id=f"t-{number:04d}",
        product=product,
        team=team,
        started_at=started,
        status=status,
        marks=marks,
        durations=durations,
        waiting=waiting,
        project_leader=dice.choice(PEOPLE),
        process_owner=dice.choice(PEOPLE),
    )
    if status == "finished":
        trajectory.evaluated_at = TODAY - timedelta(days=dice.randint(3, 200))
        for name, unit, lower, (low, high) in dice.sample(KPIS, dice.randint(1, 3)):
            baseline = round(dice.uniform(low, high), 1)
            target = round(baseline * (0.6 if lower else 1.15), 1)
            measured: float | None = round(
                baseline * (dice.uniform(0.4, 0.75) if lower else dice.uniform(1.0, 1.3)), 1
            )
            met: bool | None = measured <= target if lower else measured >= target
            if dice.random() < 0.15:  # measured later (the API gives null until then)
                measured, met = None, None
            trajectory.kpis.append(
                {
                    "name": name,
                    "unit": unit,
                    "baseline": baseline,
                    "target": target,
                    "measured": measured,
                    "lower_is_better": lower,
                    "met": met,
                }
            )
        trajectory.went_well = dice.choice(WENT_WELL)
        trajectory.could_be_better = dice.choice(COULD_BE_BETTER)
    for _ in range(dice.randint(0, 4) if reached > 6 else 0):
        implemented = status == "finished" or dice.random() < 0.3
        trajectory.improvements.append(
            (dice.choice(list(HORIZONS)), dice.choice(PS)["id"], implemented)
        )
    return trajectory


def trajectories() -> list[Trajectory]:
    """The demo municipality's trajectories, newest first."""
    dice = random.Random(15)
    made = []
    number = 1
    for team in TEAMS:
        for product in PRODUCTS[team[0]]:
            made.append(_trajectory(number, team, product, dice))
            number += 1
    return sorted(made, key=lambda t: t.started_at, reverse=True)


# ------------------------------------------------------------------- as the API answers


def _team(trajectory: Trajectory) -> dict[str, str]:
    return {"id": trajectory.team[0], "name": trajectory.team[1]}


def _step_title(index: int, language: Language) -> str:
    return str(STEPS[index]["name"][language])


def trajectory_item(trajectory: Trajectory, language: Language) -> dict[str, Any]:
    return {
        "id": trajectory.id,
        "product": trajectory.product,
        "team": _team(trajectory),
        "year": trajectory.year,
        "started_at": trajectory.started_at.isoformat(),
        "status": {"id": trajectory.status, "label": STATUSES[trajectory.status][language]},
        "steps": [
            {
                "id": step["id"],
                "title": _step_title(index, language),
                "mark": mark,
                "label": text(f"strip.{mark}", language),
            }
            for index, (step, mark) in enumerate(zip(STEPS, trajectory.marks, strict=True))
        ],
        "current": [
            {"id": step["id"], "title": _step_title(index, language)}
            for index, (step, mark) in enumerate(zip(STEPS, trajectory.marks, strict=True))
            if mark in ("running", "overdue")
        ],
        "waiting_on": [
            {
                "name": person,
                "what": ASKS[ask][language],
                "step": step,
                "since": since.isoformat(),
                "days": (TODAY - since).days,
            }
            for person, ask, step, since in trajectory.waiting
        ],
        "project_leader": [trajectory.project_leader],
        "process_owner": [trajectory.process_owner],
        "thread_url": "https://teams.microsoft.com/l/message/"
        f"{trajectory.team[0]}/{int(trajectory.started_at.timestamp() * 1000)}",
        "dossier_url": None
        if trajectory.status == "cancelled"
        else f"https://wasstraat.example.nl/downloads/dossier?token=demo-{trajectory.id}",
    }


def filters(language: Language, all_trajectories: list[Trajectory]) -> dict[str, Any]:
    return {
        "teams": [{"id": id_, "name": name} for id_, name in TEAMS],
        "steps": [{"id": step["id"], "title": step["name"][language]} for step in STEPS],
        "statuses": [{"id": id_, "label": labels[language]} for id_, labels in STATUSES.items()],
        "years": sorted({t.year for t in all_trajectories}, reverse=True),
    }


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q1, 1), round(median, 1), round(q3, 1)


def summary(chosen: list[Trajectory], language: Language) -> dict[str, Any]:
    step_times = []
    for index, step in enumerate(STEPS):
        values = sorted(t.durations[step["id"]] for t in chosen if step["id"] in t.durations)
        if not values:
            continue
        q1, median, q3 = _quartiles(values)
        step_times.append(
            {
                "id": step["id"],
                "title": _step_title(index, language),
                "count": len(values),
                "median_days": median,
                "q1_days": q1,
                "q3_days": q3,
                "min_days": values[0],
                "max_days": values[-1],
            }
        )
    kpis = [kpi for t in chosen for kpi in t.kpis]

    def counts(kind: int, ids: list[tuple[str, str]]) -> list[dict[str, Any]]:
        return [
            {
                "id": id_,
                "label": label,
                "implemented": sum(
                    1 for t in chosen for i in t.improvements if i[kind] == id_ and i[2]
                ),
                "open": sum(
                    1 for t in chosen for i in t.improvements if i[kind] == id_ and not i[2]
                ),
            }
            for id_, label in ids
        ]

    return {
        "step_times": step_times,
        "targets": {
            "met": sum(1 for kpi in kpis if kpi["met"]),
            "judged": sum(1 for kpi in kpis if kpi["met"] is not None),
        },
        "improvements": {
            "by_horizon": counts(0, [(id_, names[language]) for id_, names in HORIZONS.items()]),
            "by_p": counts(1, [(p["id"], p["name"][language]) for p in PS]),
        },
    }


def result_item(trajectory: Trajectory, language: Language) -> dict[str, Any]:
    assert trajectory.evaluated_at is not None
    return {
        "id": trajectory.id,
        "product": trajectory.product,
        "team": _team(trajectory),
        "evaluated_at": trajectory.evaluated_at.isoformat(),
        "kpis": [
            {**kpi, "name": kpi["name"][language], "unit": kpi["unit"][language]}
            for kpi in trajectory.kpis
        ],
    }


def lesson_item(trajectory: Trajectory) -> dict[str, Any]:
    assert trajectory.evaluated_at is not None
    return {
        "id": trajectory.id,
        "product": trajectory.product,
        "team": _team(trajectory),
        "evaluated_at": trajectory.evaluated_at.isoformat(),
        "went_well": trajectory.went_well,
        "could_be_better": trajectory.could_be_better,
    }
