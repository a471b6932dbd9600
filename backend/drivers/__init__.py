"""The driver in the loop: who drives which truck on a day, the driver's own route of the day
with its stops, the stop events a phone reports (arrived, collected, missed: idempotent by the
phone's own event ids, ordered by when they happened), photos as proof of service, the trucks'
positions, and what the platform learns from it (actual service and travel times, weights)."""
