"""Schemas of buyers, listings, bids, the settlement ledger and the price index."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Flag, Id, Moment, Name, StrictSchema
from backend.markets.models import BUYER_STATUSES, LISTING_STATUSES, MODES

GRADES = ("A", "B", "C")
Code = lambda **kw: fields.String(validate=validate.Length(1, 40), **kw)  # noqa: E731
PricePerKg = lambda **kw: fields.Float(validate=validate.Range(min=0, max=10_000, min_inclusive=False), **kw)  # noqa: E731


class BuyerCreateSchema(StrictSchema):
    company_name = Name(required=True)
    credit_code = fields.String(
        required=True,
        validate=validate.Length(18, 18),
        metadata={"description": "Unified social credit code (GB 32100-2015), with its check character"},
    )
    contact_name = Name(required=True)
    contact_phone = fields.String(required=True, validate=validate.Length(3, 32))
    licences = fields.List(
        Code(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Category codes the company is licensed for (hazardous, e-waste ...)"},
    )


class BuyerSchema(StrictSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    company_name = fields.String()
    credit_code = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    licences = fields.Function(lambda b: [c.code for c in b.licences])
    status = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()
    created_at = fields.DateTime()


class BuyerArgs(StrictSchema):
    status = fields.String(validate=validate.OneOf(BUYER_STATUSES))


class DecisionSchema(StrictSchema):
    approve = Flag(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class ListingCreateSchema(StrictSchema):
    lot_id = Id(required=True, metadata={"description": "A lot shipped to (or received at) the market"})
    grade = fields.String(load_default="B", validate=validate.OneOf(GRADES))
    contamination_pct = fields.Float(load_default=0.0, validate=validate.Range(0, 100))
    reserve_per_kg = fields.Float(required=True, validate=validate.Range(min=0, max=10_000))
    mode = fields.String(load_default="auction", validate=validate.OneOf(MODES))
    fixed_price_per_kg = PricePerKg(allow_none=True, metadata={"description": "Fixed-price offers only"})
    closes_at = Moment(required=True, metadata={"description": "End of bidding, or of the fixed-price offer"})


class ListingSchema(StrictSchema):
    id = fields.Integer()
    market_id = fields.Integer()
    lot_id = fields.Integer()
    center_id = fields.Integer()
    category = fields.Function(lambda x: x.category.code)
    grade = fields.String()
    weight_kg = fields.Float()
    contamination_pct = fields.Float()
    reserve_per_kg = fields.Decimal(as_string=True)
    mode = fields.String()
    fixed_price_per_kg = fields.Decimal(as_string=True, allow_none=True)
    closes_at = fields.DateTime()
    status = fields.String()
    buyer_id = fields.Integer(allow_none=True)
    price_per_kg = fields.Decimal(as_string=True, allow_none=True)
    awarded_at = fields.DateTime(allow_none=True)
    delivered_kg = fields.Float(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class ListingArgs(StrictSchema):
    market_id = Id()
    status = fields.String(validate=validate.OneOf(LISTING_STATUSES))


class BidCreateSchema(StrictSchema):
    price_per_kg = PricePerKg(required=True)


class BidSchema(StrictSchema):
    id = fields.Integer()
    listing_id = fields.Integer()
    buyer_id = fields.Integer()
    price_per_kg = fields.Decimal(as_string=True)
    placed_at = fields.DateTime()


class MyBidSchema(BidSchema):
    listing_status = fields.String()
    won = fields.Boolean()


class DeliverySchema(StrictSchema):
    delivered_kg = fields.Float(required=True, validate=validate.Range(min=0, max=100_000, min_inclusive=False))


class LedgerEntrySchema(StrictSchema):
    id = fields.Integer()
    listing_id = fields.Integer()
    kind = fields.String()
    account = fields.String()
    buyer_id = fields.Integer(allow_none=True)
    site_id = fields.Integer(allow_none=True)
    amount = fields.Decimal(as_string=True)
    description = fields.String()
    created_at = fields.DateTime()


class AccountSchema(StrictSchema):
    owed = fields.Decimal(as_string=True, metadata={"description": "What the company still owes"})
    entries = fields.List(fields.Nested(LedgerEntrySchema))


class IndexArgs(StrictSchema):
    category = Code()
    grade = fields.String(validate=validate.OneOf(GRADES))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class IndexRowSchema(StrictSchema):
    week = fields.Date(metadata={"description": "The Monday that starts the ISO week"})
    category = fields.String()
    grade = fields.String()
    price_per_kg = fields.Decimal(as_string=True)
    trades = fields.Integer()
    tonnes = fields.Float()


class ProposalArgs(StrictSchema):
    margin_pct = fields.Float(load_default=20.0, validate=validate.Range(0, 100))


class ProposalSchema(StrictSchema):
    category = fields.String()
    week = fields.Date()
    index_per_kg = fields.Decimal(as_string=True)
    proposed_amount = fields.Decimal(as_string=True)
    unit = fields.String()
    current_amount = fields.Decimal(as_string=True, allow_none=True)
    effective_from = fields.Date()
