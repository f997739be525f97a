"""The review web app: FastAPI + Jinja2 (autoescaped) + a little JavaScript.

Build it with :func:`create_app` and any :class:`curation.store.ReviewStore`; ``flopsdb/review.py``
passes the DuckDB-backed one. Every request does its own short store calls, so the database is
never held open between requests. Sessions are cookies holding a random token (the store keeps only
its digest); every request that changes data must carry the session's CSRF token (header
``X-CSRF-Token`` or form field ``csrf``); roles are checked on the server for every route.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from flopsdb.core.errors import CurationError, FlopsdbError, LeaseError, PermissionDenied
from flopsdb.core.kinds import Action, ReviewMode
from flopsdb.curation.agreement import agreement, extractor_precision
from flopsdb.curation.auth import new_token, same_token
from flopsdb.curation.crop import crop_png
from flopsdb.curation.model import (
    ROLES,
    Event,
    Session,
    check_fields,
    check_version,
    coerce_fields,
    make_after,
    new_event_id,
    role_allows,
)
from flopsdb.curation.records import (
    BASELINES,
    RECORD_ACTIONS,
    UNLINKED,
    RecordUnit,
    fact_rows,
    fact_verdict,
    find_unit,
    move_target,
    record_accept_verdicts,
    unit_json,
)
from flopsdb.curation.store import ReviewStore
from flopsdb.extract.candidate import KINDS, STAGES, Candidate

SESSION_COOKIE = "flopsdb_session"
LOGIN_COOKIE = "flopsdb_login_csrf"


SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_LOGIN_ERRORS = {"wrong": "wrong name or password"}
ALTERNATIVE = "alternative"
"""The page's request to keep alternative ``n`` (stored as a ``correct``)."""
_VERDICTS: tuple[str, ...] = (Action.ACCEPT, Action.REJECT, Action.UNSURE, Action.CORRECT, ALTERNATIVE)
_Value = StrictBool | StrictInt | StrictFloat | StrictStr | None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (NUL, escape sequences, newlines): never part of a value a person types into a field."""
MAX_BODY = 1_048_576
"""The largest request body the server reads (bytes); a larger one is refused with 413 before it is read."""


def _plain_text(value: str | None) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise ValueError("must not hold control characters")
    return value


def _finite_fields(value: dict[str, Any]) -> dict[str, Any]:
    for key, v in value.items():
        if len(key) > 64 or _CONTROL.search(key):
            raise ValueError(f"field name {key[:40]!r} must be at most 64 characters, without control characters")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"field {key[:40]!r} must be a finite number")
        if isinstance(v, str) and _CONTROL.search(v):
            raise ValueError(f"field {key[:40]!r} must not hold control characters")
    return value


_Fields = Annotated[dict[StrictStr, _Value], Field(max_length=16), AfterValidator(_finite_fields)]
"""Corrected field values of a verdict: at most 16, numbers finite."""


@dataclass(frozen=True)
class WebSettings:
    """Options of the web app: where crops are cached, how many items the page prefetches, whether
    cookies carry the Secure flag (behind TLS), how many failed sign-ins a user name and an
    address may make per window before the server answers 429, and the default paper and kind filter
    of the queue and the record screen (``review serve --paper --kind``; a request's own filter wins)."""

    crop_dir: Path
    prefetch: int = 5
    secure_cookies: bool = False
    session_hours: float = 12.0
    login_user_limit: int = 10
    login_address_limit: int = 30
    login_window_s: float = 900.0
    paper: str | None = None
    kind: str | None = None


class VerdictBody(BaseModel):
    """The body of ``POST /api/verdict``: a verdict on a leased item (``mode="lease"``), a revision of
    one's own verdict (``"revise"``) or a reviewer's adjudication (``"adjudicate"``)."""

    model_config = ConfigDict(extra="forbid")

    candidate_id: StrictStr = Field(min_length=1, max_length=64)
    action: StrictStr
    event_id: StrictStr | None = Field(None, pattern=r"^[A-Za-z0-9._:-]{1,64}$")
    n: StrictInt | None = Field(None, ge=1, le=9)
    fields: _Fields | None = None
    model: Annotated[StrictStr, AfterValidator(_plain_text)] | None = Field(None, max_length=300)
    stage: Literal[STAGES + ("",)] | None = None  # type: ignore[valid-type]
    dwell_ms: StrictInt | None = Field(None, ge=0, le=86_400_000)
    mode: ReviewMode = ReviewMode.LEASE

    @field_validator("action")
    @classmethod
    def _known_action(cls, value: str) -> str:
        if value not in _VERDICTS:
            raise ValueError(f"unknown verdict {value[:40]!r}; choose one of {', '.join(_VERDICTS)}")
        return value


class VerdictBatch(BaseModel):
    """The body of ``POST /api/verdicts``: the verdicts the page's outbox holds, sent at once (in order)."""

    model_config = ConfigDict(extra="forbid")

    verdicts: list[VerdictBody] = Field(min_length=1, max_length=50)


_PAPER = r"^[A-Za-z0-9._/-]{1,64}$"
_SKIP = r"^[A-Za-z0-9._:-]{1,64}(,[A-Za-z0-9._:-]{1,64}){0,399}$"
_EVENT_ID = r"^[A-Za-z0-9._-]{1,56}$"
Estimator = Callable[[list[dict[str, Any]]], dict[str, dict[str, Any]]]
"""Compute estimates of record units from their facts (``curation.records.fact_rows``), by record key."""


class RecordAcceptBody(BaseModel):
    """The body of ``POST /api/record/accept``: accept every listed fact of one record (the record's open facts
    as the screen showed them). ``event_id`` is the client's id of the whole acceptance; fact n gets ``<id>.n``."""

    model_config = ConfigDict(extra="forbid")

    paper: StrictStr = Field(pattern=_PAPER)
    key: StrictStr = Field(min_length=1, max_length=300)
    candidate_ids: list[StrictStr] = Field(min_length=1, max_length=200)
    event_id: StrictStr | None = Field(None, pattern=_EVENT_ID)
    dwell_ms: StrictInt | None = Field(None, ge=0, le=86_400_000)


class RecordFactBody(BaseModel):
    """The body of ``POST /api/record/fact``: one fact of a record screen. ``accept`` keeps it, ``fix`` keeps it
    with corrected ``fields``, ``move`` links it to another model of the paper (``to_key``, a key from the
    screen's list), ``not_paper`` marks it not the paper's (a result becomes ``own: false``, anything else is
    rejected), ``reject`` rejects it."""

    model_config = ConfigDict(extra="forbid")

    paper: StrictStr = Field(pattern=_PAPER)
    key: StrictStr = Field(min_length=1, max_length=300)
    candidate_id: StrictStr = Field(min_length=1, max_length=64)
    action: Literal[RECORD_ACTIONS]  # type: ignore[valid-type]
    fields: _Fields | None = None
    to_key: StrictStr | None = Field(None, min_length=1, max_length=300)
    event_id: StrictStr | None = Field(None, pattern=_EVENT_ID)
    dwell_ms: StrictInt | None = Field(None, ge=0, le=86_400_000)

    @model_validator(mode="after")
    def _needs(self) -> RecordFactBody:
        if self.action == "fix" and not self.fields:
            raise ValueError("fix needs the corrected fields")
        if self.action == "move" and not self.to_key:
            raise ValueError("move needs to_key, the record to move the fact to")
        return self


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request too large: body: at most {limit} bytes", "fields": [{"field": "body", "problem": "too large"}]}, 413)


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is refused with 413 naming the body, before it is read
    when ``Content-Length`` says so, else as soon as the bytes received pass the limit (a chunked body)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b"")) if message["type"] == "http.request" else 0
            if seen > self.limit:
                raise StarletteHTTPException(413, f"request too large: body: at most {self.limit} bytes")
            return message

        await self.app(scope, limited, send)


