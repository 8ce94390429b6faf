"""Listening pages."""
