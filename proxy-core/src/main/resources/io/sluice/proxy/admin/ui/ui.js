// Sluice playground: plain DOM, no framework, no network but this origin's client API.
// The page is a client like any other: /v1/models and /v1/chat/completions, with the client key (when Sluice asks for
// one) kept in sessionStorage and sent as Authorization: Bearer. Text from the model or the server only ever goes into
// text nodes and attribute values: the markdown of an answer is built as DOM nodes, never parsed as HTML.
'use strict';

(function () {
  const KEY_STORE = 'sluice.ui.key'; // sessionStorage: this tab only
  const PREFS_STORE = 'sluice.ui.prefs'; // localStorage: model, system prompt, parameters; never the key
  const MAX_TTS_CHARS = 1200; // as the seed's web UI (public/remote-chat.js, MAX_TTS_CHARS)
  const RENDER_MS = 40; // an answer is re-rendered at most this often while it streams
  // Scan steps per render for emphasis and links (a fixed part plus some per character): unclosed '*' or '[' make
  // the scan quadratic, so past the budget the rest of the answer stays plain text.
  const INLINE_BUDGET = 100000;
  const INLINE_BUDGET_PER_CHAR = 20;
  const PARAMS = [['temperature', false], ['top_p', false], ['max_tokens', true]];

  const state = {
    models: [], // [{id, owner}] in the server's order
    history: [], // the conversation sent with each request: [{role, content}]; the system prompt is added per request
    turn: null, // the request in flight
    ttsOff: false, // /tts answered 404 or 503: no speak buttons from then on
    audio: null,
  };

  // ---- DOM helpers ----

  const $ = (id) => document.getElementById(id);

  /** An element with attributes (null/false skipped, true = empty) and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  const arr = (x) => (Array.isArray(x) ? x : []);
  const isNum = (n) => typeof n === 'number' && Number.isFinite(n);

  function secs(ms) {
    return isNum(ms) ? (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s' : '–';
  }

  function status(text, kind) {
    const s = $('status');
    s.textContent = text || '';
    s.dataset.kind = kind || '';
  }

  // ---- storage: either may be unavailable (privacy modes); the page still works, it just forgets ----

  function readKey() {
    try {
      return sessionStorage.getItem(KEY_STORE) || '';
    } catch (e) {
      return '';
    }
  }

  function writeKey(k) {
    try {
      if (k) sessionStorage.setItem(KEY_STORE, k);
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) {
      // not kept
    }
    $('key-open').dataset.set = k ? 'true' : 'false';
    $('key-open').textContent = k ? '🔑 Key ✓' : '🔑 Key';
  }

  function readPrefs() {
    try {
      const p = JSON.parse(localStorage.getItem(PREFS_STORE) || '{}');
      return p && typeof p === 'object' ? p : {};
    } catch (e) {
      return {};
    }
  }

  function savePrefs() {
    const p = {model: $('model').value || readPrefs().model || '', system: $('system').value};
    for (const [id] of PARAMS) p[id] = $(id).value;
    try {
      localStorage.setItem(PREFS_STORE, JSON.stringify(p));
    } catch (e) {
      // not kept
    }
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const k = readKey();
    if (k) h.Authorization = 'Bearer ' + k;
    return h;
  }

  /** The message of an error answer: OpenAI's {error: {message}}, a plain {error: "..."}, or the text itself. */
  function errorText(j) {
    const e = j && j.error !== undefined ? j.error : j;
    if (typeof e === 'string') return e;
    if (e && typeof e.message === 'string') return e.message;
    if (j && typeof j.message === 'string') return j.message;
    return '';
  }

  async function errorOf(res) {
    let text = '';
    try {
      text = await res.text();
    } catch (e) {
      // the body was cut: the status says enough
    }
    let message = '';
    let code = '';
    try {
      const j = JSON.parse(text);
      message = errorText(j);
      const e = j && j.error;
      if (e && typeof e === 'object') code = String(e.code || e.type || '');
    } catch (e) {
      message = text.trim().slice(0, 500);
    }
    return {status: res.status, code, message: message || res.statusText || 'HTTP ' + res.status};
  }

  // ---- the client key ----

  function askKey(message) {
    $('key-panel').hidden = false;
    $('key-open').setAttribute('aria-expanded', 'true');
    $('key-message').textContent = message || '';
    $('key-message').hidden = !message;
    $('key').focus();
  }

  function closeKey() {
    $('key-panel').hidden = true;
    $('key-open').setAttribute('aria-expanded', 'false');
    $('key-message').textContent = '';
  }

  // ---- the model picker: grouped by owner, filtered by what is typed ----

  async function loadModels() {
    $('model-count').textContent = 'loading…';
    $('model').dataset.loaded = 'false';
    let res;
    try {
      res = await fetch('/v1/models', {headers: headers(), cache: 'no-store'});
    } catch (e) {
      $('model-count').textContent = 'cannot reach Sluice';
      return;
    }
    if (!res.ok) {
      const err = await errorOf(res);
      $('model-count').textContent = 'models: ' + err.status;
      if (err.status === 401) askKey(err.message);
      else status(err.message, 'error');
      return;
    }
    let body;
    try {
      body = await res.json();
    } catch (e) {
      $('model-count').textContent = 'models: not JSON';
      return;
    }
    const seen = new Set();
    state.models = [];
    for (const m of arr(body && body.data)) {
      if (!m || typeof m.id !== 'string' || !m.id || seen.has(m.id)) continue;
      seen.add(m.id);
      state.models.push({id: m.id, owner: typeof m.owned_by === 'string' && m.owned_by ? m.owned_by : 'other'});
    }
    if (!$('key-panel').hidden && $('key-message').textContent) closeKey(); // the key that was asked for works
    fillModels();
    $('model').dataset.loaded = 'true';
  }

  function fillModels() {
    const select = $('model');
    const wanted = select.value || readPrefs().model || '';
    const typed = $('model-filter').value.trim();
    const terms = typed.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = state.models.filter((m) => {
      const hay = (m.id + ' ' + m.owner).toLowerCase();
      return terms.every((t) => hay.includes(t));
    });
    const groups = new Map();
    for (const m of shown) {
      if (!groups.has(m.owner)) groups.set(m.owner, []);
      groups.get(m.owner).push(m);
    }
    const nodes = [];
    const option = (id) => el('option', {value: id}, id);
    if (groups.size > 1) {
      for (const [owner, ms] of groups) nodes.push(el('optgroup', {label: owner}, ms.map((m) => option(m.id))));
    } else {
      for (const m of shown) nodes.push(option(m.id));
    }
    // A name the list does not have (a wildcard or template route) can still be typed and used.
    const exact = state.models.some((m) => m.id === typed);
    if (typed && !exact && !/\s/.test(typed)) {
      nodes.push(el('optgroup', {label: 'as typed'}, el('option', {value: typed, 'data-typed': true}, typed)));
    }
    select.replaceChildren(...nodes);
    const ids = shown.map((m) => m.id);
    select.value = ids.includes(wanted) ? wanted : ids.length ? ids[0] : typed && !exact ? typed : '';
    const total = state.models.length;
    $('model-count').textContent = terms.length ? shown.length + ' of ' + total
      : total + (total === 1 ? ' model' : ' models');
  }

  // ---- parameters ----

  /** The parameters that are set, as numbers; an entry the browser cannot read as a number is an error. */
  function params() {
    const out = {};
    for (const [id, integer] of PARAMS) {
      const input = $(id);
      if (input.validity && input.validity.badInput) throw new Error(id + ': not a number');
      const raw = input.value.trim();
      if (raw === '') continue;
      const n = Number(raw);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        throw new Error(id + ': ' + raw + ' (expected: ' + (integer ? 'a whole number' : 'a number') + ')');
      }
      out[id] = n;
    }
    return out;
  }

  // ---- the conversation ----

  function nearBottom() {
    const c = $('conversation');
    return c.scrollHeight - c.scrollTop - c.clientHeight < 60;
  }

  function toBottom() {
    const c = $('conversation');
    c.scrollTop = c.scrollHeight;
  }

  function addUser(text) {
    $('empty').hidden = true;
    const node = el('article', {class: 'msg user', 'data-role': 'user'},
      el('div', {class: 'who'}, 'You'), el('div', {class: 'body plain'}, text));
    $('conversation').append(node);
    toBottom();
    return node;
  }

  function addAssistant(model) {
    const body = el('div', {class: 'body md'});
    const reasoning = el('details', {class: 'reasoning', hidden: true},
      el('summary', null, 'reasoning'), el('div', {class: 'plain'}));
    const meta = el('div', {class: 'meta'}, el('span', {class: 'usage'}, 'waiting for the first token…'));
    const node = el('article', {class: 'msg assistant', 'data-role': 'assistant', 'data-state': 'waiting'},
      el('div', {class: 'who'}, model), reasoning, body, meta);
    $('conversation').append(node);
    toBottom();
    return {node, body, reasoning, meta};
  }

  function addError(err, after) {
    const title = err.status ? 'Error ' + err.status + (err.code ? ' · ' + err.code : '') : 'Error';
    const node = el('article', {class: 'msg error', 'data-role': 'error', 'data-status': err.status || ''},
      el('div', {class: 'who'}, title), el('div', {class: 'body plain'}, err.message));
    if (after && after.parentNode) after.after(node);
    else $('conversation').append(node);
    toBottom();
    return node;
  }

  function busy(on) {
    $('send').disabled = on;
    $('stop').disabled = !on;
    document.body.dataset.busy = on ? 'true' : 'false';
  }

  async function send() {
    if (state.turn) return;
    const text = $('prompt').value;
    if (!text.trim()) return;
    const model = $('model').value;
    if (!model) {
      status('pick a model first', 'error');
      return;
    }
    let extra;
    try {
      extra = params();
    } catch (e) {
      status(e.message, 'error');
      return;
    }
    status('');
    $('prompt').value = '';
    const user = {role: 'user', content: text};
    const messages = [];
    const system = $('system').value;
    if (system.trim()) messages.push({role: 'system', content: system});
    messages.push(...state.history, user);
    const body = Object.assign({model, messages, stream: true, stream_options: {include_usage: true}}, extra);

    const turn = {
      controller: new AbortController(),
      user,
      userNode: addUser(text),
      answer: addAssistant(model),
      text: '',
      reasoning: '',
      started: performance.now(),
      first: null,
      ended: null,
      usage: null,
      finish: null,
      error: null,
      stopped: false,
      done: false,
      timer: null,
    };
    state.turn = turn;
    busy(true);
    try {
      const res = await fetch('/v1/chat/completions', {
        method: 'POST',
        headers: headers({'Content-Type': 'application/json'}),
        body: JSON.stringify(body),
        signal: turn.controller.signal,
        cache: 'no-store',
      });
      if (!res.ok) {
        turn.error = await errorOf(res);
        if (turn.error.status === 401) askKey(turn.error.message);
      } else if ((res.headers.get('content-type') || '').includes('text/event-stream') && res.body) {
        await readStream(res.body, turn);
      } else {
        whole(turn, await res.json()); // a provider that answered without streaming
      }
    } catch (e) {
      if (!turn.stopped) turn.error = {status: 0, code: '', message: 'connection lost: ' + (e && e.message)};
    } finally {
      finish(turn);
    }
  }

  function stop() {
    const turn = state.turn;
    if (!turn) return;
    turn.stopped = true;
    turn.controller.abort();
  }

  /** Reads the SSE body as it arrives: each chunk is decoded, split into events, and applied at once. */
  async function readStream(stream, turn) {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    const events = sseParser((data) => onData(turn, data));
    try {
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        events.push(decoder.decode(value, {stream: true}));
        if (turn.done) break;
      }
      events.push(decoder.decode());
      events.end();
    } finally {
      if (turn.done) reader.cancel().catch(() => {});
    }
  }

  /**
   * An incremental text/event-stream parser (WHATWG HTML, server-sent events): lines end in CR, LF or CRLF (a CR at
   * the end of a read may be half of a CRLF); "data:" lines are joined by LF; a blank line dispatches; comments (":",
   * the keep-alive pings) and other fields are skipped.
   */
  function sseParser(onEvent) {
    let buf = '';
    let data = null;
    function line(l) {
      if (l === '') {
        if (data !== null) onEvent(data);
        data = null;
        return;
      }
      if (l.charCodeAt(0) === 58) return; // ':'
      const c = l.indexOf(':');
      const field = c < 0 ? l : l.slice(0, c);
      let value = c < 0 ? '' : l.slice(c + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data = data === null ? value : data + '\n' + value;
    }
    return {
      push(text) {
        buf += text;
        let start = 0;
        for (let i = 0; i < buf.length; i++) {
          const ch = buf.charCodeAt(i);
          if (ch !== 10 && ch !== 13) continue;
          if (ch === 13 && i + 1 === buf.length) break; // wait: the LF of a CRLF may come next
          line(buf.slice(start, i));
          if (ch === 13 && buf.charCodeAt(i + 1) === 10) i++;
          start = i + 1;
        }
        buf = buf.slice(start);
      },
      end() {
        if (buf) line(buf.replace(/\r$/, ''));
        buf = '';
        line('');
      },
    };
  }

  /** One chat.completion.chunk (or [DONE], or an error event) applied to the turn. */
  function onData(turn, data) {
    if (turn.done) return;
    if (data === '[DONE]') {
      turn.done = true;
      return;
    }
    let j;
    try {
      j = JSON.parse(data);
    } catch (e) {
      return; // not JSON: nothing a chat chunk would say
    }
    if (!j || typeof j !== 'object') return;
    if (j.error) {
      turn.error = {status: 0, code: typeof j.error === 'object' ? String(j.error.code || j.error.type || '') : '',
        message: errorText(j) || 'the stream ended with an error'};
      return;
    }
    if (j.usage && typeof j.usage === 'object') turn.usage = j.usage;
    for (const c of arr(j.choices)) {
      if (!c || (c.index !== undefined && c.index !== 0)) continue;
      const d = c.delta || {};
      if (typeof d.content === 'string') turn.text += d.content;
      if (typeof d.refusal === 'string') turn.text += d.refusal;
      const r = typeof d.reasoning_content === 'string' ? d.reasoning_content
        : typeof d.reasoning === 'string' ? d.reasoning : '';
      turn.reasoning += r;
      if (c.finish_reason) turn.finish = c.finish_reason;
    }
    if (turn.first === null && (turn.text || turn.reasoning)) turn.first = performance.now();
    if (!turn.timer) turn.timer = setTimeout(() => render(turn), RENDER_MS);
  }

  /** A whole chat.completion (the provider ignored stream: true). */
  function whole(turn, j) {
    if (j && j.error) {
      turn.error = {status: 0, code: '', message: errorText(j)};
      return;
    }
    const c = arr(j && j.choices)[0] || {};
    const m = c.message || {};
    turn.text = typeof m.content === 'string' ? m.content : '';
    turn.reasoning = typeof m.reasoning_content === 'string' ? m.reasoning_content : '';
    turn.finish = c.finish_reason || null;
    turn.usage = j && j.usage && typeof j.usage === 'object' ? j.usage : null;
    turn.first = performance.now();
  }

  function render(turn) {
    clearTimeout(turn.timer);
    turn.timer = null;
    const follow = nearBottom();
    const a = turn.answer;
    a.body.replaceChildren(markdown(turn.text));
    a.node.dataset.chars = String(turn.text.length);
    if (turn.text && a.node.dataset.state === 'waiting') a.node.dataset.state = 'streaming';
    if (turn.reasoning) {
      a.reasoning.hidden = false;
      a.reasoning.lastChild.textContent = turn.reasoning;
    }
    if (follow) toBottom();
  }

  function finish(turn) {
    turn.ended = performance.now();
    clearTimeout(turn.timer);
    if (state.turn === turn) {
      state.turn = null;
      busy(false);
    }
    if (turn.cleared) return; // the conversation it belonged to is gone
    render(turn);
    const a = turn.answer;
    const answered = turn.text.length > 0;
    a.node.dataset.state = turn.error ? 'error' : turn.stopped ? 'stopped' : 'done';
    if (answered) {
      state.history.push(turn.user, {role: 'assistant', content: turn.text});
    } else {
      // A turn without an answer is not part of the conversation: its text goes back into the box.
      turn.userNode.classList.add('failed');
      if (!$('prompt').value) $('prompt').value = turn.user.content;
      if (!turn.error) a.body.replaceChildren(el('p', {class: 'muted'}, 'stopped before the first token'));
    }
    if (!answered && turn.error) a.node.remove();
    a.meta.replaceChildren(...usageLine(turn));
    if (answered) a.meta.append(...answerButtons(turn));
    if (turn.error) addError(turn.error, answered ? a.node : turn.userNode);
    $('prompt').focus();
  }

  /** Tokens from the usage chunk, time to first token and in all, and how the answer ended. */
  function usageLine(turn) {
    const u = turn.usage;
    const span = el('span', {class: 'usage'});
    const parts = [];
    if (u) {
      const n = (v) => (isNum(v) ? v : null);
      const p = n(u.prompt_tokens);
      const c = n(u.completion_tokens);
      const t = n(u.total_tokens) !== null ? u.total_tokens : p !== null && c !== null ? p + c : null;
      span.dataset.promptTokens = String(p);
      span.dataset.completionTokens = String(c);
      span.dataset.totalTokens = String(t);
      parts.push('prompt ' + (p === null ? '–' : p) + ' · completion ' + (c === null ? '–' : c)
        + ' · total ' + (t === null ? '–' : t) + ' tokens');
      const cached = u.prompt_tokens_details && u.prompt_tokens_details.cached_tokens;
      if (isNum(cached) && cached > 0) parts.push(cached + ' cached');
      const thought = u.completion_tokens_details && u.completion_tokens_details.reasoning_tokens;
      if (isNum(thought) && thought > 0) parts.push(thought + ' reasoning');
    } else if (!turn.error) {
      parts.push(turn.stopped ? 'no usage (stopped)' : 'no usage reported');
    }
    const ttft = turn.first === null ? null : turn.first - turn.started;
    const total = turn.ended - turn.started;
    span.dataset.ttftMs = ttft === null ? '' : String(Math.round(ttft));
    span.dataset.totalMs = String(Math.round(total));
    parts.push('first token ' + secs(ttft), 'total ' + secs(total));
    if (turn.stopped) parts.push('stopped');
    else if (turn.finish === 'length') parts.push('cut at max_tokens');
    else if (turn.finish && turn.finish !== 'stop') parts.push('finish: ' + turn.finish);
    span.textContent = parts.join(' · ');
    return [span];
  }

  function answerButtons(turn) {
    const out = [copyButton(() => turn.text, 'Copy')];
    if (!state.ttsOff) {
      const b = el('button', {type: 'button', class: 'speak', title: 'read aloud (GET /tts)'}, 'Speak');
      b.addEventListener('click', () => speak(turn, b));
      out.push(b);
    }
    return out;
  }

  function copyButton(text, label) {
    const b = el('button', {type: 'button', class: 'copy'}, label);
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(text());
        b.textContent = 'Copied';
      } catch (e) {
        b.textContent = 'Copy failed';
      }
      setTimeout(() => { b.textContent = label; }, 1500);
    });
    return b;
  }

  function clear() {
    if (state.turn) {
      state.turn.cleared = true;
      stop();
    }
    state.history = [];
    $('conversation').replaceChildren($('empty'));
    $('empty').hidden = false;
    status('');
    $('prompt').focus();
  }

  // ---- speech: GET /tts with the answer's text, capped like the seed's web UI ----

  /** The words of a rendered answer, code blocks left out. */
  function spokenText(body) {
    const parts = [];
    for (const n of body.childNodes) {
      if (n.classList && n.classList.contains('code')) continue;
      parts.push(n.textContent);
    }
    return parts.join('\n').replace(/\s+/g, ' ').trim();
  }

  async function speak(turn, button) {
    if (state.audio) {
      state.audio.pause();
      URL.revokeObjectURL(state.audio.src);
      state.audio = null;
    }
    const text = Array.from(spokenText(turn.answer.body)).slice(0, MAX_TTS_CHARS).join('');
    if (!text) return;
    button.disabled = true;
    try {
      const res = await fetch('/tts?text=' + encodeURIComponent(text), {headers: headers()});
      if (!res.ok) {
        const err = await errorOf(res);
        if (err.status === 404 || err.status === 503) {
          state.ttsOff = true;
          for (const b of document.querySelectorAll('button.speak')) b.remove();
          status('speech is not available on this Sluice (' + err.status + '): ' + err.message, 'error');
        } else {
          if (err.status === 401) askKey(err.message);
          status('speech failed (' + err.status + '): ' + err.message, 'error');
        }
        return;
      }
      const audio = new Audio(URL.createObjectURL(await res.blob()));
      audio.addEventListener('ended', () => {
        URL.revokeObjectURL(audio.src);
        if (state.audio === audio) state.audio = null;
      });
      state.audio = audio;
      await audio.play();
    } catch (e) {
      status('speech failed: ' + (e && e.message), 'error');
    } finally {
      button.disabled = false;
    }
  }

  // ---- markdown: a safe subset, built as DOM nodes (never parsed as HTML) ----
  // Blocks: paragraphs (a newline is a line break), ATX headings, fenced code (an unclosed fence runs to the end, as
  // while streaming), bullet and ordered lists (nested by indentation), block quotes, rules, GFM tables. Inline: code
  // spans, **strong**, *em*, ~~del~~, [links](http...) and bare http(s) URLs; a link or image to anything but http or
  // https stays as its source text. HTML in the text is text.

  const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
  const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
  const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  const QUOTE = /^ {0,3}> ?(.*)$/;
  const BULLET = /^( *)([-*+])(?:[ \t]+(.*))?$/;
  const ORDERED = /^( *)(\d{1,9})([.)])(?:[ \t]+(.*))?$/;
  const TABLE_SEP = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
  const PUNCT = /[!-/:-@[-`{-~]/;
  const LANG = /^[\w+#.-]{1,32}$/;

  function markdown(src) {
    const frag = document.createDocumentFragment();
    const budget = {steps: INLINE_BUDGET + INLINE_BUDGET_PER_CHAR * src.length};
    blocks(src.replace(/\r\n?/g, '\n').split('\n'), frag, budget);
    return frag;
  }

  function indentOf(line) {
    let n = 0;
    for (const ch of line) {
      if (ch === ' ') n++;
      else if (ch === '\t') n += 4 - (n % 4);
      else break;
    }
    return n;
  }

  /** Removes up to {@code n} columns of leading indentation. */
  function dedent(line, n) {
    let i = 0;
    let col = 0;
    while (i < line.length && col < n && (line[i] === ' ' || line[i] === '\t')) {
      col += line[i] === '\t' ? 4 - (col % 4) : 1;
      i++;
    }
    return line.slice(i);
  }

  function listItem(line) {
    let m = BULLET.exec(line);
    if (m && !RULE.test(line)) {
      const text = m[3] || '';
      return {ordered: false, marker: m[2], indent: indentOf(m[1]), content: indentOf(m[1]) + 2, text};
    }
    m = ORDERED.exec(line);
    if (m) {
      return {ordered: true, marker: m[3], indent: indentOf(m[1]), content: indentOf(m[1]) + m[2].length + 2,
        text: m[4] || '', start: Number(m[2])};
    }
    return null;
  }

  function tableAt(lines, i) {
    if (i + 1 >= lines.length || !lines[i].includes('|') || !TABLE_SEP.test(lines[i + 1])) return false;
    return cells(lines[i]).length === cells(lines[i + 1]).length;
  }

  function startsBlock(lines, i) {
    const l = lines[i];
    return FENCE.test(l) || HEADING.test(l) || RULE.test(l) || QUOTE.test(l) || tableAt(lines, i)
      || (indentOf(l) < 4 && listItem(l) !== null && (listItem(l).text.trim() !== ''));
  }

  function blocks(lines, parent, budget) {
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (!line.trim()) {
        i++;
        continue;
      }
      let m;
      if ((m = FENCE.exec(line))) {
        const fence = m[2];
        const indent = m[1].length;
        const body = [];
        let closed = false;
        for (i++; i < lines.length; i++) {
          const t = lines[i].trim();
          if (t.length >= fence.length && t[0] === fence[0] && /^(`+|~+)$/.test(t) && indentOf(lines[i]) < 4) {
            closed = true;
            i++;
            break;
          }
          body.push(dedent(lines[i], indent));
        }
        parent.append(codeBlock(body.join('\n'), m[3], closed));
        continue;
      }
      if ((m = HEADING.exec(line))) {
        const h = el('h' + m[1].length);
        inline(m[2] || '', h, budget);
        parent.append(h);
        i++;
        continue;
      }
      if (RULE.test(line)) {
        parent.append(el('hr'));
        i++;
        continue;
      }
      if (QUOTE.test(line)) {
        const inner = [];
        while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
          inner.push(m[1]);
          i++;
        }
        const q = el('blockquote');
        blocks(inner, q, budget);
        parent.append(q);
        continue;
      }
      if (indentOf(line) < 4 && listItem(line)) {
        i = list(lines, i, parent, budget);
        continue;
      }
      if (tableAt(lines, i)) {
        i = table(lines, i, parent, budget);
        continue;
      }
      const para = [line.trim()];
      for (i++; i < lines.length && lines[i].trim() && !startsBlock(lines, i); i++) para.push(lines[i].trim());
      const p = el('p');
      inline(para.join('\n'), p, budget);
      parent.append(p);
    }
  }

  function list(lines, i, parent, budget) {
    const first = listItem(lines[i]);
    const listEl = el(first.ordered ? 'ol' : 'ul');
    if (first.ordered && first.start !== 1) listEl.setAttribute('start', String(first.start));
    const items = [];
    let loose = false;
    while (i < lines.length) {
      const it = listItem(lines[i]);
      if (!it || it.ordered !== first.ordered || it.marker !== first.marker || it.indent >= first.content) break;
      const body = [it.text];
      let blank = false;
      for (i++; i < lines.length; i++) {
        const l = lines[i];
        if (!l.trim()) {
          blank = true;
          body.push('');
          continue;
        }
        const ind = indentOf(l);
        if (ind > it.indent) { // deeper than the marker: this item's (a nested list, a second paragraph)
          body.push(dedent(l, Math.min(ind, it.content)));
          continue;
        }
        if (!blank && !listItem(l) && !startsBlock(lines, i)) { // a lazy continuation of the item's paragraph
          body.push(l.trim());
          continue;
        }
        break;
      }
      while (body.length > 1 && !body[body.length - 1].trim()) body.pop();
      if (body.some((l) => !l.trim())) loose = true;
      const next = i < lines.length ? listItem(lines[i]) : null;
      if (blank && next && next.ordered === first.ordered && next.marker === first.marker) loose = true;
      items.push(body);
    }
    for (const body of items) {
      const li = el('li');
      blocks(body, li, budget);
      if (!loose) {
        for (const p of Array.from(li.children)) if (p.tagName === 'P') p.replaceWith(...p.childNodes);
      }
      listEl.append(li);
    }
    parent.append(listEl);
    return i;
  }

  /** The cells of a table row: split on unescaped '|', outer pipes optional. */
  function cells(line) {
    let s = line.trim();
    if (s.startsWith('|')) s = s.slice(1);
    if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
    const out = [];
    let cur = '';
    for (let k = 0; k < s.length; k++) {
      if (s[k] === '\\' && s[k + 1] === '|') {
        cur += '|';
        k++;
      } else if (s[k] === '|') {
        out.push(cur.trim());
        cur = '';
      } else {
        cur += s[k];
      }
    }
    out.push(cur.trim());
    return out;
  }

  function table(lines, i, parent, budget) {
    const head = cells(lines[i]);
    const align = cells(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center'
      : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
    const cell = (tag, text, k) => {
      const c = el(tag, {class: align[k] ? 'align-' + align[k] : null});
      inline(text || '', c, budget);
      return c;
    };
    const thead = el('thead', null, el('tr', null, head.map((t, k) => cell('th', t, k))));
    const tbody = el('tbody');
    for (i += 2; i < lines.length && lines[i].trim() && lines[i].includes('|'); i++) {
      const row = cells(lines[i]);
      tbody.append(el('tr', null, head.map((_, k) => cell('td', row[k], k))));
    }
    parent.append(el('div', {class: 'table-wrap'}, el('table', null, thead, tbody)));
    return i;
  }

  function codeBlock(text, lang, closed) {
    const code = el('code', {class: lang && LANG.test(lang) ? 'language-' + lang : null}, text);
    return el('div', {class: 'code', 'data-closed': closed ? 'true' : 'false'},
      el('div', {class: 'code-bar'}, el('span', {class: 'lang'}, lang && LANG.test(lang) ? lang : 'code'),
        copyButton(() => text, 'Copy')),
      el('pre', null, code));
  }

  /** The URL when it is absolute http or https, else null. */
  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function anchor(href, children) {
    return el('a', {href, rel: 'noopener noreferrer nofollow', target: '_blank'}, children);
  }

  /** [text](url "title") at src[i] === '[': {text, url, end}, or null. */
  function linkAt(src, i, budget) {
    let depth = 0;
    let j = i;
    for (; j < src.length; j++) {
      if (--budget.steps < 0) return null;
      const ch = src[j];
      if (ch === '\\') j++;
      else if (ch === '[') depth++;
      else if (ch === ']' && --depth === 0) break;
    }
    if (j >= src.length || src[j + 1] !== '(') return null;
    let k = j + 2;
    let paren = 0;
    for (; k < src.length; k++) {
      if (--budget.steps < 0) return null;
      const ch = src[k];
      if (ch === '\\') k++;
      else if (ch === '(') paren++;
      else if (ch === ')' && paren-- === 0) break;
      else if (ch === '\n') return null;
    }
    if (k >= src.length) return null;
    let target = src.slice(j + 2, k).trim();
    const m = /^(<[^>]*>|\S+)/.exec(target);
    target = m ? m[1].replace(/^<(.*)>$/, '$1') : '';
    return {text: src.slice(i + 1, j), url: target, end: k + 1};
  }

  /** The end of the code span opened by the backtick run at i, or -1. */
  function codeSpanEnd(src, i, n) {
    let j = i + n;
    while ((j = src.indexOf('`', j)) >= 0) {
      let r = 0;
      while (src[j + r] === '`') r++;
      if (r === n) return j;
      j += r;
    }
    return -1;
  }

  /** Emphasis opened at src[i] ('*', '_' or '~'): {tags, inner, end}, or null when it has no closing run. */
  function emphasisAt(src, i, budget) {
    const c = src[i];
    let run = 0;
    while (src[i + run] === c) run++;
    const options = c === '~' ? (run === 2 ? [2] : []) : [Math.min(run, 3)];
    for (const n of options) {
      const after = src[i + n];
      if (!after || /\s/.test(after)) return null;
      if (c === '_' && i > 0 && /[\p{L}\p{N}]/u.test(src[i - 1])) return null; // snake_case stays as it is
      let j = i + n;
      while (j < src.length) {
        if (--budget.steps < 0) return null;
        const ch = src[j];
        if (ch === '`') {
          let r = 0;
          while (src[j + r] === '`') r++;
          const end = codeSpanEnd(src, j, r);
          j = end < 0 ? j + r : end + r;
          continue;
        }
        if (ch !== c) {
          j++;
          continue;
        }
        let r = 0;
        while (src[j + r] === c) r++;
        const closes = r === n && !/\s/.test(src[j - 1]) && j > i + n
          && !(c === '_' && /[\p{L}\p{N}]/u.test(src[j + r] || ''));
        if (closes) {
          const tags = c === '~' ? ['del'] : n === 3 ? ['strong', 'em'] : n === 2 ? ['strong'] : ['em'];
          return {tags, inner: src.slice(i + n, j), end: j + r};
        }
        j += r;
      }
    }
    return null;
  }

  /** Appends the inline content of src to parent; a newline becomes a line break. */
  function inline(src, parent, budget, inLink) {
    let buf = '';
    const flush = () => {
      if (!buf) return;
      const lines = buf.split('\n');
      lines.forEach((l, k) => {
        if (k > 0) parent.append(el('br'));
        if (l) parent.append(l);
      });
      buf = '';
    };
    let i = 0;
    while (i < src.length) {
      if (budget.steps <= 0) { // over budget: the rest as it is
        buf += src.slice(i);
        break;
      }
      budget.steps--;
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && PUNCT.test(src[i + 1])) {
        buf += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '`') {
        let n = 0;
        while (src[i + n] === '`') n++;
        const end = codeSpanEnd(src, i, n);
        if (end < 0) {
          buf += src.slice(i, i + n);
          i += n;
          continue;
        }
        let code = src.slice(i + n, end).replace(/\n/g, ' ');
        if (code.length > 2 && code[0] === ' ' && code[code.length - 1] === ' ' && code.trim()) {
          code = code.slice(1, -1);
        }
        flush();
        parent.append(el('code', null, code));
        i = end + n;
        continue;
      }
      if (!inLink && (c === '[' || (c === '!' && src[i + 1] === '['))) {
        const image = c === '!';
        const l = linkAt(src, image ? i + 1 : i, budget);
        const href = l && safeUrl(l.url);
        if (href) {
          flush();
          const a = anchor(href, image ? ['🖼 '] : []);
          inline(l.text || (image ? 'image' : href), a, budget, true);
          if (image) a.classList.add('image-link');
          parent.append(a);
          i = l.end;
          continue;
        }
        if (l) { // a link to something else: its source, as text
          buf += src.slice(i, l.end);
          i = l.end;
          continue;
        }
      }
      if (c === '*' || c === '_' || c === '~') {
        const e = emphasisAt(src, i, budget);
        if (e) {
          flush();
          const outer = el(e.tags[0]);
          let inner = outer;
          if (e.tags[1]) inner = outer.appendChild(el(e.tags[1]));
          inline(e.inner, inner, budget, inLink);
          parent.append(outer);
          i = e.end;
          continue;
        }
        let n = 0;
        while (src[i + n] === c) n++;
        buf += src.slice(i, i + n);
        i += n;
        continue;
      }
      if (!inLink && (c === 'h' || c === 'H') && (i === 0 || /[\s(<*_~]/.test(src[i - 1]))) {
        const m = /^https?:\/\/[^\s<>"'`]+/i.exec(src.slice(i, i + 2048));
        if (m) {
          let url = m[0].replace(/[.,;:!?*_~]+$/, '');
          if (url.endsWith(')') && (url.match(/\(/g) || []).length < (url.match(/\)/g) || []).length) {
            url = url.slice(0, -1);
          }
          const href = safeUrl(url);
          if (href) {
            flush();
            parent.append(anchor(href, [url]));
            i += url.length;
            continue;
          }
        }
      }
      buf += c;
      i++;
    }
    flush();
  }

  // ---- wiring ----

  function start() {
    writeKey(readKey());
    const prefs = readPrefs();
    $('system').value = typeof prefs.system === 'string' ? prefs.system : '';
    for (const [id] of PARAMS) $(id).value = typeof prefs[id] === 'string' ? prefs[id] : '';

    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      send();
    });
    $('prompt').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send();
      }
    });
    $('stop').addEventListener('click', stop);
    $('clear').addEventListener('click', clear);
    $('model').addEventListener('change', savePrefs);
    $('model-filter').addEventListener('input', () => {
      fillModels();
      savePrefs();
    });
    $('models-reload').addEventListener('click', loadModels);
    $('system').addEventListener('input', savePrefs);
    for (const [id] of PARAMS) $(id).addEventListener('input', savePrefs);
    $('key-open').addEventListener('click', () => ($('key-panel').hidden ? askKey('') : closeKey()));
    $('key-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const k = $('key').value.trim();
      $('key').value = '';
      writeKey(k);
      $('key-message').textContent = k ? 'checking the key…' : '';
      loadModels();
    });
    $('key-forget').addEventListener('click', () => {
      writeKey('');
      $('key').value = '';
      status('key forgotten');
    });
    busy(false);
    loadModels();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
