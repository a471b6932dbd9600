"""Collection channels beyond the resident's app: the call center (agents find, register and
book for callers by phone number; callers sign up later with the same number)."""
