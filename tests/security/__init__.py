"""OWASP API Security Top 10 (2023): one module per category (API9, inventory, sits with the schema tests)."""
