"""Notifications: the outbox of messages to residents (one-time codes, reminders, "on its
way", "collected"), delivered by a job through a pluggable sender, and residents' opt-outs."""
