"""Staff authentication and authorisation: users, roles, permissions, sessions, API tokens."""
