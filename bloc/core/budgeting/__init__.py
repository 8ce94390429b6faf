"""Participatory budgeting: Pabulib files and the rules cities count them by."""
