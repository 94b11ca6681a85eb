"""Messengers: MAX adapter and the session that routes calls by messenger."""
