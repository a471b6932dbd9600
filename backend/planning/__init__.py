"""Daily plans: the routing model built from the registry, telemetry and bookings; the solve
job; dispatch, re-plan and stop events; the fixed-round baseline."""
