// Protocol cells beyond chat: model lists in each client's shape, stateful Responses, Claude Code's mid-conversation
// system turns, Gemini's countTokens and embeddings. Same contract as clients.mjs.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';

export function protocolClients({ base, key, assert, embedModels, listedIds }) {
  // a model is listed under its public id (ext-<provider>-<model> in the seeds' id form); <provider>/<model> routes too
  const listed = (model) => listedIds[model] ?? model;
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: base, apiKey: key, maxRetries: 0 });
  const genai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: base } });

  const notFound = async (promise, what) => {
    try {
      await promise;
    } catch (e) {
      assert.equal(e.status, 404, `${what}: ${e.message}`);
      return;
    }
    assert.fail(`${what}: expected 404`);
  };

  const openaiProtocol = {
    name: 'openai (node) models + stateful responses',
    cells: {
      'models.list + retrieve': async (model) => {
        const ids = [];
        for await (const m of openai.models.list()) ids.push(m.id);
        assert.ok(ids.includes(listed(model)), `${listed(model)} in ${ids.length} ids`);
        const one = await openai.models.retrieve(model);
        assert.equal(one.id, model);
        await notFound(openai.models.retrieve('no-such/model'), 'retrieve unknown');
      },
      'previous_response_id + retrieve + delete': async (model) => {
        const r1 = await openai.responses.create({ model, instructions: 'be brief', input: 'hello', store: true });
        assert.equal(r1.output_text, 'Echo: hello (turns=1, system=be brief)');
        const r2 = await openai.responses.create({ model, previous_response_id: r1.id, input: 'ping', store: true });
        // instructions are not carried over from the previous response (OpenAI's rule)
        assert.equal(r2.output_text, 'Echo: ping (turns=2, system=)');
        const got = await openai.responses.retrieve(r2.id);
        assert.equal(got.id, r2.id);
        assert.equal(got.output_text, r2.output_text);
        const del = await openai.responses.delete(r1.id);
        if (del && typeof del === 'object' && 'deleted' in del) assert.equal(del.deleted, true);
        await notFound(openai.responses.retrieve(r1.id), 'retrieve deleted');
      },
      'previous_response_id stream': async (model) => {
        const r1 = await openai.responses.stream({ model, input: 'hello', store: true }).finalResponse();
        const r2 = await openai.responses.stream({ model, previous_response_id: r1.id, input: 'ping', store: true })
          .finalResponse();
        assert.equal(r2.output_text, 'Echo: ping (turns=2, system=)');
      },
      'item_reference': async (model) => {
        const r1 = await openai.responses.create({ model, input: 'hello', store: true });
        const r2 = await openai.responses.create({ model, store: true, input: [
          { role: 'user', content: 'hello' },
          { type: 'item_reference', id: r1.output[0].id },
          { role: 'user', content: 'ping' },
        ] });
        assert.equal(r2.output_text, 'Echo: ping (turns=2, system=)');
        // an id Sluice does not hold: 404 from Sluice, or from a Responses provider it is passed on to (which may
        // hold it); this one stores nothing and answers as OpenAI does
        await notFound(openai.responses.create({ model, input: [{ type: 'item_reference', id: 'msg_unknown' },
          { role: 'user', content: 'ping' }] }), 'unknown item_reference');
      },
    },
  };

  const midSystem = [
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'system', content: 'NOTE-42 the user prefers French' },
    { role: 'user', content: 'ping' },
  ];
  const beta = { headers: { 'anthropic-beta': 'mid-conversation-system-2026-04-07' } };
  const anthropicProtocol = {
    name: '@anthropic-ai/sdk models + mid-conversation system',
    cells: {
      'mid-conversation system turn': async (model) => {
        const m = await anthropic.messages.create({ model, max_tokens: 256, system: 'be brief',
          messages: midSystem }, beta);
        // the turn reaches every provider: in place where the dialect has system turns, else marked in the user turn
        // next to it (Gemini), so the last user text may begin with it
        const text = m.content[0].text;
        assert.ok(/ping \(turns=2, system=be brief(\|NOTE-42 the user prefers French)?\) notes=NOTE-42$/.test(text), text);
      },
      'mid-conversation system turn stream': async (model) => {
        const m = await anthropic.messages.stream({ model, max_tokens: 256, system: 'be brief',
          messages: midSystem }, beta).finalMessage();
        const text = m.content[0].text;
        assert.ok(/ping \(turns=2, system=be brief(\|NOTE-42 the user prefers French)?\) notes=NOTE-42$/.test(text), text);
      },
      'models.list + retrieve': async (model) => {
        const all = [];
        for await (const m of anthropic.models.list()) all.push(m);
        const mine = all.find((m) => m.id === listed(model));
        assert.ok(mine, `${model} in ${all.length} models`);
        assert.equal(mine.type, 'model');
        assert.ok(mine.display_name, 'display_name');
        assert.ok(mine.created_at, 'created_at');
        const one = await anthropic.models.retrieve(model);
        assert.equal(one.id, model);
        await notFound(anthropic.models.retrieve('no-such/model'), 'retrieve unknown');
      },
    },
  };

  const genaiProtocol = {
    name: '@google/genai models.list/get, countTokens, embedContent',
    cells: {
      'models.list + get': async (model) => {
        const names = [];
        for await (const m of await genai.models.list({ config: { pageSize: 5 } })) names.push(m.name);
        assert.ok(names.includes(`models/${listed(model)}`), `models/${listed(model)} in ${names.length}: ${names}`);
        const one = await genai.models.get({ model });
        assert.equal(one.name, `models/${model}`);
        await notFound(genai.models.get({ model: 'no-such-model' }), 'get unknown');
      },
      'countTokens': async (model) => {
        const r = await genai.models.countTokens({ model, contents: 'how many tokens are in this sentence?' });
        assert.ok(r.totalTokens > 0, `totalTokens ${r.totalTokens}`);
      },
      'embedContent': async (model, provider) => {
        const em = embedModels[provider];
        if (!em) return; // this provider has no embeddings model configured
        const one = await genai.models.embedContent({ model: em, contents: 'hello' });
        assert.deepEqual(one.embeddings[0].values, [5, 0.5, -0.5]);
        const two = await genai.models.embedContent({ model: em, contents: ['hello', 'ping!'] });
        assert.deepEqual(two.embeddings.map((e) => e.values[0]), [5, 5]);
      },
    },
  };
  return [openaiProtocol, anthropicProtocol, genaiProtocol];
}
