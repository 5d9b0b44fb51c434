"""The system held to its promises from outside: its schema, faults, hostile input."""
