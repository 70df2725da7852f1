"""All tables of the CRM. Import from here so alembic and the app see the same metadata."""

from .audit import AuditEntry
from .base import utcnow
from .customers import (
    Company,
    CompanyTag,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    LifecycleStage,
    Tag,
)
from .customization import CustomField, FieldType, Segment
from .data_moves import DuplicateDismissal, ImportBatch, ImportChange
from .messaging import Job, JobStatus, MailMessage, MailStatus, Notification, WorkerLease
from .sales import (
    Deal,
    DealLine,
    DealStageChange,
    ExchangeRate,
    Order,
    OrderLine,
    Pipeline,
    Product,
    Stage,
)
from .users import RateLimitHit, Role, Setting, User, UserSession
from .work import Activity, ActivityKind, Task, Ticket, TicketComment, TicketPriority, TicketStatus

__all__ = [
    "Activity",
    "ActivityKind",
    "AuditEntry",
    "Company",
    "CompanyTag",
    "CustomField",
    "FieldType",
    "ImportBatch",
    "ImportChange",
    "Job",
    "JobStatus",
    "MailMessage",
    "MailStatus",
    "Notification",
    "WorkerLease",
    "Segment",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "ContactTag",
    "Deal",
    "DealLine",
    "DealStageChange",
    "DuplicateDismissal",
    "ExchangeRate",
    "LifecycleStage",
    "Order",
    "OrderLine",
    "Pipeline",
    "Product",
    "RateLimitHit",
    "Role",
    "Setting",
    "Stage",
    "Tag",
    "Task",
    "Ticket",
    "TicketComment",
    "TicketPriority",
    "TicketStatus",
    "User",
    "UserSession",
    "utcnow",
]
