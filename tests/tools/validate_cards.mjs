// Validates Adaptive Card JSON files with the official renderer (npm "adaptivecards"), as Teams
// would parse them: card version 1.5 at most, the Microsoft Teams host config.
// Usage: node validate_cards.mjs FILE...   Prints one JSON line per file: {file, errors: [...]}.
// Two things beyond 1.5 are known: Teams' grouped bar chart, which this renderer (like the
// Agents Playground and Outlook) replaces by its fallback, and which must carry a fallback
// element; and Teams' people picker, a choice set's "choices.data" (a Data.Query on Graph's
// users), which this renderer leaves out, showing the choice set's own choices: it must have
// some.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");
const hostConfig = require("adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json");
const TEAMS_CHART = "Chart.VerticalBar.Grouped";

// a chart without a fallback element shows nothing where charts are not drawn
function chartsWithoutFallback(value, found = []) {
  if (Array.isArray(value)) {
    value.forEach((item) => chartsWithoutFallback(item, found));
  } else if (value && typeof value === "object") {
    const fallback = value.fallback;
    if (value.type === TEAMS_CHART && !(fallback && typeof fallback === "object" && fallback.type)) {
      found.push(`ChartWithoutFallback: ${TEAMS_CHART} needs a fallback element`);
    }
    Object.values(value).forEach((item) => chartsWithoutFallback(item, found));
  }
  return found;
}

// a people picker without choices of its own offers nothing where it is not drawn
function pickersWithoutChoices(value, found = []) {
  if (Array.isArray(value)) {
    value.forEach((item) => pickersWithoutChoices(item, found));
  } else if (value && typeof value === "object") {
    const query = value["choices.data"];
    if (value.type === "Input.ChoiceSet" && query) {
      if (!(Array.isArray(value.choices) && value.choices.length)) {
        found.push(`PickerWithoutChoices: ${value.id} needs choices of its own`);
      }
      if (query.type !== "Data.Query" || !String(query.dataset).startsWith("graph.microsoft.com/users")) {
        found.push(`UnknownDataQuery: ${value.id} asks for ${JSON.stringify(query)}`);
      }
    }
    Object.values(value).forEach((item) => pickersWithoutChoices(item, found));
  }
  return found;
}

function known(event) {
  return (
    (event.event === AC.ValidationEvent.UnknownElementType &&
      event.message.includes(`"${TEAMS_CHART}"`)) ||
    (event.event === AC.ValidationEvent.UnsupportedProperty &&
      event.message.includes('"choices.data"'))
  );
}

for (const file of process.argv.slice(2)) {
  const payload = JSON.parse(readFileSync(file, "utf8"));
  const errors = [...chartsWithoutFallback(payload), ...pickersWithoutChoices(payload)];
  try {
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(hostConfig);
    card.maxVersion = AC.Versions.v1_5;
    card.parse(payload, context);
    for (let i = 0; i < context.eventCount; i++) {
      const event = context.getEventAt(i);
      if (known(event)) continue;
      errors.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
    }
    const results = card.validateProperties();
    for (const event of results.validationEvents) {
      if (known(event)) continue;
      errors.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
    }
  } catch (error) {
    errors.push(`exception: ${error.message}`);
  }
  console.log(JSON.stringify({ file, errors }));
}
