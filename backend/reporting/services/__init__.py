"""Statistics and the audit."""
