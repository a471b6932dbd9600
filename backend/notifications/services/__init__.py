"""The outbox (outbox), its senders (senders), and the messages about pickups (pickups)."""
