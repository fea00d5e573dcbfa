"""The store: SQLModel tables, the engine and migrations; the only place that writes SQL."""

from src_dash.store.company import Company, ContactService, SalesRep
from src_dash.store.customers import Contact, Customer
from src_dash.store.dunning import Action, ActionItem, Alert, Message, MessageItem, Scenario, Step
from src_dash.store.dunning import Template as MessageTemplate
from src_dash.store.entries import Entry, ItemState
from src_dash.store.followup import (
    Comment,
    Dispute,
    DisputeItem,
    DisputeReason,
    Flag,
    Promise,
    PromiseItem,
)
from src_dash.store.inbound import InboundMail, MailboxCursor
from src_dash.store.messaging import CompanyMessaging
from src_dash.store.ops import AuditLog, SourceBalance, StoreMeta, SyncCursor, SyncRun
from src_dash.store.planning import ProfileRule
from src_dash.store.space import SpaceAttachment, SpaceEvent, SpaceLink, SpaceThrottle
from src_dash.store.space_handled import SpaceHandled
from src_dash.store.users import (
    CashObjective,
    LoginThrottle,
    PortfolioAssignment,
    User,
    UserSession,
)

__all__ = [
    "Action",
    "ActionItem",
    "Alert",
    "AuditLog",
    "CashObjective",
    "Comment",
    "Company",
    "CompanyMessaging",
    "Contact",
    "ContactService",
    "Customer",
    "Dispute",
    "DisputeItem",
    "DisputeReason",
    "Entry",
    "Flag",
    "InboundMail",
    "ItemState",
    "MailboxCursor",
    "Message",
    "MessageItem",
    "MessageTemplate",
    "PortfolioAssignment",
    "ProfileRule",
    "Promise",
    "PromiseItem",
    "SalesRep",
    "SourceBalance",
    "SpaceAttachment",
    "SpaceEvent",
    "SpaceHandled",
    "SpaceLink",
    "SpaceThrottle",
    "Scenario",
    "Step",
    "StoreMeta",
    "SyncCursor",
    "SyncRun",
    "User",
    "UserSession",
    "LoginThrottle",
]
