"""Exchange API: this node's public document, the node registry (admins), the inbox peers post to
(authenticated by the envelope signature, no API key), the outbox and message status."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse, Response

from crossborder.core.access.principal import SYSTEM
from crossborder.core.deps import DB, Caller
from crossborder.exchange import identity, inbox, nodes, outbox
from crossborder.exchange.delivery import BackgroundWorker
from crossborder.exchange.models import NodeStatus
from crossborder.exchange.schemas import BatchIn, FetchIn, MessageIn, NodeIn, OutboxIn, decode_base64
from crossborder.exchange.settings import exchange_settings
from crossborder.exchange.testtypes import register_if_enabled

register_if_enabled()


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Before serving, in this thread: the first messages find the validators ready. (A background
    # thread here raced with anything that reloads the reference data and could cache a stale copy.)
    inbox.warm_up()
    worker = BackgroundWorker() if exchange_settings().worker_enabled else None
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()


router = APIRouter(prefix="/exchange", tags=["exchange"], lifespan=_lifespan)


@router.get("/node")
def node_document(db: DB) -> JSONResponse:
    """Public: this node's id, member state, endpoint, document types and keys (JWKS), for peers'
    registries. Its first call creates the node's signing key."""
    document = identity.node_document(db, SYSTEM)
    return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})


@router.post("/node/keys/rotate")
def rotate_key(db: DB, caller: Caller) -> dict[str, Any]:
    """Admin: a new signing key; the old one stays published. Peers must re-fetch this node's document."""
    nodes.require_admin(caller)
    row = identity.rotate(db, caller)
    db.commit()
    return {"kid": row.kid, "jwks": identity.jwks(db)}


@router.get("/nodes")
def list_nodes(db: DB, caller: Caller) -> dict[str, Any]:
    """The nodes this node trusts."""
    return {"nodes": [nodes.node_out(r) for r in nodes.list_nodes(db)]}


@router.post("/nodes", status_code=201)
def put_node(body: NodeIn, db: DB, caller: Caller) -> JSONResponse:
    """Admin: register a node, or update it (keys after its rotation, endpoint, document types)."""
    row, created = nodes.put(db, caller, **body.model_dump())
    db.commit()
    return JSONResponse(nodes.node_out(row), status_code=201 if created else 200)


@router.post("/nodes/fetch", status_code=201)
def fetch_node(body: FetchIn, db: DB, caller: Caller) -> JSONResponse:
    """Admin: register (or update) a node from its public node document at URL."""
    nodes.require_admin(caller)
    row, created = nodes.put(db, caller, **nodes.fetch_document(body.url))
    db.commit()
    return JSONResponse(nodes.node_out(row), status_code=201 if created else 200)


@router.post("/nodes/{node_id}/suspend")
def suspend_node(node_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    """Admin: refuse the node's messages (unknown_sender) and send it nothing until reactivated."""
    row = nodes.set_status(db, caller, node_id, NodeStatus.suspended)
    db.commit()
    return nodes.node_out(row)


@router.post("/nodes/{node_id}/activate")
def activate_node(node_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    row = nodes.set_status(db, caller, node_id, NodeStatus.active)
    db.commit()
    return nodes.node_out(row)


@router.post("/messages", response_model=dict[str, Any])
def receive_message(body: MessageIn, db: DB) -> Response:
    """Another node's message. 200 with a signed receipt, accepted or rejected with every validation
    error (a repeat of the same message id answers the first receipt); problem+json when the envelope
    itself does not hold (reason code first in each error's rule), and then nothing is stored."""
    payload = decode_base64(body.payload, "payload")
    # Encoded here, not by FastAPI's generic serializer: strings only, on the hottest route of a node.
    answer = json.dumps(inbox.receive(db, body.envelope, payload).as_dict(), separators=(",", ":"))
    return Response(answer, media_type="application/json")


@router.post("/messages/batch", response_model=dict[str, Any])
def receive_messages(body: BatchIn, db: DB) -> Response:
    """Several messages of other nodes in one request (at most 64, within the ordinary body limit),
    stored together. Each answer is what the single inbox would have answered that message:
    {"http_status": 200, "answer": {message_id, status, receipt, repeat}} or its problem document."""
    received = inbox.receive_many(db, [(m.envelope, m.payload) for m in body.messages])
    answers = [{"http_status": status, "answer": answer} for status, answer in received]
    return Response(json.dumps({"answers": answers}, separators=(",", ":")), media_type="application/json")


@router.post("/outbox", status_code=201)
def queue_message(body: OutboxIn, db: DB, caller: Caller) -> JSONResponse:
    """Queue a document for another node. A repeated client reference answers the first message (200)."""
    row, created = outbox.queue(
        db,
        caller,
        receiver=body.receiver,
        document_type=body.document_type,
        payload=body.payload_bytes(),
        client_reference=body.client_reference,
    )
    db.commit()
    return JSONResponse(outbox.outbox_out(row), status_code=201 if created else 200)


@router.get("/messages")
def list_messages(
    db: DB,
    caller: Caller,
    direction: Annotated[str, Query(pattern="^(in|out)$")] = "out",
    status: Annotated[str | None, Query(max_length=12)] = None,
    limit: Annotated[int, Query(ge=1, le=outbox.MAX_LIST)] = 100,
    after_id: Annotated[int | None, Query(ge=0, description="Page on: the last id seen")] = None,
) -> dict[str, Any]:
    """Messages sent (out) or received (in), with status and receipt, oldest first, within your scope."""
    return {
        "messages": outbox.list_messages(db, caller, direction=direction, status=status, limit=limit, after_id=after_id)
    }


@router.get("/messages/{message_id}")
def get_message(message_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    """One message, sent or received: status, attempts, receipt."""
    return outbox.get_message(db, caller, message_id)
