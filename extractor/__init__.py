"""Moves chosen apps out of the monolith into a standalone Django REST Framework service."""
