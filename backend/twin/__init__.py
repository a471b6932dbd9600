"""The digital twin: need-based collection against the best fixed schedule, on simulated days."""
