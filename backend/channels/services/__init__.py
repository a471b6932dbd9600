"""The channels' services: phone numbers and codes, callers and agents' bookings."""
