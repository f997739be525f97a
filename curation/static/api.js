// The review pages' one request helper (review.js and records.js load it first; same origin, so the CSP's
// default-src 'self' allows it): fetch with the page's CSRF token and the session cookie, JSON in and out,
// a 401 goes to the login page, any other failure throws an Error with the server's message and status.
window.flopsdbApi = (function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  return async function api(method, url, body) {
    const opts = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    const resp = await fetch(url, opts);
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (resp.status === 401) { window.location = "/login"; throw new Error("signed out"); }
    if (!resp.ok) { const err = new Error((data && (data.error || data.detail)) || resp.statusText); err.status = resp.status; throw err; }
    return data;
  };
})();
