from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from bloc.audit.models import AuditEvent, AuditHead
from bloc.core import auditlog


def audit_head_get() -> auditlog.Head:
    """The recorded head; a missing head row reads as the empty log's head."""
    row = AuditHead.objects.filter(pk=1).first()
    return row.as_head() if row is not None else auditlog.Head()


def audit_event_list(*, after_seq: int = 0, limit: int = 100) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(seq__gt=after_seq).order_by("seq")[:limit]


def _stored_chain() -> Iterator[auditlog.LinkedEvent]:
    for row in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000):
        yield row.to_linked()


def audit_verify(expected_head: auditlog.Head | None = None) -> auditlog.Verification:
    """Verify the stored chain against the stored head (or a witness's copy of it)."""
    head = expected_head if expected_head is not None else audit_head_get()
    return auditlog.verify(_stored_chain(), head)
