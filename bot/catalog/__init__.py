"""The catalog: what the ward collects, how, where and when, kept in the database."""
