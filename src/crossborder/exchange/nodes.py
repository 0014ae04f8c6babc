"""The registry of trusted nodes: who they are (node id, member state), where their inbox is,
their public keys and the document types they take. Managed by an admin; every change audited.
The registry is what makes a sender known: a node not in it, or suspended, is refused."""

from __future__ import annotations

import ipaddress
import re
import time
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.core.keys import keys_from_jwks
from crossborder.exchange.envelope import NODE_PATTERN, TYPE_PATTERN, SenderKeys
from crossborder.exchange.models import NodeStatus, TrustedNode
from crossborder.exchange.settings import exchange_settings

COUNTRY_PATTERN = re.compile(r"^([A-Z]{2}|ASEAN)$")


def require_admin(principal: Principal) -> None:
    if Role.admin not in principal.roles:
        raise Forbidden(f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot manage the node registry")


def check_endpoint(endpoint: Any, path: str = "endpoint") -> str:
    """An http(s) base URL without query or fragment; loopback only unless the deployment allows more."""
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ValidationFailed("bad endpoint", errors=[FieldError(path, "an http(s) base URL, no query", endpoint)])
    if exchange_settings().loopback_only and not _is_loopback(parts.hostname):
        rule = "must be a loopback address (CROSSBORDER_EXCHANGE_LOOPBACK_ONLY=1)"
        raise ValidationFailed("endpoint not allowed", errors=[FieldError(path, rule, endpoint)])
    return str(endpoint).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked(node_id: Any, country: Any, endpoint: Any, jwks: Any, types: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if not isinstance(node_id, str) or not NODE_PATTERN.match(node_id):
        errors.append(FieldError("node_id", "lowercase letters, digits, '.', '-'; 2 to 63", node_id))
    elif node_id == exchange_settings().node_id:
        errors.append(FieldError("node_id", "is this node itself", node_id))
    if not isinstance(country, str) or not COUNTRY_PATTERN.match(country):
        errors.append(FieldError("country", "an ISO 3166 alpha-2 code or ASEAN", country))
    try:
        check_endpoint(endpoint)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if not isinstance(jwks, dict) or not keys_from_jwks(jwks):
        errors.append(FieldError("jwks", "a JWKS with at least one Ed25519 (OKP) key with a kid", None))
    if not isinstance(types, list) or not all(isinstance(t, str) and TYPE_PATTERN.match(t) for t in types):
        errors.append(FieldError("document_types", "a list of document type names", types))
    return errors


def _as_dict(row: TrustedNode) -> dict[str, Any]:
    return {
        "node_id": row.node_id,
        "country": row.country,
        "endpoint": row.endpoint,
        "document_types": list(row.document_types),
        "status": row.status,
        "kids": sorted(keys_from_jwks(row.jwks)),
        "added_at": row.added_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def node_out(row: TrustedNode) -> dict[str, Any]:
    return _as_dict(row)


def get(session: Session, node_id: str) -> TrustedNode | None:
    return session.execute(select(TrustedNode).where(TrustedNode.node_id == node_id)).scalar_one_or_none()


def put(
    session: Session,
    principal: Principal,
    *,
    node_id: Any,
    country: Any,
    endpoint: Any,
    jwks: Any,
    document_types: Any,
) -> tuple[TrustedNode, bool]:
    """Add a node, or update one already registered (new keys after a rotation, new endpoint).
    Returns the row and whether it was created."""
    require_admin(principal)
    errors = _checked(node_id, country, endpoint, jwks, document_types)
    if errors:
        raise ValidationFailed("invalid node", errors=errors)
    row = get(session, node_id)
    before = None if row is None else _as_dict(row)
    if row is None:
        row = TrustedNode(node_id=node_id, added_at=utcnow())
        session.add(row)
    elif row.country != country:
        raise Conflict("a node's member state does not change", errors=[FieldError("country", row.country, country)])
    row.country, row.endpoint, row.jwks = country, check_endpoint(endpoint), jwks
    row.document_types, row.updated_at = sorted(set(document_types)), utcnow()
    session.flush()
    forget_cached_senders()
    audit.record(
        session,
        principal,
        "exchange.node.add" if before is None else "exchange.node.update",
        "exchange_node",
        node_id,
        country=country,
        before=before,
        after=_as_dict(row),
    )
    return row, before is None


def set_status(session: Session, principal: Principal, node_id: str, status: NodeStatus) -> TrustedNode:
    require_admin(principal)
    row = get(session, node_id)
    if row is None:
        raise NotFound(f"no node {node_id}", errors=[FieldError("node_id", "not in the registry", node_id)])
    before = _as_dict(row)
    row.status, row.updated_at = status.value, utcnow()
    forget_cached_senders()
    audit.record(
        session,
        principal,
        f"exchange.node.{status.value}",
        "exchange_node",
        node_id,
        country=row.country,
        before=before,
        after=_as_dict(row),
    )
    return row


def list_nodes(session: Session) -> list[TrustedNode]:
    return list(session.execute(select(TrustedNode).order_by(TrustedNode.node_id)).scalars())


# node id -> (read at, keys): the inbox checks a sender per message, and reading and parsing its JWKS
# each time costs more than the signature check. A change made in this process clears it at once;
# one made by another process (the CLI, another worker) takes effect within `registry_cache_seconds`.
_senders: dict[str, tuple[float, SenderKeys]] = {}


def forget_cached_senders() -> None:
    _senders.clear()


def sender_keys(session: Session, node_id: str) -> SenderKeys | None:
    cached = _senders.get(node_id)
    if cached is not None and time.monotonic() - cached[0] < exchange_settings().registry_cache_seconds:
        return cached[1]
    row = get(session, node_id)
    if row is None:
        return None
    found = SenderKeys(row.node_id, keys_from_jwks(row.jwks), row.status == NodeStatus.active.value)
    if len(_senders) > 1000:  # the registry is small; only forged sender ids could grow this
        _senders.clear()
    _senders[node_id] = (time.monotonic(), found)
    return found


def from_document(document: Any) -> dict[str, Any]:
    """The fields `put` takes, from another node's public /exchange/node document."""
    if not isinstance(document, dict):
        raise ValidationFailed("not a node document", errors=[FieldError("document", "a JSON object", None)])
    return {
        "node_id": document.get("node_id"),
        "country": document.get("country"),
        "endpoint": document.get("endpoint"),
        "jwks": document.get("jwks"),
        "document_types": document.get("document_types"),
    }


def fetch_document(url: str, timeout: float = 10.0) -> dict[str, Any]:
    """Read another node's public node document (GET /api/v1/exchange/node), loopback only unless
    the deployment allows more. What it says is checked again by `put` before anything is stored."""
    import httpx

    check_endpoint(url, "url")
    try:
        with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client:
            answer = client.get(url)
    except httpx.HTTPError as exc:
        raise ValidationFailed("node unreachable", errors=[FieldError("url", f"reachable: {exc}", url)]) from None
    if answer.status_code != 200:
        raise ValidationFailed("no node document", errors=[FieldError("url", "answers 200", answer.status_code)])
    try:
        document = answer.json()
    except ValueError:
        raise ValidationFailed("not JSON", errors=[FieldError("url", "answers a JSON node document", url)]) from None
    return from_document(document)
