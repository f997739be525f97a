// Review by record, keyboard first: a accept the record, j/k choose a fact, y accept it, e fix a field,
// m move it to another model of the paper (a list to pick from), n not the paper's, x reject, o other records,
// r next record, u undo. Every action is saved (awaited) before the screen changes. Text is set with textContent.
(function () {
  "use strict";
  const script = document.currentScript;
  const filter = { paper: script.dataset.paper || "", kind: script.dataset.kind || "" };
  const $ = (id) => document.getElementById(id);
  let rec = null;
  let focus = 0;
  let mode = "view"; // view | move | fix
  let pick = 0;
  let busy = false;
  let shownAt = 0;
  window.__records = { actions: 0, errors: [], ready: false, current: () => (rec ? rec.key : null),
    focused: () => (rec && rec.facts[focus] ? rec.facts[focus].candidate_id : null), mode: () => mode, record: () => rec };

  function status(text) { $("status").textContent = text; }
  function show(v) { return v === null || v === undefined ? "—" : String(v); }
  function uid() { return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2)).replace(/[^A-Za-z0-9]/g, "").slice(0, 40); }

  const api = window.flopsdbApi;

  function query(extra) {
    const q = new URLSearchParams();
    if (filter.paper) q.set("paper", filter.paper);
    if (filter.kind) q.set("kind", filter.kind);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q.toString();
  }

  function summary(f) {
    const v = f.current_fields;
    if (f.kind === "result") return [v.dataset, v.split, v.metric, show(v.value)].filter((x) => x).join(" ") + (v.own === false ? " (not own)" : "");
    if (f.kind === "hardware") return show(v.count) + " × " + show(v.accelerator) + (v.unit ? " (" + v.unit + ")" : "");
    if (f.kind === "training_time") return show(v.hours) + " h" + (v.scope ? " " + v.scope : "") + (v.approx ? " approx" : "");
    return show(v.value_text || v.value);
  }
  function modelOf(f) {
    if (f.role === "shared") return "all models";
    if (f.role === "main") return "main model";
    return show(f.current_model);
  }

  function cell(row, text, tag) { const el = document.createElement(tag || "td"); el.textContent = text; row.appendChild(el); return el; }

  function estimateText(est) {
    if (!est || (!est.compute && !est.missing)) return "";
    const parts = [];
    for (const [conv, e] of Object.entries(est.compute || {})) parts.push(conv + " " + Number(e.flop).toPrecision(3) + " FLOP");
    const missing = (est.missing || []).filter((m) => m !== "results");
    return "compute: " + (parts.join(" · ") || "none") + (missing.length ? " — lacks " + missing.join(", ") : "");
  }

  function render(data) {
    rec = data;
    mode = "view";
    $("move").hidden = true;
    $("fix").hidden = true;
    if (!rec) { $("record").hidden = true; $("done").hidden = false; return; }
    $("done").hidden = true;
    $("record").hidden = false;
    const link = $("paper-link");
    link.textContent = rec.title || rec.paper;
    if (rec.arxiv_url && rec.arxiv_url.startsWith("https://arxiv.org/")) link.href = rec.arxiv_url; else link.removeAttribute("href");
    $("paper-id").textContent = rec.paper;
    $("why").textContent = rec.why || "";
    $("record-name").textContent = rec.name;
    $("record-section").textContent = rec.section;
    $("record-names").textContent = rec.names.join("; ") || "—";
    $("estimate").textContent = estimateText(rec.estimate);
    const body = $("facts").querySelector("tbody");
    body.replaceChildren();
    rec.facts.forEach((f, i) => {
      const tr = document.createElement("tr");
      tr.dataset.candidate = f.candidate_id;
      tr.className = "s-" + f.state + (f.role === "shared" ? " shared" : "") + (f.headline && f.kind === "result" ? " head" : "");
      cell(tr, String(i + 1));
      cell(tr, f.kind);
      cell(tr, summary(f));
      cell(tr, modelOf(f));
      cell(tr, f.state);
      body.appendChild(tr);
    });
    const units = $("units");
    units.replaceChildren();
    const others = rec.units.filter((u) => u.key !== rec.key);
    $("others-count").textContent = String(others.length);
    others.forEach((u) => { const li = document.createElement("li"); li.textContent = u.name + " — " + u.section + ", " + u.open + " open of " + u.facts; li.dataset.key = u.key; units.appendChild(li); });
    focus = Math.min(focus, Math.max(0, rec.facts.length - 1));
    const open = rec.facts.findIndex((f) => f.state === "open");
    if (rec.facts[focus] && rec.facts[focus].state !== "open" && open >= 0) focus = open;
    setFocus(focus);
    shownAt = performance.now();
  }

  function setFocus(i) {
    if (!rec || !rec.facts.length) return;
    focus = (i + rec.facts.length) % rec.facts.length;
    $("facts").querySelectorAll("tbody tr").forEach((tr, n) => tr.classList.toggle("focus", n === focus));
    const f = rec.facts[focus];
    $("snip-pre").textContent = f.snippet[0];
    $("snip-value").textContent = f.snippet[1];
    $("snip-post").textContent = f.snippet[2];
    $("page").textContent = f.page;
    $("extractor").textContent = f.extractor;
    $("confidence").textContent = f.confidence;
    const img = $("crop");
    if (f.crop) { img.hidden = false; img.src = f.crop; } else { img.hidden = true; img.removeAttribute("src"); }
  }

  async function load(extra) {
    const data = await api("GET", "/api/record?" + query(extra));
    const c = data.counts;
    if (c) status(c.pending + " pending · " + c.curated + " curated · " + c.disputed + " disputed");
    render(data.record);
  }

  function dwell() { return Math.round(performance.now() - shownAt); }

  async function act(fn) {
    if (busy || !rec) return;
    busy = true;
    try { await fn(); window.__records.actions += 1; }
    catch (e) { status("not saved: " + e.message); window.__records.errors.push(e.message); if (e.status === 409) { try { await load({ paper: rec.paper, key: rec.key }); } catch (e2) { /* shown */ } } }
    finally { busy = false; }
  }

  function acceptRecord() {
    return act(async () => {
      const ids = rec.facts.filter((f) => f.state === "open" && f.leased).map((f) => f.candidate_id);
      if (ids.length) await api("POST", "/api/record/accept", { paper: rec.paper, key: rec.key, candidate_ids: ids, event_id: uid(), dwell_ms: dwell() });
      await load();
    });
  }

  function factAction(action, extra) {
    const f = rec && rec.facts[focus];
    if (!f) return Promise.resolve();
    return act(async () => {
      const data = await api("POST", "/api/record/fact", Object.assign({ paper: rec.paper, key: rec.key, candidate_id: f.candidate_id,
        action: action, event_id: uid(), dwell_ms: dwell() }, extra || {}));
      render(data.record);
      status(action + " saved");
    });
  }

  function startMove() {
    if (!rec.models.length) { status("this paper has no other model to move the fact to"); return; }
    mode = "move";
    pick = 0;
    const list = $("move-list");
    list.replaceChildren();
    rec.models.forEach((m) => { const li = document.createElement("li"); li.textContent = m.name + " (" + m.section + ")"; li.dataset.key = m.key; list.appendChild(li); });
    $("move").hidden = false;
    movePick(0);
  }
  function movePick(i) { pick = (i + rec.models.length) % rec.models.length; $("move-list").querySelectorAll("li").forEach((li, n) => li.classList.toggle("focus", n === pick)); }
  function doMove(i) { mode = "view"; $("move").hidden = true; return factAction("move", { to_key: rec.models[i].key }); }

  function startFix() {
    const f = rec.facts[focus];
    if (!f) return;
    mode = "fix";
    const table = $("fix-fields");
    table.replaceChildren();
    for (const [k, v] of Object.entries(f.current_fields)) {
      const tr = document.createElement("tr");
      cell(tr, k, "th");
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.name = k;
      input.value = v === null || v === undefined ? "" : String(v);
      td.appendChild(input);
      tr.appendChild(td);
      table.appendChild(tr);
    }
    $("fix").hidden = false;
    const first = table.querySelector("input");
    if (first) first.focus();
  }
  function saveFix() {
    const f = rec.facts[focus];
    const fields = {};
    for (const input of $("fix-fields").querySelectorAll("input")) {
      const old = f.current_fields[input.name];
      if (input.value !== (old === null || old === undefined ? "" : String(old))) fields[input.name] = input.value;
    }
    mode = "view";
    $("fix").hidden = true;
    if (!Object.keys(fields).length) { status("nothing changed"); return Promise.resolve(); }
    return factAction("fix", { fields: fields });
  }

  function openUnit(n) {
    const others = rec.units.filter((u) => u.key !== rec.key);
    if (n >= others.length) return;
    act(() => load({ paper: rec.paper, key: others[n].key }));
  }

  async function undo() {
    if (busy) return;
    busy = true;
    try {
      const data = await api("POST", "/api/undo");
      if (data.item) { await load({ paper: data.item.paper }); status("undone; judge it again"); } else status("nothing to undo");
    } catch (e) { status("undo failed: " + e.message); } finally { busy = false; }
  }

  $("filter").addEventListener("submit", (ev) => { ev.preventDefault(); filter.paper = $("filter-paper").value.trim(); filter.kind = $("filter-kind").value;
    history.replaceState(null, "", "/records?" + query()); load().catch((e) => status("could not load: " + e.message)); });

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (mode === "fix") {
      if (ev.key === "Enter") { ev.preventDefault(); saveFix(); } else if (ev.key === "Escape") { ev.preventDefault(); mode = "view"; $("fix").hidden = true; }
      return;
    }
    if (ev.target && (ev.target.tagName === "INPUT" || ev.target.tagName === "SELECT")) return;
    if (!rec) { if (ev.key === "r") load().catch((e) => status(e.message)); return; }
    if (mode === "move") {
      ev.preventDefault();
      if (ev.key === "Escape") { mode = "view"; $("move").hidden = true; }
      else if (ev.key === "j" || ev.key === "ArrowDown") movePick(pick + 1);
      else if (ev.key === "k" || ev.key === "ArrowUp") movePick(pick - 1);
      else if (ev.key === "Enter") doMove(pick);
      else if (/^[1-9]$/.test(ev.key) && parseInt(ev.key, 10) <= rec.models.length) doMove(parseInt(ev.key, 10) - 1);
      return;
    }
    const othersOpen = $("others").open;
    if (othersOpen && /^[1-9]$/.test(ev.key)) { ev.preventDefault(); openUnit(parseInt(ev.key, 10) - 1); return; }
    if (ev.key === "j" || ev.key === "ArrowDown") { ev.preventDefault(); setFocus(focus + 1); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { ev.preventDefault(); setFocus(focus - 1); }
    else if (ev.key === "a") acceptRecord();
    else if (ev.key === "y") factAction("accept");
    else if (ev.key === "e") { ev.preventDefault(); startFix(); }
    else if (ev.key === "m") startMove();
    else if (ev.key === "n") factAction("not_paper");
    else if (ev.key === "x") factAction("reject");
    else if (ev.key === "o") { $("others").open = !othersOpen; }
    else if (ev.key === "r") act(() => load());
    else if (ev.key === "u") undo();
  });

  setInterval(() => { api("POST", "/api/heartbeat").catch(() => {}); }, 60000);
  // Item verdicts still on their way (the item screen sends them in the background) are saved first, so the
  // record shows them as decided.
  window.flopsdbOutbox.flush().then(() => load()).then(() => { window.__records.ready = true; }).catch((e) => status("could not load: " + e.message));
})();
