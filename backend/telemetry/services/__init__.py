"""Ingest of readings, alerts, forecasts, device credentials, retention."""
