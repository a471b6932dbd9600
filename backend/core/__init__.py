"""The small core every domain stands on: settings, database, extensions, errors, service
helpers, idempotency, pagination, authentication. It imports no domain."""
