"""Identity and access: organisations, users, roles, API keys, web sessions."""
