// The portfolio tab's page: fetches the portfolio API and shows the trajectories, where they
// stall and what they achieved, in Teams' theme and the page's language. Every word it shows
// comes from the texts the server embeds (#texts) or from the API; dates and numbers are
// written with Intl in the page's language. Inside Teams it signs every request with the Teams
// single sign-on token; in a plain browser it asks without one (the server's development
// identity on loopback).

const byId = (id) => document.getElementById(id);
const texts = JSON.parse(byId("texts").textContent);
const config = JSON.parse(byId("config").textContent);

const LOCALES = { nl: "nl-NL", en: "en-GB" };
// a symbol as well as a colour for every mark (as the cards' strip has them)
const SYMBOLS = { done: "✓", running: "▶", waiting: "○", overdue: "!", skipped: "–" };
const STATUS_COLORS = {
  running: "brand",
  overdue: "danger",
  paused: "warning",
  finished: "success",
  cancelled: "subtle",
};
const TEAMS_TIMEOUT_MS = 4000;
const SEARCH_DELAY_MS = 300;
const SECTIONS = ["trajectories", "summary", "results", "lessons"];

const state = {
  language: config.language,
  filters: { team: config.team || "", step: "", status: "", year: "" },
  pages: { trajectories: 1, results: 1, lessons: 1 },
  query: "",
  teams: null, // the Teams SDK, when the page runs inside Teams
  theme: "default",
  signedOut: false,
  data: {},
  tableShown: false,
};

// ---------------------------------------------------------------- texts, dates and numbers

function t(key, values = {}) {
  const template = texts[state.language]?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

function counted(key, count, values = {}) {
  const form = new Intl.PluralRules(locale()).select(count) === "one" ? "one" : "other";
  return t(`${key}.${form}`, { count: format.number(count), ...values });
}

const locale = () => LOCALES[state.language];

const format = {
  date: (iso) =>
    new Intl.DateTimeFormat(locale(), {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: config.timeZone,
    }).format(new Date(iso)),
  number: (value) =>
    new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value),
  days: (value) =>
    new Intl.NumberFormat(locale(), {
      style: "unit",
      unit: "day",
      unitDisplay: "long",
      maximumFractionDigits: 1,
    }).format(value),
  share: (value) =>
    new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(value),
  measure: (value, unit) => {
    if (value === null || value === undefined) return "—";
    return unit ? `${format.number(value)} ${unit}` : format.number(value);
  },
};

// An element with attributes and children (text is always set as text, never as HTML).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function applyTexts() {
  document.documentElement.lang = state.language;
  document.title = t("tab.title");
  for (const node of document.querySelectorAll("[data-text]")) {
    node.textContent = t(node.dataset.text);
  }
  for (const node of document.querySelectorAll("[data-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.ariaLabel));
  }
  for (const button of document.querySelectorAll("[data-language]")) {
    button.textContent = t(`tab.language.${button.dataset.language}`);
    button.setAttribute("aria-pressed", String(button.dataset.language === state.language));
  }
  byId("marks-key").replaceChildren(
    ...Object.keys(SYMBOLS).map((mark) =>
      el(
        "span",
        { class: `mark mark-${mark}` },
        el("span", { class: "symbol", "aria-hidden": "true" }, SYMBOLS[mark]),
        ` ${t(`strip.${mark}`)}`,
      ),
    ),
  );
}

function announce(message) {
  byId("status-text").textContent = message;
}

// ---------------------------------------------------------------- Teams and the API

function within(promise, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

// The Teams SDK once Teams answers, or null outside Teams (no host, or no answer in time).
async function joinTeams() {
  const sdk = globalThis.microsoftTeams;
  if (!sdk?.app) return null;
  try {
    await within(sdk.app.initialize(), TEAMS_TIMEOUT_MS);
    return sdk;
  } catch {
    return null;
  }
}

class SignInNeeded extends Error {}

let signOn = null; // { value, expires } of the last single sign-on token

function expiry(value) {
  try {
    const payload = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload)).exp * 1000;
  } catch {
    return null;
  }
}

