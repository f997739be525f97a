"""The review web app: FastAPI + Jinja2 (autoescaped) + a little JavaScript.

Build it with :func:`create_app` and any :class:`curation.store.ReviewStore`; ``flopsdb/review.py``
passes the DuckDB-backed one. Every request does its own short store calls, so the database is
never held open between requests. Sessions are cookies holding a random token (the store keeps only
its digest); every request that changes data must carry the session's CSRF token (header
``X-CSRF-Token`` or form field ``csrf``); roles are checked on the server for every route.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flopsdb.curation.agreement import agreement, extractor_precision
from flopsdb.curation.auth import new_token, same_token
from flopsdb.curation.crop import crop_png
from flopsdb.curation.model import ROLES, Event, Session, coerce_fields, make_after, new_event_id, role_allows
from flopsdb.curation.store import ReviewStore
from flopsdb.extract.candidate import Candidate
from flopsdb.core.errors import CurationError, FlopsdbError, LeaseError, PermissionDenied

__all__ = ["create_app", "WebSettings", "SESSION_COOKIE"]

SESSION_COOKIE = "flopsdb_session"
LOGIN_COOKIE = "flopsdb_login_csrf"


@dataclass(frozen=True)
class WebSettings:
    """Options of the web app: where crops are cached, how many items the page prefetches."""

    crop_dir: Path
    prefetch: int = 5
    secure_cookies: bool = False
    session_hours: float = 12.0


class _NeedLogin(Exception):
    pass


def _templates() -> Jinja2Templates:
    folder = str(resources.files("flopsdb.curation") / "templates")
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True, default_for_string=True))
    return Jinja2Templates(env=env)


def create_app(store: ReviewStore, settings: WebSettings) -> FastAPI:
    """The review app over ``store``."""
    app = FastAPI(title="flopsdb review", docs_url=None, redoc_url=None, openapi_url=None)
    templates = _templates()
    app.mount("/static", StaticFiles(directory=str(resources.files("flopsdb.curation") / "static")), name="static")

    def session_of(request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        return store.session(token) if token else None

    def need(request: Request, role: str = "annotator", *, html: bool = False) -> Session:
        sess = session_of(request)
        if sess is None:
            if html:
                raise _NeedLogin()
            raise HTTPException(401, "sign in first")
        if not role_allows(sess.user.role, role):
            raise PermissionDenied(f"{sess.user.name} is {sess.user.role}; this needs {role}")
        return sess

    def check_csrf(request: Request, sess: Session, form_token: str | None = None) -> None:
        token = form_token or request.headers.get("x-csrf-token")
        if not same_token(token, sess.csrf):
            raise HTTPException(403, "missing or wrong CSRF token")

    def page(request: Request, name: str, sess: Session | None, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"session": sess, "roles": ROLES, **context})

    @app.exception_handler(_NeedLogin)
    def _to_login(request: Request, exc: _NeedLogin) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PermissionDenied)
    def _denied(request: Request, exc: PermissionDenied) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=403)

    @app.exception_handler(LeaseError)
    def _lease(request: Request, exc: LeaseError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=409)

    @app.exception_handler(FlopsdbError)
    def _bad(request: Request, exc: FlopsdbError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str = "") -> Response:
        token = new_token()
        resp = page(request, "login.html", None, login_csrf=token, error=error)
        resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies)
        return resp

    @app.post("/login")
    def login(request: Request, name: str = Form(...), password: str = Form(...), csrf: str = Form("")) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_COOKIE)):
            raise HTTPException(403, "missing or wrong CSRF token")
        user = store.authenticate(name, password)
        if user is None:
            return RedirectResponse("/login?error=wrong+name+or+password", status_code=303)
        sess = store.open_session(user, hours=settings.session_hours)
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(SESSION_COOKIE, sess.token, httponly=True, samesite="strict", secure=settings.secure_cookies,
                        max_age=int(settings.session_hours * 3600))
        resp.delete_cookie(LOGIN_COOKIE)
        return resp

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        sess = need(request)
        check_csrf(request, sess, csrf)
        store.release(sess.user.name)
        store.close_session(sess.token)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    @app.get("/", response_class=HTMLResponse)
    def review_page(request: Request) -> Response:
        sess = need(request, html=True)
        return page(request, "review.html", sess, prefetch=settings.prefetch)

    @app.get("/api/queue")
    def queue(request: Request, n: int = 3, counts: int = 0) -> dict[str, Any]:
        sess = need(request)
        items = store.lease_next(sess.user.name, n=max(1, min(n, 20)))
        return {"items": [i.to_json() for i in items], "counts": store.queue_counts() if counts else None}

    @app.post("/api/verdict")
    async def verdict(request: Request) -> dict[str, Any]:
        sess = need(request)
        check_csrf(request, sess)
        try:
            body = await request.json()
        except ValueError:
            raise CurationError("request body is not JSON") from None
        cid = str(body.get("candidate_id", ""))
        stored = await run_in_threadpool(store.decide, cid, lambda c: _verdict_event(c, cid, sess.user.name, body))
        return {"ok": True, "event_id": stored.event_id, "action": stored.action}

    @app.post("/api/undo")
    def undo(request: Request) -> dict[str, Any]:
        sess = need(request)
        check_csrf(request, sess)
        target = store.undo_last(sess.user.name)
        if target is None:
            return {"ok": False, "item": None}
        item = store.item(target.candidate_id, why=f"undone: your {target.action} is cancelled; judge it again")
        return {"ok": True, "undone": target.event_id, "item": item.to_json() if item else None}

    @app.post("/api/heartbeat")
    def heartbeat(request: Request) -> dict[str, Any]:
        sess = need(request)
        check_csrf(request, sess)
        return {"leases": store.heartbeat(sess.user.name)}

    @app.get("/crop/{candidate_id}.png")
    def crop(request: Request, candidate_id: str) -> Response:
        need(request)
        item = store.item(candidate_id)
        if item is None or not item.pdf_path:
            raise HTTPException(404, "no PDF for this candidate")
        ev = item.candidate.evidence
        data = crop_png(settings.crop_dir, item.pdf_path, ev.page, ev.bbox)
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/adjudicate", response_class=HTMLResponse)
    def adjudicate_page(request: Request) -> Response:
        sess = need(request, "reviewer", html=True)
        return page(request, "adjudicate.html", sess, disputes=store.disagreements())

    @app.post("/adjudicate")
    def adjudicate(request: Request, candidate_id: str = Form(...), version: int = Form(...), csrf: str = Form("")) -> Response:
        sess = need(request, "reviewer")
        check_csrf(request, sess, csrf)
        dispute = next((d for d in store.disagreements() if d.candidate_id == candidate_id), None)
        if dispute is None or not 0 <= version < len(dispute.versions):
            raise CurationError(f"no open disagreement {candidate_id!r} with version {version}")
        chosen = dispute.versions[version]
        after = None
        if chosen["outcome"] == "keep" and chosen["after"] is not None:
            after = make_after(chosen["after"].get("fields", {}), chosen["after"].get("model"), chosen["after"].get("stage"))
        store.record(Event(new_event_id(), candidate_id, sess.user.name, "adjudicate", after=after), require_lease=False)
        return RedirectResponse("/adjudicate", status_code=303)

    @app.get("/agreement", response_class=HTMLResponse)
    def agreement_page(request: Request) -> Response:
        sess = need(request, html=True)
        ratings = store.ratings()
        rows = [a.row() for a in agreement(ratings)]
        people = [a.row() for a in agreement(ratings, include_extractor=False)]
        return page(request, "agreement.html", sess, rows=rows, people=people,
                    precision=extractor_precision(ratings), counts=store.queue_counts())

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request) -> Response:
        sess = need(request, "admin", html=True)
        return page(request, "users.html", sess, users=store.users())

    @app.post("/admin/users")
    def users_add(request: Request, name: str = Form(...), role: str = Form(...), password: str = Form(...),
                  csrf: str = Form("")) -> Response:
        sess = need(request, "admin")
        check_csrf(request, sess, csrf)
        store.add_user(name, role, password)
        return RedirectResponse("/admin/users", status_code=303)

    return app


def _verdict_event(c: Candidate, cid: str, annotator: str, body: dict[str, Any]) -> Event:
    """An event from the page's verdict request (``accept``, ``reject``, ``unsure``, ``correct``
    with ``fields``/``model``/``stage``, or ``alternative`` n picked with keys 1-9)."""
    action = str(body.get("action", ""))
    if action not in ("accept", "reject", "unsure", "correct", "alternative"):
        raise CurationError(f"unknown verdict {action!r}")
    after = None
    if action == "alternative":
        n = int(body.get("n", 0))
        if not 1 <= n <= len(c.alternatives):
            raise CurationError(f"no alternative {n}", paper=c.paper)
        after = make_after({**c.fields, **coerce_fields(c.kind, c.alternatives[n - 1])}, c.model, c.stage)
        action = "correct"
    elif action == "correct":
        fields = {**c.fields, **coerce_fields(c.kind, body.get("fields") or {})}
        model = body.get("model", c.model) or None
        stage = body.get("stage", c.stage) or None
        after = make_after(fields, model, stage)
        if after == make_after(c.fields, c.model, c.stage):
            action = "accept"
    elif action == "accept":
        after = make_after(c.fields, c.model, c.stage)
    dwell = body.get("dwell_ms")
    return Event(
        event_id=str(body.get("event_id") or new_event_id())[:64], candidate_id=cid, annotator=annotator, action=action,
        after=after, dwell_ms=int(dwell) if isinstance(dwell, (int, float)) else None, extractor=c.extractor, source="web",
    )
