"""State changes: each is one named function that runs in a transaction and writes the audit log."""
