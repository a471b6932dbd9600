"""Smart-bin telemetry: readings, bin states, alerts, forecasts, devices, retention, and the
device contract (payload codec, topics, broker passwords and ACL) that iot/ transports."""