def _unprocessable(field: str, problem: str) -> JSONResponse:
    """A 422 naming the field, shaped like the validation errors."""
    return JSONResponse({"error": f"invalid request: {field}: {problem}", "fields": [{"field": field, "problem": problem}]}, status_code=422)


class _Unprocessable(Exception):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


class _NeedLogin(Exception):
    pass


def _templates() -> Jinja2Templates:
    folder = str(resources.files("flopsdb.curation") / "templates")
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True, default_for_string=True))
    return Jinja2Templates(env=env)


def create_app(store: ReviewStore, settings: WebSettings, *, estimate: Estimator | None = None) -> FastAPI:
    """The review app over ``store``; ``estimate`` gives the record screen its compute estimate (the wiring
    passes one built on ``scaling.records``; without it the screen shows none)."""
    app = FastAPI(title="flopsdb review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
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

    def api_session(request: Request) -> Session:
        """The signed-in session of a JSON request carrying its CSRF header (checked before the body)."""
        sess = need(request)
        check_csrf(request, sess)
        return sess

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        resp = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        if settings.secure_cookies:
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.url.path.startswith(("/static/", "/crop/")):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

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

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        """Every refusal answers ``{"error": ...}`` like the others (``detail`` kept for older pages); a body that is
        too large (413) or cannot be parsed at all (not UTF-8, nested too deeply) names the field ``body``."""
        if exc.status_code == 413:
            return _too_large(MAX_BODY)
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return _unprocessable("body", "not JSON in UTF-8, or nested too deeply")
        return JSONResponse({"error": str(exc.detail), "detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        def field(e: Any) -> str:
            if e.get("type") == "json_invalid":  # the location is a character offset, not a field
                return "body"
            return (".".join(str(p) for p in e["loc"] if p != "body") or "body")[:80]

        problems = [{"field": field(e), "problem": e["msg"]} for e in exc.errors()[:10]]
        text = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        return JSONResponse({"error": f"invalid request: {text}", "fields": problems}, status_code=422)

    @app.exception_handler(_Unprocessable)
    def _semantic(request: Request, exc: _Unprocessable) -> Response:
        return _unprocessable(exc.field, exc.problem)

    def login_page(request: Request, error: str = "", status: int = 200, headers: dict[str, str] | None = None) -> Response:
        token = new_token()
        resp = page(request, "login.html", None, login_csrf=token, error=error)
        resp.status_code = status
        resp.headers.update(headers or {})
        resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies)
        return resp

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str = "") -> Response:
        return login_page(request, _LOGIN_ERRORS.get(error, ""))

    @app.post("/login")
    def login(request: Request, name: str = Form(..., max_length=64), password: str = Form(..., max_length=1024), csrf: str = Form("")) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_COOKIE)):
            raise HTTPException(403, "missing or wrong CSRF token")
        user_key, address_key = f"user:{name.strip()}", f"address:{request.client.host if request.client else '-'}"
        window = settings.login_window_s
        wait = store.take_attempt(user_key, settings.login_user_limit, window)
        if not wait:
            wait = store.take_attempt(address_key, settings.login_address_limit, window)
            if wait:
                store.forgive_attempt(user_key)
        if wait:
            seconds = max(1, math.ceil(wait))
            return login_page(
                request, f"too many failed sign-ins for this name or address; try again in {seconds} s", 429, {"Retry-After": str(seconds)}
            )
        user = store.authenticate(name, password)
        if user is None:
            return RedirectResponse("/login?error=wrong", status_code=303)
        store.forgive_attempt(user_key)
        store.forgive_attempt(address_key)
        sess = store.open_session(user, hours=settings.session_hours)
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(
            SESSION_COOKIE, sess.token, httponly=True, samesite="strict", secure=settings.secure_cookies, max_age=int(settings.session_hours * 3600)
        )
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
    def queue(
        request: Request,
        n: int = 3,
        counts: int = 0,
        paper: str | None = Query(None, pattern=_PAPER),
        kind: Literal[KINDS] | None = None,  # type: ignore[valid-type]
        skip: str | None = Query(None, pattern=_SKIP),
    ) -> dict[str, Any]:
        """Lease up to ``n`` (at most 20) items; ``skip``: comma-separated ids the page already has (its buffer,
        the items whose verdicts are on their way), left out so the refill brings new ones."""
        sess = need(request)
        items = store.lease_next(
            sess.user.name, n=max(1, min(n, 20)), paper=paper or settings.paper, kind=kind or settings.kind, skip=skip.split(",") if skip else ()
        )
        for i in items:
            remember_evidence(i.candidate_id, i)
        return {"items": [i.to_json() for i in items], "counts": store.queue_counts() if counts else None}

    @app.get("/api/counts")
    def counts(request: Request) -> dict[str, Any]:
        """The queue counts of the status line, apart from the prefetch so a refill never waits for them."""
        need(request)
        return {"counts": store.queue_counts()}

    @app.post("/api/verdict")
    async def verdict(body: VerdictBody, sess: Session = Depends(api_session)) -> dict[str, Any]:
        if body.mode == ReviewMode.ADJUDICATE and not role_allows(sess.user.role, "reviewer"):
            raise PermissionDenied(f"{sess.user.name} is {sess.user.role}; adjudication needs reviewer")
        stored = await run_in_threadpool(store.decide, body.candidate_id, lambda c: _verdict_event(c, sess.user.name, body), mode=body.mode)
        return {"ok": True, "event_id": stored.event_id, "action": stored.action, "revises": stored.revises}

    def decide_all(sess: Session, bodies: list[VerdictBody]) -> list[dict[str, Any]]:
        """Each verdict of a batch stored or refused on its own, in order: one transaction for all when all are
        stored, else one each (so one refusal, a lost lease, costs the others nothing)."""

        def made(body: VerdictBody) -> Callable[[Candidate], Event]:
            return lambda c: _verdict_event(c, sess.user.name, body)

        def answer(stored: Event) -> dict[str, Any]:
            return {"ok": True, "event_id": stored.event_id, "action": stored.action, "revises": stored.revises}

        may_adjudicate = role_allows(sess.user.role, "reviewer")
        modes = {b.mode for b in bodies}
        if len(modes) == 1 and (may_adjudicate or ReviewMode.ADJUDICATE not in modes):
            try:
                return [answer(e) for e in store.decide_many([(b.candidate_id, made(b)) for b in bodies], mode=bodies[0].mode)]
            except CurationError:
                pass  # rolled back: find out which, one at a time
        out: list[dict[str, Any]] = []
        for b in bodies:
            try:
                if b.mode == ReviewMode.ADJUDICATE and not may_adjudicate:
                    raise PermissionDenied(f"{sess.user.name} is {sess.user.role}; adjudication needs reviewer")
                out.append(answer(store.decide(b.candidate_id, made(b), mode=b.mode)))
            except CurationError as exc:
                status = 403 if isinstance(exc, PermissionDenied) else 409 if isinstance(exc, LeaseError) else 400
                out.append({"ok": False, "status": status, "error": str(exc)})
        return out

    @app.post("/api/verdicts")
    async def verdicts(body: VerdictBatch, sess: Session = Depends(api_session)) -> dict[str, Any]:
        """Several verdicts at once (the outbox sends what waits in one request); ``results`` answers each in
        order as ``POST /api/verdict`` would (``ok``, else ``status`` and ``error``)."""
        return {"results": await run_in_threadpool(decide_all, sess, body.verdicts)}

    @app.post("/api/undo")
    def undo(sess: Session = Depends(api_session)) -> dict[str, Any]:
        target = store.undo_last(sess.user.name)
        if target is None:
            return {"ok": False, "item": None}
        item = store.item(target.candidate_id, why=f"undone: your {target.action} is cancelled; judge it again")
        return {"ok": True, "undone": target.event_id, "item": item.to_json() if item else None}

    def record_payload(unit: RecordUnit | None, units: list[RecordUnit], why: str = "") -> dict[str, Any] | None:
        if unit is None:
            return None
        est = {}
        if estimate is not None and unit.key not in (BASELINES, UNLINKED):
            est = estimate(fact_rows(unit)).get(unit.key, {})
        return unit_json(unit, units, why=why, estimate=est)

    @app.get("/records", response_class=HTMLResponse)
    def records_page(request: Request, paper: str | None = Query(None, pattern=_PAPER), kind: Literal[KINDS] | None = None) -> Response:  # type: ignore[valid-type]
        sess = need(request, html=True)
        return page(request, "records.html", sess, paper=paper or settings.paper or "", kind=kind or settings.kind or "", kinds=KINDS)

    @app.get("/api/record")
    async def record_next(
        request: Request,
        paper: str | None = Query(None, pattern=_PAPER),
        kind: Literal[KINDS] | None = None,  # type: ignore[valid-type]
        key: str | None = Query(None, min_length=1, max_length=300),
    ) -> dict[str, Any]:
        sess = need(request)
        if key is not None and paper is None:
            raise _Unprocessable("query.paper", "a record key needs its paper")
        got = await run_in_threadpool(store.lease_record, sess.user.name, paper=paper or settings.paper, kind=kind or settings.kind, key=key)
        if got is None:
            return {"record": None, "counts": store.queue_counts()}
        unit, units, why = got
        return {"record": record_payload(unit, units, why), "counts": store.queue_counts()}

    def unit_of(body_paper: str, key: str, user: str) -> tuple[RecordUnit, list[RecordUnit]]:
        units = store.paper_units(body_paper, user)
        unit = find_unit(units, key=key)
        if unit is None:
            raise _Unprocessable("key", f"paper {body_paper} has no record {key[:80]!r}")
        return unit, units

    def field_error(exc: CurationError) -> _Unprocessable:
        text = str(exc).split(" (paper=")[0]
        named = re.match(r"field '(\w+)' (.*)", text)
        if named:
            return _Unprocessable(f"fields.{named.group(1)}", named.group(2))
        name, sep, problem = text.partition(": ")
        return _Unprocessable(name, problem) if sep and " " not in name else _Unprocessable("fields", text)

    @app.post("/api/record/accept")
    async def record_accept(body: RecordAcceptBody, sess: Session = Depends(api_session)) -> dict[str, Any]:
        me = sess.user.name
        unit, _ = await run_in_threadpool(unit_of, body.paper, body.key, me)
        try:
            decisions = record_accept_verdicts(unit, body.candidate_ids, me, event_id=body.event_id, dwell_ms=body.dwell_ms)
        except CurationError as exc:
            raise field_error(exc) from None
        stored = await run_in_threadpool(store.decide_many, decisions)
        unit, units = await run_in_threadpool(unit_of, body.paper, body.key, me)
        return {"ok": True, "event_ids": [e.event_id for e in stored], "record": record_payload(unit, units)}

    @app.post("/api/record/fact")
    async def record_fact(body: RecordFactBody, sess: Session = Depends(api_session)) -> dict[str, Any]:
        me = sess.user.name
        unit, units = await run_in_threadpool(unit_of, body.paper, body.key, me)
        fact = next((f for f, _ in unit.facts if f.candidate_id == body.candidate_id), None)
        if fact is None:
            raise _Unprocessable("candidate_id", f"{body.candidate_id!r} is not a fact of record {body.key[:80]!r}")
        try:
            target = move_target(units, fact, body.to_key) if body.action == "move" else None
        except CurationError as exc:
            raise field_error(exc) from None
        make = fact_verdict(fact, body.action, me, fields=body.fields, target=target, event_id=body.event_id, dwell_ms=body.dwell_ms)

        def checked(c: Candidate) -> Event:
            try:
                return make(c)
            except CurationError as exc:
                raise field_error(exc) from None

        mode = ReviewMode.REVISE if fact.state == "mine" else ReviewMode.LEASE
        stored = await run_in_threadpool(store.decide_many, [(body.candidate_id, checked)], mode=mode)
        units = await run_in_threadpool(store.paper_units, body.paper, me)
        shown = find_unit(units, key=body.key) or find_unit(units, candidate_id=body.candidate_id)
        return {"ok": True, "event_id": stored[0].event_id, "action": stored[0].action, "record": record_payload(shown, units)}

    @app.post("/api/heartbeat")
    def heartbeat(sess: Session = Depends(api_session)) -> dict[str, Any]:
        return {"leases": store.heartbeat(sess.user.name)}

    # Where each prefetched item's evidence is, so the page's crop request (one per item, right after the
    # prefetch) does not build the item again: a candidate's evidence never changes (its id is made from it).
    evidence: OrderedDict[str, tuple[str, int, Any]] = OrderedDict()
    evidence_lock = threading.Lock()

    def remember_evidence(candidate_id: str, item: Any) -> tuple[str, int, Any] | None:
        if item is None or not item.pdf_path:
            return None
        got = (item.pdf_path, item.candidate.evidence.page, item.candidate.evidence.bbox)
        with evidence_lock:
            evidence[candidate_id] = got
            while len(evidence) > 5000:
                evidence.popitem(last=False)
        return got

    @app.get("/crop/{candidate_id}.png")
    def crop(request: Request, candidate_id: str) -> Response:
        need(request)
        with evidence_lock:
            got = evidence.get(candidate_id)
        if got is None:
            got = remember_evidence(candidate_id, store.item(candidate_id))
        if got is None:
            raise HTTPException(404, "no PDF for this candidate")
        pdf_path, page_no, bbox = got
        data = crop_png(settings.crop_dir, pdf_path, page_no, bbox)
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
        store.record(Event(new_event_id(), candidate_id, sess.user.name, Action.ADJUDICATE, after=after), require_lease=False)
        return RedirectResponse("/adjudicate", status_code=303)

    @app.get("/agreement", response_class=HTMLResponse)
    def agreement_page(request: Request) -> Response:
        sess = need(request, html=True)
        ratings = store.ratings()
        rows = [a.row() for a in agreement(ratings)]
        people = [a.row() for a in agreement(ratings, include_extractor=False)]
        return page(request, "agreement.html", sess, rows=rows, people=people, precision=extractor_precision(ratings), counts=store.queue_counts())

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request) -> Response:
        sess = need(request, "admin", html=True)
        return page(request, "users.html", sess, users=store.users())

    @app.post("/admin/users")
    def users_add(request: Request, name: str = Form(...), role: str = Form(...), password: str = Form(...), csrf: str = Form("")) -> Response:
        sess = need(request, "admin")
        check_csrf(request, sess, csrf)
        store.add_user(name, role, password)
        return RedirectResponse("/admin/users", status_code=303)

    return app


