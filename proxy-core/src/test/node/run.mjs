// The official JS SDKs driven against Sluice, each against every provider dialect, streaming and not, multi-turn and
// with a tool loop. SdkConformanceTest starts Sluice in front of ScriptedLlm mocks (one per provider dialect) and runs
//   node run.mjs
// with SLUICE_URL (http://127.0.0.1:port), SLUICE_KEY and SLUICE_MODELS ({"openai":"<model id>",...}); optional
// ONLY (a substring of the cell name). Prints one JSON line per cell: {"cell","client","provider","ok","error"?,"ms"}.
// The mock answers "Echo: <last user text> (turns=<n>, system=<system texts>)" or, when the tool get_weather is
// declared and no tool result came yet, calls it with {"city":"Paris"}; after a result, "Weather: <result>".
import { strict as assert } from 'node:assert';
import { clients } from './clients.mjs';
import { protocolClients } from './protocol.mjs';

const BASE = process.env.SLUICE_URL;
const KEY = process.env.SLUICE_KEY || 'sk-conformance-client';
const MODELS = JSON.parse(process.env.SLUICE_MODELS || '{}');
const ONLY = process.env.ONLY || '';
const LISTED_IDS = JSON.parse(process.env.SLUICE_LISTED_IDS || '{}');
const EMBED_MODELS = JSON.parse(process.env.SLUICE_EMBED_MODELS || '{}');
const TIMEOUT_MS = Number(process.env.CELL_TIMEOUT_MS || 20000);

if (!BASE || Object.keys(MODELS).length === 0) {
  console.error('SLUICE_URL and SLUICE_MODELS are required');
  process.exit(2);
}

export const EXPECT = {
  text: 'Echo: ping (turns=2, system=be brief)',
  weather: 'Weather: sunny 21C',
  preamble: 'Checking the weather.', // said before the tool call
};

function withTimeout(promise, ms) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

function describe(e) {
  const parts = [e && e.message ? e.message : String(e)];
  if (e && e.status) parts.unshift(`status ${e.status}`);
  if (e && e.cause && e.cause.message) parts.push(`cause: ${e.cause.message}`);
  if (e && e.responseBody) parts.push(`body: ${String(e.responseBody).slice(0, 300)}`);
  return parts.join(' | ').slice(0, 800);
}

let failed = 0;
const context = { base: BASE, key: KEY, assert, expect: EXPECT, embedModels: EMBED_MODELS,
  listedIds: LISTED_IDS };
for (const client of [...clients(context), ...protocolClients(context)]) {
  for (const [provider, model] of Object.entries(MODELS)) {
    if (client.providers && !client.providers.includes(provider)) continue;
    for (const [name, run] of Object.entries(client.cells)) {
      const cell = `${client.name} > ${provider} > ${name}`;
      if (ONLY && !cell.includes(ONLY)) continue;
      const started = Date.now();
      const line = { cell, client: client.name, provider, case: name };
      try {
        await withTimeout(run(model, provider), TIMEOUT_MS);
        line.ok = true;
      } catch (e) {
        line.ok = false;
        line.error = describe(e);
        failed++;
      }
      line.ms = Date.now() - started;
      console.log(JSON.stringify(line));
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
