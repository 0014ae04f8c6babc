"""Annual Business Survey pages: the secretariat's survey page (questionnaire, panel, links, results
with charts, year-over-year table; member-state officials see their own state's results), and the
anonymous answer page a panel business opens from its link (no account; CSRF as on every public form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import func, select

from crossborder.core.access.principal import Principal
from crossborder.core.db import get_sessionmaker, session_scope, write_lock
from crossborder.core.errors import CrossborderError, FieldError, NotFound, ValidationFailed
from crossborder.core.files import content_disposition
from crossborder.core.settings import get_settings
from crossborder.monitoring import survey_answers, survey_links, survey_panel, survey_results
from crossborder.monitoring.charts import Series, bar_chart
from crossborder.monitoring.survey_export import responses_csv, results_csv
from crossborder.monitoring.survey_models import SEGMENTS, SurveyResponse
from crossborder.monitoring.survey_questionnaires import LIKERT, Questionnaire, load_questionnaires, questionnaire
from crossborder.monitoring.survey_results import QuestionResult
from crossborder.web.auth import check_csrf
from crossborder.web.customs import principal_of, signin_redirect
from crossborder.web.templating import render

router = APIRouter(include_in_schema=False)


def _int(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:
        raise ValidationFailed("bad year", errors=[FieldError(name, "must be a year like 2026", raw)])
    return int(raw)


def _chart(title: str, rows: tuple[QuestionResult, ...]) -> Markup:
    """Mean of each likert question with its 95 % interval as error bars (suppressed cells: n/a)."""
    likert = [q for q in rows if q.type == "likert_5"]
    means: list[Decimal | None] = [q.mean.estimate if q.mean else None for q in likert]
    low: list[Decimal | None] = [q.mean.low if q.mean else None for q in likert]
    high: list[Decimal | None] = [q.mean.high if q.mean else None for q in likert]
    return bar_chart(title, [q.code for q in likert], [Series("mean (1-5)", means)], low=low, high=high)


def _page_data(
    session: Any, principal: Principal, year: int, country: str | None, segment: str | None
) -> dict[str, Any]:
    r = survey_results.results(session, principal, year, country, segment)
    before, changes = survey_results.year_over_year(session, principal, year, country, segment, current=r)
    states = list(r.by_country)
    data: dict[str, Any] = {
        "r": r, "before": before, "changes": changes, "states": states, "segments": SEGMENTS,
        "chart": _chart(f"Mean agreement, {year} (95 % CI)", r.questions),
        "segment_chart": bar_chart(
            f"Share answering yes (paperless trade tool used), {year}", list(SEGMENTS),
            [Series("share", [next((o.share.estimate for q in r.by_segment[s] if q.code == "A2_PAPERLESS_USE"
                                    for o in q.options if o.code == "yes" and o.share), None) for s in SEGMENTS])],
        ),
        "links": survey_links.counts(session, year, None if principal.is_regional else states),
    }  # fmt: skip
    demo = select(func.count()).where(SurveyResponse.year == year, SurveyResponse.demo)
    if not principal.is_regional:  # a member state's official learns nothing about other states' responses
        demo = demo.where(SurveyResponse.country.in_(states))
    data["demo"] = bool(session.scalar(demo))
    if principal.is_regional:
        data["sizes"] = survey_panel.sizes(session)
    return data


@router.get("/monitoring/survey")
def survey_page(request: Request, year: str | None = None, country: str | None = None,
                segment: str | None = None) -> Response:  # fmt: skip
    user = getattr(request.state, "user", None)
    if user is None:
        return signin_redirect(request)
    years = list(load_questionnaires())
    chosen = _int(year, "year") or years[-1]
    form = questionnaire(chosen)
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        data = _page_data(session, principal, chosen, country or None, segment or None)
    return render(request, "monitoring/survey_page.html", form=form, years=years, year=chosen,
                  country=country or "", segment=segment or "", regional=principal.is_regional, **data)  # fmt: skip


@router.get("/monitoring/survey/{name}.csv")
def survey_csv(request: Request, name: str, year: str | None = None, country: str | None = None,
               segment: str | None = None) -> Response:  # fmt: skip
    """The same CSVs as the API, for a signed-in user (responses: secretariat only)."""
    user = getattr(request.state, "user", None)
    if user is None:
        return signin_redirect(request)
    if name not in ("results", "responses"):
        raise NotFound("no such download")
    chosen = _int(year, "year") or list(load_questionnaires())[-1]
    with get_sessionmaker()() as session:
        principal = principal_of(session, user)
        if name == "responses":
            body = responses_csv(session, principal, chosen)
        else:
            r = survey_results.results(session, principal, chosen, country or None, segment or None)
            _before, changes = survey_results.year_over_year(
                session, principal, chosen, country or None, segment or None, current=r
            )
            body = results_csv(r, changes)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(f"survey-{name}-{chosen}.csv")})  # fmt: skip


def _answers(form: Questionnaire, raw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in form.questions:
        if q.type == "multiple_choice":
            out[q.code] = [str(v) for v in raw.getlist(q.code)]
        else:
            value = raw.get(q.code)
            out[q.code] = str(value) if value is not None else None
    return out


def _form(request: Request, token: str, year: int, *, status_code: int = 200, problem: str | None = None,
          errors: list[FieldError] | None = None, given: dict[str, Any] | None = None) -> Response:  # fmt: skip
    wrong = {e.path.removeprefix("answers."): e for e in errors or []}
    return render(request, "monitoring/survey_answer.html", status_code=status_code, token=token,
                  form=questionnaire(year), problem=problem, wrong=wrong, given=given or {}, likert=LIKERT)  # fmt: skip


# The token never travels in a path: the access log records every request's path, and a token there
# would be a live key written to the logs. The link carries it in the query; the page moves it into an
# HttpOnly cookie and reloads without it (out of the address bar, history and Referer), so a language
# switch, which returns to the path, keeps the questionnaire open. The form posts it in its body.
SURVEY_COOKIE = "cb_survey"


@router.get("/survey/answer")
def answer_page(request: Request, token: str = "") -> Response:
    if token:
        response = RedirectResponse("/survey/answer", status_code=303)
        response.set_cookie(SURVEY_COOKIE, token[: survey_links.MAX_TOKEN + 1], httponly=True, samesite="lax",
                            secure=get_settings().secure_cookies, path="/survey")  # fmt: skip
        return response
    token = request.cookies.get(SURVEY_COOKIE, "")
    with get_sessionmaker()() as session:
        try:
            opened = survey_links.open_link(session, token)
        except CrossborderError:
            return render(request, "monitoring/survey_closed.html", status_code=404, reason="invalid")
        year, state = opened.link.year, opened.state
    if state != "open":
        return render(request, "monitoring/survey_closed.html", status_code=200 if state == "used" else 410,
                      reason=state)  # fmt: skip
    return _form(request, token, year)


@router.post("/survey/answer")
async def answer_submit(request: Request) -> Response:
    await check_csrf(request)
    raw = await request.form()
    given_token = raw.get("token")
    token = given_token if isinstance(given_token, str) else request.cookies.get(SURVEY_COOKIE, "")
    with write_lock(), session_scope() as session:
        try:
            opened = survey_links.open_link(session, token)
        except CrossborderError:
            return render(request, "monitoring/survey_closed.html", status_code=404, reason="invalid")
        given = _answers(questionnaire(opened.link.year), raw)
        try:
            _response, created = survey_answers.submit(session, token, given)
        except ValidationFailed as exc:
            session.rollback()
            return _form(request, token, opened.link.year, status_code=422, problem=exc.detail, errors=exc.errors,
                         given=given)  # fmt: skip
        except CrossborderError:
            session.rollback()
            return render(request, "monitoring/survey_closed.html", status_code=410, reason="expired")
    if not created:
        return render(request, "monitoring/survey_closed.html", reason="used")
    return render(request, "monitoring/survey_thanks.html", status_code=201)
