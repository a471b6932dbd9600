"""MQTT side of recyclenet: topics, payload codec, ingest worker, bin simulator, broker auth."""
