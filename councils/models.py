"""Councils, their members, meetings, agendas and minutes (next step: see docs/ARCHITECTURE.md)."""
