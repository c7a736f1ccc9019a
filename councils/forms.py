"""Forms of the council pages."""
