"""Use cases: check the rules, call storage, return plain data. No aiogram here."""
