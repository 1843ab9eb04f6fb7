"""Notifications: replies to a member's comment and @mentions of a member (its own Django app)."""
