"""The audit trail: who changed what, when, and the values before and after.

Every domain's services record an event in the same transaction as the change they make,
so a rolled-back change leaves no event and no committed change lacks one. Admins read the
trail through ``GET /api/v1/audit-log``.
"""
