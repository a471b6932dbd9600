"""The demo city: a deterministic Hangzhou registry and the fill process its bins follow."""
