"""Schemas of intake, lots, prices, wallets and statistics."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Day, Id, StrictSchema
from backend.intake.models import GRADES

Kg = lambda **kw: fields.Float(validate=validate.Range(min=0, max=100_000), **kw)  # noqa: E731
Code = lambda **kw: fields.String(validate=validate.Length(1, 40), **kw)  # noqa: E731


class IntakeLineSchema(StrictSchema):
    category = Code(required=True)
    gross_kg = Kg(required=True)
    tare_kg = Kg(metadata={"description": "Default: the vehicle's tare on file"})
    grade = fields.String(load_default="B", validate=validate.OneOf(GRADES))
    contamination_pct = fields.Float(load_default=0.0, validate=validate.Range(0, 100))
    net_kg = fields.Float(dump_only=True)


class IntakeLineOut(IntakeLineSchema):
    category = fields.Function(lambda line: line.category.code)


class BookingWeightSchema(StrictSchema):
    booking_id = Id(required=True)
    category = Code(required=True)
    quantity = fields.Float(required=True, validate=validate.Range(min=0, max=10_000, min_inclusive=False))
    kg = fields.Float(dump_only=True)


class BookingWeightOut(BookingWeightSchema):
    category = fields.Function(lambda w: w.category.code)


class IntakeCreateSchema(StrictSchema):
    vehicle_id = Id(required=True)
    route_id = Id(allow_none=True)
    lines = fields.List(fields.Nested(IntakeLineSchema), required=True, validate=validate.Length(1, 30))
    booking_weights = fields.List(fields.Nested(BookingWeightSchema), load_default=list)
    corrects_id = Id(allow_none=True, metadata={"description": "The intake this one corrects (a new record)"})
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class IntakeSchema(StrictSchema):
    id = fields.Integer()
    center_id = fields.Integer()
    vehicle_id = fields.Integer()
    route_id = fields.Integer(allow_none=True)
    operator_id = fields.Integer()
    corrects_id = fields.Integer(allow_none=True)
    reason = fields.String()
    weighed_at = fields.DateTime()
    lines = fields.List(fields.Nested(IntakeLineOut))
    booking_weights = fields.List(fields.Nested(BookingWeightOut))


class StockSchema(StrictSchema):
    category = fields.String()
    name_en = fields.String()
    name_zh = fields.String()
    kg = fields.Float()


class LotCreateSchema(StrictSchema):
    category = Code(required=True)
    market_id = Id(required=True)
    weight_kg = fields.Float(required=True, validate=validate.Range(min=0, max=100_000, min_inclusive=False))
    price_per_kg = fields.Float(required=True, validate=validate.Range(min=0, max=10_000))


class LotSchema(StrictSchema):
    id = fields.Integer()
    center_id = fields.Integer()
    market_id = fields.Integer()
    category_id = fields.Integer()
    weight_kg = fields.Float()
    price_per_kg = fields.Decimal(as_string=True)
    status = fields.String()
    shipped_at = fields.DateTime()
    received_kg = fields.Float(allow_none=True)
    received_at = fields.DateTime(allow_none=True)


class ReceiveSchema(StrictSchema):
    received_kg = fields.Float(required=True, validate=validate.Range(min=0, max=100_000))


class PriceCreateSchema(StrictSchema):
    category = Code(required=True)
    amount = fields.Float(required=True, validate=validate.Range(min=0, max=100_000))
    unit = fields.String(validate=validate.OneOf(("kg", "piece")))
    effective_from = Day(required=True)


class PriceSchema(StrictSchema):
    id = fields.Integer()
    category = fields.Function(lambda p: p.category.code)
    amount = fields.Decimal(as_string=True)
    unit = fields.String()
    effective_from = fields.Date()


class WalletEntrySchema(StrictSchema):
    id = fields.Integer()
    booking_id = fields.Integer(allow_none=True)
    amount = fields.Decimal(as_string=True)
    description = fields.String()
    created_at = fields.DateTime()


class WalletSchema(StrictSchema):
    balance = fields.Decimal(as_string=True)
    entries = fields.List(fields.Nested(WalletEntrySchema))


class EstimateSchema(StrictSchema):
    district = fields.String(required=True, validate=validate.Length(1, 80))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    tonnes = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))


class ArrivalArgs(StrictSchema):
    date = Day(metadata={"description": "Default: today in the city's time zone"})


class _CategoryNamed(StrictSchema):
    category = fields.String(metadata={"description": "Category code"})
    name_en = fields.String()
    name_zh = fields.String()
    unit = fields.String(metadata={"description": "How the category is counted and paid: kg or piece"})


_REPORTED = fields.Float(
    allow_none=True, metadata={"description": "As the crew reported it at the stop (weighed, or from the fill seen)"}
)


class ArrivalCategorySchema(_CategoryNamed):
    expected_kg = fields.Float(metadata={"description": "The plan's estimate"})
    reported_kg = fields.Float(allow_none=True, metadata={"description": "Sum of the stops the crew reported"})
    estimated_kg = fields.Float(
        metadata={"description": "What to expect: reported where reported, else planned; a missed stop brings 0"}
    )


class ArrivalItemSchema(_CategoryNamed):
    quantity = fields.Float(metadata={"description": "As booked, in item_unit"})
    item_unit = fields.String()
    expected_kg = fields.Float()
    reported_kg = fields.Float(
        allow_none=True, metadata={"description": "The stop's reported weight, shared by estimate"}
    )


class ArrivalBookingSchema(StrictSchema):
    booking_id = fields.Integer()
    seq = fields.Integer(metadata={"description": "The stop's place on the route"})
    stop_status = fields.String(metadata={"description": "planned, arrived, done or missed"})
    status = fields.String(metadata={"description": "The booking's status"})
    window_start = fields.DateTime()
    window_end = fields.DateTime()
    expected_kg = fields.Float()
    reported_kg = _REPORTED
    weighable = fields.Boolean(metadata={"description": "Collected and not yet weighed: intake may settle it"})
    items = fields.List(fields.Nested(ArrivalItemSchema))


class ArrivalBinSchema(_CategoryNamed):
    bin_id = fields.Integer()
    seq = fields.Integer()
    stop_status = fields.String()
    place = fields.String(metadata={"description": "The collection point"})
    expected_kg = fields.Float()
    reported_kg = _REPORTED


class ArrivalSchema(StrictSchema):
    route_id = fields.Integer()
    plan_id = fields.Integer()
    seq = fields.Integer(metadata={"description": "The route's number in its plan"})
    vehicle_id = fields.Integer()
    plate = fields.String()
    tare_kg = fields.Float(metadata={"description": "The vehicle's tare on file"})
    capacity_kg = fields.Float()
    driver_id = fields.Integer(allow_none=True)
    driver_name = fields.String(allow_none=True)
    start_at = fields.DateTime()
    end_at = fields.DateTime(metadata={"description": "Planned return to the center"})
    progress = fields.String(
        validate=validate.OneOf(("planned", "on_route", "completed", "weighed")),
        metadata={"description": "planned, on_route, completed (every stop reported) or weighed (an intake names it)"},
    )
    stops_total = fields.Integer()
    stops_done = fields.Integer()
    stops_missed = fields.Integer()
    intake_ids = fields.List(fields.Integer())
    bookings = fields.List(fields.Nested(ArrivalBookingSchema))
    bins = fields.List(fields.Nested(ArrivalBinSchema))
    categories = fields.List(fields.Nested(ArrivalCategorySchema))
    estimated_kg = fields.Float()


class StockHistoryArgs(StrictSchema):
    weeks = fields.Integer(load_default=8, validate=validate.Range(1, 52))


class StockSeriesSchema(_CategoryNamed):
    kg = fields.List(fields.Float(), metadata={"description": "Stock at the end of each week, as `weeks`"})


class StockHistorySchema(StrictSchema):
    weeks = fields.List(fields.Date(), metadata={"description": "Each week's last day (the city's calendar)"})
    categories = fields.List(fields.Nested(StockSeriesSchema))
