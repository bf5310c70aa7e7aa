// Sluice operator dashboard: plain DOM, no framework, no network but this origin's admin API.
// Every section loads and renders on its own: an endpoint that fails (or does not exist yet) shows "not available"
// in its section and nothing else. Text from the server only ever goes into text nodes and attribute values.
'use strict';

(function () {
  const REFRESH_MS = 2000;
  const LOG_COUNT = 100;
  const API = '/api/monitoring/providers';

  const state = {
    paused: false,
    timer: null,
    running: false,
    again: false,
    refreshes: 0,
    lastUpdated: null,
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

  const svgNs = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  const arr = (x) => (Array.isArray(x) ? x : []);
  const isNum = (n) => typeof n === 'number' && Number.isFinite(n);
  const enc = encodeURIComponent;
  const pad2 = (n) => String(n).padStart(2, '0');

  function hhmmss(d) {
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }

  function num(n) {
    return isNum(n) ? n.toLocaleString('en-US') : '–';
  }

  function rate(n) {
    return isNum(n) ? n.toFixed(n >= 100 ? 0 : 1) : '–';
  }

  function ms(n) {
    if (!isNum(n)) return '–';
    if (n < 10) return n.toFixed(1) + ' ms';
    if (n < 1000) return Math.round(n) + ' ms';
    return (n / 1000).toFixed(2) + ' s';
  }

  /** 37s, 4m 05s, 3h 12m, 2d 3h. */
  function dur(millis) {
    let s = Math.max(0, Math.round(millis / 1000));
    if (s < 60) return s + 's';
    let m = Math.floor(s / 60);
    s %= 60;
    if (m < 60) return m + 'm ' + pad2(s) + 's';
    let h = Math.floor(m / 60);
    m %= 60;
    if (h < 24) return h + 'h ' + pad2(m) + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  function time(ts) {
    if (!isNum(ts)) return '–';
    const d = new Date(ts);
    return hhmmss(d) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function badge(text, kind, attrs) {
    return el('span', Object.assign({ class: 'badge ' + (kind || '') }, attrs || {}), text);
  }

  function yesNo(v) {
    return v ? badge('yes', 'ok') : badge('no', 'bad');
  }

  /** A table: columns [{label, num}], body rows, optional footer rows. */
  function table(cols, rows, foot) {
    return el('table', { class: 'grid' },
      el('thead', null, el('tr', null, cols.map((c) => el('th', { class: c.num ? 'num' : null, title: c.title }, c.label)))),
      el('tbody', null, rows),
      foot && foot.length ? el('tfoot', null, foot) : null);
  }

  const td = (v, cls, attrs) => el('td', Object.assign({ class: cls || null }, attrs || {}), v);
  const tdNum = (v) => td(num(v), 'num');

  function empty(cols, text) {
    return el('tr', { class: 'empty' }, el('td', { colspan: cols.length }, text));
  }

  // ---- fetching ----

  /** {ok, status, body, error}: never throws; status 0 when the server could not be reached. */
  async function api(path, init) {
    let res;
    try {
      res = await fetch(path, Object.assign({
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'application/json' },
      }, init || {}));
    } catch (e) {
      return { ok: false, status: 0, error: 'no connection' };
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok || body === null || typeof body !== 'object') {
      let msg = body && body.error;
      if (msg && typeof msg === 'object') msg = msg.message;
      return { ok: false, status: res.status, body, error: typeof msg === 'string' ? msg : (res.ok ? 'not JSON' : res.statusText) };
    }
    return { ok: true, status: res.status, body };
  }

  function why(r) {
    if (r.status === 404) return '';
    if (r.status === 0) return ' (' + r.error + ')';
    return ' (' + (r.status > 0 ? 'HTTP ' + r.status + (r.error ? ': ' + r.error : '') : r.error) + ')';
  }

  function bodyOf(id) {
    return document.querySelector('#' + id + ' > .body');
  }

  function notAvailable(id, r) {
    const sec = $(id);
    sec.dataset.state = 'na';
    sec.classList.remove('stale');
    bodyOf(id).replaceChildren(el('p', { class: 'na', 'data-na': id }, 'not available' + why(r)));
  }

  /**
   * Loads one section. A lost connection keeps what the section showed (marked stale) rather than blanking the page
   * on a blip; any other failure, or a render that throws on an unexpected shape, shows "not available".
   */
  const loads = {};

  async function load(id, path, render) {
    const seq = (loads[id] = (loads[id] || 0) + 1);
    const r = await api(path);
    if (loads[id] !== seq) return r; // a newer load of this section (say, another log filter) answers instead
    const sec = $(id);
    if (!r.ok) {
      if (r.status === 0 && sec.dataset.state === 'ok') {
        sec.classList.add('stale');
      } else {
        notAvailable(id, r);
      }
      return r;
    }
    try {
      const out = el('div', { class: 'content' });
      render(r.body, out);
      bodyOf(id).replaceChildren(...out.childNodes);
      sec.dataset.state = 'ok';
      sec.classList.remove('stale');
    } catch (e) {
      console.error('sluice monitor: cannot show ' + id, e);
      notAvailable(id, { status: -1, error: 'unexpected answer: ' + e.message });
      return { ok: false, status: -1 };
    }
    return r;
  }

  // ---- header: live stats ----

  function sparkline(values) {
    const w = 180;
    const h = 30;
    const max = Math.max(1, ...values);
    const step = values.length > 1 ? w / (values.length - 1) : w;
    const pts = values.map((v, i) => (i * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 2)).toFixed(1));
    const s = svg('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, class: 'spark', role: 'img' });
    const title = svg('title');
    title.textContent = 'requests per second over the last ' + values.length + ' s, max ' + max;
    s.append(title);
    if (pts.length > 0) {
      s.append(svg('polygon', { points: '0,' + h + ' ' + pts.join(' ') + ' ' + ((values.length - 1) * step).toFixed(1) + ',' + h, class: 'area' }));
      s.append(svg('polyline', { points: pts.join(' '), class: 'line' }));
    }
    return s;
  }

  async function loadLive() {
    const r = await api('/api/stats/live');
    const box = $('live');
    if (!r.ok) {
      box.dataset.state = 'na';
      for (const id of ['stat-rps', 'stat-eps', 'stat-inflight', 'stat-p50', 'stat-p99', 'stat-ttft']) $(id).textContent = '–';
      $('spark').replaceChildren(el('span', { class: 'na', 'data-na': 'live' }, 'live stats not available' + why(r)));
      return r;
    }
    const b = r.body;
    const lat = b.latencyMs || {};
    const ttft = b.ttftMs || {};
    $('stat-rps').textContent = rate(b.requestsPerSecond);
    $('stat-eps').textContent = rate(b.errorsPerSecond);
    $('stat-eps').classList.toggle('bad', isNum(b.errorsPerSecond) && b.errorsPerSecond > 0);
    $('stat-inflight').textContent = num(b.inFlight);
    $('stat-p50').textContent = ms(lat.p50);
    $('stat-p99').textContent = ms(lat.p99);
    $('stat-ttft').textContent = ms(ttft.p50);
    $('spark').replaceChildren(sparkline(arr(b.perSecond).map((v) => (isNum(v) ? v : 0))));
    box.dataset.state = 'ok';
    return r;
  }

  // ---- sections ----

  function renderProviders(b, out) {
    const list = arr(b.providers);
    const cols = [{ label: 'name' }, { label: 'type' }, { label: 'enabled' }, { label: 'configured' },
      { label: 'healthy' }, { label: 'breaker' }, { label: 'models', num: true }, { label: 'keys', num: true }];
    const rows = list.map((p) => el('tr', { 'data-provider': p.name, 'data-healthy': String(!!p.healthy) },
      td(el('span', { title: p.displayName || null }, p.name), 'name'),
      td(p.type),
      td(yesNo(p.enabled)),
      td(yesNo(p.configured)),
      td(p.healthy ? badge('healthy', 'ok') : badge(p.enabled ? 'unhealthy' : 'off', p.enabled ? 'bad' : 'muted')),
      td(badge(String(p.breaker || '–').replace('_', '-'),
        !p.enabled ? 'muted' : p.breaker === 'closed' ? 'ok' : p.breaker === 'open' ? 'bad' : 'warn')),
      tdNum(p.modelCount),
      tdNum(p.keys)));
    out.append(el('p', { class: 'summary muted' }, num(b.enabled) + ' of ' + num(b.total) + ' enabled'));
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no providers configured')]));
    providerOptions(list.filter((p) => p.enabled).map((p) => String(p.name)));
  }

  function renderKeys(b, out) {
    const groups = arr(b.providers);
    const cols = [{ label: 'provider' }, { label: 'key' }, { label: 'masked' }, { label: 'state' },
      { label: 'failures', num: true }, { label: 'in flight', num: true }, { label: 'requests', num: true },
      { label: 'tokens', num: true }, { label: 'locked models' }];
    const rows = [];
    for (const g of groups) {
      rows.push(el('tr', { class: 'group', 'data-group': g.provider },
        el('th', { colspan: cols.length },
          el('span', { class: 'name' }, g.provider),
          el('span', { class: 'muted' }, ' · ' + num(g.total) + ' keys, ' + num(g.active) + ' active, ' + num(g.blocked) + ' cooling'),
          el('span', { class: 'actions' },
            el('button', { type: 'button', 'data-rotate': g.provider, title: 'the next request skips the key in turn' }, 'Rotate'),
            el('button', { type: 'button', 'data-test': g.provider, title: 'send a tiny request with every key' }, 'Test')))));
      for (const k of arr(g.tokens)) {
        const cooling = !!k.blocked;
        const stateCell = cooling
          ? badge(isNum(k.blockedUntil) && k.blockedUntil > 0 ? 'cooling ' + dur(k.blockedUntil - Date.now()) : 'cooling', 'warn',
            isNum(k.blockedUntil) && k.blockedUntil > 0 ? { 'data-until': k.blockedUntil } : null)
          : badge('active', 'ok');
        rows.push(el('tr', { 'data-provider': g.provider, 'data-key': k.key, 'data-state': cooling ? 'cooling' : 'active' },
          td(g.provider),
          td(k.key, 'mono'),
          td(k.masked, 'mono'),
          td(stateCell),
          el('td', { class: 'num' + (k.failures > 0 ? ' bad' : '') }, num(k.failures)),
          tdNum(k.inFlight),
          tdNum(k.requests),
          tdNum(k.tokensUsed),
          td(arr(k.lockedModels).join(', ') || '–', 'muted')));
      }
    }
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no provider with keys')]));
  }

  const USAGE = [['requests', 'requests'], ['errors', 'errors'], ['promptTokens', 'prompt'],
    ['completionTokens', 'completion'], ['cachedTokens', 'cached'], ['reasoningTokens', 'reasoning']];

  function renderUsage(b, out) {
    const models = arr(b.models);
    const cols = [{ label: 'provider' }, { label: 'model' }]
      .concat(USAGE.map(([, label]) => ({ label, num: true })))
      .concat([{ label: 'estimated', num: true, title: 'requests whose usage the provider did not report (estimated)' }]);
    const total = {};
    const rows = models.map((m) => {
      for (const [k] of USAGE.concat([['estimatedRequests']])) total[k] = (total[k] || 0) + (isNum(m[k]) ? m[k] : 0);
      return el('tr', { 'data-provider': m.provider, 'data-model': m.model },
        td(m.provider), td(m.model, 'mono'),
        USAGE.map(([k]) => (k === 'errors' && m[k] > 0 ? el('td', { class: 'num bad' }, num(m[k])) : tdNum(m[k]))),
        td(m.estimatedRequests > 0 ? badge('≈ ' + num(m.estimatedRequests), 'warn', { title: 'estimated usage' }) : '', 'num'));
    });
    const foot = models.length ? [el('tr', { 'data-total': '' }, td('total'), td(''),
      USAGE.map(([k]) => tdNum(total[k])), td(total.estimatedRequests > 0 ? '≈ ' + num(total.estimatedRequests) : '', 'num'))] : [];
    if (isNum(b.since) && b.since > 0) {
      out.append(el('p', { class: 'summary muted' }, 'since ' + new Date(b.since).toLocaleString('en-GB') + ' · '
        + num(b.requests) + ' requests, ' + num(b.errors) + ' errors, ' + num(b.tokens && b.tokens.total) + ' tokens'));
      $('uptime').textContent = 'up ' + dur(Date.now() - b.since);
    }
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no requests yet')], foot));
    const instances = arr(b.instances);
    if (instances.length) {
      // shared state: the figures above are the cluster's; one line per instance
      const icols = [{ label: 'instance' }, { label: 'state' }, { label: 'requests', num: true },
        { label: 'errors', num: true }, { label: 'tokens', num: true }, { label: 'updated', num: true }];
      const irows = instances.map((i) => el('tr', { 'data-instance': i.instance },
        td(i.instance + (i.instance === b.instance ? ' (this one)' : ''), 'mono'),
        td(i.live ? badge('live', 'ok') : badge('not seen', 'warn', { title: 'no update for 15 s: stopped or cut off' })),
        tdNum(i.requests), tdNum(i.errors), tdNum(i.tokens && i.tokens.total),
        td(isNum(i.updated) ? new Date(i.updated).toLocaleTimeString('en-GB') : '–', 'num')));
      out.append(el('h3', null, 'Instances (' + instances.length + ')'));
      out.append(table(icols, irows));
    }
  }

  function renderSessions(b, out) {
    const active = arr(b.active);
    const cols = [{ label: 'id' }, { label: 'route' }, { label: 'model' }, { label: 'provider' }, { label: 'client' },
      { label: 'elapsed', num: true }, { label: 'stream' }, { label: 'first byte', num: true }];
    const rows = active.map((s) => el('tr', { 'data-session': s.id },
      td(s.id, 'mono'), td(s.route), td(s.model, 'mono'), td(s.provider), td(s.client, 'mono'),
      td(isNum(s.elapsedMs) ? dur(s.elapsedMs) : '–', 'num'), td(s.stream ? 'yes' : 'no'),
      td(ms(s.firstByteMs), 'num')));
    out.append(el('h3', null, 'Active (' + active.length + ')'));
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no requests in flight')]));
    const clients = arr(b.clients);
    if (clients.length) {
      const ccols = [{ label: 'client' }, { label: 'requests', num: true }, { label: 'errors', num: true },
        { label: 'last seen', num: true }, { label: 'prompt', num: true }, { label: 'completion', num: true }];
      out.append(el('h3', null, 'Clients'));
      out.append(table(ccols, clients.map((c) => el('tr', { 'data-client': c.client },
        td(c.client, 'mono'), tdNum(c.requests), tdNum(c.errors),
        td(isNum(c.lastSeen) ? dur(Date.now() - c.lastSeen) + ' ago' : '–', 'num'),
        tdNum(c.promptTokens), tdNum(c.completionTokens)))));
    }
  }

  function renderLimits(b, out) {
    const per = b.perMinute || {};
    const off = (n) => (isNum(n) && n > 0 ? num(n) + '/min' : 'off');
    out.append(el('p', { class: 'summary' },
      b.enabled ? badge('limits on', 'warn') : badge('no limits', 'muted'), ' ',
      el('span', { class: 'muted' }, 'global ' + off(per.global) + ' · provider ' + off(per.perProvider)
        + ' · key ' + off(per.perKey) + ' · client key ' + off(per.perClientKey))));
    const cols = [{ label: 'provider' }, { label: 'per minute', num: true }, { label: 'max concurrent', num: true },
      { label: 'active', num: true }, { label: 'queued', num: true }];
    const rows = arr(b.providers).map((p) => {
      const g = p.gate;
      return el('tr', { 'data-provider': p.name },
        td(p.name), td(off(p.perMinute), 'num'),
        td(g ? num(g.maxConcurrent) : '–', 'num'), td(g ? num(g.active) : '–', 'num'),
        el('td', { class: 'num' + (g && g.queued > 0 ? ' warn' : '') }, g ? num(g.queued) : '–'));
    });
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no upstream providers')]));
  }

  function renderAccess(b, out) {
    const keys = arr(b.clientKeys);
    const state = b.requireClientKey ? badge('client keys required', 'ok')
      : b.openRelay ? badge('open relay', 'bad') : badge('no client keys', 'muted');
    const rules = (name, list, none) => name + ' ' + (arr(list).length ? arr(list).join(', ') : none || 'none');
    out.append(el('p', { class: 'summary', 'data-access': b.requireClientKey ? 'keys' : b.openRelay ? 'open' : 'local' },
      state, ' ', el('span', { class: 'muted' }, (b.adminKeyAccepted ? 'admin key accepted · ' : '')
        + rules('allow', b.ipAllow, 'any') + ' · ' + rules('deny', b.ipDeny)
        + (arr(b.trustedProxies).length ? ' · ' + rules('proxies', b.trustedProxies) : ''))));
    if (!keys.length) return;
    const cols = [{ label: 'client key' }, { label: 'key' }, { label: 'models' }, { label: 'per minute', num: true }];
    out.append(table(cols, keys.map((k) => el('tr', { 'data-client-key': k.name },
      td(k.name, 'mono'), td(k.key, 'mono'),
      td(arr(k.models).length ? arr(k.models).join(', ') : 'all'),
      el('td', { class: 'num' }, k.enabled ? (isNum(k.rateLimit) && k.rateLimit > 0 ? num(k.rateLimit) : 'off')
        : badge('disabled', 'muted'))))));
  }

  const LEVELS = ['debug', 'info', 'warn', 'error'];

  function logsPath() {
    const level = $('log-level').value;
    const provider = $('log-provider').value;
    return provider
      ? API + '/' + enc(provider) + '/logs?level=' + enc(level) + '&count=' + LOG_COUNT
      : API + '/logs/all?count=' + LOG_COUNT + '&level=' + enc(level);
  }

  function renderLogs(b, out) {
    const ms = (e) => (isNum(e.timestampMs) ? e.timestampMs : Date.parse(e.timestamp) || 0);
    const logs = arr(b.logs).slice().sort((x, y) => ms(y) - ms(x)); // newest first
    const cols = [{ label: 'time' }, { label: 'level' }, { label: 'provider' }, { label: 'event' }, { label: 'model' },
      { label: 'status', num: true }, { label: 'latency', num: true }, { label: 'key' }, { label: 'message' }];
    const rows = logs.map((e) => {
      const lv = String(e.level || '').toLowerCase(); // the API says INFO, as the seed
      const level = LEVELS.includes(lv) ? lv : 'info';
      return el('tr', { 'data-level': level, 'data-provider': e.provider },
        td(time(ms(e)), 'mono nowrap'),
        td(badge(level, 'lvl-' + level)),
        td(e.provider), td(e.event), td(e.model || '', 'mono'),
        el('td', { class: 'num' + (e.status >= 400 ? ' bad' : '') }, isNum(e.status) ? String(e.status) : ''),
        td(isNum(e.latencyMs) ? ms(e.latencyMs) : '', 'num'),
        td(e.key || '', 'mono'),
        td(e.message, 'msg'));
    });
    out.append(el('p', { class: 'summary muted' }, 'newest first · showing ' + logs.length
      + (isNum(b.total) ? ' of ' + num(b.total) : '')));
    out.append(table(cols, rows.length ? rows : [empty(cols, 'no entries at this level')]));
  }

  function providerOptions(names) {
    const sel = $('log-provider');
    const have = Array.from(sel.options).map((o) => o.value).slice(1);
    if (have.length === names.length && have.every((v, i) => v === names[i])) return;
    const cur = sel.value;
    sel.replaceChildren(el('option', { value: '' }, 'all'), ...names.map((n) => el('option', { value: n }, n)));
    sel.value = names.includes(cur) ? cur : '';
    $('log-clear').hidden = !sel.value;
  }

  // ---- actions ----

  function message(kind, action, ...parts) {
    const m = $('message');
    m.dataset.kind = kind;
    m.dataset.action = action;
    m.replaceChildren(el('span', { class: 'when muted' }, hhmmss(new Date()) + ' '), ...parts,
      el('button', { type: 'button', class: 'dismiss', 'data-dismiss': '', title: 'dismiss' }, '×'));
    m.hidden = false;
  }

  async function rotate(name, btn) {
    btn.disabled = true;
    const r = await api(API + '/' + enc(name) + '/rotate-token', { method: 'POST' });
    btn.disabled = false;
    if (r.ok) message('ok', 'rotate', name + ': ' + (r.body.message || 'rotated'));
    else message('bad', 'rotate', name + ': rotation ' + (r.status === 404 ? 'not available' : 'failed' + why(r)));
    refresh();
  }

  async function test(name, btn) {
    btn.disabled = true;
    btn.textContent = 'Testing…';
    const r = await api(API + '/' + enc(name) + '/test', { method: 'POST' });
    btn.disabled = false;
    btn.textContent = 'Test';
    if (!r.ok && !(r.body && Array.isArray(r.body.results))) {
      message('bad', 'test', name + ': test ' + (r.status === 404 ? 'not available' : 'failed' + why(r)));
      return;
    }
    const b = r.body;
    const results = arr(b.results);
    const good = results.filter((x) => x.ok).length;
    message(good === results.length && results.length > 0 ? 'ok' : 'bad', 'test',
      name + ': ' + good + ' of ' + results.length + ' keys answered' + (b.model ? ' (' + b.model + ')' : ''),
      testTable(results));
    refresh();
  }

  /** The live test's answer per key: status, latency, and the reply or the error. */
  function testTable(results) {
    const cols = [{ label: 'key' }, { label: 'status', num: true }, { label: 'latency', num: true }, { label: 'result' },
      { label: 'reply / error' }];
    return table(cols, results.map((x) => el('tr', { 'data-test-key': x.key, 'data-ok': String(!!x.ok) },
      td(x.key, 'mono'), td(isNum(x.status) ? String(x.status) : '–', 'num'), td(ms(x.latencyMs), 'num'),
      td(x.ok ? badge('ok', 'ok') : badge('failed', 'bad'), null), td(x.ok ? (x.reply || '') : (x.error || ''), 'msg'))));
  }

  async function clearLogs(btn) {
    const name = $('log-provider').value;
    if (!name) return;
    btn.disabled = true;
    const r = await api(API + '/' + enc(name) + '/logs/clear', { method: 'POST' });
    btn.disabled = false;
    if (r.ok) message('ok', 'clear', name + ': cleared ' + num(r.body.cleared) + ' log entries');
    else message('bad', 'clear', name + ': clearing logs ' + (r.status === 404 ? 'not available' : 'failed' + why(r)));
    load('logs', logsPath(), renderLogs);
  }

  // ---- providers tab: status, keys, base URL, enabled; save, test, models ----
  //
  // One card per provider, and one per provider type the server knows but nobody set up (so a key can be given to
  // it). Cards are kept across refreshes and updated in place: what an operator is typing survives the 2 s poll.
  // A key typed here goes to the server in the POST body only; the page shows the server's masked form of it.

  const STATUS = {
    active: { icon: '🟢', word: 'active', kind: 'ok' },
    disabled: { icon: '🟡', word: 'disabled', kind: 'warn' },
    not_configured: { icon: '🔴', word: 'not configured', kind: 'bad' },
  };

  /** The server's status, or what enabled and configured imply when it gave none. */
  function statusOf(p) {
    if (typeof p.status === 'string' && p.status) return p.status;
    if (p.enabled === false) return 'disabled';
    return p.configured === false ? 'not_configured' : 'active';
  }

  function statusBadge(st) {
    const s = STATUS[st] || { icon: '⚪', word: String(st).replace('_', ' '), kind: '' };
    return el('span', { class: 'badge pv-status ' + s.kind, 'data-pv-status': st }, s.icon + ' ' + s.word);
  }

  /** The error text of a failed call: the server's own words when it gave any. */
  function errorText(r) {
    const e = r.body && r.body.error;
    if (typeof e === 'string' && e) return e;
    if (e && typeof e.message === 'string') return e.message;
    if (r.status === 0) return 'no connection';
    return r.error ? (r.status > 0 ? 'HTTP ' + r.status + ': ' : '') + r.error : 'HTTP ' + r.status;
  }

  /** Provider rows, then a row per unconfigured type no provider covers (by name or type). */
  function providerRows(b) {
    const rows = arr(b.providers).map((p) => ({ key: String(p.name), p, fromType: false }));
    const taken = new Set();
    for (const p of arr(b.providers)) {
      taken.add(String(p.name));
      taken.add(String(p.type));
    }
    const types = new Map(arr(b.available_types).map((t) => [String(t.type), t]));
    for (const type of arr(b.unconfigured_types)) {
      const t = String(type);
      if (taken.has(t)) continue;
      taken.add(t);
      const info = types.get(t) || {};
      rows.push({ key: t, fromType: true, p: { name: t, type: t, displayName: info.displayName, env: info.env,
        enabled: false, configured: false, status: 'not_configured', keys: 0 } });
    }
    return rows;
  }

  const pv = { cards: new Map(), moved: new Map() };

  function pvCard(key) {
    const form = el('form', { class: 'pv-form', autocomplete: 'off', 'data-pv-form': key },
      el('label', null, el('span', null, 'API key'),
        el('input', { type: 'password', name: 'api_key', autocomplete: 'new-password', spellcheck: 'false' })),
      el('label', null, el('span', null, 'base URL'),
        el('input', { type: 'text', name: 'base_url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false' })),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'enabled' }), 'enabled'),
      el('span', { class: 'pv-actions' },
        el('button', { type: 'submit', class: 'primary', 'data-pv-save': key }, 'Save'),
        el('button', { type: 'button', 'data-pv-test': key, title: 'send a tiny request with every key' }, 'Test'),
        el('button', { type: 'button', 'data-pv-models': key, 'aria-expanded': 'false' }, 'Models'),
        el('button', { type: 'button', class: 'quiet', 'data-pv-clear': key, title: 'remove every key' }, 'Clear keys'),
        el('button', { type: 'button', class: 'quiet', 'data-pv-default-url': key,
          title: 'go back to the type\'s default base URL' }, 'Default URL')));
    const card = el('article', { class: 'pv', 'data-pv': key },
      el('div', { class: 'pv-head' }),
      el('dl', { class: 'pv-info' }),
      form,
      el('div', { class: 'pv-result', role: 'status', hidden: true }),
      el('div', { class: 'pv-models', hidden: true }));
    form.addEventListener('input', () => { form.dataset.dirty = '1'; });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      pvSave(key, card);
    });
    return card;
  }

  function pvUpdate(card, row) {
    const p = row.p;
    const st = statusOf(p);
    card.dataset.status = st;
    card.dataset.kind = row.fromType ? 'type' : 'provider';
    const masked = arr(p.maskedKeys).map(String);
    card.querySelector('.pv-head').replaceChildren(
      statusBadge(st),
      el('span', { class: 'pv-name' }, p.name),
      p.displayName && p.displayName !== p.name ? el('span', { class: 'muted' }, p.displayName) : null,
      el('span', { class: 'badge' }, p.type || '–'));
    const keys = masked.length ? masked.join(', ')
      : isNum(p.keys) && p.keys > 0 ? p.keys + (p.keys === 1 ? ' key' : ' keys') : 'none';
    const info = [
      ['base URL', p.baseUrl || (row.fromType ? 'the type\'s default' : '–'), 'mono pv-url'],
      ['keys', keys, 'mono pv-keys'],
      ['models', isNum(p.modelCount) ? num(p.modelCount) : '–', 'pv-count'],
      ['breaker', p.breaker || null, null],
      ['dialect', p.dialect || null, null],
      ['env', p.env ? p.env + '_API_KEY' : null, 'mono'],
    ];
    card.querySelector('.pv-info').replaceChildren(...info.filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v, cls]) => el('div', null, el('dt', null, k), el('dd', { class: cls }, v))));
    const form = card.querySelector('form');
    const f = form.elements;
    f.api_key.placeholder = masked.length ? masked.join(', ') + ' (type to replace)'
      : isNum(p.keys) && p.keys > 0 ? 'set (type to replace)' : 'paste the API key';
    f.base_url.placeholder = p.baseUrl || 'the type\'s default';
    if (!form.dataset.dirty) f.enabled.checked = row.fromType || !!p.enabled;
    for (const b of card.querySelectorAll('[data-pv-test], [data-pv-models]')) {
      b.disabled = row.fromType || b.dataset.busy === '1';
      b.title = row.fromType ? 'save a key first'
        : b.dataset.pvTest !== undefined ? 'send a tiny request with every key' : '';
    }
    card.querySelector('[data-pv-clear]').hidden = masked.length === 0 && !(isNum(p.keys) && p.keys > 0);
    card.querySelector('[data-pv-default-url]').hidden = row.fromType;
  }

  /** The tab from one answer of GET /api/monitoring/providers (the same the overview's table shows). */
  function showProviderTab(r) {
    const sec = $('provider-admin');
    const body = bodyOf('provider-admin');
    if (!r.ok) {
      if (r.status === 0 && sec.dataset.state === 'ok') {
        sec.classList.add('stale');
      } else {
        pv.cards.clear();
        sec.dataset.state = 'na';
        sec.classList.remove('stale');
        body.replaceChildren(el('p', { class: 'na', 'data-na': 'provider-admin' }, 'not available' + why(r)));
      }
      return;
    }
    try {
      renderProviderTab(r.body, body);
      sec.dataset.state = 'ok';
      sec.classList.remove('stale');
    } catch (e) {
      console.error('sluice monitor: cannot show provider-admin', e);
      pv.cards.clear();
      sec.dataset.state = 'na';
      body.replaceChildren(el('p', { class: 'na', 'data-na': 'provider-admin' }, 'not available (unexpected answer: '
        + e.message + ')'));
    }
  }

  function renderProviderTab(b, body) {
    let list = document.getElementById('pv-list');
    if (!list || !body.contains(list)) {
      list = el('div', { id: 'pv-list', class: 'pv-list' });
      body.replaceChildren(el('p', { id: 'pv-summary', class: 'summary' }), list);
    }
    const rows = providerRows(b);
    const count = { active: 0, disabled: 0, not_configured: 0 };
    const seen = new Set();
    rows.forEach((row, i) => {
      seen.add(row.key);
      let card = pv.cards.get(row.key);
      if (!card) {
        card = pvCard(row.key);
        pv.cards.set(row.key, card);
      }
      pvUpdate(card, row);
      count[card.dataset.status] = (count[card.dataset.status] || 0) + 1;
      if (list.children[i] !== card) list.insertBefore(card, list.children[i] || null); // moves only when out of place
    });
    for (const [key, card] of pv.cards) {
      if (seen.has(key)) continue;
      const to = pv.cards.get(pv.moved.get(key));
      if (to && seen.has(pv.moved.get(key))) { // saved under the name the server gave it: keep the answer in view
        const res = card.querySelector('.pv-result');
        if (!res.hidden) to.querySelector('.pv-result').replaceWith(res);
      }
      pv.moved.delete(key);
      pv.cards.delete(key);
      card.remove();
    }
    $('pv-summary').replaceChildren(
      el('span', null, num(arr(b.providers).length) + ' providers'), ' · ',
      statusBadge('active'), ' ' + count.active + ' · ', statusBadge('disabled'), ' ' + count.disabled + ' · ',
      statusBadge('not_configured'), ' ' + count.not_configured);
  }

  function pvResult(card, kind, action, ...parts) {
    const r = card.querySelector('.pv-result');
    r.dataset.kind = kind;
    r.dataset.action = action;
    r.replaceChildren(el('span', { class: 'when muted' }, hhmmss(new Date()) + ' '),
      ...parts.flat().filter((x) => x !== null && x !== undefined && x !== false));
    r.hidden = false;
  }

  function busy(btn, on, text) {
    btn.disabled = on;
    btn.dataset.busy = on ? '1' : '';
    btn.textContent = text;
  }

  async function pvSave(key, card) {
    const f = card.querySelector('form').elements;
    const body = { enabled: f.enabled.checked };
    const apiKey = f.api_key.value.trim();
    const baseUrl = f.base_url.value.trim();
    if (apiKey) body.api_key = apiKey;
    if (baseUrl) body.base_url = baseUrl;
    await pvConfig(key, card, body, 'save');
  }

  /** POST …/config; on success the form forgets what was typed (the key above all) and the page refreshes. */
  async function pvConfig(key, card, body, action) {
    const form = card.querySelector('form');
    const btn = card.querySelector('[data-pv-save]');
    if (btn.disabled) return;
    busy(btn, true, 'Saving…');
    const r = await api(API + '/' + enc(key) + '/config', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    busy(btn, false, 'Save');
    if (!r.ok || r.body.success === false) {
      pvResult(card, 'bad', action, key + ': not saved: ', el('span', { class: 'pv-error' }, errorText(r)));
      return;
    }
    const b = r.body;
    const c = b.config || {};
    form.elements.api_key.value = '';
    form.elements.base_url.value = '';
    delete form.dataset.dirty;
    const name = typeof b.provider === 'string' && b.provider ? b.provider : key;
    if (name !== key) pv.moved.set(key, name);
    pvResult(card, 'ok', action, name + ': saved',
      c.status || c.configured !== undefined ? [' · now ', statusBadge(statusOf(c))] : null,
      b.persisted ? el('span', { 'data-pv-persisted': '' }, ' · written to ', el('span', { class: 'mono' },
        b.file || 'the env file')) : null,
      b.note ? el('span', { class: 'muted pv-note' }, ' · ' + b.note)
        : b.persisted ? null : el('span', { class: 'muted pv-note' }, ' · until restart (not persisted)'));
    refresh();
  }

  async function pvTest(key, card, btn) {
    busy(btn, true, 'Testing…');
    const r = await api(API + '/' + enc(key) + '/test', { method: 'POST' });
    busy(btn, false, 'Test');
    const b = r.body || {};
    if (!Array.isArray(b.results)) {
      pvResult(card, 'bad', 'test', key + ': test failed: ', el('span', { class: 'pv-error' }, errorText(r)));
      return;
    }
    const results = arr(b.results);
    const good = results.filter((x) => x.ok).length;
    pvResult(card, good === results.length && results.length > 0 ? 'ok' : 'bad', 'test',
      key + ': ' + good + ' of ' + results.length + ' keys answered' + (b.model ? ' (' + b.model + ')' : '')
        + (isNum(b.models_count) ? ' · ' + num(b.models_count) + ' models' : ''),
      testTable(results));
  }

  async function pvModels(key, card, btn) {
    const box = card.querySelector('.pv-models');
    if (btn.getAttribute('aria-expanded') === 'true') {
      box.hidden = true;
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    busy(btn, true, 'Loading…');
    const r = await api(API + '/' + enc(key) + '/models');
    busy(btn, false, 'Models');
    btn.setAttribute('aria-expanded', 'true');
    box.hidden = false;
    if (!r.ok) {
      box.replaceChildren(el('p', { class: 'na' }, 'models not available: ' + errorText(r)));
      return;
    }
    const models = arr(r.body.models);
    const cols = [{ label: 'model id' }, { label: 'upstream model' }];
    box.replaceChildren(
      el('p', { class: 'summary muted' }, num(isNum(r.body.count) ? r.body.count : models.length) + ' models'
        + (r.body.enabled === false ? ' (as configured; the provider is disabled)' : '')),
      table(cols, models.length
        ? models.map((m) => el('tr', { 'data-model': m.id }, td(m.id, 'mono'), td(m.upstream, 'mono muted')))
        : [empty(cols, 'no models')]));
  }

  function providerAction(b) {
    const d = b.dataset;
    const key = d.pvTest ?? d.pvModels ?? d.pvClear ?? d.pvDefaultUrl;
    const card = pv.cards.get(key);
    if (!card) return;
    if (d.pvTest !== undefined) pvTest(key, card, b);
    else if (d.pvModels !== undefined) pvModels(key, card, b);
    else if (d.pvClear !== undefined) pvConfig(key, card, { api_key: '' }, 'clear');
    else pvConfig(key, card, { base_url: '' }, 'default-url');
  }

  // ---- tabs ----

  const TABS = ['overview', 'providers'];

  function showTab(name, focus) {
    const tab = TABS.includes(name) ? name : 'overview';
    for (const b of document.querySelectorAll('[data-tab]')) {
      const on = b.dataset.tab === tab;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    for (const v of document.querySelectorAll('[data-view]')) v.hidden = v.dataset.view !== tab;
    document.body.dataset.tab = tab;
    const hash = tab === 'overview' ? '' : '#tab-' + tab;
    if (location.hash !== hash) history.replaceState(null, '', location.pathname + location.search + hash);
  }

  function tabFromHash() {
    const m = /^#tab-([a-z]+)$/.exec(location.hash);
    return m ? m[1] : 'overview';
  }

  document.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.disabled) return;
    if (b.dataset.rotate !== undefined) rotate(b.dataset.rotate, b);
    else if (b.dataset.test !== undefined) test(b.dataset.test, b);
    else if (b.dataset.dismiss !== undefined) $('message').hidden = true;
    else if (b.dataset.tab !== undefined) showTab(b.dataset.tab);
    else if (b.dataset.pvTest !== undefined || b.dataset.pvModels !== undefined || b.dataset.pvClear !== undefined
      || b.dataset.pvDefaultUrl !== undefined) providerAction(b);
  });

  // ---- refresh loop ----

  function schedule() {
    clearTimeout(state.timer);
    state.timer = state.paused ? null : setTimeout(refresh, REFRESH_MS);
  }

  function showStatus(connected) {
    const s = $('status');
    const when = state.lastUpdated ? 'updated ' + hhmmss(state.lastUpdated) : 'not updated yet';
    s.textContent = (connected ? when : 'connection lost · ' + when) + (state.paused ? ' (paused)' : '');
    s.dataset.refreshes = String(state.refreshes);
    const dot = $('live-dot');
    dot.classList.toggle('on', connected);
    dot.classList.toggle('off', !connected);
    dot.title = connected ? 'live' : 'no connection';
    dot.classList.remove('pulse');
    void dot.offsetWidth; // restart the animation
    if (connected) dot.classList.add('pulse');
  }

  async function refresh() {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    clearTimeout(state.timer);
    try {
      const results = await Promise.all([
        loadLive(),
        load('providers', API, renderProviders).then((r) => { showProviderTab(r); return r; }),
        load('keys', API + '/tokens/all', renderKeys),
        load('usage', '/v1/stats', renderUsage),
        load('sessions', '/api/sessions', renderSessions),
        load('limits', '/api/rate-limits', renderLimits),
        load('access', '/api/access', renderAccess),
        load('logs', logsPath(), renderLogs),
      ]);
      const connected = results.some((r) => r.status !== 0);
      if (connected) state.lastUpdated = new Date();
      state.refreshes++;
      showStatus(connected);
    } finally {
      state.running = false;
      if (state.again) {
        state.again = false;
        refresh();
      } else {
        schedule();
      }
    }
  }

  /** Cooling countdowns tick every second between refreshes (and while paused). */
  function tick() {
    const now = Date.now();
    for (const b of document.querySelectorAll('[data-until]')) {
      b.textContent = 'cooling ' + dur(Number(b.dataset.until) - now);
    }
  }

  function start() {
    $('pause').addEventListener('click', () => {
      state.paused = !state.paused;
      $('pause').textContent = state.paused ? 'Resume' : 'Pause';
      $('pause').setAttribute('aria-pressed', String(state.paused));
      if (state.paused) {
        clearTimeout(state.timer);
        showStatus(true);
      } else {
        refresh();
      }
    });
    $('refresh').addEventListener('click', () => refresh());
    $('log-filters').addEventListener('submit', (e) => e.preventDefault());
    $('log-level').addEventListener('change', () => load('logs', logsPath(), renderLogs));
    $('log-provider').addEventListener('change', () => {
      $('log-clear').hidden = !$('log-provider').value;
      load('logs', logsPath(), renderLogs);
    });
    $('log-clear').addEventListener('click', (e) => clearLogs(e.currentTarget));
    $('tab-overview').parentElement.addEventListener('keydown', (e) => { // arrow keys move between tabs
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const i = TABS.indexOf(document.body.dataset.tab);
      showTab(TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length], true);
    });
    window.addEventListener('hashchange', () => showTab(tabFromHash()));
    showTab(tabFromHash());
    setInterval(tick, 1000);
    refresh();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