async function headers(fresh = false) {
  const sent = { Accept: "application/json" };
  if (!state.teams) return sent;
  if (fresh || !signOn || signOn.expires - 60_000 < Date.now()) {
    let value;
    try {
      value = await state.teams.authentication.getAuthToken();
    } catch {
      throw new SignInNeeded();
    }
    signOn = { value, expires: expiry(value) ?? Date.now() + 5 * 60_000 };
  }
  sent.Authorization = `Bearer ${signOn.value}`;
  return sent;
}

// GET a portfolio resource as the signed-in person; a 401 means: sign in through Teams.
async function request(url, signal) {
  let response = await fetch(url, { headers: await headers(), signal });
  if (response.status === 401 && state.teams) {
    response = await fetch(url, { headers: await headers(true), signal });
  }
  if (response.status === 401) throw new SignInNeeded();
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response;
}

function apiUrl(resource, parameters) {
  const url = new URL(`${config.api}/${resource}`, location.origin);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== "" && value !== null && value !== undefined) {
      url.searchParams.set(name, String(value));
    }
  }
  url.searchParams.set("lang", state.language);
  return url;
}

const queries = {
  trajectories: () => apiUrl("trajectories", { ...state.filters, page: state.pages.trajectories }),
  summary: () => apiUrl("summary", { team: state.filters.team, year: state.filters.year }),
  results: () =>
    apiUrl("results", {
      team: state.filters.team,
      year: state.filters.year,
      page: state.pages.results,
    }),
  lessons: () =>
    apiUrl("lessons", {
      q: state.query,
      team: state.filters.team,
      year: state.filters.year,
      page: state.pages.lessons,
    }),
};

const loading = {}; // per section: the AbortController of the request under way

async function load(section) {
  loading[section]?.abort();
  const controller = new AbortController();
  loading[section] = controller;
  const response = await request(queries[section](), controller.signal);
  const data = await response.json();
  if (controller.signal.aborted || state.signedOut) return false;
  state.data[section] = data;
  renderers[section](data);
  return true;
}

// Fetch and show the given sections; say in the live region what came of it.
async function refresh(sections = SECTIONS, about = "trajectories") {
  if (state.signedOut) return;
  announce(t("tab.loading"));
  const outcomes = await Promise.allSettled(sections.map(load));
  const failures = outcomes
    .filter((outcome) => outcome.status === "rejected")
    .map((outcome) => outcome.reason)
    .filter((reason) => reason?.name !== "AbortError");
  if (failures.some((reason) => reason instanceof SignInNeeded)) {
    signOut();
    return;
  }
  if (failures.length) {
    console.error(...failures);
    showNotice("error", t("tab.failed"), true);
    announce(t("tab.failed"));
    return;
  }
  if (outcomes.some((outcome) => outcome.value === false)) return; // a newer request follows
  hideNotice();
  announce(about === "lessons" ? lessonsMessage() : trajectoriesMessage());
}

function trajectoriesMessage() {
  const items = state.data.trajectories?.items ?? [];
  if (!items.length) return t("tab.trajectories.none");
  return counted("tab.trajectories", items.length, { page: state.pages.trajectories });
}

function lessonsMessage() {
  const items = state.data.lessons?.items ?? [];
  return items.length ? counted("tab.lessons", items.length) : t("tab.lessons.none");
}

function signOut() {
  state.signedOut = true;
  for (const controller of Object.values(loading)) controller.abort();
  state.data = {};
  for (const section of document.querySelectorAll("[data-needs-data]")) section.hidden = true;
  for (const body of document.querySelectorAll("tbody")) body.replaceChildren();
  for (const list of ["results-list", "lessons-list"]) byId(list).replaceChildren();
  destroyCharts();
  byId("viewer").hidden = true;
  showNotice("warning", t("tab.sign_in"), false);
  announce(t("tab.sign_in"));
}

let notice = null; // { intent, key, retry } of the message shown

function showNotice(intent, message, retry) {
  const bar = byId("notice");
  bar.setAttribute("intent", intent);
  byId("notice-text").textContent = message;
  byId("retry").hidden = !retry;
  bar.hidden = false;
  notice = { intent, message, retry };
}

function hideNotice() {
  if (notice?.intent === "error") {
    byId("notice").hidden = true;
    notice = null;
    if (!state.teams) showOutsideTeams();
  }
}

function showOutsideTeams() {
  showNotice("info", t("tab.outside_teams"), false);
}

// ---------------------------------------------------------------- theme and charts

