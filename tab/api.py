"""The portfolio tab's JSON and CSV: the trajectories a person may see, where the wasstraat
stalls and what it achieved. Every answer is built from the stored trajectories with the same
queries the cards use (``progress``, ``waiting_on``, ``kpi_results``); nothing is decided here.

Every request is authenticated first (``tab.auth``); a request that is not gets 401 and no data.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from aiohttp import web

from cards.catalogue import Language, language_for, text
from cards.journey import channel_name
from storage import Store
from storage.portfolio import OVERDUE, STATUSES, Filters, Viewer
from tab.auth import Identity, TokenValidator, Unauthorized
from tab.sheets import cell
from wasstraat.engine import waiting_on
from wasstraat.kinds.evaluation import kpi_results
from wasstraat.model import Horizon, Quadrant, Trajectory, TrajectoryStatus, follow_up_key
from wasstraat.portfolio import (
    HORIZON,
    IMPLEMENTED,
    OPEN,
    QUADRANT,
    TARGETS,
    TRAJECTORIES,
    P,
    quantiles,
)
from wasstraat.portfolio import step_metric as days_of
from wasstraat.progress import Mark, progress
from wasstraat.template import Template

log = logging.getLogger(__name__)

PER_PAGE = 10  # a screenful of rows, each with its strip and who it waits on
RESULTS_PER_PAGE = 10
CSV_BATCH = 200
MAX_PAGE = 10_000
MAX_SEARCH = 200
DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class TabContext:
    """What the tab needs from the running bot (composed by ``bot.app``)."""

    store: Store
    template: Template  # the wasstraat new trajectories follow
    template_of: Callable[[Trajectory], Template]
    clock: Callable[[], datetime]
    default_locale: str
    # None: no app id, loopback only, everyone is the development identity
    validator: TokenValidator | None
    development_identity: Identity
    # object ids who see the whole municipality (sponsors, proceseigenaren, administrators)
    sees_all: frozenset[str]
    # a signed dossier link for this trajectory, language and person, None when they may not
    dossier_link: Callable[[Trajectory, Language, Viewer], str | None] | None = None


TAB_CONTEXT = web.AppKey("tab_context", TabContext)


def _json(body: Any) -> web.Response:
    """A JSON answer that no cache keeps (a page is tens of kilobytes: orjson encodes it)."""
    return web.Response(
        body=orjson.dumps(body),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _language(request: web.Request, context: TabContext) -> Language:
    asked = request.query.get("lang")
    if asked in ("nl", "en"):
        return asked  # type: ignore[return-value]
    return language_for(request.query.get("locale"), context.default_locale)


async def viewer_of(request: web.Request, context: TabContext) -> Viewer:
    return (await _identified(request, context))[0]


async def _identified(request: web.Request, context: TabContext) -> tuple[Viewer, Identity]:
    """The person asking, from their token; 401 (no data) when there is no acceptable one."""
    if context.validator is None:
        identity = context.development_identity
    else:
        try:
            identity = await context.validator.identity(request.headers.get("Authorization"))
        except Unauthorized as refusal:
            log.info("portfolio request refused: %s", refusal)
            raise web.HTTPUnauthorized(
                text=orjson.dumps(
                    {"error": text("tab.unauthorized", _language(request, context))}
                ).decode(),
                content_type="application/json",
                headers={"WWW-Authenticate": "Bearer"},
            ) from None
    viewer = Viewer(person=identity.object_id, sees_all=identity.object_id in context.sees_all)
    return viewer, identity


def _filters(request: web.Request, *, search: bool = False) -> Filters:
    query = request.query
    year = query.get("year", "")
    return Filters(
        team=query.get("team") or None,
        step=query.get("step") or None,
        status=query.get("status") or None,
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        search=(query.get("q") or "").strip()[:MAX_SEARCH] or None if search else None,
    )


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) >= 1 else 1


def _names(people: Iterable[Any]) -> list[str]:
    return [p.name for p in people]


def _team(t: Trajectory) -> dict[str, str]:
    return {"id": t.binding.team_id or "", "name": t.binding.team_name or ""}


def thread_link(t: Trajectory, thread: tuple[str, str] | None) -> str | None:
    """A Teams link that opens the trajectory's post in its channel."""
    if thread is None:
        return None
    conversation, message = thread
    channel = conversation.split(";", 1)[0]
    query = {"parentMessageId": message}
    if t.binding.tenant_id:
        query["tenantId"] = t.binding.tenant_id
    return (
        f"https://teams.microsoft.com/l/message/{quote(channel, safe='')}/{quote(message, safe='')}"
        f"?{urlencode(query)}"
    )