def _verdict_event(c: Candidate, annotator: str, body: VerdictBody) -> Event:
    """An event from the page's verdict request (``accept``, ``reject``, ``unsure``, ``correct``
    with ``fields``/``model``/``stage``, or ``alternative`` n picked with keys 1-9). Corrected values
    are checked like extracted ones (``curation.model.check_fields``)."""
    action, after = body.action, None
    if action == ALTERNATIVE:
        n = body.n or 0
        if not 1 <= n <= len(c.alternatives):
            raise CurationError(f"no alternative {n}", paper=c.paper)
        after = make_after({**c.fields, **coerce_fields(c.kind, c.alternatives[n - 1])}, c.model, c.stage)
        action = Action.CORRECT
    elif action == Action.CORRECT:
        fields = {**c.fields, **check_fields(c.kind, coerce_fields(c.kind, body.fields or {}))}
        sent = body.model_fields_set
        model, stage = check_version(body.model if "model" in sent else c.model, body.stage if "stage" in sent else c.stage)
        after = make_after(fields, model, stage)
        if after == make_after(c.fields, c.model, c.stage):
            action = Action.ACCEPT
    elif action == Action.ACCEPT:
        after = make_after(c.fields, c.model, c.stage)
    return Event(
        event_id=body.event_id or new_event_id(),
        candidate_id=body.candidate_id,
        annotator=annotator,
        action=action,
        after=after,
        dwell_ms=body.dwell_ms,
        extractor=c.extractor,
        source="web",
    )