let themes = null; // the Fluent UI Teams themes, once loaded

// Teams' theme ("default", "dark" or "contrast") on the page and its charts; <html data-theme>
// says which one is applied.
async function applyTheme(name) {
  state.theme = name === "dark" || name === "contrast" ? name : "default";
  const loaded = await themes;
  const setTheme = globalThis.Fluent?.setTheme;
  if (loaded && setTheme) {
    setTheme(
      state.theme === "dark"
        ? loaded.teamsDarkTheme
        : state.theme === "contrast"
          ? loaded.teamsHighContrastTheme
          : loaded.teamsLightTheme,
    );
  }
  document.documentElement.dataset.theme = state.theme;
  drawCharts();
}

function systemTheme() {
  if (matchMedia("(forced-colors: active)").matches) return "contrast";
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "default";
}

function token(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
  return value || fallback;
}

// a system colour ("CanvasText", "Highlight"…) as the browser resolves it now
function systemColor(name) {
  const probe = el("span", { hidden: true });
  probe.style.color = name;
  document.body.append(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved;
}

// chart colours from the theme's tokens: readable in light, dark and high contrast alike; with
// forced colours (Windows' contrast themes) the system's own, which the canvas is not given
function palette() {
  if (matchMedia("(forced-colors: active)").matches) {
    const [text, canvas, mark, gray] = ["CanvasText", "Canvas", "Highlight", "GrayText"].map(
      systemColor,
    );
    return {
      text,
      subtle: gray,
      grid: gray,
      median: canvas,
      medianBorder: text,
      middle: mark,
      range: text,
      baseline: gray,
      target: mark,
      met: text,
      missed: text,
      font: token("fontFamilyBase", "Segoe UI, system-ui, sans-serif"),
    };
  }
  return {
    text: token("colorNeutralForeground1", "#242424"),
    subtle: token("colorNeutralForeground3", "#616161"),
    grid: token("colorNeutralStroke2", "#e0e0e0"),
    median: token("colorBrandBackground2", "#e8ebfa"),
    medianBorder: token("colorBrandStroke1", "#5b5fc7"),
    middle: token("colorBrandForegroundLink", "#4f52b2"),
    range: token("colorNeutralForeground1", "#242424"),
    baseline: token("colorNeutralForeground3", "#616161"),
    target: token("colorBrandForegroundLink", "#4f52b2"),
    met: token("colorStatusSuccessForeground1", "#0e700e"),
    missed: token("colorStatusDangerForeground1", "#b10e1c"),
    font: token("fontFamilyBase", "Segoe UI, system-ui, sans-serif"),
  };
}

const charts = new Set();

function destroyCharts() {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

function chart(canvas, configuration) {
  globalThis.Chart?.getChart(canvas)?.destroy();
  if (!globalThis.Chart) return null;
  const made = new globalThis.Chart(canvas, configuration);
  charts.add(made);
  return made;
}

function axis(colors, title) {
  return {
    beginAtZero: true,
    title: title ? { display: true, text: title, color: colors.text } : undefined,
    grid: { color: colors.grid },
    border: { color: colors.subtle },
    ticks: { color: colors.text },
  };
}

// both charts: bars across, drawn at once, the values along an axis titled with its unit
function horizontalBars(colors, title) {
  return {
    indexAxis: "y",
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale: locale(),
    scales: {
      x: axis(colors, title),
      y: { grid: { display: false }, ticks: { color: colors.text }, border: { display: false } },
    },
  };
}

function drawStalls(steps) {
  const canvas = byId("stalls-chart");
  if (!steps.length) {
    globalThis.Chart?.getChart(canvas)?.destroy();
    return;
  }
  const colors = palette();
  byId("stalls-box").style.height = `${Math.max(220, steps.length * 34 + 100)}px`;
  const days = (value) => format.days(value);
  chart(canvas, {
    type: "bar",
    data: {
      labels: steps.map(stepName),
      // drawn top-most first: the range as a thin line, the middle half as a bar over the median
      datasets: [
        {
          label: t("tab.stalls.range"),
          data: steps.map((step) => [step.min_days, step.max_days]),
          backgroundColor: colors.range,
          barThickness: 2,
          grouped: false,
        },
        {
          label: t("tab.stalls.middle"),
          data: steps.map((step) => [step.q1_days, step.q3_days]),
          backgroundColor: colors.middle,
          barThickness: 10,
          grouped: false,
        },
        {
          label: t("tab.stalls.median"),
          data: steps.map((step) => step.median_days),
          backgroundColor: colors.median,
          borderColor: colors.medianBorder,
          borderWidth: 1,
          barPercentage: 0.9,
          categoryPercentage: 0.9,
          grouped: false,
        },
      ],
    },
    options: {
      ...horizontalBars(colors, t("tab.stalls.axis")),
      font: { family: colors.font },
      plugins: {
        legend: {
          position: "bottom",
          reverse: true,
          labels: { color: colors.text, font: { family: colors.font } },
        },
        tooltip: {
          callbacks: {
            label: (item) => {
              const value = item.raw;
              return Array.isArray(value)
                ? `${item.dataset.label}: ${format.number(value[0])}–${days(value[1])}`
                : `${item.dataset.label}: ${days(value)}`;
            },
          },
        },
      },
    },
  });
}

function drawKpi(canvas, kpi) {
  const colors = palette();
  chart(canvas, {
    type: "bar",
    data: {
      labels: [t("tab.kpi.baseline"), t("tab.kpi.target"), t("tab.kpi.measured")],
      datasets: [
        {
          label: kpi.name,
          data: [kpi.baseline, kpi.target, kpi.measured ?? null],
          backgroundColor: [colors.baseline, colors.target, kpi.met ? colors.met : colors.missed],
          barPercentage: 0.8,
        },
      ],
    },
    options: {
      ...horizontalBars(colors, kpi.unit),
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: { label: (item) => format.measure(item.raw, kpi.unit) },
        },
      },
    },
  });
}

