"""Ward staff: accounts, tokens, the audit trail, the admin UI and the staff API."""
