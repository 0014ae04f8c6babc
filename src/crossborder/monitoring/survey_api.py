"""Annual Business Survey API. The secretariat keeps the panel, issues links and reads everything;
member-state officials read results for their own state; a business answers with its link's token
and no account (POST /monitoring/survey/responses)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.files import content_disposition
from crossborder.core.idempotency import run_once
from crossborder.monitoring import survey_answers, survey_links, survey_panel, survey_results
from crossborder.monitoring.access import require_reader, require_secretariat
from crossborder.monitoring.survey_export import responses_csv, results_csv
from crossborder.monitoring.survey_panel import MemberIn
from crossborder.monitoring.survey_questionnaires import load_questionnaires, questionnaire
from crossborder.monitoring.survey_schemas import (
    LinksBody,
    MemberBody,
    ResponseBody,
    change_out,
    member_out,
    questionnaire_out,
    response_out,
    results_out,
)

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
Year = Annotated[int, Query(ge=2000, le=2100)]
Country = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")]
Segment = Annotated[str | None, Query(max_length=16)]
MAX_CSV_BYTES = 2 * 1024 * 1024


@router.get("/survey/questionnaires")
def list_questionnaires(caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return {"questionnaires": [questionnaire_out(q) for q in load_questionnaires().values()]}


@router.get("/survey/questionnaires/{year}")
def get_questionnaire(year: int, caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return questionnaire_out(questionnaire(year))


@router.post("/survey/panel", status_code=201)
def add_member(body: MemberBody, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Secretariat: add one business to the panel (pseudonymous: no name, no contact)."""

    def create() -> tuple[int, dict[str, Any]]:
        return 201, member_out(survey_panel.add(db, caller, MemberIn(**body.model_dump())))

    with write_lock():
        status, out = run_once(db, caller.actor, idempotency_key, body.model_dump(), create)
    return JSONResponse(out, status_code=status)


@router.post("/survey/panel/import", status_code=201)
async def import_panel(
    request: Request, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Secretariat: a CSV (panel_id,country,segment,sector). All or nothing: one bad row rejects the
    file, each error naming row, field and value."""
    content = await request.body()
    if len(content) > MAX_CSV_BYTES:
        return JSONResponse({"title": "Payload too large"}, status_code=413)

    def create() -> tuple[int, dict[str, Any]]:
        rows = survey_panel.import_csv(db, caller, content)
        return 201, {"imported": len(rows), "members": [member_out(m) for m in rows]}

    with write_lock():
        status, out = run_once(db, caller.actor, idempotency_key, {"csv": content.decode("utf-8", "replace")}, create)
    return JSONResponse(out, status_code=status)


@router.get("/survey/panel/sizes")
def panel_sizes(db: DB, caller: Caller) -> dict[str, Any]:
    require_secretariat(caller)
    sizes = survey_panel.sizes(db)
    return {"sizes": [{"country": c, "segment": s, "members": n} for (c, s), n in sorted(sizes.items())]}


@router.post("/survey/links", status_code=201)
def issue_links(body: LinksBody, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Secretariat: a link for each panel member without one for the year. The tokens appear in this
    answer only (a replay with the same Idempotency-Key answers without them)."""

    def create() -> tuple[int, dict[str, Any]]:
        issued = survey_links.issue(db, caller, body.year)
        return 201, {"year": body.year, "issued": len(issued), "links": [
            {"panel_id": i.panel_id, "country": i.country, "segment": i.segment, "token": i.token,
             "path": f"/survey/answer?token={i.token}",  # the query, not the path: paths are logged
             "expires_at": i.expires_at.isoformat()} for i in issued]}  # fmt: skip

    def without_tokens(out: dict[str, Any]) -> dict[str, Any]:
        return {**out, "links": [{k: v for k, v in x.items() if k not in ("token", "path")} for x in out["links"]]}

    with write_lock():
        status, out = run_once(db, caller.actor, idempotency_key, body.model_dump(), create, stored=without_tokens)
    return JSONResponse(out, status_code=status)


@router.post("/survey/responses", status_code=201)
def submit_response(body: ResponseBody, db: DB) -> JSONResponse:
    """Public, with a link's token: answers are checked against the year's questionnaire; any error
    rejects the whole response (422, naming code, value and rule). A link answers once: sending again
    answers the first response (200). An expired link is 410, an unknown one 404."""
    with write_lock():
        response, created = survey_answers.submit(db, body.token, body.answers)
        out = response_out(response, created)
        db.commit()
    return JSONResponse(out, status_code=201 if created else 200)


@router.get("/survey/results")
def get_results(db: DB, caller: Caller, year: Year, country: Country = None, segment: Segment = None) -> dict[str, Any]:
    """Per question: n, counts and shares (Wilson 95 % CI), means (normal-approximation 95 % CI).
    Member-state officials see their own state only. Cells under min_cell_n are suppressed."""
    r = survey_results.results(db, caller, year, country, segment)
    before, changes = survey_results.year_over_year(db, caller, year, country, segment, current=r)
    return {**results_out(r), "compared_with": before, "changes": [change_out(c) for c in changes]}


@router.get("/survey/results.csv")
def get_results_csv(db: DB, caller: Caller, year: Year, country: Country = None, segment: Segment = None) -> Response:
    r = survey_results.results(db, caller, year, country, segment)
    _before, changes = survey_results.year_over_year(db, caller, year, country, segment, current=r)
    return Response(results_csv(r, changes), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(f"survey-results-{year}.csv")})  # fmt: skip


@router.get("/survey/responses.csv")
def get_responses_csv(db: DB, caller: Caller, year: Year) -> Response:
    """Secretariat only: one row per response, a column per question code, panel ids pseudonymous."""
    return Response(responses_csv(db, caller, year), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(f"survey-responses-{year}.csv")})  # fmt: skip