// the klantreis's hartslag: how each contact moment feels now (a solid line) and how it should
// feel (dashed), from negatief up to positief
const FEELING_LEVEL = { negative: -1, neutral: 0, positive: 1 };

function drawJourney(canvas, moments) {
  const colors = palette();
  const level = (feeling) => (feeling ? FEELING_LEVEL[feeling] : null);
  const feelingOf = (value) =>
    Object.keys(FEELING_LEVEL).find((feeling) => FEELING_LEVEL[feeling] === value);
  chart(canvas, {
    type: "line",
    data: {
      labels: moments.map((m) => m.channel),
      datasets: [
        {
          label: t("tab.journey.now"),
          data: moments.map((m) => level(m.now)),
          borderColor: colors.middle,
          backgroundColor: colors.middle,
          pointRadius: 5,
        },
        {
          label: t("tab.journey.desired"),
          data: moments.map((m) => level(m.desired)),
          borderColor: colors.met,
          backgroundColor: colors.met,
          borderDash: [6, 4],
          pointStyle: "rectRot",
          pointRadius: 5,
          spanGaps: true,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: locale(),
      scales: {
        x: { offset: true, grid: { display: false }, ticks: { color: colors.text } },
        y: {
          min: -1.2,
          max: 1.2,
          grid: { color: colors.grid },
          border: { color: colors.subtle },
          afterBuildTicks: (scale) => {
            scale.ticks = [-1, 0, 1].map((value) => ({ value }));
          },
          ticks: {
            color: colors.text,
            callback: (value) => t(`tab.journey.feeling.${feelingOf(value)}`),
          },
        },
      },
      plugins: {
        legend: { labels: { color: colors.text, usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.dataset.label}: ${t(`tab.journey.feeling.${feelingOf(item.raw)}`)}`,
          },
        },
      },
    },
  });
}

function drawCharts() {
  if (state.signedOut) return;
  destroyCharts();
  if (state.data.summary) drawStalls(state.data.summary.step_times ?? []);
  for (const figure of document.querySelectorAll("#results-list figure[data-kpi]")) {
    drawKpi(figure.querySelector("canvas"), JSON.parse(figure.dataset.kpi));
  }
  for (const figure of document.querySelectorAll("#results-list figure[data-journey]")) {
    drawJourney(figure.querySelector("canvas"), JSON.parse(figure.dataset.journey));
  }
}

// ---------------------------------------------------------------- the sections

// a link from the API when it is one (http or https), else null
function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value, location.origin);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function fillSelect(select, options, chosen) {
  const all = select.options[0];
  select.replaceChildren(
    all,
    ...options.map(({ value, label }) => el("option", { value, selected: value === chosen }, label)),
  );
  select.value = options.some((option) => option.value === chosen) ? chosen : "";
}

function renderFilters(filters) {
  const f = state.filters;
  fillSelect(
    byId("filter-team"),
    (filters.teams ?? []).map((item) => ({ value: item.id, label: item.name })),
    f.team,
  );
  fillSelect(
    byId("filter-step"),
    (filters.steps ?? []).map((item) => ({ value: item.id, label: stepName(item) })),
    f.step,
  );
  fillSelect(
    byId("filter-status"),
    (filters.statuses ?? []).map((item) => ({ value: item.id, label: item.label })),
    f.status,
  );
  fillSelect(
    byId("filter-year"),
    (filters.years ?? []).map((item) => ({ value: String(item), label: String(item) })),
    f.year,
  );
}

// "3a Huidig proces in kaart brengen"; a step without a number by its title alone
function stepName(step) {
  return /^\d/.test(step.id) ? `${step.id} ${step.title}` : step.title;
}

function shortLabel(step) {
  return /^\d/.test(step.id) ? step.id : (step.title || step.id).slice(0, 1).toUpperCase();
}

function strip(steps) {
  return el(
    "ol",
    { class: "strip" },
    ...steps.map((step) => {
      const values = { step: step.id, title: step.title, mark: step.label };
      // "Stap 3a Huidig proces in kaart brengen: klaar", "Evaluatie: wacht"
      const said = t(/^\d/.test(step.id) ? "tab.step.cell" : "tab.step.cell_unnumbered", values);
      return el(
        "li",
        { class: `mark-${step.mark}`, title: said },
        el("span", { "aria-hidden": "true" }, shortLabel(step)),
        el("span", { class: "symbol", "aria-hidden": "true" }, SYMBOLS[step.mark] ?? "?"),
        el("span", { class: "visually-hidden" }, said),
      );
    }),
  );
}

function waiting(list) {
  if (!list?.length) return el("span", { class: "subtle" }, t("tab.waiting.nobody"));
  return el(
    "ul",
    {},
    ...list.map((who) =>
      el(
        "li",
        {},
        el("span", { class: "waiting-name" }, who.name),
        el("br"),
        t("tab.waiting.detail", {
          what: who.what,
          step: who.step,
          since: format.date(who.since),
          days: format.days(who.days),
        }),
      ),
    ),
  );
}

// the trajectory's thread and dossier, under its name
function links(item) {
  const cell = el("span", { class: "links" });
  const thread = safeUrl(item.thread_url);
  const dossier = safeUrl(item.dossier_url);
  const link = (href, shown, said) =>
    el(
      "a",
      { href, target: "_blank", rel: "noopener noreferrer", "aria-label": said, "data-open": true },
      shown,
    );
  if (thread) {
    cell.append(
      link(thread, t("tab.link.thread"), t("tab.link.thread_of", { product: item.product })),
    );
  }
  if (dossier) {
    cell.append(
      link(dossier, t("tab.link.dossier"), t("tab.link.dossier_of", { product: item.product })),
    );
  }
  return cell;
}

function row(item) {
  return el(
    "tr",
    { "data-id": item.id },
    el("th", { scope: "row" }, el("span", { class: "product" }, item.product), links(item)),
    el("td", { class: "team-column" }, item.team?.name ?? ""),
    el("td", {}, strip(item.steps ?? [])),
    el(
      "td",
      {},
      el(
        "fluent-badge",
        { appearance: "tint", color: STATUS_COLORS[item.status?.id] ?? "informative" },
        item.status?.label ?? "",
      ),
    ),
    el("td", { class: "waiting" }, waiting(item.waiting_on)),
    el("td", {}, (item.project_leader ?? []).join(", ")),
    el("td", {}, (item.process_owner ?? []).join(", ")),
  );
}

function pager(id, page, hasMore) {
  const nav = byId(id);
  nav.querySelector(".page-number").textContent = t("tab.page.number", {
    page: format.number(page),
  });
  const [previous, next] = nav.querySelectorAll("button");
  previous.disabled = page <= 1;
  next.disabled = !hasMore;
  // a button that went disabled under the keyboard hands the focus to the other one
  for (const [button, other] of [
    [previous, next],
    [next, previous],
  ]) {
    if (button.disabled && button.dataset.focused === "true" && !other.disabled) other.focus();
    delete button.dataset.focused;
  }
}

function csvUrl() {
  const { team, step, status, year } = state.filters;
  return apiUrl("export.csv", { team, step, status, year });
}

function renderViewer(data) {
  const viewer = byId("viewer");
  if (data.viewer?.name) {
    const scope = data.viewer.scope === "all" ? "all" : "teams";
    viewer.textContent = t(`tab.viewer.${scope}`, { name: data.viewer.name });
    viewer.hidden = false;
  }
  if (config.context === "team" && state.filters.team) {
    const named = (data.filters?.teams ?? []).find((item) => item.id === state.filters.team);
    // a team's own tab: the team is the tab's, not a choice or a column
    byId("field-team").hidden = true;
    document.documentElement.dataset.oneTeam = "true";
    if (named) byId("intro").textContent = t("tab.team_intro", { team: named.name });
  }
}

function renderTrajectories(data) {
  renderViewer(data);
  renderFilters(data.filters ?? {});
  const items = data.items ?? [];
  document.querySelector("#trajectories-table tbody").replaceChildren(...items.map(row));
  byId("trajectories-none").hidden = items.length > 0;
  pager("trajectories-pages", data.page ?? state.pages.trajectories, Boolean(data.has_more));
  byId("csv").href = csvUrl().href;
  if (!state.tableShown) {
    state.tableShown = true;
    performance.mark("wasstraat:table");
  }
}

function countsRows(items) {
  if (!items.length) {
    return [el("tr", {}, el("td", { colspan: 3, class: "empty" }, t("tab.improvements.none")))];
  }
  return items.map(countsRow);
}

function countsRow(item) {
  return el(
    "tr",
    {},
    el("th", { scope: "row" }, item.label),
    el("td", { class: "number" }, format.number(item.implemented)),
    el("td", { class: "number" }, format.number(item.open)),
  );
}

function renderSummary(data) {
  const steps = data.step_times ?? [];
  byId("stalls-none").hidden = steps.length > 0;
  byId("stalls-box").hidden = steps.length === 0;
  byId("stalls-details").hidden = steps.length === 0;
  document.querySelector("#stalls-table tbody").replaceChildren(
    ...steps.map((step) =>
      el(
        "tr",
        {},
        el("th", { scope: "row" }, stepName(step)),
        ...[
          step.count,
          step.median_days,
          step.q1_days,
          step.q3_days,
          step.min_days,
          step.max_days,
        ].map((value) => el("td", { class: "number" }, format.number(value))),
      ),
    ),
  );
  drawStalls(steps);

  const { met = 0, judged = 0 } = data.targets ?? {};
  const meter = byId("targets-meter");
  byId("targets-text").textContent = judged
    ? t("tab.targets", {
        met: format.number(met),
        judged: format.number(judged),
        share: format.share(met / judged),
      })
    : t("tab.targets.none");
  meter.hidden = !judged;
  meter.value = judged ? met / judged : 0;

  const improvements = data.improvements ?? {};
  document
    .querySelector("#horizon-table tbody")
    .replaceChildren(...countsRows(improvements.by_horizon ?? []));
  document
    .querySelector("#quadrant-table tbody")
    .replaceChildren(...countsRows(improvements.by_quadrant ?? []));
  document
    .querySelector("#p-table tbody")
    .replaceChildren(...countsRows(improvements.by_p ?? []));
}

function kpiFigure(kpi) {
  const figure = el("figure", { class: "kpi", "data-kpi": JSON.stringify(kpi) });
  const measured = kpi.measured !== null && kpi.measured !== undefined;
  // met or not once measured (the API leaves it null before), and which way is better
  const verdict = [
    ...(measured && typeof kpi.met === "boolean"
      ? [t(kpi.met ? "tab.kpi.met" : "tab.kpi.not_met")]
      : []),
    t(kpi.lower_is_better ? "tab.kpi.lower_is_better" : "tab.kpi.higher_is_better"),
  ].join(", ");
  const numbers = {
    baseline: format.measure(kpi.baseline, kpi.unit),
    target: format.measure(kpi.target, kpi.unit),
    measured: format.measure(kpi.measured, kpi.unit),
  };
  figure.append(
    el(
      "div",
      { class: "chart-box" },
      el("canvas", { role: "img", "aria-label": t("tab.kpi.chart", { name: kpi.name }) }),
    ),
    el(
      "figcaption",
      {},
      el("strong", {}, kpi.name),
      " ",
      t(measured ? "tab.kpi.numbers" : "tab.kpi.numbers_open", numbers),
      " ",
      el("span", { class: "verdict" }, `${verdict.charAt(0).toUpperCase()}${verdict.slice(1)}.`),
    ),
  );
  return figure;
}

// the hartslag of an evaluated trajectory's klantreis: the chart, and each moment in words
function journeyFigure(moments) {
  const feeling = (value) => t(`tab.journey.feeling.${value}`);
  const said = (m) =>
    m.desired
      ? t("tab.journey.moment", {
          phase: m.phase || m.channel,
          channel: m.channel,
          now: feeling(m.now),
          desired: feeling(m.desired),
        })
      : t("tab.journey.moment_open", {
          phase: m.phase || m.channel,
          channel: m.channel,
          now: feeling(m.now),
        });
  return el(
    "figure",
    { class: "journey", "data-journey": JSON.stringify(moments) },
    el(
      "div",
      { class: "chart-box" },
      el("canvas", { role: "img", "aria-label": t("tab.journey.chart") }),
    ),
    el(
      "figcaption",
      {},
      el("strong", {}, t("tab.journey.title")),
      el("ol", {}, ...moments.map((m) => el("li", {}, said(m)))),
    ),
  );
}

function renderResults(data) {
  const items = data.items ?? [];
  for (const made of [...charts]) {
    if (made.canvas.closest("#results-list")) {
      made.destroy();
      charts.delete(made);
    }
  }
  byId("results-list").replaceChildren(
    ...items.map((item) => {
      const heading = `result-${item.id}`;
      return el(
        "article",
        { class: "result", "aria-labelledby": heading },
        el("h4", { id: heading }, `${item.product} · ${item.team?.name ?? ""}`),
        item.evaluated_at
          ? el(
              "p",
              { class: "subtle" },
              t("tab.results.evaluated", { date: format.date(item.evaluated_at) }),
            )
          : null,
        el("div", { class: "kpis" }, ...(item.kpis ?? []).map(kpiFigure)),
        item.journey?.length ? journeyFigure(item.journey) : null,
      );
    }),
  );
  for (const figure of document.querySelectorAll("#results-list figure[data-kpi]")) {
    drawKpi(figure.querySelector("canvas"), JSON.parse(figure.dataset.kpi));
  }
  for (const figure of document.querySelectorAll("#results-list figure[data-journey]")) {
    drawJourney(figure.querySelector("canvas"), JSON.parse(figure.dataset.journey));
  }
  byId("results-none").hidden = items.length > 0;
  pager("results-pages", data.page ?? state.pages.results, Boolean(data.has_more));
}

function renderLessons(data) {
  const items = data.items ?? [];
  byId("lessons-list").replaceChildren(
    ...items.map((item) => {
      const heading = `lesson-${item.id}`;
      const when = item.evaluated_at ? ` · ${format.date(item.evaluated_at)}` : "";
      return el(
        "article",
        { class: "lesson", "aria-labelledby": heading },
        el("h3", { id: heading }, `${item.product} · ${item.team?.name ?? ""}${when}`),
        el(
          "dl",
          {},
          el("dt", {}, t("tab.lessons.went_well")),
          el("dd", {}, item.went_well || "—"),
          el("dt", {}, t("tab.lessons.could_be_better")),
          el("dd", {}, item.could_be_better || "—"),
        ),
      );
    }),
  );
  byId("lessons-none").hidden = items.length > 0;
  byId("lessons-count").textContent = items.length ? counted("tab.lessons", items.length) : "";
  pager("lessons-pages", data.page ?? state.pages.lessons, Boolean(data.has_more));
}

const renderers = {
  trajectories: renderTrajectories,
  summary: renderSummary,
  results: renderResults,
  lessons: renderLessons,
};

// ---------------------------------------------------------------- what people do

function setLanguage(language) {
  state.language = language;
  const url = new URL(location.href);
  url.searchParams.set("lang", language);
  history.replaceState(null, "", url);
  applyTexts();
  if (notice) showNotice(notice.intent, t(noticeKey(notice.intent)), notice.retry);
  refresh();
}

function noticeKey(intent) {
  return { info: "tab.outside_teams", warning: "tab.sign_in", error: "tab.failed" }[intent];
}

function listen() {
  for (const button of document.querySelectorAll("[data-language]")) {
    button.addEventListener("click", () => {
      if (button.dataset.language !== state.language) setLanguage(button.dataset.language);
    });
  }

  const filters = byId("filters");
  filters.addEventListener("submit", (event) => event.preventDefault());
  filters.addEventListener("change", (event) => {
    const { name, value } = event.target;
    if (!(name in state.filters)) return;
    state.filters[name] = value;
    state.pages.trajectories = 1;
    // the step and the status narrow the table only; the team and the year everything
    if (name === "step" || name === "status") {
      refresh(["trajectories"]);
    } else {
      state.pages.results = 1;
      state.pages.lessons = 1;
      refresh();
    }
  });

  const pagers = {
    "trajectories-pages": "trajectories",
    "results-pages": "results",
    "lessons-pages": "lessons",
  };
  for (const [id, section] of Object.entries(pagers)) {
    byId(id).addEventListener("click", (event) => {
      const button = event.target.closest("button[data-step]");
      if (!button || button.disabled) return;
      button.dataset.focused = String(document.activeElement === button);
      state.pages[section] = Math.max(1, state.pages[section] + Number(button.dataset.step));
      refresh([section], section === "lessons" ? "lessons" : "trajectories");
    });
  }

  const search = byId("lessons-q");
  let typing = null;
  const searchNow = () => {
    clearTimeout(typing);
    const query = search.value.trim();
    if (query === state.query) return;
    state.query = query;
    state.pages.lessons = 1;
    refresh(["lessons"], "lessons");
  };
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(searchNow, SEARCH_DELAY_MS);
  });
  byId("lessons-search").addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });

  byId("retry").addEventListener("click", () => {
    byId("notice").hidden = true;
    notice = null;
    if (!state.teams) showOutsideTeams();
    refresh();
  });

  // inside Teams a link opens through Teams (a thread in Teams, a dossier in the browser)
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-open]");
    if (!link || !state.teams) return;
    event.preventDefault();
    state.teams.app.openLink(link.href).catch((error) => console.error(error));
  });

  // inside Teams the export needs the sign-on token: fetch it and hand the file over
  byId("csv").addEventListener("click", async (event) => {
    if (!state.teams) return;
    event.preventDefault();
    try {
      const response = await request(csvUrl());
      const file = URL.createObjectURL(await response.blob());
      const save = el("a", { href: file, download: "wasstraat-portfolio.csv", hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(file), 60_000);
    } catch (error) {
      if (error instanceof SignInNeeded) signOut();
      else showNotice("error", t("tab.failed"), false);
    }
  });
}

async function start() {
  themes = import(config.themes).catch((error) => {
    console.error(error);
    return null;
  });
  applyTexts();
  listen();
  state.teams = await joinTeams();
  let theme;
  if (state.teams) {
    const context = await state.teams.app.getContext();
    const teamsLocale = context.app?.locale ?? "";
    if (config.languageFrom === "default" && teamsLocale) {
      state.language = teamsLocale.toLowerCase().startsWith("en") ? "en" : "nl";
      applyTexts();
    }
    if (config.context === "team" && context.team?.internalId) {
      state.filters.team = context.team.internalId;
    }
    theme = context.app?.theme ?? "default";
    try {
      state.teams.app.registerOnThemeChangeHandler((name) => applyTheme(name));
    } catch (error) {
      console.error(error);
    }
  } else {
    showOutsideTeams();
    theme = systemTheme();
    for (const query of ["(prefers-color-scheme: dark)", "(forced-colors: active)"]) {
      matchMedia(query).addEventListener("change", () => applyTheme(systemTheme()));
    }
  }
  const themed = applyTheme(theme);
  await refresh();
  await themed;
  if (state.teams) state.teams.app.notifySuccess();
}

start();
