"""The benchmark's event for FastStream: the same ten fields as bench/workload.ts, and a pydantic
model with the same rules as bench/order-contract.ts (validated on consume, extra keys refused),
so FastStream does the validation work nestream and nest+validation do."""
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

ADDRESS = "Flat 4, 221B Baker Street, Marylebone, London NW1 6XE, United Kingdom; leave at the door, ring twice"
NOTE = " ".join(["Gift wrap please."] * 36)
CREATED_AT = "2025-01-01T12:00:00.000Z"


class OrderCreated(BaseModel):
    model_config = ConfigDict(extra="forbid")

    orderId: UUID
    seq: int = Field(ge=0, strict=True)
    customerId: str
    email: EmailStr
    currency: Literal["EUR", "USD", "GBP"]
    amount: float = Field(ge=0)
    createdAt: datetime
    sentAt: float
    shippingAddress: str = Field(max_length=200)
    note: str = Field(max_length=2000)


def make_order(seq: int, sent_at_ms: float) -> dict:
    """The event as JSON-ready data, byte for byte what bench/workload.ts's makeOrder builds."""
    return {
        "orderId": f"00000000-0000-4000-8000-{seq:012x}",
        "seq": seq,
        "customerId": "customer-42",
        "email": "ada@example.com",
        "currency": "EUR",
        "amount": 123.45,
        "createdAt": CREATED_AT,
        "sentAt": sent_at_ms,
        "shippingAddress": ADDRESS,
        "note": NOTE,
    }
