"""Statistics and the mass-balance audit, read across every domain."""
