"""shoken's shared layer: domain models, data access, sessions, email, ids and clock used by every function."""
