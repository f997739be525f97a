// The verdict outbox of the review pages: the item screen shows the next item at once and its verdicts are
// sent from here in the background, one at a time, in the order they were given. The server stays the
// authority: a verdict counts when the server has confirmed it (its lease, CSRF token and role are checked
// there as before). Nothing is lost:
// - verdicts that wait together go in one request (POST /api/verdicts), each answered on its own;
// - the outbox lives in sessionStorage until the server answers, so a reload or a sign-in resends it
//   (event ids are client-made, so a verdict sent twice is stored once);
// - a network failure, a 5xx or a 429 is retried with backoff (250 ms doubling to 5 s), for as long as it takes;
// - a refusal (4xx: lease lost, a bad correction) is kept in `refused` and shown, never dropped silently;
// - 401 (signed out) keeps the outbox and goes to the sign-in page.
// The record screen flushes the same outbox before it loads, so it never shows a fact whose item verdict is
// still on its way.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const user = document.querySelector('meta[name="review-user"]').content;
  // Per user: a verdict is only ever resent under the session of the annotator who gave it.
  const KEY = "flopsdb.outbox." + user;
  const REFUSED_KEY = "flopsdb.outbox.refused." + user;
  const listeners = [];
  let sending = null;
  let delay = 250;
  let lastProblem = "";

  function read(key) { try { return JSON.parse(sessionStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function write(key, list) { try { sessionStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* storage full: kept in memory */ } }
  let pending = read(KEY);
  let refused = read(REFUSED_KEY);

  function notify(event) { for (const fn of listeners) { try { fn(event); } catch (e) { /* a listener's own problem */ } } }

  async function post(item) {
    let resp;
    try {
      resp = await fetch(item.url, { method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" }, body: JSON.stringify(item.body) });
    } catch (e) { return { retry: true, problem: "network: " + e.message }; }
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (resp.ok) return { ok: true, data: data };
    const problem = (data && (data.error || data.detail)) || resp.statusText || String(resp.status);
    if (resp.status === 401) return { signedOut: true, problem: problem };
    if (resp.status >= 500 || resp.status === 429 || resp.status === 408) return { retry: true, problem: resp.status + " " + problem };
    return { refused: true, status: resp.status, problem: problem };
  }

  function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

  // Verdicts that wait together go in one request (POST /api/verdicts, one transaction on the server when all
  // are stored), answered one by one; a lone verdict goes as before (POST /api/verdict). At most BATCH at once,
  // so the server's write transaction stays short (a refill's lease insert waits for it).
  const BATCH = 10;
  let single = false;
  function batchOf() {
    if (single || pending.length < 2 || pending[0].url !== "/api/verdict") return null;
    const items = [];
    for (const item of pending) { if (item.url !== "/api/verdict" || items.length >= BATCH) break; items.push(item); }
    return items.length > 1 ? items : null;
  }

  function settle(item, got) {
    pending.shift();
    write(KEY, pending);
    if (got.ok) notify({ type: "saved", item: item, data: got.data, pending: pending.length });
    else {
      refused.push(Object.assign({}, item, { status: got.status, problem: got.problem }));
      write(REFUSED_KEY, refused);
      notify({ type: "refused", item: item, status: got.status, problem: got.problem, pending: pending.length });
    }
  }

  async function drain() {
    while (pending.length) {
      const items = batchOf();
      const got = items ? await post({ url: "/api/verdicts", body: { verdicts: items.map((i) => i.body) } }) : await post(pending[0]);
      single = false;
      if (got.signedOut) { window.location = "/login"; return; }
      if (got.retry) {
        lastProblem = got.problem;
        notify({ type: "retry", item: pending[0], problem: got.problem, pending: pending.length });
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      delay = 250;
      lastProblem = "";
      if (!items) { settle(pending[0], got); continue; }
      // The batch as a whole refused (e.g. one body the server finds invalid): send them one at a time.
      const results = got.ok && got.data && Array.isArray(got.data.results) ? got.data.results : null;
      if (!results || results.length !== items.length) { single = true; continue; }
      results.forEach((r, i) => settle(items[i], r.ok ? { ok: true, data: r } : { status: r.status, problem: r.error }));
    }
  }

  function flush() {
    if (!sending) sending = drain().finally(() => { sending = null; });
    return sending.then(() => (pending.length ? flush() : undefined));
  }

  window.flopsdbOutbox = {
    /** Queue a POST of `body` to `url` (sent after the verdicts before it) and start sending. */
    put(url, body) {
      pending.push({ url: url, body: body });
      write(KEY, pending);
      notify({ type: "queued", item: pending[pending.length - 1], pending: pending.length });
      flush();
    },
    /** Resolves when every queued verdict has been confirmed or refused. */
    flush: flush,
    pending: () => pending.slice(),
    refused: () => refused.slice(),
    problem: () => lastProblem,
    dismiss() { refused = []; write(REFUSED_KEY, refused); },
    on(fn) { listeners.push(fn); },
  };
  window.addEventListener("beforeunload", (ev) => { if (pending.length) { ev.preventDefault(); ev.returnValue = ""; } });
})();