def _status(t: Trajectory, marks: list[Any]) -> str:
    if t.status is TrajectoryStatus.RUNNING and any(m.mark is Mark.OVERDUE for m in marks):
        return OVERDUE
    return t.status.value


def _status_label(status: str, language: Language) -> dict[str, str]:
    return {"id": status, "label": text(f"portfolio.status.{status}", language)}


MARK_LABELS = {
    language: {mark: text(f"strip.{mark.value}", language) for mark in Mark}
    for language in ("nl", "en")
}


_TITLES: dict[tuple[str, str], dict[str, str]] = {}


def _titles(template: Template, language: Language) -> dict[str, str]:
    """Each step's name in the language, by step id (a template's key names one version of
    it, so the names are looked up once, not for every row of every page)."""
    found = _TITLES.get((template.key, language))
    if found is None:
        found = _TITLES[(template.key, language)] = {
            step.id: step.name.get(language) for step in template.steps
        }
    return found


def trajectory_item(
    t: Trajectory,
    context: TabContext,
    viewer: Viewer,
    thread: tuple[str, str] | None,
    now: datetime,
    language: Language,
) -> dict[str, Any]:
    template = context.template_of(t)
    titles = _titles(template, language)
    marks = progress(t, template, now)
    waiting = []
    for w in waiting_on(t, template):
        follow_up = t.follow_ups.get(follow_up_key(w.step, w.what, w.person.aad_object_id))
        since = follow_up.since if follow_up else t.steps[w.step].started_at
        waiting.append(
            {
                "name": w.person.name,
                "what": text(f"waiting.{w.what}", language),
                "step": w.step,
                "since": since.isoformat() if since else None,
                "days": int((now - since).total_seconds() // DAY_SECONDS) if since else None,
            }
        )
    running = [m.step for m in marks if m.mark in (Mark.RUNNING, Mark.OVERDUE)]
    return {
        "id": t.id,
        "product": t.product,
        "team": _team(t),
        "year": t.created_at.year,
        "started_at": t.created_at.isoformat(),
        "status": _status_label(_status(t, marks), language),
        "steps": [
            {
                "id": m.step,
                "title": titles[m.step],
                "mark": m.mark.value,
                "label": MARK_LABELS[language][m.mark],
            }
            for m in marks
        ],
        "current": [{"id": step, "title": titles[step]} for step in running],
        "waiting_on": waiting,
        "project_leader": _names(t.holders("projectleider")),
        "process_owner": _names(t.holders("proceseigenaar")),
        "thread_url": thread_link(t, thread),
        "dossier_url": (
            context.dossier_link(t, language, viewer) if context.dossier_link is not None else None
        ),
    }


async def trajectories(request: web.Request) -> web.Response:
    context = request.app[TAB_CONTEXT]
    viewer, identity = await _identified(request, context)
    language = _language(request, context)
    page = _page(request)
    now = context.clock()
    found, more, threads = await context.store.portfolio.page(
        viewer, _filters(request), now, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    choices = await context.store.portfolio.choices(viewer)
    return _json(
        {
            "viewer": {
                "name": identity.name,
                "scope": "all" if viewer.sees_all else "teams",
            },
            "page": page,
            "per_page": PER_PAGE,
            "has_more": more,
            "filters": {
                "teams": [{"id": team.id, "name": team.name} for team in choices.teams],
                "steps": [
                    {"id": step.id, "title": step.name.get(language)}
                    for step in context.template.steps
                ],
                "statuses": [_status_label(status, language) for status in STATUSES],
                "years": choices.years,
            },
            "items": [
                trajectory_item(t, context, viewer, threads.get(t.id), now, language) for t in found
            ],
        }
    )


def _step_times(
    counts: dict[tuple[str, str], int], template: Template, language: Language
) -> list[dict[str, Any]]:
    rows = []
    for step in template.steps:
        metric = days_of(step.id)
        histogram = {
            int(bucket): n for (m, bucket), n in counts.items() if m == metric and bucket.isdigit()
        }
        figures = quantiles(histogram)
        if figures is None:
            continue
        count, median, q1, q3, low, high = figures
        rows.append(
            {
                "id": step.id,
                "title": step.name.get(language),
                "count": count,
                "median_days": median,
                "q1_days": q1,
                "q3_days": q3,
                "min_days": low,
                "max_days": high,
            }
        )
    return rows


def _split(counts: dict[tuple[str, str], int], metric: str) -> dict[str, dict[str, int]]:
    """'quick_win:implemented' → {'quick_win': {'implemented': n, 'open': m}}."""
    result: dict[str, dict[str, int]] = {}
    for (m, bucket), n in counts.items():
        if m != metric:
            continue
        what, _, state = bucket.rpartition(":")
        if state in (IMPLEMENTED, OPEN):
            result.setdefault(what, {IMPLEMENTED: 0, OPEN: 0})[state] += n
    return result


async def summary(request: web.Request) -> web.Response:
    context = request.app[TAB_CONTEXT]
    viewer = await viewer_of(request, context)
    language = _language(request, context)
    filters = _filters(request)
    counts = await context.store.portfolio.counts(
        viewer, Filters(team=filters.team, year=filters.year), context.clock()
    )
    template = context.template
    horizons = _split(counts, HORIZON)
    quadrants = _split(counts, QUADRANT)
    ps = _split(counts, P)
    p_names = {p.id: p.name.get(language) for p in template.ps}
    met = counts.get((TARGETS, "met"), 0)
    return _json(
        {
            "trajectories": {
                status.value: counts.get((TRAJECTORIES, status.value), 0)
                for status in TrajectoryStatus
            },
            "step_times": _step_times(counts, template, language),
            "targets": {"met": met, "judged": met + counts.get((TARGETS, "missed"), 0)},
            "improvements": {
                "by_horizon": [
                    {
                        "id": h.value,
                        "label": text(f"horizon.{h.value}", language),
                        **horizons.get(h.value, {IMPLEMENTED: 0, OPEN: 0}),
                    }
                    for h in Horizon
                ],
                "by_quadrant": [
                    {
                        "id": q.value,
                        "label": text(f"pick.quadrant.{q.value}", language),
                        **quadrants.get(q.value, {IMPLEMENTED: 0, OPEN: 0}),
                    }
                    for q in Quadrant
                ],
                "by_p": [
                    {"id": p, "label": p_names.get(p, p), **figures}
                    for p, figures in sorted(
                        ps.items(), key=lambda item: p_names.get(item[0], item[0])
                    )
                ],
            },
        }
    )


async def _evaluated(request: web.Request, filters: Filters) -> web.Response:
    """A page of evaluated trajectories the viewer may see, each with ``more`` of it: its
    results per KPI, or its lessons learned."""
    context = request.app[TAB_CONTEXT]
    viewer = await viewer_of(request, context)
    language = _language(request, context)
    page = _page(request)
    found, more, _ = await context.store.portfolio.page(
        viewer,
        filters,
        context.clock(),
        offset=(page - 1) * RESULTS_PER_PAGE,
        limit=RESULTS_PER_PAGE,
        evaluated=True,
    )
    items = []
    for t in found:
        recorded = t.evaluation.recorded_at
        item: dict[str, Any] = {
            "id": t.id,
            "product": t.product,
            "team": _team(t),
            "evaluated_at": recorded.isoformat() if recorded else None,
        }
        if filters.with_lessons:
            item["went_well"] = t.evaluation.went_well
            item["could_be_better"] = t.evaluation.could_be_better
        else:
            item["kpis"] = [r.model_dump(mode="json") for r in kpi_results(t)]
            item["journey"] = _journey(t, context.template_of(t), language)
        items.append(item)
    return _json({"page": page, "has_more": more, "items": items})


def _journey(t: Trajectory, template: Template, language: Language) -> list[dict[str, Any]]:
    """The klantreis's hartslag, moment by moment: its phase, the channel's name, and how it
    feels now and should feel (``positive``, ``neutral``, ``negative``; null when not said)."""
    if t.klantreis is None or not template.contact_moments:
        return []
    return [
        {
            "phase": m.phase,
            "channel": channel_name(template, m.channel, language),
            "now": m.current.value,
            "desired": m.desired.value if m.desired else None,
        }
        for m in t.klantreis.contact_moments
    ]


async def results(request: web.Request) -> web.Response:
    filters = _filters(request)
    return await _evaluated(request, Filters(team=filters.team, year=filters.year))


async def lessons(request: web.Request) -> web.Response:
    filters = _filters(request, search=True)
    return await _evaluated(
        request,
        Filters(team=filters.team, year=filters.year, search=filters.search, with_lessons=True),
    )


def csv_row(item: dict[str, Any]) -> list[str]:
    waiting = "; ".join(
        f"{w['name']} ({w['what']}, {w['days']} d)" if w["days"] is not None else w["name"]
        for w in item["waiting_on"]
    )
    return [
        cell(value)
        for value in (
            item["product"],
            item["team"]["name"],
            item["year"],
            item["started_at"][:10],
            item["status"]["label"],
            ", ".join(f"{c['id']} {c['title']}" for c in item["current"]),
            waiting,
            ", ".join(item["project_leader"]),
            ", ".join(item["process_owner"]),
            item["thread_url"] or "",
        )
    ]


CSV_COLUMNS = (
    "product",
    "team",
    "year",
    "started",
    "status",
    "step",
    "waiting_on",
    "project_leader",
    "process_owner",
    "thread",
)


async def export_csv(request: web.Request) -> web.StreamResponse:
    context = request.app[TAB_CONTEXT]
    viewer = await viewer_of(request, context)
    language = _language(request, context)
    filters = _filters(request)
    now = context.clock()
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="wasstraat-portfolio.csv"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if language == "nl" else ",")
    buffer.write("\ufeff")  # a byte order mark, so that Excel reads UTF-8
    writer.writerow([text(f"portfolio.csv.{column}", language) for column in CSV_COLUMNS])
    offset = 0
    while True:
        found, more, threads = await context.store.portfolio.page(
            viewer, filters, now, offset=offset, limit=CSV_BATCH
        )
        for t in found:
            item = trajectory_item(t, context, viewer, threads.get(t.id), now, language)
            writer.writerow(csv_row(item))
        await response.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
        if not more:
            break
        offset += CSV_BATCH
    await response.write_eof()
    return response


def add_api_routes(app: web.Application) -> None:
    """The API's routes; the application sets ``TAB_CONTEXT`` when it starts."""
    app.router.add_get("/api/portfolio/trajectories", trajectories)
    app.router.add_get("/api/portfolio/summary", summary)
    app.router.add_get("/api/portfolio/results", results)
    app.router.add_get("/api/portfolio/lessons", lessons)
    app.router.add_get("/api/portfolio/export.csv", export_csv)
