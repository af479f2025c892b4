"""What several test modules share: helpers, constants and the catalogs they start from.
Test modules and conftest files import from here; no test module imports another."""
