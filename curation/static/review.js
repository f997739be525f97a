// Keyboard-first review: a accept, x reject, e edit (Enter save, Esc cancel), space unsure, u undo, 1-9 alternative.
// The next items are prefetched and leased; a verdict shows the next one from that buffer at once and is sent
// in the background by the outbox (outbox.js: kept until the server confirms it, retried, or shown as refused).
// All paper text is set with textContent, never as HTML.
(function () {
  "use strict";
  const prefetch = parseInt(document.currentScript.dataset.prefetch || "3", 10);
  const $ = (id) => document.getElementById(id);
  let queue = [];
  let current = null;
  let shownAt = 0;
  let editing = false;
  let busy = false;
  const judged = new Set();
  const wanted = new URLSearchParams(window.location.search);
  let filters = "";
  for (const k of ["paper", "kind"]) { if (wanted.get(k)) filters += "&" + k + "=" + encodeURIComponent(wanted.get(k)); }
  const outbox = window.flopsdbOutbox;
  // verdicts: confirmed by the server; shown: items shown after a verdict key; confirms: key -> confirmation, ms;
  // refills: the buffer's length (queued), items asked (n) and ids skipped when each refill started; dry: keys that found it empty.
  window.__review = { paints: [], errors: [], verdicts: 0, shown: 0, confirms: [], current: () => (current ? current.candidate_id : null),
    state: () => ({ busy: busy, editing: editing, queued: queue.length, judged: judged.size, unsent: outbox.pending().length, refilling: topping !== null }) };

  function status(text) { $("status").textContent = text; }
  function unsaved(text) { const el = $("unsaved"); el.textContent = text; el.hidden = !text; }
  function refusedText() {
    const r = outbox.refused();
    return r.length ? r.length + " verdict(s) refused by the server, not saved: " + r.map((v) => v.body.action + " on " + v.body.candidate_id + " (" + v.problem + ")").join("; ") : "";
  }
  const sentAt = new Map();
  outbox.on((ev) => {
    if (ev.type === "saved") {
      window.__review.verdicts += 1;
      const t = sentAt.get(ev.item.body.event_id);
      if (t !== undefined) { window.__review.confirms.push(performance.now() - t); sentAt.delete(ev.item.body.event_id); }
    } else if (ev.type === "refused") {
      window.__review.errors.push(ev.problem);
    }
    const waiting = ev.pending ? ev.pending + " verdict(s) not yet saved" + (ev.type === "retry" ? ", retrying: " + ev.problem : "") : "";
    unsaved([waiting, refusedText()].filter((x) => x).join(" · "));
  });

  const api = window.flopsdbApi;

  // Crops are fetched for the next few items only (PRELOAD), not for the whole buffer: each costs the server a
  // PDF render, which would otherwise compete with the refills for its CPU in bursts of PER_REFILL.
  const PRELOAD = 3;
  function preload(item) { if (item && item.crop && !item._img) { item._img = new Image(); item._img.src = item.crop; } }
  function preloadNext() { queue.slice(0, PRELOAD).forEach(preload); }

  // The buffer is kept filled in the background, one refill in flight at a time, naming the items the page
  // already has (`skip`: the buffer, the item shown, verdicts on their way) so it always brings new ones. While
  // the refills keep up, the buffer holds `prefetch` items and a refill starts when it is two below. Once a key
  // has found it empty, the depth follows the keys: it covers the keys expected during
  // one and a half refills (the gap between verdict keys and the refill's round trip, both averaged), up to
  // MAX_BUFFER; a refill then starts as soon as the buffer is below that depth and asks for `prefetch` more than
  // it lacks (at most PER_REFILL, the server's cap).
  const PER_REFILL = 20;
  const MAX_BUFFER = 60;
  const MAX_SKIP = 400;
  let keyGap = 1000;
  let lastKey = 0;
  let refillMs = 300;
  let topUps = 0;
  let topping = null;
  const refills = [];
  window.__review.refills = refills;
  window.__review.dry = 0;
  let fast = false;
  function target() { return fast ? Math.max(prefetch, Math.min(MAX_BUFFER, Math.ceil((1.5 * refillMs) / Math.max(keyGap, 10)) + 3)) : prefetch; }
  function lowWater() { return fast ? target() : Math.max(2, prefetch - 2); }
  window.__review.target = target;
  function heldIds() {
    const ids = queue.map((i) => i.candidate_id);
    if (current) ids.push(current.candidate_id);
    for (const v of outbox.pending()) if (v.body && v.body.candidate_id) ids.push(v.body.candidate_id);
    return Array.from(new Set(ids));
  }
  async function topUp(first) {
    // The counts of the status line come apart from the refill (they wait for verdicts in flight).
    if (topUps++ % 5 === 0) api("GET", "/api/counts").then(showCounts).catch(() => {});
    const n = first ? prefetch + 1 : Math.min(PER_REFILL, Math.max(1, target() - queue.length + (fast ? prefetch : 0)));
    const skip = first ? [] : heldIds().slice(-MAX_SKIP);
    refills.push({ queued: queue.length, n: n, skip: skip.length });
    const t = performance.now();
    const data = await api("GET", "/api/queue?n=" + n + "&counts=0" + filters + (skip.length ? "&skip=" + skip.join(",") : ""));
    refillMs = 0.7 * refillMs + 0.3 * (performance.now() - t);
    const have = new Set(queue.map((i) => i.candidate_id));
    if (current) have.add(current.candidate_id);
    let added = 0;
    for (const item of data.items) { if (!have.has(item.candidate_id) && !judged.has(item.candidate_id)) { queue.push(item); added += 1; } }
    preloadNext();
    return added;
  }
  function showCounts(data) {
    const c = data.counts;
    if (c) status(c.pending + " pending · " + c.curated + " curated · " + c.disputed + " disputed");
  }

  function cell(row, text, tag) { const el = document.createElement(tag || "td"); el.textContent = text; row.appendChild(el); return el; }
  function show(value) { return value === null || value === undefined ? "—" : String(value); }

  function render(item) {
    current = item;
    editing = false;
    if (!item) { $("item").hidden = true; $("done").hidden = false; return; }
    $("done").hidden = true;
    $("item").hidden = false;
    const link = $("paper-link");
    link.textContent = item.title || item.paper;
    if (item.arxiv_url && item.arxiv_url.startsWith("https://arxiv.org/")) link.href = item.arxiv_url; else link.removeAttribute("href");
    $("paper-id").textContent = item.paper;
    $("page").textContent = item.page;
    $("why").textContent = item.why;
    $("kind").textContent = item.kind;
    $("confidence").textContent = item.confidence;
    $("extractor").textContent = item.extractor;
    const table = $("fields");
    table.replaceChildren();
    const rows = Object.entries(item.fields).concat([["model", item.model], ["stage", item.stage]]);
    for (const [k, v] of rows) { const tr = document.createElement("tr"); cell(tr, k, "th"); const td = cell(tr, show(v)); td.dataset.field = k; table.appendChild(tr); }
    const alts = $("alternatives");
    alts.replaceChildren();
    item.alternatives.forEach((alt) => { const li = document.createElement("li"); li.textContent = Object.entries(alt).map(([k, v]) => k + "=" + show(v)).join(", "); alts.appendChild(li); });
    $("flags").textContent = item.flags.length ? "flags: " + item.flags.join(", ") : "";
    $("snip-pre").textContent = item.snippet[0];
    $("snip-value").textContent = item.snippet[1];
    $("snip-post").textContent = item.snippet[2];
    const img = $("crop");
    if (item.crop) { img.hidden = false; img.src = item.crop; } else { img.hidden = true; img.removeAttribute("src"); }
    const others = $("others");
    others.replaceChildren();
    for (const o of item.others) { const li = document.createElement("li"); li.textContent = "p" + o.page + " " + o.kind + ": " + o.summary; if (o.decided) li.className = "done"; others.appendChild(li); }
    shownAt = performance.now();
  }

  function painted(t0) {
    requestAnimationFrame(() => requestAnimationFrame(() => { if (t0) window.__review.paints.push(performance.now() - t0); }));
  }

  // One refill at a time, again and again while the buffer is below its depth (and the queue gives items);
  // a key that finds the buffer empty waits for the refill in flight. A verdict never waits for a refill.
  let exhausted = false;
  function refill() {
    if (!topping) {
      topping = topUp(false)
        .then((added) => { exhausted = added === 0; })
        .catch((e) => { exhausted = true; status("could not load the queue: " + e.message); })
        .finally(() => { topping = null; if (!exhausted && queue.length < lowWater()) refill(); });
    }
    return topping;
  }

  async function next(t0) {
    if (!queue.length) {
      window.__review.dry += 1;
      fast = true;
      exhausted = false;
      await refill();
      // Only items whose verdicts are still on their way were left: the queue is not done, wait for them.
      if (!queue.length && outbox.pending().length) { await outbox.flush(); exhausted = false; await refill(); }
    }
    render(queue.shift() || null);
    window.__review.shown += 1;
    painted(t0);
    preloadNext();
    if (queue.length < lowWater()) { if (!topping) exhausted = false; refill(); }
  }

  async function verdict(action, extra, t0) {
    if (!current || busy) return;
    busy = true;
    const now = performance.now();
    if (lastKey) keyGap = 0.5 * keyGap + 0.5 * Math.min(now - lastKey, 5000);
    lastKey = now;
    const body = Object.assign({ event_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(),
      candidate_id: current.candidate_id, action: action, dwell_ms: Math.round(performance.now() - shownAt) }, extra || {});
    judged.add(body.candidate_id);
    sentAt.set(body.event_id, t0 || performance.now());
    outbox.put("/api/verdict", body);
    try { await next(t0); } finally { busy = false; }
  }

  function startEdit() {
    if (!current) return;
    editing = true;
    for (const td of $("fields").querySelectorAll("td")) {
      const input = document.createElement("input");
      input.name = td.dataset.field;
      const v = td.dataset.field in current.fields ? current.fields[td.dataset.field] : current[td.dataset.field];
      input.value = v === null || v === undefined ? "" : String(v);
      td.replaceChildren(input);
    }
    const first = $("fields").querySelector("input");
    if (first) first.focus();
  }

  function saveEdit(t0) {
    const fields = {};
    let model = current.model, stage = current.stage;
    for (const input of $("fields").querySelectorAll("input")) {
      if (input.name === "model") model = input.value; else if (input.name === "stage") stage = input.value; else fields[input.name] = input.value;
    }
    editing = false;
    verdict("correct", { fields: fields, model: model, stage: stage }, t0);
  }

  async function undo() {
    if (busy) return;
    busy = true;
    try {
      // The server undoes the last verdict it has: let the ones on their way arrive first.
      await outbox.flush();
      const data = await api("POST", "/api/undo");
      if (data.item) { judged.delete(data.item.candidate_id); if (current) queue.unshift(current); render(data.item); status("undone; judge it again"); } else status("nothing to undo");
    } catch (e) { status("undo failed: " + e.message); } finally { busy = false; }
  }

  document.addEventListener("keydown", (ev) => {
    const t0 = performance.now();
    if (editing) {
      if (ev.key === "Enter") { ev.preventDefault(); saveEdit(t0); }
      else if (ev.key === "Escape") { ev.preventDefault(); render(current); }
      return;
    }
    if (ev.target && ev.target.tagName === "INPUT") return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "a") verdict("accept", null, t0);
    else if (ev.key === "x") verdict("reject", null, t0);
    else if (ev.key === " ") { ev.preventDefault(); verdict("unsure", null, t0); }
    else if (ev.key === "e") { ev.preventDefault(); startEdit(); }
    else if (ev.key === "u") undo();
    else if (/^[1-9]$/.test(ev.key) && current && parseInt(ev.key, 10) <= current.alternatives.length) verdict("alternative", { n: parseInt(ev.key, 10) }, t0);
  });

  setInterval(() => { api("POST", "/api/heartbeat").catch(() => {}); }, 60000);
  unsaved(refusedText());
  // Verdicts left unsent by a reload or a sign-out go first, so the queue does not offer their items again.
  outbox.flush().then(() => topUp(true)).then(() => { render(queue.shift() || null); preloadNext(); window.__review.ready = true; }).catch((e) => status("could not load the queue: " + e.message));
})();
