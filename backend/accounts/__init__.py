"""Accounts: users, their roles and sorting centers, passwords, tokens."""
