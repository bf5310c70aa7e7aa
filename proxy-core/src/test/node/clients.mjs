// One entry per official client library: its name and its cells (case name -> async (model, provider) => void, which
// throws on any difference from what the scripted provider answers).
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { generateText, streamText, tool, stepCountIs, jsonSchema } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { ChatOpenAI } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import { SystemMessage, HumanMessage, AIMessage, ToolMessage } from '@langchain/core/messages';

const SYSTEM = 'be brief';
const RESULT = 'sunny 21C';
const SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const DESCRIPTION = 'Current weather in a city';

export function clients({ base, key, assert, expect }) {
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: base, apiKey: key, maxRetries: 0 });
  const genai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: base } });
  const aiOpenAi = createOpenAI({ baseURL: `${base}/v1`, apiKey: key });
  const aiAnthropic = createAnthropic({ baseURL: `${base}/v1`, apiKey: key });
  const aiGoogle = createGoogleGenerativeAI({ baseURL: `${base}/v1beta`, apiKey: key });

  const usage = (inTok, outTok, where) => {
    assert.equal(outTok, 7, `${where}: output tokens`);
    assert.ok(inTok > 0, `${where}: input tokens ${inTok}`);
  };

  // ---- openai: Chat Completions ----
  const chatMessages = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'user', content: 'ping' },
  ];
  const chatTools = [{ type: 'function', function: { name: 'get_weather', description: DESCRIPTION, parameters: SCHEMA } }];
  const openaiChat = {
    name: 'openai (node) chat.completions',
    cells: {
      'text': async (model) => {
        const r = await openai.chat.completions.create({ model, messages: chatMessages });
        assert.equal(r.choices[0].message.content, expect.text);
        assert.equal(r.choices[0].finish_reason, 'stop');
        assert.equal(r.usage.prompt_tokens, 11);
        assert.equal(r.usage.completion_tokens, 7);
      },
      'text stream': async (model) => {
        const s = await openai.chat.completions.create({ model, messages: chatMessages, stream: true,
          stream_options: { include_usage: true } });
        let text = '';
        let u;
        for await (const c of s) {
          text += c.choices[0]?.delta?.content ?? '';
          if (c.usage) u = c.usage;
        }
        assert.equal(text, expect.text);
        assert.ok(u, 'usage chunk');
        usage(u.prompt_tokens, u.completion_tokens, 'stream usage');
      },
      'tools': async (model) => toolLoopChat(model, false),
      'tools stream': async (model) => toolLoopChat(model, true),
    },
  };
  async function toolLoopChat(model, stream) {
    const messages = [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'weather in Paris?' }];
    const first = stream
      ? await openai.chat.completions.stream({ model, messages, tools: chatTools }).finalChatCompletion()
      : await openai.chat.completions.create({ model, messages, tools: chatTools });
    const msg = first.choices[0].message;
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.tool_calls.length, 1);
    assert.equal(msg.tool_calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(msg.tool_calls[0].function.arguments), { city: 'Paris' });
    messages.push({ role: 'assistant', content: msg.content ?? null, tool_calls: msg.tool_calls });
    messages.push({ role: 'tool', tool_call_id: msg.tool_calls[0].id, content: RESULT });
    const second = stream
      ? await openai.chat.completions.stream({ model, messages, tools: chatTools }).finalChatCompletion()
      : await openai.chat.completions.create({ model, messages, tools: chatTools });
    assert.equal(second.choices[0].message.content, expect.weather);
  }

  // ---- openai: Responses ----
  const respInput = [
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'user', content: 'ping' },
  ];
  const respTools = [{ type: 'function', name: 'get_weather', description: DESCRIPTION, parameters: SCHEMA,
    strict: false }];
  const openaiResponses = {
    name: 'openai (node) responses',
    cells: {
      'text': async (model) => {
        const r = await openai.responses.create({ model, instructions: SYSTEM, input: respInput, store: false });
        assert.equal(r.output_text, expect.text);
        assert.equal(r.status, 'completed');
        assert.equal(r.usage.input_tokens, 11);
        assert.equal(r.usage.output_tokens, 7);
      },
      'text stream': async (model) => {
        const r = await openai.responses.stream({ model, instructions: SYSTEM, input: respInput, store: false })
          .finalResponse();
        assert.equal(r.output_text, expect.text);
        usage(r.usage.input_tokens, r.usage.output_tokens, 'stream usage');
      },
      'tools': async (model) => toolLoopResponses(model, false),
      'tools stream': async (model) => toolLoopResponses(model, true),
    },
  };
  async function toolLoopResponses(model, stream) {
    const input = [{ role: 'user', content: 'weather in Paris?' }];
    const call = async () => stream
      ? openai.responses.stream({ model, instructions: SYSTEM, input, tools: respTools, store: false }).finalResponse()
      : openai.responses.create({ model, instructions: SYSTEM, input, tools: respTools, store: false });
    const first = await call();
    const fc = first.output.filter((i) => i.type === 'function_call');
    assert.equal(fc.length, 1, `function_call items in ${JSON.stringify(first.output)}`);
    assert.equal(fc[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(fc[0].arguments), { city: 'Paris' });
    input.push(...first.output);
    input.push({ type: 'function_call_output', call_id: fc[0].call_id, output: RESULT });
    const second = await call();
    assert.equal(second.output_text, expect.weather);
  }

  // ---- @anthropic-ai/sdk ----
  const anthMessages = [
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'user', content: 'ping' },
  ];
  const anthTools = [{ name: 'get_weather', description: DESCRIPTION, input_schema: SCHEMA }];
  const anthropicSdk = {
    name: '@anthropic-ai/sdk messages',
    cells: {
      'text': async (model) => {
        const m = await anthropic.messages.create({ model, max_tokens: 256, system: SYSTEM, messages: anthMessages });
        assert.equal(m.content[0].text, expect.text);
        assert.equal(m.stop_reason, 'end_turn');
        assert.equal(m.usage.input_tokens, 11);
        assert.equal(m.usage.output_tokens, 7);
      },
      'text stream': async (model) => {
        const s = anthropic.messages.stream({ model, max_tokens: 256, system: SYSTEM, messages: anthMessages });
        let startInput = -1;
        s.on('streamEvent', (e) => {
          if (e.type === 'message_start') startInput = e.message.usage.input_tokens;
        });
        const m = await s.finalMessage();
        assert.equal(m.content[0].text, expect.text);
        assert.ok(startInput > 0, `message_start input_tokens ${startInput}`);
        usage(m.usage.input_tokens, m.usage.output_tokens, 'final usage');
      },
      'tools': async (model) => toolLoopAnthropic(model, false),
      'tools stream': async (model) => toolLoopAnthropic(model, true),
    },
  };
  async function toolLoopAnthropic(model, stream) {
    const messages = [{ role: 'user', content: 'weather in Paris?' }];
    const call = async () => stream
      ? anthropic.messages.stream({ model, max_tokens: 256, system: SYSTEM, messages, tools: anthTools }).finalMessage()
      : anthropic.messages.create({ model, max_tokens: 256, system: SYSTEM, messages, tools: anthTools });
    const first = await call();
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.ok(use, `tool_use block in ${JSON.stringify(first.content)}`);
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, { city: 'Paris' });
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: RESULT }] });
    const second = await call();
    assert.equal(second.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), expect.weather);
  }

  // ---- @google/genai ----
  const genContents = [
    { role: 'user', parts: [{ text: 'hello' }] },
    { role: 'model', parts: [{ text: 'hi' }] },
    { role: 'user', parts: [{ text: 'ping' }] },
  ];
  const genTools = [{ functionDeclarations: [{ name: 'get_weather', description: DESCRIPTION,
    parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }];
  const googleGenai = {
    name: '@google/genai models',
    cells: {
      'text': async (model) => {
        const r = await genai.models.generateContent({ model, contents: genContents,
          config: { systemInstruction: SYSTEM } });
        assert.equal(r.text, expect.text);
        assert.equal(r.usageMetadata.promptTokenCount, 11);
        assert.equal(r.usageMetadata.candidatesTokenCount, 7);
      },
      'text stream': async (model) => {
        let text = '';
        let u;
        for await (const c of await genai.models.generateContentStream({ model, contents: genContents,
          config: { systemInstruction: SYSTEM } })) {
          text += c.text ?? '';
          if (c.usageMetadata) u = c.usageMetadata;
        }
        assert.equal(text, expect.text);
        usage(u.promptTokenCount, u.candidatesTokenCount, 'stream usage');
      },
      'tools': async (model) => toolLoopGenai(model, false),
      'tools stream': async (model) => toolLoopGenai(model, true),
    },
  };
  async function toolLoopGenai(model, stream) {
    const contents = [{ role: 'user', parts: [{ text: 'weather in Paris?' }] }];
    const config = { systemInstruction: SYSTEM, tools: genTools };
    const call = async () => {
      if (!stream) return genai.models.generateContent({ model, contents, config });
      const parts = [];
      let text = '';
      for await (const c of await genai.models.generateContentStream({ model, contents, config })) {
        parts.push(...(c.candidates?.[0]?.content?.parts ?? []));
        text += c.text ?? '';
      }
      return { parts, text, functionCalls: parts.filter((p) => p.functionCall).map((p) => p.functionCall) };
    };
    const first = await call();
    const calls = first.functionCalls ?? [];
    assert.equal(calls.length, 1, `function calls: ${JSON.stringify(calls)}`);
    assert.equal(calls[0].name, 'get_weather');
    assert.deepEqual(calls[0].args, { city: 'Paris' });
    contents.push({ role: 'model', parts: [{ functionCall: calls[0] }] });
    contents.push({ role: 'user', parts: [{ functionResponse: { id: calls[0].id, name: 'get_weather',
      response: { result: RESULT } } }] });
    const second = await call();
    assert.equal(second.text, expect.weather);
  }

  // ---- Vercel AI SDK ----
  const aiMessages = [
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'user', content: 'ping' },
  ];
  const aiTools = { get_weather: tool({ description: DESCRIPTION, inputSchema: jsonSchema(SCHEMA),
    execute: async ({ city }) => (city === 'Paris' ? RESULT : `unknown city ${city}`) }) };
  const vercel = (label, make) => ({
    name: `ai + ${label}`,
    cells: {
      'text': async (model) => {
        const r = await generateText({ model: make(model), system: SYSTEM, messages: aiMessages, maxRetries: 0 });
        assert.equal(r.text, expect.text);
        assert.equal(r.usage.inputTokens, 11);
        assert.equal(r.usage.outputTokens, 7);
      },
      'text stream': async (model) => {
        const s = streamText({ model: make(model), system: SYSTEM, messages: aiMessages, maxRetries: 0 });
        let text = '';
        for await (const p of s.fullStream) {
          if (p.type === 'error') throw p.error;
          if (p.type === 'text-delta') text += p.text;
        }
        assert.equal(text, expect.text);
        const u = await s.usage;
        usage(u.inputTokens, u.outputTokens, 'stream usage');
      },
      'tools (2-step loop)': async (model) => {
        const r = await generateText({ model: make(model), system: SYSTEM, prompt: 'weather in Paris?',
          tools: aiTools, stopWhen: stepCountIs(3), maxRetries: 0 });
        assert.equal(r.steps.length, 2);
        assert.equal(r.text, expect.weather);
      },
      'tools stream (2-step loop)': async (model) => {
        const s = streamText({ model: make(model), system: SYSTEM, prompt: 'weather in Paris?', tools: aiTools,
          stopWhen: stepCountIs(3), maxRetries: 0 });
        let text = '';
        for await (const p of s.fullStream) {
          if (p.type === 'error') throw p.error;
          if (p.type === 'text-delta') text += p.text;
        }
        // the stream carries both steps' text: what the model said before its tool call, then the answer
        assert.equal(text, expect.preamble + expect.weather);
        assert.equal((await s.steps).length, 2);
      },
    },
  });

  // ---- LangChain JS ----
  const lcMessages = () => [new SystemMessage(SYSTEM), new HumanMessage('hello'), new AIMessage('hi'),
    new HumanMessage('ping')];
  const lcTool = { type: 'function', function: { name: 'get_weather', description: DESCRIPTION, parameters: SCHEMA } };
  const langchain = (label, make) => ({
    name: `LangChain ${label}`,
    cells: {
      'text': async (model) => {
        const r = await make(model).invoke(lcMessages());
        assert.equal(r.content, expect.text);
        assert.equal(r.usage_metadata?.input_tokens, 11);
        assert.equal(r.usage_metadata?.output_tokens, 7);
      },
      'text stream': async (model) => {
        let text = '';
        let agg;
        for await (const c of await make(model).stream(lcMessages())) {
          text += typeof c.content === 'string' ? c.content : c.content.map((p) => p.text ?? '').join('');
          agg = agg ? agg.concat(c) : c;
        }
        assert.equal(text, expect.text);
        const u = agg.usage_metadata ?? {};
        assert.ok(u.input_tokens > 0, `stream usage_metadata input tokens ${u.input_tokens}`);
        // ChatAnthropic adds message_start's output_tokens (1) to message_delta's (7), as it does against Anthropic
        assert.ok(u.output_tokens >= 7, `stream usage_metadata output tokens ${u.output_tokens}`);
      },
      'tools': async (model) => {
        const m = make(model).bindTools([lcTool]);
        const msgs = [new SystemMessage(SYSTEM), new HumanMessage('weather in Paris?')];
        const first = await m.invoke(msgs);
        assert.equal(first.tool_calls?.length, 1, `tool_calls ${JSON.stringify(first.tool_calls)}`);
        assert.equal(first.tool_calls[0].name, 'get_weather');
        assert.deepEqual(first.tool_calls[0].args, { city: 'Paris' });
        msgs.push(first, new ToolMessage({ content: RESULT, tool_call_id: first.tool_calls[0].id,
          name: 'get_weather' }));
        const second = await m.invoke(msgs);
        const text = typeof second.content === 'string' ? second.content
          : second.content.filter((p) => p.type === 'text').map((p) => p.text).join('');
        assert.equal(text, expect.weather);
      },
    },
  });

  return [
    openaiChat,
    openaiResponses,
    anthropicSdk,
    googleGenai,
    vercel('@ai-sdk/openai (Responses)', (m) => aiOpenAi(m)),
    vercel('@ai-sdk/openai (chat)', (m) => aiOpenAi.chat(m)),
    vercel('@ai-sdk/anthropic', (m) => aiAnthropic(m)),
    vercel('@ai-sdk/google', (m) => aiGoogle(m)),
    langchain('ChatOpenAI', (model) => new ChatOpenAI({ model, apiKey: key, maxRetries: 0,
      configuration: { baseURL: `${base}/v1` }, streamUsage: true })),
    langchain('ChatAnthropic', (model) => new ChatAnthropic({ model, apiKey: key, maxRetries: 0,
      anthropicApiUrl: base })),
    langchain('ChatGoogleGenerativeAI', (model) => new ChatGoogleGenerativeAI({ model, apiKey: key,
      maxRetries: 0, baseUrl: base })),
  ];
}
