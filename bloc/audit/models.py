from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bloc.core import auditlog


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained log (see bloc.core.auditlog)."""

    seq = models.PositiveBigIntegerField(primary_key=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=64, db_index=True)
    actor = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=128, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def to_linked(self) -> auditlog.LinkedEvent:
        event = auditlog.Event(
            seq=self.seq,
            at=auditlog.format_time(self.at),
            action=self.action,
            actor=self.actor,
            subject=self.subject,
            data=self.data,
        )
        return auditlog.LinkedEvent(event=event, prev_hash=self.prev_hash, hash=self.hash)


class AuditHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Appending locks this row, which serialises writers (PostgreSQL) and lets
    verification notice events cut from the end of the log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=auditlog.GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"head #{self.seq}"

    def as_head(self) -> auditlog.Head:
        return auditlog.Head(seq=self.seq, hash=self.hash)
