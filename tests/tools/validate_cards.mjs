// Validates Adaptive Card JSON files with the official renderer (npm "adaptivecards"), as Teams
// would parse them: card version 1.5 at most, the Microsoft Teams host config.
// Usage: node validate_cards.mjs FILE...   Prints one JSON line per file: {file, errors: [...]}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");
const hostConfig = require("adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json");

for (const file of process.argv.slice(2)) {
  const payload = JSON.parse(readFileSync(file, "utf8"));
  const errors = [];
  try {
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(hostConfig);
    card.maxVersion = AC.Versions.v1_5;
    card.parse(payload, context);
    for (let i = 0; i < context.eventCount; i++) {
      const event = context.getEventAt(i);
      errors.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
    }
    const results = card.validateProperties();
    for (const event of results.validationEvents) {
      errors.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
    }
  } catch (error) {
    errors.push(`exception: ${error.message}`);
  }
  console.log(JSON.stringify({ file, errors }));
}
