"""The council pages: bodies, meetings, minutes and documents."""
